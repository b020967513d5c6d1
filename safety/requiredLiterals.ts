/**
 * What a regular expression cannot match without: sets of words such that every match contains at
 * least one word of each set (RE2's and Hyperscan's "prefilter" idea, as a conjunction of
 * alternatives). The safety screen uses it to skip the rules whose words are not in a message,
 * without changing a single assessment: the analysis only ever answers with requirements that are
 * necessary, or with `null` ("nothing is required", the rule is always tried).
 *
 * Two sets are kept where one would do because one is rarely selective enough: "(ma|mon) vie" needs
 * "ma vie" or "mon vie", and a rule that needs "mourir" and ("je" or "j") is tried only on messages
 * with both.
 *
 * The screen blanks masked spans with " # " before it tries a rule, and one scan of the normalised
 * (unblanked) message must serve every kind and every rule. So a word never contains "#", and never
 * starts or ends with a space: then a word that occurs in the blanked text occurs in the original
 * too. (An inserted space always touches the "#"; the masks only match between non-alphanumerics,
 * so they never end right before a letter of a word.) Words may hold spaces inside ("ma vie") for
 * the screen; for the normalisation's phrase table, whose text still has doubled spaces, they don't.
 */
import regjsparser, { type AstNode, type RootNode } from 'regjsparser';

// A CommonJS module whose exports Node cannot name statically: take them from its default export.
const { parse } = regjsparser;

/** Words one of which every match contains. */
export type Clause = ReadonlySet<string>;

/** Facts about one node of the pattern. */
interface Facts {
  /** Every string the node can match, when that set is finite and small; else null. */
  readonly exact: ReadonlySet<string> | null;
  /** Clauses that all hold for every match, most selective first (at most MAX_CLAUSES); null when none is known. */
  readonly required: readonly Clause[] | null;
}

/** Clauses kept per node: a third one rarely narrows the rules tried any further. */
const MAX_CLAUSES = 2;

/** Cross products of alternatives stop growing here (a prefix trie of drugs expands to hundreds). */
const MAX_EXACT = 64;
/** Character classes of up to this many characters are expanded (`[sz]`), larger ones are "anything". */
const MAX_CLASS = 8;

const ANYTHING: Facts = { exact: null, required: null };
const EMPTY: Facts = { exact: new Set(['']), required: null };

/** How often a word is expected in an ordinary message: the analysis picks the requirement least often met. */
export type WordCost = (word: string) => number;

/**
 * Space-free words one of which every match of `regex` contains, or null when the analysis finds
 * none (then the rule must always be tried). Case-insensitive patterns are not analysed.
 */
export function requiredLiterals(regex: RegExp, cost: WordCost = lengthCost): readonly string[] | null {
  return new RequiredWords(cost, { spaces: false }).of(regex)?.[0] ?? null;
}

export interface RequiredWordsOptions {
  /** Whether words may hold spaces inside (the screen's scan: yes; the normalisation's phrases: no). */
  readonly spaces?: boolean;
}

/**
 * The analysis, for many patterns at once: the lexicons' macros (lists of drugs, of relatives)
 * recur in hundreds of patterns, so the facts of a fragment are kept by its source text.
 */
export class RequiredWords {
  private readonly known = new Map<string, Facts>();
  private readonly wordsOf: (strings: ReadonlySet<string>) => Clause | null;

  constructor(
    private readonly cost: WordCost = lengthCost,
    options: RequiredWordsOptions = {},
  ) {
    this.wordsOf = options.spaces === false ? spaceFreeWordsOf : wordsOf;
  }

  /**
   * Clauses (each a sorted list of words) that every match of `regex` satisfies, most selective
   * first, or null (see `requiredLiterals`).
   */
  of(regex: RegExp): readonly (readonly string[])[] | null {
    if (regex.flags.includes('i')) return null;
    let ast: RootNode<{ lookbehind: true; namedGroups: true }>;
    try {
      ast = parse(regex.source, regex.flags.replace(/[gy]/g, ''), { lookbehind: true, namedGroups: true });
    } catch {
      return null; // a construct the parser does not know: always try the rule
    }
    const clauses = this.asRequired(this.analyse(ast));
    return clauses ? clauses.map((c) => [...c].sort()) : null;
  }

  /** Of clauses that all hold, the `max` expected to be met least often, most selective first. */
  mostSelective<T extends Iterable<string>>(candidates: readonly T[], max = MAX_CLAUSES): T[] {
    return mostSelective(candidates, this.cost, max);
  }

  /** The requirement a node's facts give: its own, or its exact strings cut down to words. */
  private asRequired(f: Facts): readonly Clause[] | null {
    if (f.required) return f.required;
    const words = f.exact ? this.wordsOf(f.exact) : null;
    return words ? [words] : null;
  }

