/**
 * What a regular expression cannot match without: a set of words such that every match contains
 * at least one of them (RE2's and Hyperscan's "prefilter" idea). The safety screen uses it to skip
 * the rules whose words are nowhere in a message, without changing a single assessment: the
 * analysis only ever answers with a set that is necessary, or with `null` ("nothing is required",
 * the rule is always tried).
 *
 * The words never contain a space or "#": the screen blanks masked spans with " # " before it tries
 * a rule, and a word free of both that occurs in the blanked text occurs in the original text too,
 * so one scan of the normalised message serves every kind and every rule.
 */
import regjsparser, { type AstNode, type RootNode } from 'regjsparser';

// A CommonJS module whose exports Node cannot name statically: take them from its default export.
const { parse } = regjsparser;

/** Facts about one node of the pattern. */
interface Facts {
  /** Every string the node can match, when that set is finite and small; else null. */
  readonly exact: ReadonlySet<string> | null;
  /** Space-free strings, one of which every match contains; null when none is known. */
  readonly required: ReadonlySet<string> | null;
}

/** Cross products of alternatives stop growing here (a prefix trie of drugs expands to hundreds). */
const MAX_EXACT = 64;
/** Character classes of up to this many characters are expanded (`[sz]`), larger ones are "anything". */
const MAX_CLASS = 8;

const ANYTHING: Facts = { exact: null, required: null };
const EMPTY: Facts = { exact: new Set(['']), required: null };

/** How often a word is expected in an ordinary message: the analysis picks the requirement least often met. */
export type WordCost = (word: string) => number;

/**
 * The words one of which every match of `regex` contains, or null when the analysis finds none
 * (then the rule must always be tried). Case-insensitive patterns are not analysed.
 */
export function requiredLiterals(regex: RegExp, cost: WordCost = lengthCost): readonly string[] | null {
  return new RequiredWords(cost).of(regex);
}

/**
 * The analysis, for many patterns at once: the lexicons' macros (lists of drugs, of relatives)
 * recur in hundreds of patterns, so the facts of a fragment are kept by its source text.
 */
export class RequiredWords {
  private readonly known = new Map<string, Facts>();

  constructor(private readonly cost: WordCost = lengthCost) {}

  /** The words one of which every match of `regex` contains, or null (see `requiredLiterals`). */
  of(regex: RegExp): readonly string[] | null {
    if (regex.flags.includes('i')) return null;
    let ast: RootNode<{ lookbehind: true; namedGroups: true }>;
    try {
      ast = parse(regex.source, regex.flags.replace(/[gy]/g, ''), { lookbehind: true, namedGroups: true });
    } catch {
      return null; // a construct the parser does not know: always try the rule
    }
    const words = asRequired(this.analyse(ast));
    return words ? [...words].sort() : null;
  }

  /** `mostSelective` with this analysis's costs. */
  mostSelective<T extends Iterable<string>>(candidates: readonly T[]): T | null {
    return mostSelective(candidates, this.cost);
  }

  private analyse(node: AstNode<{ lookbehind: true; namedGroups: true }>): Facts {
    // Small fragments are cheaper to analyse than to look up.
    if (node.raw.length < 16) return this.analyseNode(node);
    let facts = this.known.get(node.raw);
    if (!facts) {
      facts = this.analyseNode(node);
      this.known.set(node.raw, facts);
    }
    return facts;
  }

  private analyseNode(node: AstNode<{ lookbehind: true; namedGroups: true }>): Facts {
    switch (node.type) {
      case 'value':
        return { exact: new Set([String.fromCodePoint(node.codePoint)]), required: null };
      case 'characterClass':
        return this.characterClass(node);
      case 'anchor':
        return EMPTY;
      case 'group':
        // A look-around consumes nothing: for what the match must contain, it is empty.
        if (node.behavior !== 'normal' && node.behavior !== 'ignore') return EMPTY;
        return this.concatenation(node.body);
      case 'alternative':
        return this.concatenation(node.body);
      case 'disjunction':
        return this.disjunction(node.body);
      case 'quantifier':
        return this.quantifier(node.body[0], node.min, node.max);
      default:
        // dot, \w \d \s, back references, unicode properties: anything.
        return ANYTHING;
    }
  }

  private characterClass(node: Extract<AstNode, { type: 'characterClass' }>): Facts {
    if (node.negative) return ANYTHING;
    const chars = new Set<string>();
    for (const part of node.body) {
      if (part.type === 'value') chars.add(String.fromCodePoint(part.codePoint));
      else if (part.type === 'characterClassRange') {
        if (part.max.codePoint - part.min.codePoint >= MAX_CLASS) return ANYTHING;
        for (let c = part.min.codePoint; c <= part.max.codePoint; c++) chars.add(String.fromCodePoint(c));
      } else return ANYTHING;
      if (chars.size > MAX_CLASS) return ANYTHING;
    }
    return { exact: chars, required: null };
  }

  private quantifier(body: AstNode<{ lookbehind: true; namedGroups: true }>, min: number, max: number | undefined): Facts {
    const inner = this.analyse(body);
    if (min === 1 && max === 1) return inner;
    if (min === 0 && max === 1) return { exact: inner.exact ? new Set([...inner.exact, '']) : null, required: null };
    // At least once: whatever one repetition requires, the whole requires.
    if (min >= 1) return { exact: null, required: asRequired(inner) };
    return ANYTHING;
  }

