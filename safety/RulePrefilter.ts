/**
 * Which lexicon patterns (and masks, and `except` lists) can possibly match a message, found with
 * one scan for the words they cannot match without (`requiredLiterals`). Each pattern stands for
 * up to two clauses ("mourir", and "je" or "j"); it is tried only when the message holds a word of
 * each. Most messages meet the clauses of a pattern or two only, so the screen tries those instead
 * of hundreds. A pattern that requires no known word is always tried: the prefilter may only save
 * work, never change an assessment (tests/safety/prefilter.test.ts compares it with trying everything).
 */
import type { CompiledLexicons, CompiledRule, RuleKind } from './loadLexicons.js';
import { RequiredWords, keyOf, type WordCost } from './requiredLiterals.js';
import { buildRegExp } from './normalise.js';
import { WordScanner } from './WordScanner.js';

/** Slots of one kind: where its mask, each rule's patterns and each rule's `except` are in a scan's result. */
export interface KindSlots {
  /** One slot per mask (`CompiledLexicons.maskSources`). */
  readonly masks: readonly number[];
  /** Per rule, one slot per pattern (`CompiledRule.alternatives`). */
  readonly patterns: readonly (readonly number[])[];
  readonly excepts: readonly number[];
}

export class RulePrefilter {
  private constructor(
    /** Marks the clauses a message meets. */
    private readonly scanner: WordScanner,
    /** Per clause, the slots whose first (most selective) clause it is. */
    private readonly slotsKeyedOn: readonly (readonly number[])[],
    /** Per slot, its other clauses (checked only once the first is met: they are the common ones). */
    private readonly otherClauses: readonly (readonly number[])[],
    /** Slots tried whatever the message holds (no required word known). */
    private readonly always: Uint8Array,
    readonly slots: Readonly<Record<RuleKind, KindSlots>>,
  ) {
    this.clauseSeen = new Uint8Array(slotsKeyedOn.length);
  }

  /** Scratch space kept between scans (a scan runs to its end without yielding), left zeroed. */
  private readonly clauseSeen: Uint8Array;

  static forLexicons(lexicons: CompiledLexicons, cost: WordCost): RulePrefilter {
    const { words, slotsKeyedOn, clausesOfSlot, slots } = clausesOfLexicons(lexicons, cost);
    // The analysis's cache (~20 MB of fragments' facts) is garbage by now: the automaton is built without it beside.
    const always = Uint8Array.from(clausesOfSlot, (clauses) => (clauses.length === 0 ? 1 : 0));
    const otherClauses = clausesOfSlot.map((clauses) => clauses.slice(1));
    return new RulePrefilter(WordScanner.build(words), slotsKeyedOn, otherClauses, always, slots);
  }

  /** The clauses the scan under way met (scratch, like `clauseSeen`). */
  private readonly met: number[] = [];

  /** Per slot, 1 when what it stands for may match `normalised` (a fresh array each call). */
  scan(normalised: string): Uint8Array {
    const { clauseSeen, met } = this;
    met.length = 0;
    this.scanner.scan(normalised, clauseSeen, met);
    const seen = this.always.slice();
    for (const clause of met)
      for (const slot of this.slotsKeyedOn[clause]!) if (this.otherClauses[slot]!.every((other) => clauseSeen[other] === 1)) seen[slot] = 1;
    for (const clause of met) clauseSeen[clause] = 0;
    return seen;
  }
}

/** Each pattern's slot and its clauses, and the words that stand for them. */
function clausesOfLexicons(lexicons: CompiledLexicons, cost: WordCost) {
    const clauseIds = new Map<string, number>();
    const slotsKeyedOn: number[][] = [];
    const clausesOfSlot: number[][] = [];
    const words = new Map<string, number[]>();
    const required = new RequiredWords(cost);
    /** One slot for regexes that must all match: the most selective clauses of them all stand for them. */
    const slotFor = (regexes: readonly (RegExp | null)[]): number => {
      const slot = clausesOfSlot.length;
      const known = regexes.flatMap((r) => (r ? (required.of(r) ?? []) : []));
      const clauses = required.mostSelective(known).map((clause) => {
        const key = keyOf(clause);
        let id = clauseIds.get(key);
        if (id === undefined) {
          id = slotsKeyedOn.length;
          clauseIds.set(key, id);
          slotsKeyedOn.push([]);
          for (const w of clause) {
            const ids = words.get(w) ?? [];
            ids.push(id);
            words.set(w, ids);
          }
        }
        return id;
      });
      if (clauses.length > 0) slotsKeyedOn[clauses[0]!]!.push(slot);
      clausesOfSlot.push(clauses);
      return slot;
    };
    const kindSlots = (kind: RuleKind): KindSlots => {
      const rules: readonly CompiledRule[] = lexicons.rules[kind];
      return {
        masks: lexicons.maskSources[kind].map((source) => slotFor([buildRegExp([source])])),
        patterns: rules.map((rule) => rule.alternatives.map((alternative) => slotFor([alternative, ...rule.requires]))),
        excepts: rules.map((rule) => slotFor([rule.except])),
      };
    };
    const slots: Record<RuleKind, KindSlots> = { crisis: kindSlots('crisis'), medical: kindSlots('medical'), help_info: kindSlots('help_info') };
    return { words, slotsKeyedOn, clausesOfSlot, slots };
}
