/**
 * Which lexicon patterns (and masks, and `except` lists) can possibly match a message, found with
 * one scan for the words they cannot match without (`requiredLiterals`). Most messages hold the
 * words of a few patterns only, so the screen tries a few patterns instead of hundreds. A pattern
 * that requires no known word is always tried: the prefilter may only save work, never change an
 * assessment (tests/safety/prefilter.test.ts compares it with trying everything).
 */
import type { CompiledLexicons, CompiledRule, RuleKind } from './loadLexicons.js';
import { RequiredWords, type WordCost } from './requiredLiterals.js';
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
    private readonly scanner: WordScanner,
    /** Slots tried whatever the message holds (no required word known). */
    private readonly always: Uint8Array,
    readonly slots: Readonly<Record<RuleKind, KindSlots>>,
  ) {}

  static forLexicons(lexicons: CompiledLexicons, cost: WordCost): RulePrefilter {
    const words = new Map<string, number[]>();
    const alwaysList: number[] = [];
    const required = new RequiredWords(cost);
    let nextSlot = 0;
    /** One slot for regexes that must all match: the most selective requirement stands for them all. */
    const slotFor = (regexes: readonly (RegExp | null)[]): number => {
      const slot = nextSlot++;
      const known = regexes.flatMap((r) => {
        const literals = r ? required.of(r) : null;
        return literals ? [literals] : [];
      });
      const literals = required.mostSelective(known);
      if (!literals) alwaysList.push(slot);
      else
        for (const w of literals) {
          const ids = words.get(w) ?? [];
          ids.push(slot);
          words.set(w, ids);
        }
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
    const slots = { crisis: kindSlots('crisis'), medical: kindSlots('medical'), help_info: kindSlots('help_info') };
    const always = new Uint8Array(nextSlot);
    for (const slot of alwaysList) always[slot] = 1;
    return new RulePrefilter(WordScanner.build(words), always, slots);
  }

  /** Per slot, 1 when what it stands for may match `normalised` (a fresh array each call). */
  scan(normalised: string): Uint8Array {
    const seen = this.always.slice();
    this.scanner.scan(normalised, seen);
    return seen;
  }
}
