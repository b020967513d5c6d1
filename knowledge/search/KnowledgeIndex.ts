/**
 * The knowledge search engine: finds the topic a visitor's message is about.
 *
 * Pipeline for a message: language detection -> normalisation -> synonyms and abbreviations ->
 * stop words -> stemming (French or English, with the other language's stem as a second chance)
 * -> typo tolerance for words the topics never use -> BM25 ranking -> calibrated confidence ->
 * decision (answer, clarify, fallback).
 *
 * Each topic is indexed twice, per language:
 * - every example question is a small document; a topic gets the score of its best question;
 * - a topic document gathers its title and keywords (weighted up) and all its questions.
 * The two scores are blended. Documents in the other language than the message count a little
 * less but still count, because visitors mix languages ("c quoi le peer support").
 */
import type { Locale } from '../schema.js';
import { Analyzer } from './analyzer.js';
import { tokenize } from './normalize.js';
import { detectLocale, localeCues } from './detectLocale.js';
import type { Synonyms } from './synonyms.js';
import { FuzzyVocabulary } from './typo.js';

export { detectLocale } from './detectLocale.js';
export { loadSynonyms, parseSynonyms, SynonymsFile, type Synonyms } from './synonyms.js';

/** A subset of `Topic`: what search needs. */
export interface IndexableTopic {
  id: string;
  audience: 'all' | 'staff';
  title: { fr: string; en: string };
  questions: { fr: string[]; en: string[] };
  keywords: { fr: string[]; en: string[] };
}

export interface SearchHit {
  topicId: string;
  /** Raw ranking score (BM25 blend); only comparable within one search. */
  score: number;
  /** 0..1, calibrated: about the chance that this topic is what the visitor meant. */
  confidence: number;
}

export interface SearchResult {
  /** The language detected (or the one given). */
  locale: Locale;
  decision: 'answer' | 'clarify' | 'fallback';
  /** Best first, at most 5. */
  hits: SearchHit[];
}

export interface SearchOptions {
  locale?: Locale;
  audience?: 'all' | 'staff';
}

/**
 * Ranking parameters. BM25's usual k1 and b for short question documents; the topic document is
 * long and made of repetitions, so its length counts less (small b).
 */
export const RANKING = {
  k1: 1.2,
  bQuestion: 0.75,
  bTopic: 0.3,
  /** Weight of the best example question in the blend; the topic document gets the rest. */
  questionShare: 0.6,
  /** How much of a question's score depends on its similarity (Dice) with the message. */
  questionCoverageShare: 0.5,
  /** How much of a topic's score depends on the share of the message the topic matched. */
  queryCoverageShare: 0.5,
  /** Field weights in the topic document. */
  titleWeight: 2,
  keywordWeight: 2,
  questionWeight: 1,
  /** Documents in the other language than the message. */
  otherLanguageFactor: 0.85,
  /** Two neighbouring content words ("peer support", "personne [de] confiance") matched together. */
  pairFactor: 0.5,
  /** Where, when, who, not...: kept for ranking, with this weight. */
  weakWordFactor: 0.6,
  /** A word matched through a typo correction, by edit distance. */
  typoWeight: [1, 0.8, 0.6] as readonly number[],
  /** At most this many vocabulary words stand for one misspelt word. */
  maxTypoCandidates: 3,
  /** Staff topics when a member of staff asks... */
  staffBoost: 1.1,
  /** ...and when a visitor asks (or nobody says who asks): visitors' topics come first on a near tie. */
  visitorStaffFactor: 0.92,
} as const;

/**
 * Decision thresholds on the calibrated confidence (see `confidenceOf`).
 *
 * How they were chosen: on the answer and fallback lines of `shared/eval/dev.jsonl`, on the
 * held-out paraphrases of `tests/knowledge/search.heldout.test.ts` and on out-of-domain
 * messages (weather, recipes, sport, shopping...), `answer` is the lowest value that keeps every
 * out-of-domain message out, with a safety margin; `clarify` needs two candidates whose scores
 * are within `clarifyRatio` of each other and both above `clarify`.
 */
