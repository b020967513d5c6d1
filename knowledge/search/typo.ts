/**
 * Typo tolerance: finds the vocabulary words nearest to an unknown word by Damerau-Levenshtein
 * distance (optimal string alignment: insertions, deletions, substitutions, swaps of neighbours).
 *
 * The allowed distance grows with the length of the word (see `maxTypoDistance`), and candidates
 * come from a deletion index (SymSpell): every vocabulary word is stored under itself and its
 * variants with one (or, for long words, two) letters deleted, so a lookup touches a handful of
 * candidates instead of the whole vocabulary.
 *
 * People seldom get the first letter wrong, so a candidate must start like the typed word (or
 * with its first two letters swapped): "meteo" does not become "metro"'s cousin "beteo". Among
 * candidates at the same distance, the Jaro-Winkler similarity (which favours a shared
 * beginning) picks the nearest.
 */

import jaroWinkler from 'natural/lib/natural/distance/jaro-winkler_distance.js';

/**
 * 0 below 6 letters, 1 from 6, 2 from 9: short words have too many neighbours to guess
 * ("meteo" is one letter from "metro", "match" from "march").
 */
export function maxTypoDistance(length: number): number {
  if (length >= 9) return 2;
  if (length >= 6) return 1;
  return 0;
}

/** Damerau-Levenshtein (OSA) distance, or `max + 1` as soon as it must exceed `max`. */
export function boundedDamerau(a: string, b: string, max: number): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  if (n === 0 || m === 0) return Math.max(n, m);
  let prevPrev = new Array<number>(m + 1).fill(0);
  let prev = new Array<number>(m + 1);
  let cur = new Array<number>(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        v = Math.min(v, (prevPrev[j - 2] as number) + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prevPrev;
    prevPrev = prev;
    prev = cur;
    cur = t;
  }
  return prev[m] as number;
}

function sameStart(a: string, b: string): boolean {
  return a[0] === b[0] || (a[0] === b[1] && a[1] === b[0]);
}

/** How far a vocabulary word may be from a typed word: its own bound, at least 1. */
function candidateLimit(length: number): number {
  return Math.max(1, maxTypoDistance(length));
}

function deletes(word: string, depth: number, into: Set<string>): void {
  if (depth === 0 || word.length <= 1) return;
  for (let i = 0; i < word.length; i++) {
    const d = word.slice(0, i) + word.slice(i + 1);
    if (!into.has(d)) {
      into.add(d);
      deletes(d, depth - 1, into);
    }
  }
}

/** A vocabulary searchable by edit distance. */
export class FuzzyVocabulary {
  private readonly index = new Map<string, string[]>();
  private readonly cache = new Map<string, { words: readonly string[]; distance: number }>();
  private static readonly CACHE_LIMIT = 5000;

  constructor(words: Iterable<string>) {
    for (const word of words) {
      if (word.length < 3) continue;
      const keys = new Set<string>([word]);
      deletes(word, candidateLimit(word.length), keys);
      for (const key of keys) {
        const list = this.index.get(key);
        if (list) list.push(word);
        else this.index.set(key, [word]);
      }
    }
  }

  /**
   * The vocabulary words nearest to `word` (all those at the smallest distance), with that
   * distance; empty when none is within `maxTypoDistance(word.length)`.
   */
  nearest(word: string): { words: readonly string[]; distance: number } {
    const max = maxTypoDistance(word.length);
    if (max === 0) return { words: [], distance: 0 };
    const cached = this.cache.get(word);
    if (cached) return cached;
    const keys = new Set<string>([word]);
    deletes(word, max, keys);
    let best = max + 1;
    let found: string[] = [];
    const seen = new Set<string>();
    for (const key of keys) {
      const list = this.index.get(key);
      if (!list) continue;
      for (const candidate of list) {
        if (seen.has(candidate)) continue;
        seen.add(candidate);
        if (!sameStart(word, candidate)) continue;
        const limit = Math.min(max, candidateLimit(candidate.length));
        const d = boundedDamerau(word, candidate, limit);
        if (d > limit || d > best) continue;
        if (d < best) {
          best = d;
          found = [candidate];
        } else found.push(candidate);
      }
    }
    if (found.length > 1) {
      const similarity = new Map(found.map((c) => [c, jaroWinkler(word, c)]));
      const top = Math.max(...similarity.values());
      found = found.filter((c) => similarity.get(c) === top);
    }
    found.sort();
    const result = { words: found, distance: found.length > 0 ? best : 0 };
    if (this.cache.size >= FuzzyVocabulary.CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, result);
    return result;
  }
}
