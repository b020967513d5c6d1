/**
 * The easy-read lint (`npm run kb:check`): what the European easy-to-read rules (Inclusion Europe,
 * « Information pour tous » / FALC) ask of a text that a machine can check. Short sentences, one
 * idea a line, no abbreviation a reader has not been told the meaning of, no inclusive-writing
 * middle dot (the FALC rules ask to avoid it). Everyday words and a warm tone stay the writer's job.
 */
import type { Locale } from './schema.js';

/** The most words a sentence may have. */
export const EASY_MAX_WORDS = 15;
/** The most characters a sentence may have. */
export const EASY_MAX_CHARS = 90;
/** Abbreviations read as words by everyone (no explanation needed). */
const EVERYDAY = new Set(['SMS', 'OK']);

/** Topics a visitor is likely to ask, which must have an easy-read version in French. */
export const EASY_READ_TOPICS = [
  'mdu.what',
  'mdu.hours',
  'schedule.today',
  'mdu.associations',
  'rights.record',
  'rights.involuntary',
  'rights.complaint',
  'help.listening',
  'help.emergency',
] as const;

export interface EasyReadProblem {
  level: 'error' | 'warning';
  message: string;
}

/** The sentences of an easy-read text, line by line (Markdown marks and `{{placeholders}}` left out). */
export function easySentences(text: string): { line: number; sentences: string[] }[] {
  return text.split('\n').flatMap((raw, index) => {
    const line = raw
      .replace(/\{\{[^}]*\}\}/g, ' ')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '')
      .replace(/[*_`#>]/g, '')
      .trim();
    if (!line) return [];
    // A sentence ends at . ! or ? followed by a space and a capital or a digit; "1 rue Cabanis." and "24 h/24." stay whole.
    const sentences = line
      .split(/(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Ý0-9«"])/)
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    return [{ line: index + 1, sentences }];
  });
}

function wordsOf(sentence: string): string[] {
  return sentence.split(/[\s\u00a0]+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
}

/** Checks one easy-read text. */
export function lintEasyRead(text: string, locale: Locale): EasyReadProblem[] {
  const problems: EasyReadProblem[] = [];
  for (const { line, sentences } of easySentences(text)) {
    if (sentences.length > 1) problems.push({ level: 'warning', message: `line ${line}: ${sentences.length} sentences on one line (one idea a line)` });
    for (const sentence of sentences) {
      const words = wordsOf(sentence).length;
      if (words > EASY_MAX_WORDS) problems.push({ level: 'error', message: `line ${line}: ${words} words in a sentence (at most ${EASY_MAX_WORDS}): "${sentence}"` });
      if (sentence.length > EASY_MAX_CHARS) problems.push({ level: 'error', message: `line ${line}: a sentence of ${sentence.length} characters (at most ${EASY_MAX_CHARS}): "${sentence}"` });
    }
  }
  for (const acronym of unexplainedAcronyms(text)) {
    problems.push({ level: 'error', message: `"${acronym}" is not explained where it first appears: write what it means, e.g. "${acronym} (…)" or "… (${acronym})"` });
  }
  if (locale === 'fr' && /\p{L}·\p{L}/u.test(text)) problems.push({ level: 'error', message: 'inclusive-writing middle dot ("·"): easy read writes both words, e.g. « un ou une bénévole »' });
  if (/;/.test(text)) problems.push({ level: 'warning', message: 'a semicolon: easy read uses two sentences instead' });
  return problems;
}

/**
 * Abbreviations in capitals (MDU, CPOA, SAMU...) not explained where they first appear: an
 * explanation is the meaning in brackets right after it, or the abbreviation in brackets right
 * after its meaning.
 */
export function unexplainedAcronyms(text: string): string[] {
  const plain = text.replace(/\{\{[^}]*\}\}/g, ' ').replace(/\]\([^)]*\)/g, ']').replace(/[*_]/g, '');
  const seen = new Set<string>();
  const unexplained: string[] = [];
  for (const match of plain.matchAll(/(?<![\p{L}\p{N}])(\p{Lu}{2,}\d*)(?![\p{L}\p{N}])/gu)) {
    const acronym = match[1]!;
    if (seen.has(acronym) || EVERYDAY.has(acronym)) continue;
    seen.add(acronym);
    const at = match.index ?? 0;
    const after = plain.slice(at + acronym.length);
    const before = plain.slice(Math.max(0, at - 1), at);
    const explainedAfter = /^\s*\([^)]{3,}\)/.test(after);
    const explainedBefore = before === '(' && /^\)/.test(after);
    if (!explainedAfter && !explainedBefore) unexplained.push(acronym);
  }
  return unexplained;
}