export const SEARCH_THRESHOLDS = {
  /** The best hit is answered at or above this confidence. */
  answer: 0.5,
  /** Below this, even the best hit is not offered. */
  clarify: 0.3,
  /** The second hit's score is at least this share of the first: the two are close. */
  clarifyRatio: 0.92,
} as const;

const MAX_HITS = 5;

interface Slot {
  /** Alternatives: term ids and their weights (1 exact, less for typo corrections). */
  terms: number[];
  weights: number[];
  /** A content word, a weak word (where, when, not...) or two neighbouring words (a bonus for phrases). */
  kind: 'word' | 'weak' | 'pair';
  /** Found as such (not through a typo correction). */
  exact: boolean;
  /** What the slot weighs in the query's coverage (0 for weak words and pairs). */
  mass: number;
}

/** How much a slot's matches count in the ranking. */
function slotFactor(slot: Slot): number {
  return slot.kind === 'weak' ? RANKING.weakWordFactor : slot.kind === 'pair' ? RANKING.pairFactor : 1;
}

/** The term of two neighbouring words. */
function pairKey(a: string, b: string): string {
  return `${a} ${b}`;
}

interface TopicPosting {
  topics: Int32Array;
  fr: Float32Array;
  en: Float32Array;
}

interface QuestionPosting {
  questions: Int32Array;
  parts: Float32Array;
}

/** Per-language raw counts gathered before the index is frozen. */
interface DocBuilder {
  topic: number;
  locale: Locale;
  tf: Map<number, number>;
  length: number;
}

const LOCALE_BIT: Record<Locale, number> = { fr: 1, en: 2 };

export class KnowledgeIndex {
  /** Number of topics indexed. */
  readonly size: number;

  private readonly topicIds: readonly string[];
  private readonly staff: Uint8Array;
  private readonly analyzers: Record<Locale, Analyzer>;
  private readonly termIds: Map<string, number>;
  private readonly termNames: string[];
  private readonly idf: Float64Array;
  private readonly termLocales: Uint8Array;
  private readonly topicPostings: TopicPosting[];
  private readonly questionPostings: QuestionPosting[];
  private readonly questionTopic: Int32Array;
  private readonly questionLocale: Uint8Array;
  /** Idf mass of each question's terms, for the share of the question the message matched. */
  private readonly questionMass: Float64Array;
  private readonly surface: Map<string, number[]>;
  private fuzzyVocabulary: FuzzyVocabulary | undefined;
  /**
   * What a query word the topics never use weighs against coverage: as much as a word found in
   * a single topic. Unknown words are the best sign that a message is about something else.
   */
  private readonly unknownIdf: number;

  // Scratch buffers reused by every search (searches are synchronous, so they never overlap).
  private readonly qAcc: Float64Array;
  private readonly qMatched: Float64Array;
  private readonly tAcc: Float64Array;
  private readonly cAcc: Float64Array;
  private readonly slotBest: Float64Array;
  private readonly slotCover: Float64Array;
  private readonly bestQuestion: Float64Array;
  private readonly bestShare: Float64Array;
  /** 0: topic untouched in this search, 1: touched, 2: touched by the current query word. */
  private readonly mark: Uint8Array;

  private constructor(parts: {
    topicIds: string[];
    staff: Uint8Array;
    analyzers: Record<Locale, Analyzer>;
    termIds: Map<string, number>;
    idf: Float64Array;
    termLocales: Uint8Array;
    topicPostings: TopicPosting[];
    questionPostings: QuestionPosting[];
    questionTopic: Int32Array;
    questionLocale: Uint8Array;
    questionMass: Float64Array;
    surface: Map<string, number[]>;
  }) {
    this.topicIds = parts.topicIds;
    this.size = parts.topicIds.length;
    this.staff = parts.staff;
    this.analyzers = parts.analyzers;
    this.termIds = parts.termIds;
    this.idf = parts.idf;
    this.termLocales = parts.termLocales;
    this.topicPostings = parts.topicPostings;
    this.questionPostings = parts.questionPostings;
    this.questionTopic = parts.questionTopic;
    this.questionLocale = parts.questionLocale;
    this.questionMass = parts.questionMass;
    this.surface = parts.surface;
    this.termNames = [];
    for (const [name, id] of parts.termIds) this.termNames[id] = name;
    this.unknownIdf = Math.log(1 + (this.size - 0.5) / 1.5);
    const n = this.size;
    this.qAcc = new Float64Array(parts.questionTopic.length);
    this.qMatched = new Float64Array(parts.questionTopic.length);
    this.tAcc = new Float64Array(n);
    this.cAcc = new Float64Array(n);
    this.slotBest = new Float64Array(n);
    this.slotCover = new Float64Array(n);
    this.bestQuestion = new Float64Array(n);
    this.bestShare = new Float64Array(n);
    this.mark = new Uint8Array(n);
  }

