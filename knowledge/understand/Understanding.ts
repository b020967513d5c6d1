/**
 * The recognizer the dialogs use: the trained model (`learn/SoftmaxModel`, classes = topics,
 * conversational intents and "out of scope") fused with the lexical ranking
 * (`KnowledgeIndex`, BM25), behind the same `search(text, options)` as the index.
 *
 * - Fusion: the model's probabilities are multiplied by exp(lexicalWeight x the lexical
 *   confidence) of each topic the lexical ranking found, then renormalised (a sum of log-odds).
 * - Long messages: the message is cut into sentences; the sentences that ask something weigh as
 *   much as the whole message, so a question after a long story is what gets answered. When two
 *   sentences clearly ask about two different topics, the first is answered and the second is
 *   offered (`also`).
 * - Denials: clauses that name a topic only to say it is not the question ("ce n'est pas une
 *   réclamation, ...", "not a medical question: ...") are set aside before reading
 *   (`setAsideDenials`), and the topic they name loses the share the model gives it on them.
 * - Decision: an intent when the likeliest class is one; a fallback when it is "out of scope" or
 *   nothing is likely enough (unless one question of a long message is sure of a topic: that one
 *   is answered, the off-topic one beside it is not); a clarifying question only when two topics
 *   share most of the probability.
 */
import type { Locale } from '../schema.js';
import type { KnowledgeIndex, SearchHit, SearchOptions, SearchResult } from '../search/KnowledgeIndex.js';
import type { SoftmaxModel } from '../../learn/SoftmaxModel.js';
import { INTENT_CLASSES, OUT_OF_SCOPE, type IntentClass } from './UnderstandingExamples.js';
import { setAsideDenials } from './setAsideDenials.js';

/** Thresholds and weights, chosen on the tuning half of the blind round (tests/eval/ROUNDS.md). */
export const UNDERSTANDING = {
  /** How much the lexical confidence of a topic adds to its log-odds. */
  lexicalWeight: 3,
  /** The likeliest topic is answered at or above this probability. */
  answer: 0.4,
  /** An intent is acted on at or above this probability. */
  intent: 0.5,
  /**
   * Asking for a person is acted on from this probability when it is the likeliest class: a
   * request missed leaves someone without a human, an offer made wrongly costs a click. On the
   * tuning halves of rounds 7-18 (ninth session), the lines where it led below `intent` were 3
   * requests and nothing else.
   */
  handoff: 0.35,
  /** Two topics are offered as a choice when together they hold this much... */
  clarifyTogether: 0.6,
  /** ...and the second holds at least this share of the first. */
  clarifyRatio: 0.6,
  /** A sentence "clearly asks" about a topic at or above this probability (two questions in one message). */
  sentenceSure: 0.6,
  /** Messages with more words than this are read sentence by sentence too. */
  longWords: 12,
  /** How much of a topic's probability a clause that puts it aside ("ce n'est pas une réclamation") takes away, times the model's reading of that clause. */
  deniedDiscount: 1,
} as const;

export type Thresholds = { -readonly [K in keyof typeof UNDERSTANDING]: number };

/** What the recognizer adds to a search result. */
export interface Understood extends SearchResult {
  /** A conversational intent the model is sure enough of (the dialogs act on it instead of a topic). */
  intent?: IntentClass;
  /** A second topic the message clearly asks about, to offer as a button after the answer. */
  also?: string;
  /** Probability that the message is outside what the MDU answers. */
  outOfScope?: number;
}

/** Sentences of a message, with whether each asks something. */
export function splitSentences(text: string): { text: string; asks: boolean }[] {
  const parts = text.match(/[^.!?;\n…]+[.!?;\n…]*/g) ?? [];
  return parts
    .map((p) => ({ text: p.trim(), asks: /\?/.test(p) }))
    .filter((p) => /\p{L}/u.test(p.text) && p.text.split(/\s+/).length >= 2);
}

export class Understanding {
  private readonly topicOf: Int32Array;
  private readonly classIndex: Map<string, number>;
  private readonly intentOf: Map<number, IntentClass>;
  private readonly outOfScope: number;

