/**
 * The safety screen: every visitor message passes through it before anything else, in every
 * state of the conversation. It says whether the message shows a person in danger (crisis),
 * asks for medical advice (medical), asks for emergency / prevention numbers (help_info), or none.
 *
 * Deterministic: the same text always gives the same assessment. The patterns are data
 * (`safety/lexicons/*.yaml`), and so is the crisis model behind them (`crisis-model.json`, a
 * second net for crisis phrasings no rule knows yet); `matched` is the id of the lexicon rule
 * (or `model.crisis`), never the visitor's text.
 */
import path from 'node:path';
import { CONFIRMATION_MODEL_FILE, CRISIS_MODEL_FILE, CrisisModel, FUNCTION_WORDS } from './CrisisModel.js';
import { holdsPresentDanger, isRightsQuestion, readContext } from './MessageContext.js';
import { loadLexicons, type CompiledLexicons, type CompiledRule, type RuleKind } from './loadLexicons.js';
import { buildRegExp, normalise } from './normalise.js';
import { RulePrefilter } from './RulePrefilter.js';
import { sampledCost } from './requiredLiterals.js';

/** `unspecified`: no rule fired, the crisis model did (`matched` is then `CRISIS_MODEL_ID`). */
export type CrisisCategory = 'suicidal_ideation' | 'suicide_plan' | 'self_harm' | 'overdose' | 'third_party' | 'violence' | 'minor_in_danger' | 'unspecified';
export type MedicalCategory =
  | 'diagnosis'
  | 'treatment_choice'
  | 'dosage'
  | 'side_effects'
  | 'interaction'
  | 'start_change_stop'
  | 'diet_weight'
  | 'medication_other'
  | 'unspecified';
export type SafetyAssessment =
  /** `setAside`: a danger the rules or the net saw was set aside by its context (negated, past, fiction, work). */
  | { kind: 'none'; setAside?: true }
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

/** The `matched` id of a crisis the model found and no rule did. */
export const CRISIS_MODEL_ID = 'model.crisis';

/** The `matched` id of a medical request the medical net found and no rule did (category `unspecified`). */
export const MEDICAL_MODEL_ID = 'model.medical';

/** Longer messages are cut: a pasted document must not slow the turn (patterns see the first 2,000 characters). */
const MAX_CHARS = 2000;

export interface SafetyScreenOptions {
  /**
   * Try only the rules whose required words occur in the message (default). Off, every rule is
   * tried on every message: the reference the prefilter is tested against, same assessments.
   */
  readonly prefilter?: boolean;
  /**
   * Ordinary messages (the knowledge base's example questions): the prefilter keys each pattern on
   * the words these hold least often. Only speed depends on it.
   */
  readonly ordinaryMessages?: readonly string[];
  /**
   * The crisis model file (default: `crisis-model.json` in the lexicon folder); null: the rules
   * alone (to measure what the model adds).
   */
  readonly crisisModel?: string | null;
  /**
   * The confirmation nets' file (default: `crisis-confirmation.json` in the lexicon folder); null:
   * every crisis and medical rule's verdict stands.
   */
  readonly confirmationModel?: string | null;
}

export class SafetyScreen {
  private readonly prefilter: RulePrefilter | null;
  private readonly partialMasks = new Map<string, RegExp>();

  private constructor(
    private readonly lexicons: CompiledLexicons,
    private readonly model: CrisisModel | null,
    private readonly confirmation: CrisisModel | null,
    options: SafetyScreenOptions,
  ) {
    const sample = (options.ordinaryMessages ?? []).map((m) => normalise(m, lexicons.spelling));
    this.prefilter = options.prefilter === false ? null : RulePrefilter.forLexicons(lexicons, sampledCost(sample));
  }

  /**
   * Loads and validates the lexicons, then the crisis model; throws a DataFileError naming the
   * file and the field (a rule id, a model field).
   */
  static fromDirectory(dir: string, options: SafetyScreenOptions = {}): SafetyScreen {
    const lexicons = loadLexicons(dir);
    const modelFile = options.crisisModel === undefined ? path.join(dir, CRISIS_MODEL_FILE) : options.crisisModel;
    const confirmationFile = options.confirmationModel === undefined ? path.join(dir, CONFIRMATION_MODEL_FILE) : options.confirmationModel;
    return new SafetyScreen(
      lexicons,
      modelFile === null ? null : CrisisModel.fromFile(modelFile),
      confirmationFile === null ? null : CrisisModel.fromFile(confirmationFile),
      options,
    );
  }

