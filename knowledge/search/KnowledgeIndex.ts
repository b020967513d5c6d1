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
  /** Example questions longer than this many words are left out of the lexical index (the model learns them). */
  lexicalQuestionWords: 12,
  /** Documents in the other language than the message. */
  otherLanguageFactor: 0.85,
  /** Two neighbouring content words ("peer support", "personne [de] confiance") matched together. */
  pairFactor: 0.5,
  /** Where, when, who, not...: kept for ranking, with this weight. */
  weakWordFactor: 0.6,
  /** A word no topic uses weighs this many times a word found in a single topic. */
  unknownWordFactor: 2,
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
 * How they were chosen: `npx tsx knowledge/search/calibrate.ts` prints, for each candidate
 * `answer` threshold, how many leave-one-question-out searches keep a right answer and how many
 * out-of-domain messages get one. 0.55 is the lowest value where no out-of-domain calibration
 * message, no `fallback` line of `shared/eval/dev.jsonl` and no off-topic held-out message
 * (tests/knowledge/search.heldout.test.ts) is answered; lower thresholds answer a few
 * half-known messages ("météo demain", "horaires de la piscine"). `clarify` needs the second
 * hit within `clarifyRatio` of the first score and both above `clarify`: a tighter ratio (0.92)
 * turned clear questions whose only differences are question words ("what can I do at...")
 * into needless questions back.
 */