  constructor(
    private readonly index: Pick<KnowledgeIndex, 'search'>,
    private readonly model: SoftmaxModel,
    topicIds: readonly string[],
    private readonly thresholds: Thresholds = { ...UNDERSTANDING },
  ) {
    this.classIndex = new Map(model.classes.map((c, i) => [c, i]));
    const topics = new Set(topicIds);
    this.topicOf = Int32Array.from(model.classes, (c) => (topics.has(c) ? 1 : 0));
    model.requireClasses([...topicIds, ...INTENT_CLASSES, OUT_OF_SCOPE]);
    this.intentOf = new Map();
    for (const id of INTENT_CLASSES) {
      const i = this.classIndex.get(id);
      if (i !== undefined) this.intentOf.set(i, id);
    }
    this.outOfScope = this.classIndex.get(OUT_OF_SCOPE) ?? -1;
  }

  /** The likeliest topics, intents and out-of-scope for a message, fused with the lexical ranking. */
  search(message: string, options: SearchOptions = {}): Understood {
    // "ce n'est pas une réclamation, je voudrais savoir...": read without the topic put aside.
    const denial = setAsideDenials(message);
    const text = denial?.kept ?? message;
    const lexical = this.index.search(text, options);
    const probs = this.fuse(this.model.predict(text), lexical.hits);
    let also: string | undefined;
    let first: string | undefined;
    let surest: string | undefined;
    const sentences = text.split(/\s+/).length > this.thresholds.longWords || /[.!?;\n…]\s*\S/.test(text.trim()) ? splitSentences(text) : [];
    if (sentences.length >= 2) {
      const mix = new Float64Array(probs.length);
      let weight = 0;
      const sure: string[] = [];
      for (const s of sentences) {
        const p = this.model.predict(s.text);
        const w = s.asks ? 2 : 1;
        for (let c = 0; c < p.length; c++) mix[c] = (mix[c] as number) + w * (p[c] as number);
        weight += w;
        const best = argmax(p);
        const id = this.model.classes[best] as string;
        if (s.asks && this.topicOf[best] === 1 && (p[best] as number) >= this.thresholds.sentenceSure && !sure.includes(id)) sure.push(id);
      }
      for (let c = 0; c < probs.length; c++) probs[c] = 0.5 * (probs[c] as number) + (0.5 * (mix[c] as number)) / weight;
      if (sure.length >= 2) [first, also] = sure;
      surest = sure[0];
    }
    if (denial) this.discount(probs, denial.denied);
    return this.decide(probs, lexical.locale, first, also, surest);
  }

  /**
   * The topic the set-aside clauses name loses the share of its probability the model gives it
   * on those clauses alone (one model pass on a few words), handed to the other topics.
   */
  private discount(probs: Float64Array, denied: string): void {
    const p = this.model.predict(denied);
    let c = -1;
    for (let i = 0; i < p.length; i++) if (this.topicOf[i] === 1 && (c < 0 || (p[i] as number) > (p[c] as number))) c = i;
    if (c < 0) return;
    // The question kept is itself sure of that topic ("not about being kept against my will, about
    // whether I can refuse a medication": both name consent): the denial named another side of it.
    if (argmax(probs) === c && (probs[c] as number) >= this.thresholds.sentenceSure) return;
    const removed = (probs[c] as number) * (p[c] as number) * this.thresholds.deniedDiscount;
    let others = 0;
    for (let i = 0; i < probs.length; i++) if (this.topicOf[i] === 1 && i !== c) others += probs[i] as number;
    if (others <= 0) return;
    probs[c] = (probs[c] as number) - removed;
    for (let i = 0; i < probs.length; i++) if (this.topicOf[i] === 1 && i !== c) probs[i] = (probs[i] as number) * (1 + removed / others);
  }

  /**
   * The lexical ranking re-ranks the topics among themselves; whether the message is about a
   * topic at all (rather than an intent or something else) stays the model's call: the topics
   * keep the share of probability the model gave them. (Letting the lexical boost add to that
   * share answered "what's the weather this weekend?" with the opening hours.)
   */
  private fuse(p: Float64Array, hits: readonly SearchHit[]): Float64Array {
    const out = Float64Array.from(p);
    let before = 0;
    for (let c = 0; c < out.length; c++) if (this.topicOf[c] === 1) before += out[c] as number;
    for (const hit of hits) {
      const c = this.classIndex.get(hit.topicId);
      if (c !== undefined) out[c] = (out[c] as number) * Math.exp(this.thresholds.lexicalWeight * hit.confidence);
    }
    let after = 0;
    for (let c = 0; c < out.length; c++) if (this.topicOf[c] === 1) after += out[c] as number;
    for (let c = 0; c < out.length; c++) if (this.topicOf[c] === 1) out[c] = ((out[c] as number) * before) / after;
    return out;
  }

