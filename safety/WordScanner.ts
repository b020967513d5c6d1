/**
 * Finds, in one pass over a text, which of many words occur in it (anywhere, also inside a longer
 * word): an Aho-Corasick automaton. Each word carries the ids of the rules it stands for; a scan
 * marks the ids whose words were seen.
 *
 * The lexicons give it about a hundred thousand states. Built as lists of siblings, then packed
 * into typed arrays: a scan reads a few numbers a character, and the garbage collector, which
 * would otherwise walk a hundred thousand Maps at every full collection, sees a dozen arrays.
 */
export class WordScanner {
  private constructor(private readonly automaton: PackedAutomaton) {}

  /** `words`: word -> the ids it marks. */
  static build(words: ReadonlyMap<string, readonly number[]>): WordScanner {
    const trie = new TrieBuilder();
    for (const [word, ids] of words) trie.insert(word, ids);
    return new WordScanner(trie.pack());
  }

  /** Sets `seen[id] = 1` for every id whose word occurs in `text`, and lists each newly seen id in `newlySeen`. */
  scan(text: string, seen: Uint8Array, newlySeen?: number[]): void {
    const { classOf, rootNext, edgeStart, edgeClass, edgeTo, fail, idStart, ids, output } = this.automaton;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const c = code < classOf.length ? classOf[code]! : 0;
      if (c === 0) {
        state = 0;
        continue;
      }
      let to = -1;
      for (;;) {
        if (state === 0) {
          to = rootNext[c]!;
          break;
        }
        for (let e = edgeStart[state]!, end = edgeStart[state + 1]!; e < end; e++) {
          if (edgeClass[e] === c) {
            to = edgeTo[e]!;
            break;
          }
        }
        if (to >= 0) break;
        state = fail[state]!;
      }
      state = to < 0 ? 0 : to;
      for (let s = output[state]!; s !== 0; s = output[fail[s]!]!) {
        for (let k = idStart[s]!, end = idStart[s + 1]!; k < end; k++) {
          const id = ids[k]!;
          if (seen[id] === 0) {
            seen[id] = 1;
            newlySeen?.push(id);
          }
        }
      }
    }
  }
}

/** The automaton as a scan reads it. */
interface PackedAutomaton {
  /** Character code -> its class (1..); 0 for a character no word holds. */
  readonly classOf: Uint8Array;
  /** The root's transitions, by class (-1: none): the root is where most steps start again. */
  readonly rootNext: Int32Array;
  /** Per state, its transitions: classes `edgeClass[edgeStart[s] .. edgeStart[s + 1]]`, to `edgeTo[...]`. */
  readonly edgeStart: Int32Array;
  readonly edgeClass: Uint8Array;
  readonly edgeTo: Int32Array;
  /** Per state, where to go on a character with no transition (longest proper suffix state). */
  readonly fail: Int32Array;
  /** Per state, its own ids: `ids[idStart[s] .. idStart[s + 1]]`. */
  readonly idStart: Int32Array;
  readonly ids: Int32Array;
  /** Per state, the state itself or its nearest suffix state that ends a word (0: none). */
  readonly output: Int32Array;
}

/**
 * The automaton while it is built: each state's children as a list of siblings in plain arrays
 * (a Map per state would hold ~30 MB for a moment at start-up, beside everything else).
 */
class TrieBuilder {
  /** Per state: its first child, its next sibling, the character that leads to it (-1: none). */
  private readonly firstChild: number[] = [-1];
  private readonly lastChild: number[] = [-1];
  private readonly nextSibling: number[] = [-1];
  private readonly codeOf: number[] = [-1];
  /** The ids of the states that end a word. */
  private readonly ownIds = new Map<number, number[]>();
  private readonly codes = new Set<number>();

  /** The child of `state` on character `c`, or -1. */
  private child(state: number, c: number): number {
    for (let s = this.firstChild[state]!; s !== -1; s = this.nextSibling[s]!) if (this.codeOf[s] === c) return s;
    return -1;
  }

  insert(word: string, ids: readonly number[]): void {
    let state = 0;
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      this.codes.add(c);
      let to = this.child(state, c);
      if (to === -1) {
        to = this.codeOf.length;
        this.firstChild.push(-1);
        this.lastChild.push(-1);
        this.nextSibling.push(-1);
        this.codeOf.push(c);
        // Appended, so that children keep the order they came in.
        if (this.lastChild[state] === -1) this.firstChild[state] = to;
        else this.nextSibling[this.lastChild[state]!] = to;
        this.lastChild[state] = to;
      }
      state = to;
    }
    let here = this.ownIds.get(state);
    if (!here) this.ownIds.set(state, (here = []));
    for (const id of ids) if (!here.includes(id)) here.push(id);
  }

  /** Failure links breadth-first, then everything into typed arrays. */
  pack(): PackedAutomaton {
    const { firstChild, nextSibling, codeOf, ownIds } = this;
    const count = codeOf.length;
    const fail = new Int32Array(count);
    const output = new Int32Array(count);
    const queue: number[] = [];
    for (let s = firstChild[0]!; s !== -1; s = nextSibling[s]!) queue.push(s);
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      // The root's children fail to the root; a state's output is its own, else its suffix's.
      output[state] = ownIds.has(state) ? state : output[fail[state]!]!;
      for (let to = firstChild[state]!; to !== -1; to = nextSibling[to]!) {
        const c = codeOf[to]!;
        let f = fail[state]!;
        while (f !== 0 && this.child(f, c) === -1) f = fail[f]!;
        const target = this.child(f, c);
        fail[to] = target !== -1 && target !== to ? target : 0;
        queue.push(to);
      }
    }

    const codes = [...this.codes].sort((a, b) => a - b);
    if (codes.length > 255) throw new Error(`WordScanner: ${codes.length} distinct characters, at most 255`);
    const classOf = new Uint8Array(codes.length > 0 ? codes[codes.length - 1]! + 1 : 0);
    codes.forEach((code, i) => (classOf[code] = i + 1));

    const rootNext = new Int32Array(codes.length + 1).fill(-1);
    for (let to = firstChild[0]!; to !== -1; to = nextSibling[to]!) rootNext[classOf[codeOf[to]!]!] = to;
    const edgeStart = new Int32Array(count + 1);
    const edgeClass = new Uint8Array(count);
    const edgeTo = new Int32Array(count);
    const idStart = new Int32Array(count + 1);
    let idTotal = 0;
    for (const own of ownIds.values()) idTotal += own.length;
    const ids = new Int32Array(idTotal);
    let edges = 0;
    let idCount = 0;
    for (let s = 0; s < count; s++) {
      edgeStart[s] = edges;
      if (s !== 0)
        for (let to = firstChild[s]!; to !== -1; to = nextSibling[to]!) {
          edgeClass[edges] = classOf[codeOf[to]!]!;
          edgeTo[edges++] = to;
        }
      idStart[s] = idCount;
      for (const id of ownIds.get(s) ?? []) ids[idCount++] = id;
    }
    edgeStart[count] = edges;
    idStart[count] = idCount;
    return { classOf, rootNext, edgeStart, edgeClass, edgeTo, fail, idStart, ids, output };
  }
}
