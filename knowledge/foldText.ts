/**
 * Text folding shared by every matcher (search, safety screen, conversation intents, schedule):
 * one definition of "the same letters" so that "Été", "ete" and "ÉTÉ" meet everywhere.
 */

/**
 * The last text folded and its folding: one message is folded by the safety screen, the intents,
 * the lexical index and the model in the same turn; the second time costs a comparison.
 */
let lastText: string | undefined;
let lastFolded = '';

/** Lower case, accents removed, ligatures opened (œ → oe, æ → ae, ß → ss). Punctuation is left alone. */
export function foldLetters(text: string): string {
  if (text === lastText) return lastFolded;
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss');
  lastText = text;
  lastFolded = folded;
  return folded;
}

/**
 * Folds a visitor's text for pattern matching: `foldLetters`, then apostrophes and punctuation
 * turned into single spaces. "L'asso ?" and "l asso" fold to the same thing.
 */
export function foldText(text: string): string {
  return foldLetters(text)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
