/**
 * The safety screen: every visitor message passes through it before anything else, in every
 * state of the conversation. It says whether the message shows a person in danger (crisis),
 * asks for medical advice (medical), asks for emergency / prevention numbers (help_info), or none.
 *
 * Deterministic: the same text always gives the same assessment. The patterns are data
 * (`safety/lexicons/*.yaml`); `matched` is the id of the lexicon rule, never the visitor's text.
 */
import { loadLexicons, type CompiledLexicons, type CompiledRule, type RuleKind } from './loadLexicons.js';
import { normalise } from './normalise.js';

export type CrisisCategory = 'suicidal_ideation' | 'suicide_plan' | 'self_harm' | 'overdose' | 'third_party' | 'violence' | 'minor_in_danger';
export type MedicalCategory =
  | 'diagnosis'
  | 'treatment_choice'
  | 'dosage'
  | 'side_effects'
  | 'interaction'
  | 'start_change_stop'
  | 'diet_weight'
  | 'medication_other';
export type SafetyAssessment =
  | { kind: 'none' }
  | { kind: 'crisis'; category: CrisisCategory; matched: string /* the lexicon rule id, never the text */ }
  | { kind: 'medical'; category: MedicalCategory; matched: string }
  | { kind: 'help_info' };

/**
 * When several crisis rules match, the most urgent category is reported (the first person's own
 * danger before a third person's); within a category, the first rule in file order
 * (files sorted by name).
 */
const CRISIS_PRIORITY: readonly CrisisCategory[] = [
  'suicide_plan',
  'overdose',
  'minor_in_danger',
  'suicidal_ideation',
  'self_harm',
  'violence',
  'third_party',
];

/** When several medical rules match, the most specific request is reported; medication_other last. */
const MEDICAL_PRIORITY: readonly MedicalCategory[] = [
  'diet_weight',
  'interaction',
  'start_change_stop',
  'dosage',
  'side_effects',
  'treatment_choice',
  'diagnosis',
  'medication_other',
];

/** Longer messages are cut: a pasted document must not slow the turn (patterns see the first 2,000 characters). */
const MAX_CHARS = 2000;

export class SafetyScreen {
  private constructor(private readonly lexicons: CompiledLexicons) {}

  /** Loads and validates the lexicons; throws a DataFileError naming the file and the field (rule id). */
  static fromDirectory(dir: string): SafetyScreen {
    return new SafetyScreen(loadLexicons(dir));
  }

  /** The normalised form of a message, as the patterns see it (for tests and lexicon authors). */
  normalise(text: string): string {
    return normalise(text.slice(0, MAX_CHARS), this.lexicons.spelling);
  }

  /** Every rule that matches, in priority order of the assessment (for tests and lexicon authors). */
  explain(text: string): { normalised: string; matches: { kind: RuleKind; id: string; category: string }[] } {
    const normalised = this.normalise(text);
    const matches: { kind: RuleKind; id: string; category: string }[] = [];
    for (const kind of ['crisis', 'medical', 'help_info'] as const) {
      for (const rule of this.matching(kind, normalised, false)) matches.push({ kind, id: rule.id, category: rule.category });
    }
    return { normalised, matches };
  }

  /** The assessment: crisis wins over medical, which wins over help_info. */
  assess(text: string): SafetyAssessment {
    const normalised = this.normalise(text);
    if (normalised === '') return { kind: 'none' };
    const crisis = this.matching('crisis', normalised, false);
    if (crisis.length > 0) {
      const best = pick(crisis, CRISIS_PRIORITY);
      return { kind: 'crisis', category: best.category as CrisisCategory, matched: best.id };
    }
    const medical = this.matching('medical', normalised, false);
    if (medical.length > 0) {
      const best = pick(medical, MEDICAL_PRIORITY);
      return { kind: 'medical', category: best.category as MedicalCategory, matched: best.id };
    }
    const [help] = this.matching('help_info', normalised, true);
    if (help) return { kind: 'help_info' };
    return { kind: 'none' };
  }

  private matching(kind: RuleKind, normalised: string, firstOnly: boolean): CompiledRule[] {
    const mask = this.lexicons.masks[kind];
    const text = mask ? normalised.replace(mask, ' # ') : normalised;
    const found: CompiledRule[] = [];
    for (const rule of this.lexicons.rules[kind]) {
      if (matches(rule, text)) {
        found.push(rule);
        if (firstOnly) break;
      }
    }
    return found;
  }
}

function matches(rule: CompiledRule, text: string): boolean {
  const t = rule.except ? text.replace(rule.except, ' # ') : text;
  if (!rule.pattern.test(t)) return false;
  if (rule.unless && rule.unless.test(t)) return false;
  for (const r of rule.requires) if (!r.test(t)) return false;
  return true;
}

/** The matching rule whose category comes first in `priority`; ties go to the first in file order. */
function pick(rules: readonly CompiledRule[], priority: readonly string[]): CompiledRule {
  let best = rules[0] as CompiledRule;
  let bestRank = priority.indexOf(best.category);
  for (const rule of rules) {
    const rank = priority.indexOf(rule.category);
    if (rank < bestRank) {
      best = rule;
      bestRank = rank;
    }
  }
  return best;
}