  private analyse(node: AstNode<{ lookbehind: true; namedGroups: true }>): Facts {
    // Only long fragments (the macros: lists of drugs, of relatives) recur often enough to keep:
    // keeping every fragment held ~20 MB at start-up for no time saved.
    if (node.raw.length < 256) return this.analyseNode(node);
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
    if (min >= 1) return { exact: null, required: this.asRequired(inner) };
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
    // Every branch must bring its own requirement, or the disjunction requires nothing. A match
    // goes through one branch and meets all of its clauses: so "the first clause of some branch"
    // holds, and so does "the second clause of some branch" (a branch with one clause repeats it).
    const branchClauses: (readonly Clause[])[] = [];
    for (const f of facts) {
      const clauses = this.asRequired(f);
      if (!clauses) return { exact, required: null };
      branchClauses.push(clauses);
    }
    const depth = Math.max(...branchClauses.map((c) => c.length));
    const required: Clause[] = [];
    for (let k = 0; k < depth; k++) {
      const union = new Set<string>();
      for (const clauses of branchClauses) for (const w of clauses[Math.min(k, clauses.length - 1)]!) union.add(w);
      required.push(union);
    }
    return { exact, required: this.mostSelective(required) };
  }

  /**
   * A sequence: consecutive exact parts are multiplied out into contiguous strings (a candidate
   * requirement each), inexact parts bring their own requirement; the most selective candidate wins.
   */
  private concatenation(parts: readonly AstNode<{ lookbehind: true; namedGroups: true }>[]): Facts {
    const candidates: Clause[] = [];
    let run: Set<string> = new Set(['']);
    /** Whether the whole sequence so far is one exact run (no inexact part, no flush). */
    let whole = true;
    const flush = () => {
      const words = this.wordsOf(run);
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
        if (f.required) candidates.push(...f.required);
      }
    }
    if (whole) return { exact: run, required: null };
    flush();
    const required = this.mostSelective(candidates);
    return { exact: null, required: required.length > 0 ? required : null };
  }
}

function product(left: ReadonlySet<string>, right: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const a of left) for (const b of right) out.add(a + b);
  return out;
}

/**
 * Each string cut down to its longest piece free of "#", without spaces at either end (still
 * contained in any match); null when one of them has no such piece (the empty string, a lone
 * space): then nothing is required.
 */
function wordsOf(strings: ReadonlySet<string>): Clause | null {
  return piecesOf(strings, (c) => c === HASH, true);
}

/** The same, cut down to pieces free of spaces too. */
function spaceFreeWordsOf(strings: ReadonlySet<string>): Clause | null {
  return piecesOf(strings, (c) => c === HASH || c === SPACE, false);
}

function piecesOf(strings: ReadonlySet<string>, isCut: (c: number) => boolean, trim: boolean): Clause | null {
  const words = new Set<string>();
  for (const s of strings) {
    let longest = '';
    let start = 0;
    for (let i = 0; i <= s.length; i++) {
      if (i < s.length && !isCut(s.charCodeAt(i))) continue;
      const piece = trim ? s.slice(start, i).trim() : s.slice(start, i);
      if (piece.length > longest.length) longest = piece;
      start = i + 1;
    }
    if (longest === '') return null;
    // The start of a required piece is required too; past a dozen letters a word is as rare as it
    // gets, and the scanner's automaton (a state a letter) stays a third smaller.
    words.add(longest.length > MAX_WORD ? longest.slice(0, MAX_WORD).trimEnd() : longest);
  }
  return words;
}
const SPACE = 0x20;
const MAX_WORD = 12;
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

/** A clause's words as one string, the same for the same words (kept per set, like the costs). */
const setKeys = new WeakMap<object, string>();
export function keyOf(words: Iterable<string>): string {
  let key = setKeys.get(words);
  if (key === undefined) {
    key = [...words].sort().join('\n');
    setKeys.set(words, key);
  }
  return key;
}

/**
 * Of several requirements that all hold (parts of one sequence, or a rule's pattern and its
 * `requires`), the `max` expected to be met least often, least often first; the same words twice
 * count once.
 */
function mostSelective<T extends Iterable<string>>(candidates: readonly T[], cost: WordCost, max: number): T[] {
  const ranked = candidates.map((c) => ({ c, key: keyOf(c), sum: costOf(c, cost) })).sort((a, b) => a.sum - b.sum);
  const chosen: T[] = [];
  const keys = new Set<string>();
  for (const { c, key } of ranked) {
    if (chosen.length === max) break;
    if (keys.has(key)) continue;
    keys.add(key);
    chosen.push(c);
  }
  return chosen;
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
  const pieceCost = (piece: string) => (messagesWith.get(piece) ?? 0) / ordinaryMessages.length + 0.05 * lengthCost(piece);
  // Words of several pieces ("ma vie"): as if the pieces occurred independently.
  return (word) => (word.includes(' ') ? word.split(' ').reduce((p, piece) => p * pieceCost(piece), 1) : pieceCost(word));
}
