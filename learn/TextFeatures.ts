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

/** 32-bit FNV-1a of a string, with a kind prefix mixed in first. */
function hash(kind: number, text: string, from = 0, to = text.length): number {
  let h = (0x811c9dc5 ^ kind) >>> 0;
  h = Math.imul(h, 0x01000193);
  for (let i = from; i < to; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const KIND = { char: 1, word: 2, pair: 3, stemFr: 4, stemEn: 5 } as const;
/** What each kind of feature weighs before the vector is normalised: words and stems weigh more than one n-gram. */
const WEIGHT = { char: 1, word: 3, pair: 2, stem: 2 } as const;

const stemCache = new Map<string, [string, string]>();
function stems(word: string): [string, string] {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = [frStemmer.stem(word) || word, enStemmer.stem(word) || word];
    if (stemCache.size > 100000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** Folded text as the features see it: lower case, no accents, words separated by single spaces. */
export function featureText(text: string): string {
  return foldText(text);
}

/** The feature vector of a text (empty when the text has no letter or digit). */
export function textFeatures(text: string, settings: FeatureSettings): SparseVector {
  const folded = featureText(text);
  const counts = new Map<number, number>();
  if (folded.length === 0) return { index: new Int32Array(0), value: new Float32Array(0) };
  const mask = (1 << settings.bits) - 1;
  const add = (h: number, w: number): void => {
    const b = h & mask;
    counts.set(b, (counts.get(b) ?? 0) + w);
  };
  const padded = ` ${folded} `;
  for (let n = settings.minChar; n <= settings.maxChar; n++) {
    for (let i = 0; i + n <= padded.length; i++) add(hash(KIND.char, padded, i, i + n), WEIGHT.char);
  }
  const words = folded.split(' ');
  let previous: string | undefined;
  for (const word of words) {
    add(hash(KIND.word, word), WEIGHT.word);
    if (previous !== undefined) add(hash(KIND.pair, `${previous} ${word}`), WEIGHT.pair);
    previous = word;
    if (word.length > 3 && !/^\d+$/.test(word)) {
      const [fr, en] = stems(word);
      add(hash(KIND.stemFr, fr), WEIGHT.stem);
      add(hash(KIND.stemEn, en), WEIGHT.stem);
    }
  }
  const index = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const value = new Float32Array(index.length);
  let norm = 0;
  for (let i = 0; i < index.length; i++) {
    // Sublinear counts: a word said three times is not three times the evidence.
    const v = 1 + Math.log(counts.get(index[i] as number) as number);
    value[i] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < value.length; i++) value[i] = (value[i] as number) / norm;
  return { index, value };
}
