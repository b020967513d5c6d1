/**
 * Removes what could identify a person from a question kept for curators: e-mail addresses,
 * phone numbers and other long numbers, and names (after a title or "je m'appelle", and any
 * capitalised word inside a sentence that is not an acronym).
 */
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const PHONE = /(?:\+|00)?\d[\d .\-()]{5,}\d/g;
const NAME_CUE = /\b(je m'appelle|je m’appelle|mon nom est|my name is|i am called|madame|monsieur|mme|mlle|mr|mrs|ms|m\.|dr|docteur|doctor|professeur|pr)\s+([\p{Lu}][\p{L}'’-]+(?:\s+[\p{Lu}][\p{L}'’-]+)?)/giu;
const CAPITALISED_INSIDE = /(?<=[\p{L}\p{N},;:]\s+)[\p{Lu}][\p{Ll}'’-]+(?:[\s-]+[\p{Lu}][\p{Ll}'’-]+)*/gu;

export function redactPersonalData(text: string): string {
  return text
    .replace(EMAIL, '[e-mail]')
    .replace(PHONE, '[numéro]')
    .replace(NAME_CUE, (_whole, cue: string) => `${cue} [nom]`)
    .replace(CAPITALISED_INSIDE, '[nom]')
    .replace(/\s+/g, ' ')
    .trim();
}