  /** Builds an index over topics (their title, example questions and keywords, in both languages). */
  static build(topics: readonly IndexableTopic[], synonyms?: Synonyms): KnowledgeIndex {
    const analyzers: Record<Locale, Analyzer> = { fr: new Analyzer('fr', synonyms), en: new Analyzer('en', synonyms) };
    const termIds = new Map<string, number>();
    const termLocalesList: number[] = [];
    const surface = new Map<string, Set<number>>();
    const topicIds: string[] = [];
    const staff = new Uint8Array(topics.length);
    const questionDocs: DocBuilder[] = [];
    const topicDocs: DocBuilder[] = [];
    const seen = new Set<string>();
    const weakTerms = new Set<number>();
    const pairTerms = new Set<number>();

    const termOf = (stem: string, word: string, locale: Locale): number => {
      let id = termIds.get(stem);
      if (id === undefined) {
        id = termIds.size;
        termIds.set(stem, id);
        termLocalesList.push(0);
      }
      termLocalesList[id] = (termLocalesList[id] as number) | LOCALE_BIT[locale];
      const known = surface.get(word);
      if (known) known.add(id);
      else surface.set(word, new Set([id]));
      return id;
    };
    const pairOf = (key: string, locale: Locale): number => {
      let id = termIds.get(key);
      if (id === undefined) {
        id = termIds.size;
        termIds.set(key, id);
        termLocalesList.push(0);
        pairTerms.add(id);
      }
      termLocalesList[id] = (termLocalesList[id] as number) | LOCALE_BIT[locale];
      return id;
    };
    const addText = (doc: DocBuilder, text: string, weight: number): number => {
      const analyzer = analyzers[doc.locale];
      let count = 0;
      let previous: string | undefined;
      for (const { word, term } of analyzer.terms(text)) {
        const id = termOf(term, word, doc.locale);
        doc.tf.set(id, (doc.tf.get(id) ?? 0) + weight);
        doc.length += weight;
        count += 1;
        if (analyzer.kind(word) === 'weak') {
          weakTerms.add(id);
          continue;
        }
        if (previous !== undefined && previous !== term) {
          const pair = pairOf(pairKey(previous, term), doc.locale);
          doc.tf.set(pair, (doc.tf.get(pair) ?? 0) + weight);
        }
        previous = term;
      }
      return count;
    };

    topics.forEach((topic, t) => {
      if (seen.has(topic.id)) throw new Error(`KnowledgeIndex.build: the topic id "${topic.id}" appears twice`);
      seen.add(topic.id);
      topicIds.push(topic.id);
      staff[t] = topic.audience === 'staff' ? 1 : 0;
      for (const locale of ['fr', 'en'] as const) {
        const doc: DocBuilder = { topic: t, locale, tf: new Map(), length: 0 };
        addText(doc, topic.title[locale], RANKING.titleWeight);
        for (const keyword of topic.keywords[locale]) addText(doc, keyword, RANKING.keywordWeight);
        for (const text of topic.questions[locale]) addText(doc, text, RANKING.questionWeight);
        // The title and each keyword are also questions of sorts ("Accès au dossier médical", "no diagnosis").
        for (const text of [topic.title[locale], ...topic.questions[locale], ...topic.keywords[locale]]) {
          const q: DocBuilder = { topic: t, locale, tf: new Map(), length: 0 };
          if (addText(q, text, 1) > 0) questionDocs.push(q);
        }
        topicDocs.push(doc);
      }
    });

    const nTerms = termIds.size;
    const nTopics = topicIds.length;
    // Document frequency at the topic level, whatever the language or field.
    const df = new Int32Array(nTerms);
    const lastTopic = new Int32Array(nTerms).fill(-1);
    for (const doc of topicDocs) {
      for (const id of doc.tf.keys()) {
        if (lastTopic[id] !== doc.topic) {
          lastTopic[id] = doc.topic;
          df[id] = (df[id] as number) + 1;
        }
      }
    }
    const idf = new Float64Array(nTerms);
    for (let i = 0; i < nTerms; i++) idf[i] = Math.log(1 + (nTopics - (df[i] as number) + 0.5) / ((df[i] as number) + 0.5));

    const { k1, bQuestion, bTopic } = RANKING;
    const saturation = (tf: number, length: number, average: number, b: number): number =>
      (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length) / average));

    // Topic postings: one entry per (term, topic) with the French and English parts.
    const averageTopic = topicDocs.reduce((s, d) => s + d.length, 0) / Math.max(1, topicDocs.length) || 1;
    const topicLists: { topics: number[]; fr: number[]; en: number[] }[] = Array.from({ length: nTerms }, () => ({ topics: [], fr: [], en: [] }));
    for (const doc of topicDocs) {
      for (const [id, tf] of doc.tf) {
        const list = topicLists[id] as { topics: number[]; fr: number[]; en: number[] };
        const part = saturation(tf, doc.length, averageTopic, bTopic);
        let at = list.topics.length - 1;
        if (at < 0 || list.topics[at] !== doc.topic) {
          list.topics.push(doc.topic);
          list.fr.push(0);
          list.en.push(0);
          at += 1;
        }
        list[doc.locale][at] = part;
      }
    }
    const averageQuestion = questionDocs.reduce((s, d) => s + d.length, 0) / Math.max(1, questionDocs.length) || 1;
    const questionLists: { questions: number[]; parts: number[] }[] = Array.from({ length: nTerms }, () => ({ questions: [], parts: [] }));
    const questionTopic = new Int32Array(questionDocs.length);
    const questionLocale = new Uint8Array(questionDocs.length);
    const questionMass = new Float64Array(questionDocs.length);
    questionDocs.forEach((doc, q) => {
      questionTopic[q] = doc.topic;
      questionLocale[q] = LOCALE_BIT[doc.locale];
      for (const id of doc.tf.keys()) {
        if (!pairTerms.has(id)) questionMass[q] = (questionMass[q] as number) + (idf[id] as number) * (weakTerms.has(id) ? RANKING.weakWordFactor : 1);
      }
      for (const [id, tf] of doc.tf) {
        const list = questionLists[id] as { questions: number[]; parts: number[] };
        list.questions.push(q);
        list.parts.push(saturation(tf, doc.length, averageQuestion, bQuestion));
      }
    });

    return new KnowledgeIndex({
      topicIds,
      staff,
      analyzers,
      termIds,
      idf,
      termLocales: Uint8Array.from(termLocalesList),
      topicPostings: topicLists.map((l) => ({ topics: Int32Array.from(l.topics), fr: Float32Array.from(l.fr), en: Float32Array.from(l.en) })),
      questionPostings: questionLists.map((l) => ({ questions: Int32Array.from(l.questions), parts: Float32Array.from(l.parts) })),
      questionTopic,
      questionLocale,
      questionMass,
      surface: new Map([...surface].map(([w, ids]) => [w, [...ids].sort((a, b) => a - b)])),
    });
  }

  /** Ranks the topics for a visitor's message and decides whether to answer, clarify or fall back. */
  search(text: string, options: SearchOptions = {}): SearchResult {
    const { locale, ranked } = this.rank(text, options);
    const top = ranked.slice(0, MAX_HITS);
    const hits: SearchHit[] = [];
    let previous = 1;
    top.forEach((h, i) => {
      const rival = i === 0 ? (top[1]?.score ?? 0) : (top[0] as RankedTopic).score;
      const margin = i === 0 ? (h.score - rival) / h.score : (h.score - rival) / rival;
      // Confidences never grow down the list.
      const confidence = Math.min(previous, confidenceOf({ coverage: h.coverage, share: h.share, margin }));
      previous = confidence;
      hits.push({ topicId: this.topicIds[h.t] as string, score: round(h.score), confidence: round(confidence) });
    });
    return { locale, decision: decide(hits), hits };
  }

  /**
   * The ranking behind `search`, with the features of every topic touched (for calibration and
   * diagnostics; not part of the interface the bot uses).
   */
  rank(text: string, options: SearchOptions = {}): { locale: Locale; ranked: RankedTopic[] } {
    const locale = options.locale ?? this.guessLocale(text);
    const slots = this.analyze(text, locale);
    const knownMass = slots.reduce((s, slot) => s + (slot.terms.length > 0 ? slot.mass : 0), 0);
    const queryMass = slots.reduce((s, slot) => s + slot.mass, 0);
    if (knownMass === 0) return { locale, ranked: [] };
    const boost = options.audience === 'staff' ? RANKING.staffBoost : RANKING.visitorStaffFactor;
    const gamma = RANKING.queryCoverageShare;
    const ranked = this.score(slots, locale).map(({ t, question, share, topic, covered }) => {
      const coverage = covered / queryMass;
      const score = (RANKING.questionShare * question + (1 - RANKING.questionShare) * topic) * (1 - gamma + gamma * coverage) * (this.staff[t] ? boost : 1);
      return { t, topicId: this.topicIds[t] as string, score, coverage, share };
    });
    ranked.sort((a, b) => b.score - a.score || (a.topicId < b.topicId ? -1 : 1));
    return { locale, ranked };
  }

  /** The typo index, built on the first misspelt word (most searches need none). */
  private fuzzy(): FuzzyVocabulary {
    this.fuzzyVocabulary ??= new FuzzyVocabulary([...this.surface.keys()].sort());
    return this.fuzzyVocabulary;
  }

  /** Detected language, with the topics' vocabulary as a tie-breaker when the cues say nothing. */
  private guessLocale(text: string): Locale {
    const cues = localeCues(text);
    if (cues.fr !== cues.en) return detectLocale(text);
    let fr = 0;
    let en = 0;
    for (const word of this.analyzers.fr.words(text)) {
      const frId = this.termIds.get(this.analyzers.fr.stem(word));
      const enId = this.termIds.get(this.analyzers.en.stem(word));
      const frOnly = frId !== undefined && ((this.termLocales[frId] as number) & LOCALE_BIT.fr) !== 0;
      const enOnly = enId !== undefined && ((this.termLocales[enId] as number) & LOCALE_BIT.en) !== 0;
      if (frOnly && !enOnly) fr += 1;
      if (enOnly && !frOnly) en += 1;
    }
    return en > fr ? 'en' : 'fr';
  }

  /** Query words -> slots of alternative terms. */
  private analyze(text: string, locale: Locale): Slot[] {
    const analyzer = this.analyzers[locale];
    const other = this.analyzers[locale === 'fr' ? 'en' : 'fr'];
    const words = analyzer.synonyms.applyGrouped(this.repairSpacing(tokenize(text), analyzer));
    // Content words per replacement: an abbreviation expanded into n words weighs about sqrt(n) words.
    const contentPerGroup = new Map<number, number>();
    for (const { word, group } of words) {
      if (analyzer.kind(word) === 'word') contentPerGroup.set(group, (contentPerGroup.get(group) ?? 0) + 1);
    }
    const slots: Slot[] = [];
    const seen = new Set<string>();
    for (const { word, group } of words) {
      const kind = analyzer.kind(word);
      if (kind === 'stop') continue;
      const weak = kind === 'weak';
      const share = weak ? 1 : 1 / Math.sqrt(contentPerGroup.get(group) ?? 1);
      let terms: number[] = [];
      let weights: number[] = [];
      const exact = this.termIds.get(analyzer.stem(word)) ?? this.termIds.get(other.stem(word));
      if (exact !== undefined) {
        terms = [exact];
        weights = [share];
      } else if (this.surface.has(word)) {
        terms = [...(this.surface.get(word) as number[])];
        weights = terms.map(() => share);
      } else if (!weak) {
        const near = this.fuzzy().nearest(word);
        const weight = (RANKING.typoWeight[near.distance] ?? 0) * share;
        for (const candidate of near.words.slice(0, RANKING.maxTypoCandidates)) {
          for (const id of this.surface.get(candidate) ?? []) {
            if (!terms.includes(id)) {
              terms.push(id);
              weights.push(weight);
            }
          }
        }
      }
      if (terms.length === 0 && (weak || word.length < 3 || /^\d+$/.test(word))) continue;
      const key = terms.length > 0 ? terms.join(',') : `?${word}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const slot: Slot = { terms, weights, kind: weak ? 'weak' : 'word', exact: exact !== undefined, mass: 0 };
      slot.mass = weak ? 0 : share * (terms.length > 0 ? Math.max(...terms.map((id) => this.idf[id] as number)) : this.unknownIdf);
      slots.push(slot);
    }
    // Neighbouring words the topics also use side by side.
    const pairs: Slot[] = [];
    let previous: string | undefined;
    for (const slot of slots) {
      if (slot.kind === 'weak') continue;
      const term = slot.exact ? this.termNames[slot.terms[0] as number] : undefined;
      if (previous !== undefined && term !== undefined) {
        const id = this.termIds.get(pairKey(previous, term));
        if (id !== undefined) pairs.push({ terms: [id], weights: [1], kind: 'pair', exact: true, mass: 0 });
      }
      previous = term;
    }
    return [...slots, ...pairs];
  }

  /** Glued words ("pairaidant") are split and split words ("bene voles") glued, when the topics know the result. */
  private repairSpacing(words: string[], analyzer: Analyzer): string[] {
    const known = (w: string): boolean =>
      analyzer.kind(w) !== 'word' || analyzer.synonyms.has(w) || this.surface.has(w) || this.termIds.has(analyzer.stem(w));
    const out: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const word = words[i] as string;
      if (known(word)) {
        out.push(word);
        continue;
      }
      const next = words[i + 1];
      if (next !== undefined && this.surface.has(word + next)) {
        out.push(word + next);
        i += 1;
        continue;
      }
      const previous = out[out.length - 1];
      if (previous !== undefined && analyzer.kind(previous) === 'word' && this.surface.has(previous + word)) {
        out[out.length - 1] = previous + word;
        continue;
      }
      let split = false;
      for (let k = 3; !split && word.length >= 6 && k <= word.length - 3; k++) {
        const a = word.slice(0, k);
        const b = word.slice(k);
        if (this.surface.has(a) && this.surface.has(b)) {
          out.push(a, b);
          split = true;
        }
      }
      if (!split) out.push(word);
    }
    return out;
  }

  /** Accumulates BM25 scores over the postings of the query's terms; leaves the buffers clean. */
  private score(slots: readonly Slot[], locale: Locale): ScoredTopic[] {
    const { qAcc, qMatched, tAcc, cAcc, slotBest, slotCover, bestQuestion, bestShare, mark } = this;
    const touchedTopics: number[] = [];
    const touchedQuestions: number[] = [];
    const lf = RANKING.otherLanguageFactor;
    const frFactor = locale === 'fr' ? 1 : lf;
    const enFactor = locale === 'en' ? 1 : lf;
    const bit = LOCALE_BIT[locale];
    // The message's own mass, on the same scale as a question's, for the Dice similarity.
    let messageMass = 0;
    for (const slot of slots) {
      if (slot.kind === 'word') messageMass += slot.mass;
      else if (slot.kind === 'weak') messageMass += Math.max(...slot.terms.map((id) => this.idf[id] as number)) * RANKING.weakWordFactor;
    }

    for (const slot of slots) {
      if (slot.terms.length === 0) continue;
      const slotTopics: number[] = [];
      const factor = slotFactor(slot);
      const matchedFactor = slot.kind === 'pair' ? 0 : factor;
      slot.terms.forEach((id, k) => {
        const base = (slot.weights[k] as number) * (this.idf[id] as number);
        const w = base * factor;
        const cover = slot.kind === 'word' ? base : 0;
        const qp = this.questionPostings[id] as QuestionPosting;
        for (let j = 0; j < qp.questions.length; j++) {
          const q = qp.questions[j] as number;
          if (qAcc[q] === 0) touchedQuestions.push(q);
          qAcc[q] = (qAcc[q] as number) + w * (qp.parts[j] as number) * (this.questionLocale[q] === bit ? 1 : lf);
          qMatched[q] = (qMatched[q] as number) + base * matchedFactor;
        }
        const tp = this.topicPostings[id] as TopicPosting;
        for (let j = 0; j < tp.topics.length; j++) {
          const t = tp.topics[j] as number;
          if ((mark[t] as number) < 2) {
            if (mark[t] === 0) touchedTopics.push(t);
            mark[t] = 2;
            slotTopics.push(t);
          }
          const v = w * Math.max((tp.fr[j] as number) * frFactor, (tp.en[j] as number) * enFactor);
          if (v > (slotBest[t] as number)) slotBest[t] = v;
          if (cover > (slotCover[t] as number)) slotCover[t] = cover;
        }
      });
      for (const t of slotTopics) {
        tAcc[t] = (tAcc[t] as number) + (slotBest[t] as number);
        cAcc[t] = (cAcc[t] as number) + (slotCover[t] as number);
        slotBest[t] = 0;
        slotCover[t] = 0;
        mark[t] = 1;
      }
    }
    const beta = RANKING.questionCoverageShare;
    for (const q of touchedQuestions) {
      const t = this.questionTopic[q] as number;
      // Dice similarity of the message and the question (idf-weighted): a question the message
      // matches entirely beats a longer one it matches in part, and a one-word keyword is no
      // perfect match for a long message.
      const share = Math.min(1, (2 * (qMatched[q] as number)) / ((this.questionMass[q] as number) + messageMass));
      const value = (qAcc[q] as number) * (1 - beta + beta * share);
      if (value > (bestQuestion[t] as number)) {
        bestQuestion[t] = value;
        bestShare[t] = share;
      }
      qAcc[q] = 0;
      qMatched[q] = 0;
    }
    const out: ScoredTopic[] = touchedTopics.map((t) => {
      const scored = { t, question: bestQuestion[t] as number, share: bestShare[t] as number, topic: tAcc[t] as number, covered: cAcc[t] as number };
      bestQuestion[t] = 0;
      bestShare[t] = 0;
      tAcc[t] = 0;
      cAcc[t] = 0;
      mark[t] = 0;
      return scored;
    });
    return out;
  }
}

/** A topic with its score and the features its confidence comes from. */
export interface RankedTopic {
  t: number;
  topicId: string;
  score: number;
  /** Share of the message's meaningful words (idf-weighted) that the topic contains. */
  coverage: number;
  /** Dice similarity (idf-weighted, 0..1) of the message and the topic's best-matching question, title or keyword. */
  share: number;
}

interface ScoredTopic {
  t: number;
  question: number;
  /** Share of the best question's terms that the message matched. */
  share: number;
  topic: number;
  covered: number;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** Features of one hit, from which its confidence is computed. */
export interface ConfidenceFeatures {
  /** Share of the message's meaningful words (idf-weighted) that the topic contains, 0..1. */
  coverage: number;
  /** Dice similarity (idf-weighted) of the message and the topic's best-matching question, 0..1. */
  share: number;
  /** For the best hit, how far ahead of the second it is (0..1); for the others, how far behind the best (-1..0). */
  margin: number;
}

/**
 * Logistic calibration of the confidence, fitted by `knowledge/search/calibrate.ts` on
 * leave-one-question-out searches over the topics (is the best hit the topic the question was
 * taken from?) and on out-of-domain messages (never right).
 */
export const CONFIDENCE_MODEL = { bias: -3.75, coverage: 1.93, share: 4.18, margin: 1.67 } as const;

/** Calibrated confidence of a hit (0..1). */
export function confidenceOf(f: ConfidenceFeatures): number {
  const m = CONFIDENCE_MODEL;
  const z = m.bias + m.coverage * f.coverage + m.share * f.share + m.margin * f.margin;
  return 1 / (1 + Math.exp(-z));
}

function decide(hits: readonly SearchHit[]): SearchResult['decision'] {
  const [first, second] = hits;
  if (!first || first.confidence < SEARCH_THRESHOLDS.clarify) return 'fallback';
  if (second && second.score >= SEARCH_THRESHOLDS.clarifyRatio * first.score && second.confidence >= SEARCH_THRESHOLDS.clarify) return 'clarify';
  return first.confidence >= SEARCH_THRESHOLDS.answer ? 'answer' : 'fallback';
}
