/**
 * Features of a text that survive spelling: character 2–5-grams of the accent-folded, lower-cased
 * text (across word boundaries, so "rendez vous" and "rendezvous" share most of them), words,
 * neighbouring word pairs and stems (French and English), hashed into a fixed number of buckets.
 *
 * Generic: nothing here knows about topics or the bot. The same function serves training and
 * prediction, so the two can never drift apart.
 */
import frStemmer from 'natural/lib/natural/stemmers/porter_stemmer_fr.js';
import enStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { foldText } from '../knowledge/foldText.js';

/** How a text is turned into features. Stored in the model file: a model is read with its own settings. */
export interface FeatureSettings {
  /** The number of buckets is 2^bits. */
  readonly bits: number;
  readonly minChar: number;
  readonly maxChar: number;
}

/** A sparse vector: bucket indexes (ascending, distinct) and their values (unit length overall). */
export interface SparseVector {
  readonly index: Int32Array;
  readonly value: Float32Array;
}

const FNV_OFFSET = 0x811c9dc5;
/** FNV-1a's multiplier: a hash goes on with `h = Math.imul(h ^ charCode, FNV_PRIME)`, and ends with `h >>> 0`. */
export const FNV_PRIME = 0x01000193;

/** The FNV-1a state after a kind prefix: a feature's hash starts from the seed of its kind (also the safety nets' feature table). */
export function fnvSeed(kind: number): number {
  return Math.imul((FNV_OFFSET ^ kind) >>> 0, FNV_PRIME);
}

/** 32-bit FNV-1a of `text[from, to)`, with a kind prefix mixed in first (`fnvSeed(kind)`). */
function hashRange(seed: number, text: string, from: number, to: number): number {
  let h = seed;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

const KIND = { char: 1, word: 2, pair: 3, stemFr: 4, stemEn: 5 } as const;
const SEED = { char: fnvSeed(KIND.char), word: fnvSeed(KIND.word), pair: fnvSeed(KIND.pair), stemFr: fnvSeed(KIND.stemFr), stemEn: fnvSeed(KIND.stemEn) } as const;
/** What each kind of feature weighs before the vector is normalised: words and stems weigh more than one n-gram. */
const WEIGHT = { char: 1, word: 3, pair: 2, stem: 2 } as const;

/** Per word, the hashes of its French and English stems (the stemmers are the slow part of a word). */
const stemCache = new Map<string, readonly [number, number]>();
function stemHashes(word: string): readonly [number, number] {
  let s = stemCache.get(word);
  if (s === undefined) {
    const fr = frStemmer.stem(word) || word;
    const en = enStemmer.stem(word) || word;
    s = [hashRange(SEED.stemFr, fr, 0, fr.length), hashRange(SEED.stemEn, en, 0, en.length)];
    if (stemCache.size > 100000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** Folded text as the features see it: lower case, no accents, words separated by single spaces. */
export function featureText(text: string): string {
  return foldText(text);
}

/**
 * The weight of each bucket for one text, summed in place: a dense array of 2^bits (zero where
 * untouched) and the list of buckets touched. Reused from text to text: nothing is allocated per
 * feature, and only the touched buckets are cleared.
 */
class BucketCounts {
  private counts = new Float64Array(0);
  private touched = new Int32Array(512);
  private size = 0;

  reset(buckets: number): void {
    if (this.counts.length !== buckets) this.counts = new Float64Array(buckets);
    for (let i = 0; i < this.size; i++) this.counts[this.touched[i] as number] = 0;
    this.size = 0;
  }

  add(bucket: number, weight: number): void {
    const before = this.counts[bucket] as number;
    if (before === 0) {
      if (this.size === this.touched.length) {
        const grown = new Int32Array(this.touched.length * 2);
        grown.set(this.touched);
        this.touched = grown;
      }
      this.touched[this.size++] = bucket;
    }
    this.counts[bucket] = before + weight;
  }

  /** The touched buckets in ascending order, with their sublinear counts scaled to unit length. */
  vector(): SparseVector {
    const index = this.touched.slice(0, this.size).sort();
    const value = new Float32Array(index.length);
    let norm = 0;
    for (let i = 0; i < index.length; i++) {
      // Sublinear counts: a word said three times is not three times the evidence.
      const v = 1 + Math.log(this.counts[index[i] as number] as number);
      value[i] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    for (let i = 0; i < value.length; i++) value[i] = (value[i] as number) / norm;
    return { index, value };
  }
}

const scratch = new BucketCounts();

/** The feature vector of a text (empty when the text has no letter or digit). */
export function textFeatures(text: string, settings: FeatureSettings): SparseVector {
  const folded = featureText(text);
  if (folded.length === 0) return { index: new Int32Array(0), value: new Float32Array(0) };
  const mask = (1 << settings.bits) - 1;
  const counts = scratch;
  counts.reset(1 << settings.bits);
  // Character n-grams of the text padded with a space each side: from each position, the FNV
  // state of the n-gram of length n is one step from that of length n - 1.
  const padded = ` ${folded} `;
  const { minChar, maxChar } = settings;
  for (let i = 0; i < padded.length; i++) {
    let h = SEED.char;
    const end = Math.min(i + maxChar, padded.length);
    for (let j = i; j < end; j++) {
      h = Math.imul(h ^ padded.charCodeAt(j), FNV_PRIME);
      if (j - i + 1 >= minChar) counts.add((h >>> 0) & mask, WEIGHT.char);
    }
  }
  // Words, pairs of neighbours (the folded text holds single spaces: a pair is the span from the
  // first word's start to the second's end) and stems.
  let previousStart = -1;
  for (let start = 0; start <= folded.length; ) {
    let end = folded.indexOf(' ', start);
    if (end < 0) end = folded.length;
    counts.add(hashRange(SEED.word, folded, start, end) & mask, WEIGHT.word);
    if (previousStart >= 0) counts.add(hashRange(SEED.pair, folded, previousStart, end) & mask, WEIGHT.pair);
    previousStart = start;
    if (end - start > 3 && !allDigits(folded, start, end)) {
      const [fr, en] = stemHashes(folded.slice(start, end));
      counts.add(fr & mask, WEIGHT.stem);
      counts.add(en & mask, WEIGHT.stem);
    }
    start = end + 1;
  }
  return counts.vector();
}

function allDigits(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
