/**
 * Loads and validates `safety/lexicons/*.yaml` at start-up and compiles their patterns.
 * A broken file stops start-up with a `DataFileError` naming the file and the field
 * (for a rule: its index and id, e.g. `rules.4 (crisis.fr.want_to_die).patterns.1`).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DataFileError, ErrorCodes } from '../bot/errors.js';
import { readYaml, validateData } from '../knowledge/readDataFile.js';
import { requiredLiterals } from './requiredLiterals.js';
import { LexiconFile, type CrisisRule, type HelpInfoRule, type MedicalRule } from './lexiconSchema.js';
import { buildRegExp, compilePatternSource, listToRegex, undouble, type Macros, type SpellingTable } from './normalise.js';

export type RuleKind = 'crisis' | 'medical' | 'help_info';

export interface CompiledRule {
  readonly kind: RuleKind;
  readonly id: string;
  readonly category: string;
  readonly language: 'fr' | 'en' | 'any';
  readonly file: string;
  readonly pattern: RegExp;
  /** Each of the rule's patterns on its own (`pattern` is their union): the prefilter tries only those whose words occur. */
  readonly alternatives: readonly RegExp[];
  readonly requires: readonly RegExp[];
  /** Global regex: its matches are blanked before `pattern` and `requires` are tried. */
  readonly except: RegExp | null;
  /** When this matches anywhere, the rule stays silent (medical and help_info rules only). */
  readonly unless: RegExp | null;
  readonly examples: readonly string[];
  readonly counterexamples: readonly string[];
}

export interface CompiledLexicons {
  readonly spelling: SpellingTable;
  /** Per kind: spans blanked before any rule of that kind is tried (topic names, idioms). */
  readonly masks: Readonly<Record<RuleKind, RegExp | null>>;
  /** Per kind, each mask on its own (regex source, in file order): `masks` is their union. */
  readonly maskSources: Readonly<Record<RuleKind, readonly string[]>>;
  readonly rules: Readonly<Record<RuleKind, readonly CompiledRule[]>>;
  readonly files: readonly string[];
}

function invalid(file: string, field: string, problem: string): DataFileError {
  return new DataFileError(ErrorCodes.LEXICON_FILE_INVALID, file, field, problem);
}

interface ParsedFile {
  file: string;
  data: LexiconFile;
  /** The raw parsed YAML, to name a rule by its id in zod errors. */
  raw: unknown;
}

function readLexiconFile(file: string): ParsedFile {
  const raw = readYaml(file, ErrorCodes.LEXICON_FILE_INVALID);
  const data = validateData(LexiconFile, raw, file, ErrorCodes.LEXICON_FILE_INVALID, (field) => nameField(raw, field));
  return { file, data, raw };
}

/** "rules.3.patterns" -> "rules.3 (crisis.fr.x).patterns" when rule 3 has an id. */
function nameField(raw: unknown, field: string): string {
  const m = /^(rules|masks)\.(\d+)(.*)$/.exec(field);
  if (!m || typeof raw !== 'object' || raw === null) return field;
  const list = (raw as Record<string, unknown>)[m[1] ?? ''];
  const item = Array.isArray(list) ? list[Number(m[2])] : undefined;
  const id = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)['id'] : undefined;
  return typeof id === 'string' ? `${m[1]}.${m[2]} (${id})${m[3] ?? ''}` : field;
}

function compileOne(file: string, field: string, sources: readonly string[], macros: Macros, flags = '', gluedWords = true): RegExp {
  return buildRegExp(
    sources.map((p, i) => checkedSource(file, `${field}.${i}`, p, macros, gluedWords)),
    flags,
  );
}

/** One pattern compiled to regex source, refused with its file and field when it is not a valid regex. */
function checkedSource(file: string, field: string, pattern: string, macros: Macros, gluedWords = true): string {
  try {
    const source = compilePatternSource(pattern, macros, gluedWords);
    new RegExp(source);
    return source;
  } catch (error) {
    throw invalid(file, field, `pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`);
  }
}