  /** The probability an intent is acted on with: its own, or for small talk, that of all small talk together. */
  private intentProbability(probs: Float64Array, best: number, intent: IntentClass): number {
    if (!SMALL_TALK.has(intent)) return probs[best] as number;
    let pooled = 0;
    for (const [c, id] of this.intentOf) if (SMALL_TALK.has(id)) pooled += probs[c] as number;
    return pooled;
  }

  /**
   * `surest`: a topic one asking sentence of a long message is sure of. When the whole leans out of
   * scope (an off-topic question beside it: "y a des toilettes ? et surtout, vous fermez à quelle
   * heure ?"), that sentence's topic is answered rather than nothing.
   */
  private decide(probs: Float64Array, locale: Locale, first: string | undefined, also: string | undefined, surest?: string): Understood {
    const t = this.thresholds;
    // The likeliest class and the five likeliest topics, highest first, ties in class order (no sort of every class).
    let best = 0;
    const top: number[] = [];
    for (let c = 0; c < probs.length; c++) {
      const p = probs[c] as number;
      if (p > (probs[best] as number)) best = c;
      if (this.topicOf[c] !== 1 || (top.length === TOP_HITS && p <= (probs[top[TOP_HITS - 1] as number] as number))) continue;
      let at = top.length;
      while (at > 0 && (probs[top[at - 1] as number] as number) < p) at--;
      top.splice(at, 0, c);
      if (top.length > TOP_HITS) top.pop();
    }
    const hits: SearchHit[] = top.map((c) => ({ topicId: this.model.classes[c] as string, score: round(probs[c] as number), confidence: round(probs[c] as number) }));
    const outOfScope = this.outOfScope >= 0 ? round(probs[this.outOfScope] as number) : 0;
    const intent = this.intentOf.get(best);
    if (intent !== undefined) {
      return this.intentProbability(probs, best, intent) >= (intent === 'handoff_request' ? t.handoff : t.intent) ? { locale, decision: 'fallback', hits, intent, outOfScope } : { locale, decision: 'fallback', hits, outOfScope };
    }
    if (best === this.outOfScope) {
      const rescued = surest === undefined ? undefined : hits.find((h) => h.topicId === surest);
      if (rescued) return { locale, decision: 'answer', hits: [rescued, ...hits.filter((h) => h !== rescued)], outOfScope };
      return { locale, decision: 'fallback', hits, outOfScope };
    }
    if (first !== undefined && also !== undefined && hits.some((h) => h.topicId === first)) {
      const chosen = hits.find((h) => h.topicId === first) as SearchHit;
      return { locale, decision: 'answer', hits: [chosen, ...hits.filter((h) => h !== chosen)], also, outOfScope };
    }
    const [h1, h2] = hits;
    if (h1 && h1.confidence >= t.answer) return { locale, decision: 'answer', hits, outOfScope };
    if (h1 && h2 && h1.confidence + h2.confidence >= t.clarifyTogether && h2.confidence >= t.clarifyRatio * h1.confidence) return { locale, decision: 'clarify', hits, outOfScope };
    if (h1 && h1.confidence >= t.answer * 0.75 && h1.confidence >= 2 * (h2?.confidence ?? 0)) return { locale, decision: 'answer', hits, outOfScope };
    return { locale, decision: 'fallback', hits, outOfScope };
  }
}

/** Greetings, thanks and goodbyes: "ok super thx bye" is all three, and small talk either way. */
const SMALL_TALK: ReadonlySet<IntentClass> = new Set(['greeting', 'thanks', 'goodbye']);

/** How many topics a result lists. */
const TOP_HITS = 5;

function argmax(p: Float64Array): number {
  let best = 0;
  for (let c = 1; c < p.length; c++) if ((p[c] as number) > (p[best] as number)) best = c;
  return best;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** The model's likeliest topics for a text (intents and out-of-scope left out), for curators. */
export function likeliestTopics(model: SoftmaxModel, topicIds: ReadonlySet<string>, text: string, count: number): { topicId: string; probability: number }[] {
  const p = model.predict(text);
  return model.classes
    .map((id, c) => ({ topicId: id, probability: p[c] as number }))
    .filter((t) => topicIds.has(t.topicId))
    .sort((a, b) => b.probability - a.probability || (a.topicId < b.topicId ? -1 : 1))
    .slice(0, count);
}
