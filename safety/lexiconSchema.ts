/**
 * The shape of the safety lexicon files (`safety/lexicons/*.yaml`), checked with zod at start-up.
 * See `safety/lexicons/README.md` for the pattern language.
 */
import { z } from 'zod';

export const CRISIS_CATEGORIES = [
  'suicidal_ideation',
  'suicide_plan',
  'self_harm',
  'overdose',
  'third_party',
  'violence',
  'minor_in_danger',
] as const;
export const MEDICAL_CATEGORIES = [
  'diagnosis',
  'treatment_choice',
  'dosage',
  'side_effects',
  'interaction',
  'start_change_stop',
  'diet_weight',
  'medication_other',
] as const;

const Id = z
  .string()
  .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, 'an id is dotted lower-case words, e.g. "crisis.fr.want_to_die"');
const Language = z.enum(['fr', 'en', 'any']);
const Pattern = z.string().trim().min(1, 'a pattern cannot be empty');
const Comment = z.string().trim().min(3, 'say in a few words what the rule catches and why');

const RuleBase = z.strictObject({
  id: Id,
  language: Language,
  patterns: z.array(Pattern).min(1, 'a rule needs at least one pattern'),
  /** Every one of these must also be found in the message (e.g. a drug name AND a question about taking it). */
  requires: z.array(Pattern).optional(),
  /** Spans matching these are blanked out before this rule's patterns are tried. */
  except: z.array(Pattern).optional(),
  comment: Comment,
  /** Messages this rule must catch, and messages it must leave alone: checked by the test suite. */
  examples: z.array(z.string().min(1)).optional(),
  counterexamples: z.array(z.string().min(1)).optional(),
});

/**
 * Crisis rules have no `unless`: nothing elsewhere in a message may silence a sign of danger
 * (their `except` only blanks the exact span it matches).
 */
export const CrisisRule = RuleBase.extend({ category: z.enum(CRISIS_CATEGORIES) });
/** `unless`: the rule stays silent when one of these is found anywhere in the message. Use sparingly. */
const Unless = z.array(Pattern).optional();
export const MedicalRule = RuleBase.extend({ category: z.enum(MEDICAL_CATEGORIES), unless: Unless });
export const HelpInfoRule = RuleBase.extend({ category: z.literal('help_info'), unless: Unless });

const Mask = z.strictObject({ id: Id, pattern: Pattern, comment: Comment });

const fileHeader = { description: z.string().trim().min(3).optional(), masks: z.array(Mask).optional() };

export const CrisisFile = z.strictObject({ kind: z.literal('crisis'), ...fileHeader, rules: z.array(CrisisRule).min(1) });
export const MedicalFile = z.strictObject({ kind: z.literal('medical'), ...fileHeader, rules: z.array(MedicalRule).min(1) });
export const HelpInfoFile = z.strictObject({ kind: z.literal('help_info'), ...fileHeader, rules: z.array(HelpInfoRule).min(1) });

/** Named fragments usable in any pattern as `@name`: a regex fragment, or a list of alternatives. */
export const MacrosFile = z.strictObject({
  kind: z.literal('macros'),
  description: z.string().optional(),
  macros: z.record(
    z.string().regex(/^[a-z][a-z0-9_]*$/, 'a macro name is lower-case letters, digits and _'),
    z.union([Pattern, z.array(Pattern).min(1)]),
  ),
});

/** Spelling table applied by the normaliser. */
export const NormalisationFile = z.strictObject({
  kind: z.literal('normalisation'),
  description: z.string().optional(),
  /** Whole words replaced by their standard form ("jveux" -> "je veux"). */
  words: z.record(z.string().regex(/^[a-z0-9]+$/, 'a key is one normalised word (a-z, 0-9)'), z.string().regex(/^[a-z0-9 ]+$/)),
  /** Several-word forms, as patterns (a space matches exactly one space here), replaced in order ("don t" -> "do not"). */
  phrases: z.array(z.strictObject({ from: Pattern, to: z.string().regex(/^[a-z0-9 $]*$/, 'the replacement is normalised words, $1 for a group') })).optional(),
});

export const LexiconFile = z.discriminatedUnion('kind', [CrisisFile, MedicalFile, HelpInfoFile, MacrosFile, NormalisationFile]);
export type LexiconFile = z.infer<typeof LexiconFile>;
export type CrisisRule = z.infer<typeof CrisisRule>;
export type MedicalRule = z.infer<typeof MedicalRule>;
export type HelpInfoRule = z.infer<typeof HelpInfoRule>;