  private disjunction(branches: readonly AstNode<{ lookbehind: true; namedGroups: true }>[]): Facts {
    const facts = branches.map((b) => this.analyse(b));
    let exact: Set<string> | null = new Set();
    for (const f of facts) {
      if (!exact || !f.exact || exact.size + f.exact.size > MAX_EXACT) {
        exact = null;
        break;
      }
      for (const s of f.exact) exact.add(s);
    }
    // Every branch must bring its own requirement, or the disjunction requires nothing.
    const required = new Set<string>();
    for (const f of facts) {
      const words = asRequired(f);
      if (!words) return { exact, required: null };
      for (const w of words) required.add(w);
    }
    return { exact, required };
  }

  /**
   * A sequence: consecutive exact parts are multiplied out into contiguous strings (a candidate
   * requirement each), inexact parts bring their own requirement; the most selective candidate wins.
   */
  private concatenation(parts: readonly AstNode<{ lookbehind: true; namedGroups: true }>[]): Facts {
    const candidates: ReadonlySet<string>[] = [];
    let run: Set<string> = new Set(['']);
    /** Whether the whole sequence so far is one exact run (no inexact part, no flush). */
    let whole = true;
    const flush = () => {
      const words = wordsOf(run);
      if (words) candidates.push(words);
      run = new Set(['']);
    };
    for (const part of parts) {
      const f = this.analyse(part);
      if (f.exact) {
        if (run.size * f.exact.size > MAX_EXACT) {
          flush();
          whole = false;
        }
        run = product(run, f.exact);
      } else {
        flush();
        whole = false;
        if (f.required) candidates.push(f.required);
      }
    }
    if (whole) return { exact: run, required: null };
    flush();
    return { exact: null, required: mostSelective(candidates, this.cost) };
  }

}

function product(left: ReadonlySet<string>, right: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const a of left) for (const b of right) out.add(a + b);
  return out;
}

/** The requirement a node's facts give: its own, or its exact strings cut down to words. */
function asRequired(f: Facts): ReadonlySet<string> | null {
  if (f.required) return f.required;
  return f.exact ? wordsOf(f.exact) : null;
}

/**
 * Each string cut down to its longest piece free of spaces and "#" (still contained in any match);
 * null when one of them has no such piece (the empty string, a lone space): then nothing is required.
 */
function wordsOf(strings: ReadonlySet<string>): ReadonlySet<string> | null {
  const words = new Set<string>();
  for (const s of strings) {
    let longest = '';
    let start = 0;
    for (let i = 0; i <= s.length; i++) {
      const c = i < s.length ? s.charCodeAt(i) : SPACE;
      if (c === SPACE || c === HASH) {
        if (i - start > longest.length) longest = s.slice(start, i);
        start = i + 1;
      }
    }
    if (longest === '') return null;
    words.add(longest);
  }
  return words;
}
const SPACE = 0x20;
const HASH = 0x23;

/** Without a sample of ordinary messages: short words are common ("et", "je"), long ones rare. */
function lengthCost(word: string): number {
  return HIT_RATE_BY_LENGTH[Math.min(word.length, HIT_RATE_BY_LENGTH.length - 1)] as number;
}
const HIT_RATE_BY_LENGTH = [1, 1, 0.3, 0.1, 0.03, 0.01, 0.003];

/** The summed cost of a set of words, kept per set (the analysis compares the same sets many times). */
const setCosts = new WeakMap<object, { cost: WordCost; sum: number }>();
function costOf(words: Iterable<string>, cost: WordCost): number {
  const known = setCosts.get(words);
  if (known && known.cost === cost) return known.sum;
  let sum = 0;
  for (const w of words) sum += cost(w);
  setCosts.set(words, { cost, sum });
  return sum;
}

/**
 * Of several requirements that all hold (parts of one sequence, or a rule's pattern and its
 * `requires`), the one expected to be met least often.
 */
function mostSelective<T extends Iterable<string>>(candidates: readonly T[], cost: WordCost = lengthCost): T | null {
  let best: T | null = null;
  let bestCost = Infinity;
  for (const c of candidates) {
    const sum = costOf(c, cost);
    if (sum < bestCost) {
      best = c;
      bestCost = sum;
    }
  }
  return best;
}

/**
 * Word costs measured on a sample of ordinary messages (e.g. the questions of the knowledge base):
 * how often the word occurs there per message, plus a little of `lengthCost` to rank the words the
 * sample never shows.
 */
export function sampledCost(ordinaryMessages: readonly string[]): WordCost {
  if (ordinaryMessages.length === 0) return lengthCost;
  // Every piece of every word of the sample, counted once a message: a word's cost is then one lookup.
  const messagesWith = new Map<string, number>();
  for (const message of ordinaryMessages) {
    const pieces = new Set<string>();
    for (const word of message.split(' ')) for (let i = 0; i < word.length; i++) for (let j = i + 1; j <= word.length; j++) pieces.add(word.slice(i, j));
    for (const p of pieces) messagesWith.set(p, (messagesWith.get(p) ?? 0) + 1);
  }
  return (word) => (messagesWith.get(word) ?? 0) / ordinaryMessages.length + 0.05 * lengthCost(word);
}