  /** The normalised form of a message, as the patterns see it (for tests and lexicon authors). */
  normalise(text: string): string {
    return normalise(text.slice(0, MAX_CHARS), this.lexicons.spelling);
  }

  /**
   * The normalised text with the crisis masks applied (idioms and topic names blanked to `#`), as
   * the crisis rules and the crisis model see it (for training and tests).
   */
  crisisText(text: string): string {
    const normalised = this.normalise(text);
    return this.maskedForCrisis(normalised, this.prefilter?.scan(normalised) ?? null);
  }

  /** Every rule that matches, in priority order of the assessment (for tests and lexicon authors). */
  explain(text: string): { normalised: string; matches: { kind: RuleKind; id: string; category: string }[] } {
    const normalised = this.normalise(text);
    const matches: { kind: RuleKind; id: string; category: string }[] = [];
    const seen = this.prefilter?.scan(normalised) ?? null;
    for (const kind of ['crisis', 'medical', 'help_info'] as const) {
      for (const rule of this.matching(kind, normalised, seen, false)) matches.push({ kind, id: rule.id, category: rule.category });
    }
    if (normalised !== '' && isSentence(this.maskedForCrisis(normalised, seen)) && this.model?.isCrisis(this.maskedForCrisis(normalised, seen))) matches.push({ kind: 'crisis', id: CRISIS_MODEL_ID, category: 'unspecified' });
    if (normalised !== '' && isSentence(this.maskedForCrisis(normalised, seen)) && this.model?.isMedical(this.maskedForCrisis(normalised, seen))) matches.push({ kind: 'medical', id: MEDICAL_MODEL_ID, category: 'unspecified' });
    return { normalised, matches };
  }

  /**
   * The assessment: crisis wins over medical, which wins over help_info. When the rules find
   * neither a crisis nor a medical request, the crisis model is the second net: p(crisis) at or
   * above its threshold makes the message a crisis (category `unspecified`, `matched` the model's id).
   */
  assess(text: string): SafetyAssessment {
    const normalised = this.normalise(text);
    if (normalised === '') return { kind: 'none' };
    // Scanned once for both readings of the whole message.
    const seen = this.prefilter?.scan(normalised) ?? null;
    const verdict = this.assessRead(text, normalised, seen);
    if (verdict.kind === 'crisis') return this.confirmed(verdict, text, normalised, seen);
    if (verdict.kind === 'medical') return this.confirmedMedical(verdict, text, normalised, seen);
    return verdict;
  }

  /** Whether a rule of `kind` fires on the message or on one of its sentences, whatever their context (the confirmation nets' training lines). */
  ruleFires(kind: 'crisis' | 'medical', text: string): boolean {
    const normalised = this.normalise(text);
    if (normalised === '') return false;
    if (this.matching(kind, normalised, this.prefilter?.scan(normalised) ?? null, true).length > 0) return true;
    return splitSentences(text).some((sentence) => {
      const part = this.normalise(sentence);
      return part !== '' && this.matching(kind, part, this.prefilter?.scan(part) ?? null, true).length > 0;
    });
  }

  /**
   * A crisis rule's verdict, unless the confirmation net is all but sure that what surrounds the
   * danger's words makes them ordinary (a protocol asked for, a record quoted, "c'est du suicide de
   * se garer ici"): the message is then judged without the crisis rules. Not the crisis net's own
   * verdicts: it has weighed the whole message already.
   */
  private confirmed(verdict: SafetyAssessment & { kind: 'crisis' }, text: string, normalised: string, seen: Uint8Array | null): SafetyAssessment {
    const net = this.confirmation;
    if (!net || verdict.matched === CRISIS_MODEL_ID || net.isCrisis(this.maskedForCrisis(normalised, seen))) return verdict;
    // Never an explicit present danger ("je veux mourir", an overdose told now), whatever follows it.
    if (holdsPresentDanger(text, (t) => this.normalise(t))) return verdict;
    // A danger told in a part of the message (one to three sentences in a row) among ordinary
    // questions: that part, read alone, must not look like a crisis either.
    if (this.partConfirmed('crisis', text, (masked) => net.probability(masked))) return verdict;
    const medical = this.matching('medical', normalised, seen, false);
    if (medical.length > 0 && !this.answeredAsRights(text, normalised)) {
      const best = pick(medical, MEDICAL_PRIORITY);
      return { kind: 'medical', category: best.category as MedicalCategory, matched: best.id };
    }
    const help = this.helpOrNone(normalised, seen);
    return help.kind === 'none' ? { kind: 'none', setAside: true } : help;
  }

