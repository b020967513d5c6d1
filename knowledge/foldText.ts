/**
 * Folds a visitor's text for pattern matching: lower case, no accents, apostrophes and
 * punctuation turned into single spaces. "L'asso ?" and "l asso" fold to the same thing.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
