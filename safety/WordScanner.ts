/**
 * Finds, in one pass over a text, which of many words occur in it (anywhere, also inside a longer
 * word): an Aho-Corasick automaton. Each word carries the ids of the rules it stands for; a scan
 * marks the ids whose words were seen.
 */
export class WordScanner {
  /** Per state: character code -> next state. */
  private readonly next: Map<number, number>[] = [new Map()];
  /** Per state: where to go on a character with no transition (longest proper suffix state). */
  private readonly fail: number[] = [0];
  /** Per state: the ids of every word ending here, its suffixes' included (filled by `build`). */
  private readonly found: number[][] = [[]];

  private constructor() {}

  /** `words`: word -> the ids it marks. */
  static build(words: ReadonlyMap<string, readonly number[]>): WordScanner {
    const scanner = new WordScanner();
    for (const [word, ids] of words) scanner.insert(word, ids);
    scanner.link();
    return scanner;
  }

  /** Sets `seen[id] = 1` for every id whose word occurs in `text`, and lists each newly seen id in `newlySeen`. */
  scan(text: string, seen: Uint8Array, newlySeen?: number[]): void {
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let to = this.next[state]!.get(c);
      while (to === undefined && state !== 0) {
        state = this.fail[state]!;
        to = this.next[state]!.get(c);
      }
      state = to ?? 0;
      const ids = this.found[state]!;
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k]!;
        if (seen[id] === 0) {
          seen[id] = 1;
          newlySeen?.push(id);
        }
      }
    }
  }

  private insert(word: string, ids: readonly number[]): void {
    let state = 0;
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      let to = this.next[state]!.get(c);
      if (to === undefined) {
        to = this.next.length;
        this.next.push(new Map());
        this.fail.push(0);
        this.found.push([]);
        this.next[state]!.set(c, to);
      }
      state = to;
    }
    const here = this.found[state]!;
    for (const id of ids) if (!here.includes(id)) here.push(id);
  }

  /** Breadth-first: failure links, and each state inherits the ids of its failure state. */
  private link(): void {
    const queue: number[] = [];
    for (const to of this.next[0]!.values()) queue.push(to);
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (const [c, to] of this.next[state]!) {
        let f = this.fail[state]!;
        while (f !== 0 && !this.next[f]!.has(c)) f = this.fail[f]!;
        const target = this.next[f]!.get(c);
        this.fail[to] = target !== undefined && target !== to ? target : 0;
        const inherited = this.found[this.fail[to]!]!;
        const own = this.found[to]!;
        for (const id of inherited) if (!own.includes(id)) own.push(id);
        queue.push(to);
      }
    }
  }
}
