/**
 * Normalisation of a visitor's message before the safety patterns are tried, and the compiler of
 * the small pattern language the lexicons are written in (see `safety/lexicons/README.md`).
 *
 * Normalised text holds only a-z, 0-9, "?" and single spaces; no letter is ever doubled
 * ("frappe" -> "frape", "mourrir" -> "mourir"), so patterns are compiled the same way.
 */

import { foldLetters } from '../knowledge/foldText.js';

/** The spelling table of `normalisation.yaml`, compiled. */
export interface SpellingTable {
  /** Key: a word with doubled letters collapsed. Value: its standard form. */
  readonly words: ReadonlyMap<string, string>;
  /** `words`: one of them is in any text `from` matches (null: unknown), so most phrases are skipped with a lookup. */
  readonly phrases: readonly { from: RegExp; to: string; words?: readonly string[] | null }[];
}

export const EMPTY_SPELLING: SpellingTable = { words: new Map(), phrases: [] };

const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b' };

const CODE_A = 97;
const CODE_Z = 122;
const CODE_0 = 48;
const CODE_9 = 57;

/** Collapses every run of the same letter to one letter ("mourrir" -> "mourir", "noooon" -> "non"). */
export function undouble(text: string): string {
  // Most words have no doubled letter: found with a scan, not a regular expression and a copy.
  return hasDoubledLetter(text) ? text.replace(/([a-z])\1+/g, '$1') : text;
}

function hasDoubledLetter(text: string): boolean {
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= CODE_A && c <= CODE_Z && c === text.charCodeAt(i - 1)) return true;
  }
  return false;
}

/** Lower case, no accents, ligatures opened, quotes and punctuation to spaces ("?" kept as a word). */
export function fold(text: string): string {
  let folded = foldLetters(text);
  // "@" and "$" for letters are rare: their look-around patterns are tried only when there is one.
  if (folded.includes('@')) folded = folded.replace(/(?<=[a-z])[@](?=[a-z])/g, 'a');
  if (folded.includes('$')) folded = folded.replace(/(?<=[a-z])[$](?=[a-z])/g, 's');
  return folded
    .replace(/\?+/g, ' ? ')
    .replace(/[^a-z0-9?]+/g, ' ')
    .trim();
}

/** Digits standing for letters inside a word that starts with a letter ("m0urir", "su1c1de"); numbers stay numbers. */
function unleet(word: string): string {
  const first = word.charCodeAt(0);
  if (!(first >= CODE_A && first <= CODE_Z) || !hasDigit(word)) return word;
  // "mg" units glued to a number are left alone: "lithium400" is rare, "x2" harmless either way.
  return word.replace(/[0134578]/g, (d) => LEET[d] ?? d);
}

function hasDigit(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= CODE_0 && c <= CODE_9) return true;
  }
  return false;
}

/**
 * The full normalisation: fold, digits for letters, repeated letters, SMS and misspelled words,
 * several-word forms, then doubled letters collapsed. Deterministic and allocation-light.
 */
export function normalise(text: string, table: SpellingTable = EMPTY_SPELLING): string {
  const folded = fold(text);
  if (folded === '') return '';
  const words = folded.split(' ');
  const out: string[] = [];
  for (const raw of words) {
    const word = undouble(unleet(raw));
    out.push(table.words.get(word) ?? word);
  }
  let joined = undouble(out.join(' '));
  for (const { from, to, words } of table.phrases) if (!words || words.some((w) => joined.includes(w))) joined = joined.replace(from, to);
  joined = undouble(joined);
  return (joined.includes('  ') ? joined.replace(/ +/g, ' ') : joined).trim();
}

/** A macro table: name -> compiled regex fragment (without the outer group). */
export type Macros = ReadonlyMap<string, string>;

const GAP_MARK = '\u0001';