  /**
   * A medical rule's verdict, unless the confirmation net is all but sure the medicine is only
   * named around another question ("je suis sous lithium depuis dix ans : c'est quoi la MDU ?",
   * "my son is on Abilify, what does recovery mean?"): the question is then answered.
   */
  private confirmedMedical(verdict: SafetyAssessment & { kind: 'medical' }, text: string, normalised: string, seen: Uint8Array | null): SafetyAssessment {
    const net = this.confirmation;
    if (!net?.hasMedicalNet || verdict.matched === MEDICAL_MODEL_ID) return verdict;
    if (net.medicalProbability(this.maskedForCrisis(normalised, seen)) >= net.medicalRequestThreshold) return verdict;
    // A request made in passing in a long message ("..., et au fait je peux doubler ma dose ?"): that part, read alone, must not look like one either.
    if (this.partConfirmed('medical', text, (masked) => net.medicalProbability(masked))) return verdict;
    return this.helpOrNone(normalised, seen);
  }

  /**
   * A question about a right around a treatment, answered and not declined, unless a request for
   * advice is asked in passing in another part ("je viens au groupe de parole de la MDU le mardi.
   * Petite question : je peux prendre de la mélatonine avec ma quétiapine ?"): a part ending in a
   * question, no rights question itself, that the medical net reads as a request.
   */
  private answeredAsRights(text: string, normalised: string): boolean {
    if (!isRightsQuestion(normalised)) return false;
    const net = this.confirmation;
    return !net?.hasMedicalNet || !this.partConfirmed('medical', text, (masked) => (isRightsQuestion(masked) ? 0 : net.medicalProbability(masked)));
  }

  /**
   * Whether a part of the message of one to three sentences in a row (not the whole), on which a
   * rule of `kind` fires, reads alone at `probability` >= CONFIRMED_PART_PROBABILITY. For a medical
   * request, only parts that end in a question. Measured on batch s12 (eighth session): checked on
   * the whole message only, the medical net let 7 of its 60 requests go, most asked in passing at the
   * end of a long message; with parts, 2.
   */
  private partConfirmed(kind: 'crisis' | 'medical', text: string, probability: (masked: string) => number): boolean {
    // A medical request is asked: its part ends with a question mark ("Je suis sous Deroxat." names a treatment, asks nothing).
    const sentences = kind === 'crisis' ? splitSentences(text) : text.slice(0, MAX_CHARS).split(/(?<=[.!?;\n…])\s+/).filter((s) => s.trim() !== '');
    for (let from = 0; from < sentences.length; from++) {
      for (let to = from + 1; to <= Math.min(sentences.length, from + CONFIRMED_PART_SENTENCES); to++) {
        if (to - from === sentences.length) continue;
        if (kind === 'medical' && !/\?/.test(sentences[to - 1]!)) continue;
        const part = this.normalise(sentences.slice(from, to).join('. '));
        const partSeen = this.prefilter?.scan(part) ?? null;
        if (part !== '' && this.matching(kind, part, partSeen, true).length > 0 && probability(this.maskedForCrisis(part, partSeen)) >= CONFIRMED_PART_PROBABILITY) return true;
      }
    }
    return false;
  }