export function loadLexicons(dir: string): CompiledLexicons {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
      .sort();
  } catch (error) {
    throw invalid(dir, '(folder)', `cannot read the lexicon folder: ${(error as Error).message}`);
  }
  if (names.length === 0) throw invalid(dir, '(folder)', 'no lexicon file (*.yaml) found');
  const parsed = names.map((n) => readLexiconFile(path.join(dir, n)));

  // Macros first: every pattern may use them.
  const macroSource = new Map<string, { file: string; body: string }>();
  for (const { file, data } of parsed) {
    if (data.kind !== 'macros') continue;
    for (const [name, value] of Object.entries(data.macros)) {
      const previous = macroSource.get(name);
      if (previous) throw invalid(file, `macros.${name}`, `already defined in ${path.basename(previous.file)}`);
      const body = Array.isArray(value) ? listToRegex(value) : value;
      macroSource.set(name, { file, body });
    }
  }
  const macros: Macros = new Map([...macroSource].map(([k, v]) => [k, v.body]));
  for (const [name, { file }] of macroSource) {
    try {
      new RegExp(compilePatternSource(`@${name}`, macros));
    } catch (error) {
      throw invalid(file, `macros.${name}`, (error as Error).message);
    }
  }

  const words = new Map<string, string>();
  const phrases: SpellingTable['phrases'][number][] = [];
  for (const { file, data } of parsed) {
    if (data.kind !== 'normalisation') continue;
    for (const [from, to] of Object.entries(data.words)) words.set(undouble(from), to);
    (data.phrases ?? []).forEach((p, i) => {
      const from = compileOne(file, `phrases.${i}.from`, [p.from], macros, 'g', false);
      phrases.push({ from, to: p.to === '' ? ' ' : ` ${p.to} `, words: requiredLiterals(from) });
    });
  }

  const rules: Record<RuleKind, CompiledRule[]> = { crisis: [], medical: [], help_info: [] };
  const maskSources: Record<RuleKind, string[]> = { crisis: [], medical: [], help_info: [] };
  const seenIds = new Map<string, string>();
  for (const { file, data } of parsed) {
    if (data.kind === 'macros' || data.kind === 'normalisation') continue;
    const kind: RuleKind = data.kind;
    (data.masks ?? []).forEach((mask, i) => {
      claimId(seenIds, mask.id, file, `masks.${i} (${mask.id}).id`);
      maskSources[kind].push(checkedSource(file, `masks.${i} (${mask.id}).pattern`, mask.pattern, macros));
    });
    const list: readonly (CrisisRule | MedicalRule | HelpInfoRule)[] = data.rules;
    list.forEach((rule, i) => {
      const where = `rules.${i} (${rule.id})`;
      claimId(seenIds, rule.id, file, `${where}.id`);
      const sources = rule.patterns.map((p, j) => checkedSource(file, `${where}.patterns.${j}`, p, macros));
      rules[kind].push({
        kind,
        id: rule.id,
        category: rule.category,
        language: rule.language,
        file,
        pattern: buildRegExp(sources),
        alternatives: sources.map((source) => buildRegExp([source])),
        requires: (rule.requires ?? []).map((r, j) => compileOne(file, `${where}.requires.${j}`, [r], macros)),
        except: rule.except && rule.except.length > 0 ? compileOne(file, `${where}.except`, rule.except, macros, 'g') : null,
        unless: 'unless' in rule && rule.unless && rule.unless.length > 0 ? compileOne(file, `${where}.unless`, rule.unless, macros) : null,
        examples: rule.examples ?? [],
        counterexamples: rule.counterexamples ?? [],
      });
    });
  }
  const masks = {
    crisis: maskSources.crisis.length ? buildRegExp(maskSources.crisis, 'g') : null,
    medical: maskSources.medical.length ? buildRegExp(maskSources.medical, 'g') : null,
    help_info: maskSources.help_info.length ? buildRegExp(maskSources.help_info, 'g') : null,
  };
  if (rules.crisis.length === 0) throw invalid(dir, '(folder)', 'no crisis rule found: the screen would miss people in danger');
  if (rules.medical.length === 0) throw invalid(dir, '(folder)', 'no medical rule found');
  return { spelling: { words, phrases }, masks, maskSources, rules, files: parsed.map((p) => p.file) };
}

function claimId(seen: Map<string, string>, id: string, file: string, field: string): void {
  const previous = seen.get(id);
  if (previous) throw invalid(file, field, `the id "${id}" is already used in ${path.basename(previous)}`);
  seen.set(id, file);
}