export const SEARCH_THRESHOLDS = {
  /** The best hit is answered at or above this confidence. */
  answer: 0.55,
  /** Below this, no hit is offered, not even in a clarification. */
  clarify: 0.3,
  /** The second hit's score is at least this share of the first: the two are nearly tied. */
  clarifyRatio: 0.95,
  /** With no confident answer, two plausible hits this close are offered as a choice. */
  unsureClarifyRatio: 0.7,
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

/** Topic postings of every term, in compressed rows: term i's entries are at [start[i], start[i + 1]). */
interface TopicPostings {
  start: Int32Array;
  topics: Int32Array;
  /** BM25 term-frequency parts of the French and English topic documents (0 when absent). */
  fr: Float32Array;
  en: Float32Array;
}

/** Question postings of every term, in compressed rows. */
interface QuestionPostings {
  start: Int32Array;
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
  private readonly topicPostings: TopicPostings;
  private readonly questionPostings: QuestionPostings;
  private readonly questionTopic: Int32Array;
  private readonly questionLocale: Uint8Array;
  /** Idf mass of each question's terms, for the share of the question the message matched. */
  private readonly questionMass: Float64Array;
  private readonly surface: Map<string, number[]>;
  private fuzzyVocabulary: FuzzyVocabulary | undefined;
  /**
   * What a query word the topics never use weighs against coverage (see `unknownWordFactor`).
   * Unknown words are the best sign that a message is about something else.
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
  /** 1: question touched in this search. */
  private readonly questionMark: Uint8Array;
  /** The topics and questions touched, and the topics of the current query word, in the order met. */
  private readonly touchedTopics: Int32Array;
  private readonly touchedQuestions: Int32Array;
  private readonly slotTopics: Int32Array;

  private constructor(parts: {
    topicIds: string[];
    staff: Uint8Array;
    analyzers: Record<Locale, Analyzer>;
    termIds: Map<string, number>;
    idf: Float64Array;
    termLocales: Uint8Array;
    topicPostings: TopicPostings;
    questionPostings: QuestionPostings;
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
    this.unknownIdf = RANKING.unknownWordFactor * Math.log(1 + (this.size - 0.5) / 1.5);
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
    this.questionMark = new Uint8Array(parts.questionTopic.length);
    this.touchedTopics = new Int32Array(n);
    this.touchedQuestions = new Int32Array(parts.questionTopic.length);
    this.slotTopics = new Int32Array(n);
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
    /** A text's terms (ids), and the pairs of neighbouring content words, analysed once. */
    const analyzeText = (text: string, locale: Locale): { terms: number[]; pairs: number[] } => {
      const analyzer = analyzers[locale];
      const terms: number[] = [];
      const pairs: number[] = [];
      let previous: string | undefined;
      for (const { word, term } of analyzer.terms(text)) {
        const id = termOf(term, word, locale);
        terms.push(id);
        if (analyzer.kind(word) === 'weak') {
          weakTerms.add(id);
          continue;
        }
        if (previous !== undefined && previous !== term) pairs.push(pairOf(pairKey(previous, term), locale));
        previous = term;
      }
      return { terms, pairs };
    };
    const add = (doc: DocBuilder, text: { terms: number[]; pairs: number[] }, weight: number): void => {
      for (const id of text.terms) doc.tf.set(id, (doc.tf.get(id) ?? 0) + weight);
      for (const id of text.pairs) doc.tf.set(id, (doc.tf.get(id) ?? 0) + weight);
      doc.length += weight * text.terms.length;
    };

    topics.forEach((topic, t) => {
      if (seen.has(topic.id)) throw new Error(`KnowledgeIndex.build: the topic id "${topic.id}" appears twice`);
      seen.add(topic.id);
      topicIds.push(topic.id);
      staff[t] = topic.audience === 'staff' ? 1 : 0;
      for (const locale of ['fr', 'en'] as const) {
        const doc: DocBuilder = { topic: t, locale, tf: new Map(), length: 0 };
        const title = analyzeText(topic.title[locale], locale);
        const keywords = topic.keywords[locale].map((k) => analyzeText(k, locale));
        // Long example questions (a situation told in a few sentences) are the trained model's to
        // learn: their side words (a relative, a ward, another topic named in passing) only blur
        // a lexical ranking that answers best on terms.
        const questions = topic.questions[locale].filter((q) => q.split(/\s+/).length <= RANKING.lexicalQuestionWords).map((q) => analyzeText(q, locale));
        add(doc, title, RANKING.titleWeight);
        for (const keyword of keywords) add(doc, keyword, RANKING.keywordWeight);
        for (const question of questions) add(doc, question, RANKING.questionWeight);
        topicDocs.push(doc);
        // The title and each keyword are also questions of sorts ("Accès au dossier médical", "no diagnosis").
        for (const text of [title, ...questions, ...keywords]) {
          if (text.terms.length === 0) continue;
          const q: DocBuilder = { topic: t, locale, tf: new Map(), length: 0 };
          add(q, text, 1);
          questionDocs.push(q);
        }
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

    // Postings in compressed rows (CSR): the entries of term i are at [start[i], start[i + 1]).
    // Topic postings: one entry per (term, topic) with the French and English parts.
    const averageTopic = topicDocs.reduce((s, d) => s + d.length, 0) / Math.max(1, topicDocs.length) || 1;
    const topicStart = new Int32Array(nTerms + 1);
    for (let i = 0; i < nTerms; i++) topicStart[i + 1] = (topicStart[i] as number) + (df[i] as number);
    const topicEntries = topicStart[nTerms] as number;
    const topicOf = new Int32Array(topicEntries);
    const topicFr = new Float32Array(topicEntries);
    const topicEn = new Float32Array(topicEntries);
    const fill = new Int32Array(nTerms);
    lastTopic.fill(-1);
    const slotOf = new Int32Array(nTerms);
    for (const doc of topicDocs) {
      const parts = doc.locale === 'fr' ? topicFr : topicEn;
      for (const [id, tf] of doc.tf) {
        if (lastTopic[id] !== doc.topic) {
          lastTopic[id] = doc.topic;
          const at = (topicStart[id] as number) + (fill[id] as number);
          fill[id] = (fill[id] as number) + 1;
          slotOf[id] = at;
          topicOf[at] = doc.topic;
        }
        parts[slotOf[id] as number] = saturation(tf, doc.length, averageTopic, bTopic);
      }
    }
    const averageQuestion = questionDocs.reduce((s, d) => s + d.length, 0) / Math.max(1, questionDocs.length) || 1;
    const questionStart = new Int32Array(nTerms + 1);
    for (const doc of questionDocs) for (const id of doc.tf.keys()) questionStart[id + 1] = (questionStart[id + 1] as number) + 1;
    for (let i = 0; i < nTerms; i++) questionStart[i + 1] = (questionStart[i + 1] as number) + (questionStart[i] as number);
    const questionEntries = questionStart[nTerms] as number;
    const questionOf = new Int32Array(questionEntries);
    const questionPart = new Float32Array(questionEntries);
    fill.fill(0);
    const questionTopic = new Int32Array(questionDocs.length);
    const questionLocale = new Uint8Array(questionDocs.length);
    const questionMass = new Float64Array(questionDocs.length);
    questionDocs.forEach((doc, q) => {
      questionTopic[q] = doc.topic;
      questionLocale[q] = LOCALE_BIT[doc.locale];
      let mass = 0;
      for (const [id, tf] of doc.tf) {
        if (!pairTerms.has(id)) mass += (idf[id] as number) * (weakTerms.has(id) ? RANKING.weakWordFactor : 1);
        const at = (questionStart[id] as number) + (fill[id] as number);
        fill[id] = (fill[id] as number) + 1;
        questionOf[at] = q;
        questionPart[at] = saturation(tf, doc.length, averageQuestion, bQuestion);
      }
      questionMass[q] = mass;
    });

    return new KnowledgeIndex({
      topicIds,
      staff,
      analyzers,
      termIds,
      idf,
      termLocales: Uint8Array.from(termLocalesList),
      topicPostings: { start: topicStart, topics: topicOf, fr: topicFr, en: topicEn },
      questionPostings: { start: questionStart, questions: questionOf, parts: questionPart },
      questionTopic,
      questionLocale,
      questionMass,
      surface: new Map([...surface].map(([w, ids]) => [w, [...ids].sort((a, b) => a - b)])),
    });
  }

  /** Ranks the topics for a visitor's message and decides whether to answer, clarify or fall back. */
  search(text: string, options: SearchOptions = {}): SearchResult {
    const { locale, ranked: top } = this.rank(text, options, MAX_HITS);
    const hits: SearchHit[] = [];
    let previous = 1;
    top.forEach((h, i) => {
      const rival = i === 0 ? (top[1]?.score ?? 0) : (top[0] as RankedTopic).score;
      const margin = i === 0 ? (h.score - rival) / h.score : (h.score - rival) / rival;
      // Confidences never grow down the list.
      const confidence = Math.min(previous, confidenceOf(confidenceFeatures(h, margin)));
      previous = confidence;
      hits.push({ topicId: this.topicIds[h.t] as string, score: round(h.score), confidence: round(confidence) });
    });
    return { locale, decision: decide(hits), hits };
  }

  /**
   * The ranking behind `search`, with the features of every topic touched (for calibration and
   * diagnostics; not part of the interface the bot uses), or of the first `limit` only: the same
   * topics in the same order as the first `limit` of the whole ranking, without ranking the rest.
   */
  rank(text: string, options: SearchOptions = {}, limit = Infinity): { locale: Locale; ranked: RankedTopic[] } {
    const locale = options.locale ?? this.guessLocale(text);
    const slots = this.analyze(text, locale);
    const knownMass = slots.reduce((s, slot) => s + (slot.terms.length > 0 ? slot.mass : 0), 0);
    const queryMass = slots.reduce((s, slot) => s + slot.mass, 0);
    if (knownMass === 0) return { locale, ranked: [] };
    const boost = options.audience === 'staff' ? RANKING.staffBoost : RANKING.visitorStaffFactor;
    const gamma = RANKING.queryCoverageShare;
    const scoreOf = (question: number, topic: number, coverage: number, t: number): number =>
      (RANKING.questionShare * question + (1 - RANKING.questionShare) * topic) * (1 - gamma + gamma * coverage) * (this.staff[t] ? boost : 1);
    const scored = this.score(slots, locale);
    if (limit >= scored.length) {
      const ranked = scored.map(({ t, question, share, topic, covered }) => {
        const coverage = covered / queryMass;
        return { t, topicId: this.topicIds[t] as string, score: scoreOf(question, topic, coverage, t), coverage, share };
      });
      ranked.sort((a, b) => b.score - a.score || (a.topicId < b.topicId ? -1 : 1));
      return { locale, ranked };
    }
    // The first `limit` kept in order as they come (the sort's order: higher score, then topic id):
    // a search reads five of the dozens of topics its words touch.
    const ranked: RankedTopic[] = [];
    for (const { t, question, share, topic, covered } of scored) {
      const coverage = covered / queryMass;
      const score = scoreOf(question, topic, coverage, t);
      const topicId = this.topicIds[t] as string;
      if (ranked.length === limit && !ranksBefore(score, topicId, ranked[limit - 1] as RankedTopic)) continue;
      let at = ranked.length;
      while (at > 0 && ranksBefore(score, topicId, ranked[at - 1] as RankedTopic)) at--;
      ranked.splice(at, 0, { t, topicId, score, coverage, share });
      if (ranked.length > limit) ranked.pop();
    }
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
    for (const { word, group, from } of words) {
      const kind = analyzer.kind(word);
      if (kind === 'stop') continue;
      const weak = kind === 'weak';
      const share = weak ? 1 : Math.min(1, Math.sqrt(from / (contentPerGroup.get(group) ?? 1)));
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
        // Prefer the words of the message's language.
        const inLocale = near.words.filter((w) => (this.surface.get(w) ?? []).some((id) => ((this.termLocales[id] as number) & LOCALE_BIT[locale]) !== 0));
        for (const candidate of (inLocale.length > 0 ? inLocale : near.words).slice(0, RANKING.maxTypoCandidates)) {
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
    const { qAcc, qMatched, tAcc, cAcc, slotBest, slotCover, bestQuestion, bestShare, mark, questionMark, touchedTopics, touchedQuestions, slotTopics } = this;
    let topicCount = 0;
    let questionCount = 0;
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

    const qp = this.questionPostings;
    const tp = this.topicPostings;
    for (const slot of slots) {
      if (slot.terms.length === 0) continue;
      let slotTopicCount = 0;
      const factor = slotFactor(slot);
      const matchedFactor = slot.kind === 'pair' ? 0 : factor;
      for (let k = 0; k < slot.terms.length; k++) {
        const id = slot.terms[k] as number;
        const base = (slot.weights[k] as number) * (this.idf[id] as number);
        const w = base * factor;
        const cover = slot.kind === 'word' ? base : 0;
        for (let j = qp.start[id] as number, end = qp.start[id + 1] as number; j < end; j++) {
          const q = qp.questions[j] as number;
          if (questionMark[q] === 0) {
            questionMark[q] = 1;
            touchedQuestions[questionCount++] = q;
          }
          qAcc[q] = (qAcc[q] as number) + w * (qp.parts[j] as number) * (this.questionLocale[q] === bit ? 1 : lf);
          qMatched[q] = (qMatched[q] as number) + base * matchedFactor;
        }
        for (let j = tp.start[id] as number, end = tp.start[id + 1] as number; j < end; j++) {
          const t = tp.topics[j] as number;
          if ((mark[t] as number) < 2) {
            if (mark[t] === 0) touchedTopics[topicCount++] = t;
            mark[t] = 2;
            slotTopics[slotTopicCount++] = t;
          }
          const v = w * Math.max((tp.fr[j] as number) * frFactor, (tp.en[j] as number) * enFactor);
          if (v > (slotBest[t] as number)) slotBest[t] = v;
          if (cover > (slotCover[t] as number)) slotCover[t] = cover;
        }
      }
      for (let i = 0; i < slotTopicCount; i++) {
        const t = slotTopics[i] as number;
        tAcc[t] = (tAcc[t] as number) + (slotBest[t] as number);
        cAcc[t] = (cAcc[t] as number) + (slotCover[t] as number);
        slotBest[t] = 0;
        slotCover[t] = 0;
        mark[t] = 1;
      }
    }
    const beta = RANKING.questionCoverageShare;
    for (let i = 0; i < questionCount; i++) {
      const q = touchedQuestions[i] as number;
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
      questionMark[q] = 0;
    }
    const out: ScoredTopic[] = new Array(topicCount);
    for (let i = 0; i < topicCount; i++) {
      const t = touchedTopics[i] as number;
      out[i] = { t, question: bestQuestion[t] as number, share: bestShare[t] as number, topic: tAcc[t] as number, covered: cAcc[t] as number };
      bestQuestion[t] = 0;
      bestShare[t] = 0;
      tAcc[t] = 0;
      cAcc[t] = 0;
      mark[t] = 0;
    }
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

/** Whether a topic of this score and id comes before `other` in a ranking (the order `rank` sorts in). */
function ranksBefore(score: number, topicId: string, other: RankedTopic): boolean {
  return score > other.score || (score === other.score && topicId < other.topicId);
}

/** Features of one hit, from which its confidence is computed. */
export interface ConfidenceFeatures {
  /** Share of the message's meaningful words (idf-weighted) that the topic contains, 0..1. */
  coverage: number;
  /** Dice similarity (idf-weighted) of the message and the topic's best-matching question, 0..1. */
  share: number;
  /**
   * How far ahead of the next hit (0..1; for hits after the first, how far behind the best,
   * -1..0), times the coverage: a lead built on one word of a long message is no lead.
   */
  marginCoverage: number;
}

export function confidenceFeatures(hit: Pick<RankedTopic, 'coverage' | 'share'>, margin: number): ConfidenceFeatures {
  return { coverage: hit.coverage, share: hit.share, marginCoverage: margin * hit.coverage };
}

/**
 * Logistic calibration of the confidence, fitted by `knowledge/search/calibrate.ts` on
 * leave-one-question-out searches over the topics (is the best hit the topic the question was
 * taken from?) and on out-of-domain messages (never right, weighted up). Re-run it when the
 * topics change a lot; the figures it prints say what each answer threshold keeps and lets through.
 */
export const CONFIDENCE_MODEL = { bias: -3.1, coverage: 0.62, share: 4.4, marginCoverage: 3.53 } as const;

/** Calibrated confidence of a hit (0..1): about the chance that it is the topic meant. */
export function confidenceOf(f: ConfidenceFeatures): number {
  const m = CONFIDENCE_MODEL;
  const z = m.bias + m.coverage * f.coverage + m.share * f.share + m.marginCoverage * f.marginCoverage;
  return 1 / (1 + Math.exp(-z));
}

/**
 * Answer when the best hit is confident; clarify when two hits are plausible and either nearly
 * tied or, with no confident answer, close (the message may well be about one of them); fall
 * back otherwise.
 */
function decide(hits: readonly SearchHit[]): SearchResult['decision'] {
  const [first, second] = hits;
  const t = SEARCH_THRESHOLDS;
  if (!first || first.confidence < t.clarify) return 'fallback';
  const plausibleSecond = second !== undefined && second.confidence >= t.clarify;
  if (plausibleSecond && second.score >= t.clarifyRatio * first.score) return 'clarify';
  if (first.confidence >= t.answer) return 'answer';
  return plausibleSecond && second.score >= t.unsureClarifyRatio * first.score ? 'clarify' : 'fallback';
}