  /** The assessment by rules, nets and context, before the confirmation nets. */
  private assessRead(text: string, normalised: string, seen: Uint8Array | null): SafetyAssessment {
    let verdict = this.assessNormalised(normalised, seen);
    // A danger told in one sentence among ordinary questions: each sentence is also read alone.
    if (verdict.kind !== 'crisis') verdict = this.crisisInOneSentence(text, normalised, seen) ?? verdict;
    if (verdict.kind === 'crisis') {
      // Context that changes the meaning (negated, past and resolved, fiction, a piece of work):
      // the rest of the message is judged again, by the same rules and nets. An explicit present
      // danger anywhere in the message keeps every part of it (`readContext`).
      const context = readContext(text, (t) => this.normalise(t));
      if (context.kinds.length === 0) return verdict;
      const rest = context.remaining.replace(/[# ]+/g, ' ').trim() === '' ? ({ kind: 'none' } as const) : (this.crisisInRemainingSentence(context.remainingSentences) ?? this.assessNormalised(context.remaining));
      const answered = rest.kind === 'medical' && this.answeredAsRights(text, normalised) ? this.helpOrNone(normalised, seen) : rest;
      return answered.kind === 'none' ? { kind: 'none', setAside: true } : answered;
    }
    // A question about a right around a treatment (information, consent, confidentiality) is answered, not declined.
    if (verdict.kind === 'medical' && this.answeredAsRights(text, normalised)) return this.helpOrNone(normalised, seen);
    if (verdict.kind === 'medical') {
      // A medicine named only in a past told as past, or in a work of fiction ("ma mère avait avalé
      // ses médicaments quand j'étais ado, elle va bien"): the rest is what is asked.
      const context = readContext(text, (t) => this.normalise(t));
      if (context.kinds.some((k) => k === 'past_resolved' || k === 'reported')) {
        const rest = this.assessNormalised(context.remaining);
        if (rest.kind !== 'medical' && rest.kind !== 'crisis' && !TREATMENT_ASKED.test(context.remaining)) return rest;
      }
    }
    return verdict;
  }

  /**
   * A crisis in one sentence of a message of several, read alone (each sentence normalised and
   * scanned once for both readings):
   * - by the net, the whole message already leaning that way: the net weighs every feature of the
   *   message, so a danger told among ordinary questions is diluted by them. A medical verdict on
   *   the sentence stands unless the net is all but sure (the same bar as for the whole message);
   * - by the crisis rules: the normalised text has no full stops, so a rule's look-ahead at the end
   *   of one sentence sees the next one ("je ne reviendrai plus. le podcast..." reads as "plus le
   *   podcast"). Not when a mask read the sentences together on the whole message ("locked me in
   *   a room... Was that legal?").
   * A message of one sentence costs only the split.
   */
  private crisisInOneSentence(text: string, normalised: string, seen: Uint8Array | null): SafetyAssessment | null {
    const sentences = splitSentences(text);
    if (sentences.length < 2) return null;
    const wholeMasked = this.maskedForCrisis(normalised, seen);
    const parts = sentences.map((sentence) => this.normalise(sentence)).filter((part) => part !== '').map((part) => ({ part, seen: this.prefilter?.scan(part) ?? null }));
    if (this.model && this.model.probability(wholeMasked) >= DILUTED_CRISIS_PROBABILITY) {
      for (const { part, seen } of parts) {
        const masked = this.maskedForCrisis(part, seen);
        if (!isSentence(masked) || this.model.probability(masked) < SENTENCE_CRISIS_PROBABILITY) continue;
        const medical = this.matching('medical', part, seen, true).length > 0;
        if (!medical || this.model.overrulesMedical(masked)) return { kind: 'crisis', category: 'unspecified', matched: CRISIS_MODEL_ID };
      }
    }
    if (wholeMasked !== normalised) return null;
    for (const { part, seen } of parts) {
      const crisis = this.matching('crisis', part, seen, false);
      if (crisis.length > 0) {
        const best = pick(crisis, CRISIS_PRIORITY);
        return { kind: 'crisis', category: best.category as CrisisCategory, matched: best.id };
      }
    }
    return null;
  }

  /**
   * A crisis rule on one sentence of what the context reading left, read alone: joined, the text
   * has no full stops, and a danger said in a sentence of its own ("... lisez le dossier avant. En
   * finir.") reads as the end of the sentence before ("avant en finir"), as in `crisisInOneSentence`.
   */
  private crisisInRemainingSentence(sentences: readonly string[] | undefined): SafetyAssessment | null {
    if (!sentences || sentences.length < 2) return null;
    for (const sentence of sentences) {
      // Spans set aside stay blanked ("#"): no rule reads across them.
      const part = sentence.trim();
      if (part.replace(/[# ]+/g, '') === '') continue;
      const crisis = this.matching('crisis', part, this.prefilter?.scan(part) ?? null, false);
      if (crisis.length > 0) {
        const best = pick(crisis, CRISIS_PRIORITY);
        return { kind: 'crisis', category: best.category as CrisisCategory, matched: best.id };
      }
    }
    return null;
  }

  /** Crisis wins over medical, which wins over help_info; the nets answer where the rules are silent. */
  private assessNormalised(normalised: string, seen: Uint8Array | null = this.prefilter?.scan(normalised) ?? null): SafetyAssessment {
    const crisis = this.matching('crisis', normalised, seen, false);
    if (crisis.length > 0) {
      const best = pick(crisis, CRISIS_PRIORITY);
      return { kind: 'crisis', category: best.category as CrisisCategory, matched: best.id };
    }
    const medical = this.matching('medical', normalised, seen, false);
    if (medical.length > 0) {
      // A medicine named in a danger ("pris mon traitement deux fois... je vois flou", "I don't
      // want to go home ever again, I have my pills"): only a model all but sure of a danger turns
      // what the rules took for a medical question into a crisis.
      if (this.model?.overrulesMedical(this.maskedForCrisis(normalised, seen))) return { kind: 'crisis', category: 'unspecified', matched: CRISIS_MODEL_ID };
      const best = pick(medical, MEDICAL_PRIORITY);
      return { kind: 'medical', category: best.category as MedicalCategory, matched: best.id };
    }
    // Phrasings no rule knows yet: the nets answer only where the rules saw nothing, and only on
    // a sentence: on one or two words ("pendule", "kilometre") letters weigh more than meaning, and
    // a danger told in two words is the rules' job.
    const masked = this.maskedForCrisis(normalised, seen);
    if (!isSentence(masked)) return this.helpOrNone(normalised, seen);
    if (this.model?.isCrisis(masked)) return { kind: 'crisis', category: 'unspecified', matched: CRISIS_MODEL_ID };
    // A question for the help numbers is not a medical one: the medical net answers only after help_info.
    const help = this.helpOrNone(normalised, seen);
    if (help.kind === 'none' && this.model?.isMedical(masked)) return { kind: 'medical', category: 'unspecified', matched: MEDICAL_MODEL_ID };
    return help;
  }

  private helpOrNone(normalised: string, seen: Uint8Array | null = this.prefilter?.scan(normalised) ?? null): SafetyAssessment {
    const [help] = this.matching('help_info', normalised, seen, true);
    return help ? { kind: 'help_info' } : { kind: 'none' };
  }

  /**
   * The rules of one kind that match. `seen` (from the prefilter) says which rules, masks and
   * `except` lists can match at all; the others are skipped, null tries everything.
   */
  private matching(kind: RuleKind, normalised: string, seen: Uint8Array | null, firstOnly: boolean): CompiledRule[] {
    const rules = this.lexicons.rules[kind];
    const slots = seen ? this.prefilter?.slots[kind] : undefined;
    const found: CompiledRule[] = [];
    let text: string | null = null;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      // The patterns of this rule whose words occur in the message (all of them without a prefilter).
      let patterns: RegExp[] | null = null;
      if (seen && slots) {
        const ruleSlots = slots.patterns[i]!;
        for (let j = 0; j < ruleSlots.length; j++) if (seen[ruleSlots[j]!]) (patterns ??= []).push(rule.alternatives[j]!);
        if (patterns === null) continue;
      }
      if (text === null) {
        // Masked once per kind, and only when one of its rules is tried.
        const mask = seen && slots ? this.maskOf(kind, slots.masks, seen) : this.lexicons.masks[kind];
        text = mask ? normalised.replace(mask, ' # ') : normalised;
      }
      const except = rule.except && (!seen || !slots || seen[slots.excepts[i]!]) ? rule.except : null;
      if (matches(rule, patterns, except ? text.replace(except, ' # ') : text)) {
        found.push(rule);
        if (firstOnly) break;
      }
    }
    return found;
  }

  /** `normalised` with the crisis masks blanked to `#`, single-spaced (unchanged when no mask applies). */
  private maskedForCrisis(normalised: string, seen: Uint8Array | null): string {
    const slots = seen ? this.prefilter?.slots.crisis : undefined;
    const mask = seen && slots ? this.maskOf('crisis', slots.masks, seen) : this.lexicons.masks.crisis;
    return mask ? normalised.replace(mask, ' # ').replace(/ +/g, ' ').trim() : normalised;
  }

  /**
   * The union of the masks whose words occur in the message, in file order. Blanking with it gives
   * the same text as with every mask: a mask whose words are absent matches nowhere. Kept per set.
   */
  private maskOf(kind: RuleKind, slots: readonly number[], seen: Uint8Array): RegExp | null {
    let key = '';
    for (let i = 0; i < slots.length; i++) if (seen[slots[i]!]) key += `${i},`;
    if (key === '') return null;
    let mask = this.partialMasks.get(`${kind}:${key}`);
    if (!mask) {
      const sources = this.lexicons.maskSources[kind].filter((_, i) => seen[slots[i]!]);
      mask = buildRegExp(sources, 'g');
      if (this.partialMasks.size < MAX_PARTIAL_MASKS) this.partialMasks.set(`${kind}:${key}`, mask);
    }
    return mask;
  }
}

/**
 * How sure the crisis net must be of one sentence read alone, and how much the whole message must
 * already lean that way. A sentence alone has lost the context that made it ordinary ("can someone
 * kill the lights...", "my flatmate is going through a rough patch"); a danger told among ordinary
 * questions keeps some weight in the whole. Chosen on the tuning sets (fifth session): with
 * 0.9 / 0.2, crisis lines of the tuning corpus joined to an ordinary question stay crises in
 * 17,994 of 18,468 joins, 16 ordinary lines of 1,674 are flagged (as without sentences), and a
 * relative's "rough patch" or a question on restraint stays ordinary (whole message 0.12-0.15);
 * 0.9 / 0.05 kept 18,254 joins but alarmed on those.
 */
const SENTENCE_CRISIS_PROBABILITY = 0.9;
const DILUTED_CRISIS_PROBABILITY = 0.2;

/**
 * Where a sentence ends: a full stop, a question or exclamation mark, a semicolon, an ellipsis, a new
 * line, or a new sentence started without its full stop ("C'est", "Je", "What" after a small letter;
 * not any capital: "demain à Paris" is one sentence).
 */
const SENTENCE_END = /[.!?;\n…]+|(?<=[a-zà-ÿ0-9'"»”])\s+(?=[A-ZÀ-Ý]['’]|(?:Je|Il|Elle|On|Nous|Vous|Est|Comment|Quand|Pourquoi|Bonjour|Merci|What|When|How|Where|Can|Could|Is|Are|Do|Does|Hello|Hi|Thanks|My|The|I)\s)/u;

/**
 * The longest run of sentences the confirmation net reads apart from the rest of the message, and
 * the p(crisis) of such a part, read alone, at which the rule's verdict stands. Without this, a
 * danger said next to a long ordinary question is outweighed by its words: of 5,000 crisis lines of
 * the tuning corpus joined to an ordinary one (seeded), 282 lost the alarm; with parts of up to
 * three sentences at 0.5, 2, as without the net (both from the context reading). At 0.9, 10.
 */
const CONFIRMED_PART_SENTENCES = 3;
const CONFIRMED_PART_PROBABILITY = 0.5;

/** The sentences of a message (as cut for the screen, up to MAX_CHARS). */
function splitSentences(text: string): string[] {
  return text.slice(0, MAX_CHARS).split(SENTENCE_END).filter((s) => s.trim() !== '');
}

/** What is left asks about taking a treatment ("... il y a trois ans, est-ce que je peux en reprendre ?"): still medical. */
const TREATMENT_ASKED =
  /\b(?:(?:en|le|la|les|l) (?:reprendre|prendre|arreter|arete|augmenter|diminuer|baiser|doubler|changer|continuer)|(?:reprendre|prendre|arreter|augmenter|diminuer|baiser|doubler|changer|continuer) (?:mon|ma|mes|le|la|les|du|des|ce|cet|cete) (?:traitement|medicaments?|medocs|cachets|comprimes|pilules|dose)|(?:take|taking|start|stop|increase|decrease|switch|continue) (?:it|them|my|the|this|that)|again|dose|dosage)\b/;

/** Fewer words than this (not counting function words, "?" and masked spans) and the nets stay silent. */
const NET_MIN_WORDS = 3;

function isSentence(masked: string): boolean {
  let words = 0;
  for (const w of masked.split(' ')) if (w !== '?' && w !== '#' && w !== '' && !FUNCTION_WORDS.has(w) && ++words >= NET_MIN_WORDS) return true;
  return false;
}

/** Sets of masks met together are few (most messages meet none or one); the cache is bounded all the same. */
const MAX_PARTIAL_MASKS = 256;

/** Whether `rule` matches `text` (its `except` spans already blanked), trying only `patterns` when given. */
function matches(rule: CompiledRule, patterns: readonly RegExp[] | null, text: string): boolean {
  if (patterns ? !patterns.some((p) => p.test(text)) : !rule.pattern.test(text)) return false;
  if (rule.unless && rule.unless.test(text)) return false;
  for (const r of rule.requires) if (!r.test(text)) return false;
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