/**
 * Compiles one pattern of the lexicon language to regex source (not yet anchored):
 * `@name` inserts a macro, `~` (or `~N`) skips up to 3 (or N) words, a space also matches
 * no space (glued words) unless it follows a quantifier or a class, `\s` is exactly one space,
 * doubled letters are collapsed as in the text.
 * Throws an Error with a readable message when a macro is unknown.
 */
export function compilePatternSource(pattern: string, macros: Macros, gluedWords = true): string {
  let source = pattern.trim();
  for (let depth = 0; depth < 6 && /@[a-z]/.test(source); depth++) {
    source = source.replace(/@([a-z][a-z0-9_]*)/g, (_m, name: string) => {
      const body = macros.get(name);
      if (body === undefined) throw new Error(`unknown macro @${name}`);
      return `(?:${body})`;
    });
  }
  if (/@[a-z]/.test(source)) throw new Error('macros nested too deeply (a macro may refer to itself)');
  // Groups of plain words become prefix tries (same language, far fewer branches to try).
  source = source.replace(/\(\?:([a-z0-9 ]+(?:\|[a-z0-9 ]+)+)\)/g, (_m, body: string) => `(?:${listToRegex(body.split('|'))})`);
  source = source.replace(/ *~([1-9])? */g, (_m, n: string | undefined) => `${GAP_MARK}${n ?? '3'}${GAP_MARK}`);
  // A space also matches glued words ("me suicider" / "mesuicider"), except after a quantifier or a
  // class ("(?:\\w+ )"): there it stays one real space, or a word could be split in many ways.
  source = source.replace(/ +/g, (_m, offset: number) => (gluedWords && !/[+*}\]]/.test(source.charAt(offset - 1)) ? ' ?' : ' '));
  source = source.replace(new RegExp(`${GAP_MARK}([1-9])${GAP_MARK}`, 'g'), (_m, n: string) => ` (?:[a-z0-9?]+ ){0,${n}}`);
  // Doubled letters are collapsed in the text, so they are in the pattern too (not after a backslash: "\ss").
  source = source.replace(/(?<!\\)([a-z])\1+/g, '$1');
  return source;
}

/**
 * Compiles a list of alternatives to one regex fragment. Plain words ("lithium", "mood stabilizer",
 * "antidepresseurs?") go into a prefix trie, so the engine tries a handful of branches per
 * position instead of hundreds; anything else is kept as its own alternative.
 */
export function listToRegex(items: readonly string[]): string {
  interface Node {
    next: Map<string, Node>;
    end: boolean;
  }
  const root: Node = { next: new Map(), end: false };
  const raw: string[] = [];
  const insert = (word: string) => {
    let node = root;
    for (const ch of word) {
      let child = node.next.get(ch);
      if (!child) {
        child = { next: new Map(), end: false };
        node.next.set(ch, child);
      }
      node = child;
    }
    node.end = true;
  };
  for (const item of items) {
    const t = item;
    if (/^[a-z0-9 ]+$/.test(t)) insert(undouble(t));
    else if (/^[a-z0-9 ]*[a-z0-9]\?$/.test(t)) {
      insert(undouble(t.slice(0, -2)));
      insert(undouble(t.slice(0, -1)));
    } else raw.push(`(?:${t})`);
  }
  const emit = (node: Node): string => {
    const alts = [...node.next.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([ch, child]) => ch + emit(child));
    if (alts.length === 0) return '';
    const body = alts.length === 1 ? (alts[0] as string) : `(?:${alts.join('|')})`;
    return node.end ? `(?:${body})?` : body;
  };
  const trie = root.next.size > 0 ? emit(root) : '';
  return [trie, ...raw].filter((x) => x !== '').join('|');
}

/** Wraps compiled alternatives in word boundaries and builds the RegExp (throws SyntaxError when invalid). */
export function buildRegExp(sources: readonly string[], flags = ''): RegExp {
  return new RegExp(`(?<![a-z0-9])(?:${sources.map((s) => `(?:${s})`).join('|')})(?![a-z0-9])`, flags);
}
