/**
 * Text folding shared by every matcher (search, safety screen, conversation intents, schedule):
 * one definition of "the same letters" so that "Été", "ete" and "ÉTÉ" meet everywhere.
 */

/** Lower case, accents removed, ligatures opened (œ → oe, æ → ae, ß → ss). Punctuation is left alone. */
export function foldLetters(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss');
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
