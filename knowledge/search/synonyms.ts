/**
 * Synonyms and abbreviations (`knowledge/synonyms.yaml`): visitors' words mapped to canonical forms.
 *
 * ```yaml
 * both:                 # either language
 *   mdu: maison des usagers
 *   gem: { fr: groupe d'entraide mutuelle, en: mutual aid group }
 * fr:
 *   asso: association
 * en:
 *   pls: please
 * ```
 * Keys may be several words ("maison des usager"). Both the topics and the queries go through the
 * same replacements, so a topic that says "MDU" and a visitor who writes "maison des usagers" meet.
 */
import { z } from 'zod';
import { ErrorCodes } from '../../bot/errors.js';
import { readYaml, validateData } from '../readDataFile.js';
import type { Locale } from '../schema.js';
import { tokenize } from './normalize.js';

const Phrase = z
  .string()
  .min(1, 'an empty replacement')
  .refine((s) => tokenize(s).length > 0, 'a replacement needs at least one letter or digit');
const Replacement = z.union([Phrase, z.object({ fr: Phrase, en: Phrase }).strict()]);
const Section = z
  .record(z.string(), Replacement)
  .default({})
  .superRefine((section, ctx) => {
    for (const key of Object.keys(section)) {
      if (tokenize(key).length === 0) ctx.addIssue({ code: 'custom', path: [key], message: 'a key needs at least one letter or digit' });
    }
  });

/** The shape of `knowledge/synonyms.yaml`. */
export const SynonymsFile = z
  .object({
    both: Section,
    fr: Section,
    en: Section,
  })
  .strict();
export type Synonyms = z.infer<typeof SynonymsFile>;

/** Reads and validates a synonyms file; a bad file throws an error naming the file and the field. */
export function loadSynonyms(file: string): Synonyms {
  return parseSynonyms(readYaml(file, ErrorCodes.KNOWLEDGE_FILE_INVALID) ?? {}, file);
}

/** Validates already parsed data (`file` names the source in errors). */
export function parseSynonyms(raw: unknown, file = 'synonyms'): Synonyms {
  return validateData(SynonymsFile, raw, file, ErrorCodes.KNOWLEDGE_FILE_INVALID);
}

interface Rule {
  from: readonly string[];
  to: readonly string[];
}

/** Synonym rules of one language, compiled for a left-to-right longest-match scan over words. */
export class SynonymTable {
  private readonly byFirstWord = new Map<string, Rule[]>();

  constructor(synonyms: Synonyms | undefined, locale: Locale) {
    if (!synonyms) return;
    const rules = new Map<string, Rule>();
    const add = (key: string, value: Synonyms['both'][string]): void => {
      const from = tokenize(key);
      const to = tokenize(typeof value === 'string' ? value : value[locale]);
      rules.set(from.join(' '), { from, to });
    };
    // The language's own section wins over `both`.
    for (const [key, value] of Object.entries(synonyms.both)) add(key, value);
    for (const [key, value] of Object.entries(synonyms[locale])) add(key, value);
    for (const rule of rules.values()) {
      const first = rule.from[0] as string;
      const list = this.byFirstWord.get(first) ?? [];
      list.push(rule);
      this.byFirstWord.set(first, list);
    }
    for (const list of this.byFirstWord.values()) list.sort((a, b) => b.from.length - a.from.length);
  }

  /** Whether a word begins some rule (used by the language detector for SMS forms). */
  has(word: string): boolean {
    return this.byFirstWord.has(word);
  }

  /** Replaces every matching phrase, longest first, scanning left to right (no re-expansion). */
  apply(words: readonly string[]): string[] {
    return this.applyGrouped(words).map((w) => w.word);
  }

  /**
   * Like `apply`, and tells which words came from the same replacement (`group`, the same
   * number; `from`, how many words it replaced), so that one abbreviation expanded into three
   * words does not weigh three words.
   */
  applyGrouped(words: readonly string[]): { word: string; group: number; from: number }[] {
    const out: { word: string; group: number; from: number }[] = [];
    let i = 0;
    while (i < words.length) {
      const rules = this.byFirstWord.get(words[i] as string);
      let matched: Rule | undefined;
      if (rules) {
        for (const rule of rules) {
          if (rule.from.every((w, k) => words[i + k] === w)) {
            matched = rule;
            break;
          }
        }
      }
      if (matched) {
        for (const word of matched.to) out.push({ word, group: i, from: matched.from.length });
        i += matched.from.length;
      } else {
        out.push({ word: words[i] as string, group: i, from: 1 });
        i += 1;
      }
    }
    return out;
  }
}
