/**
 * Text normalisation shared by the index and the queries: case and accent folding, French
 * elisions (l', qu', j', c'...), English contractions, punctuation, letters repeated for emphasis.
 */

import { foldLetters } from '../foldText.js';

/** French elided prefixes: "l'asso" -> "asso", "qu'est-ce" -> "est-ce". */
const ELISION = /\b(?:l|d|j|m|t|s|c|n|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=[a-z])/g;
/** English contractions. "n't" becomes " not" (a meaningful word); the others disappear. */
const NOT_CONTRACTION = /(?<=[a-z])n't\b/g;
const CONTRACTION = /(?<=[a-z])'(?:s|re|ve|ll|d|m)\b/g;

/**
 * Folds a text to lower-case ASCII words separated by single spaces.
 * `aujourd'hui` is kept as one word (`aujourdhui`), hyphenated words are split.
 */
export function normalizeText(text: string): string {
  let folded = foldLetters(text).replace(/[\u2018\u2019\u02bc\u00b4`\u2032]/g, "'");
  // Each of these patterns needs an apostrophe: most messages have none and skip them.
  if (folded.includes("'")) {
    folded = folded
      .replace(/\baujourd ?' ?hui\b/g, 'aujourdhui')
      .replace(/\bwon't\b/g, 'will not')
      .replace(/\bcan't\b/g, 'can not')
      .replace(ELISION, '')
      .replace(NOT_CONTRACTION, ' not')
      .replace(CONTRACTION, '');
  }
  return folded
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/([a-z])\1{2,}/g, '$1')
    .trim();
}

/** Normalised words of a text. */
export function tokenize(text: string): string[] {
  const folded = normalizeText(text);
  return folded === '' ? [] : folded.split(' ');
}
