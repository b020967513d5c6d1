/**
 * The embedded store's keys, grouped by prefix, so that `keys(prefix)` reads the keys of that
 * prefix only, not every key of the store. The handoff desk asks for its few console sessions every
 * two seconds; with 200,000 stored conversations a scan of every key took ~175 ms each time.
 *
 * A key's group is the key up to and including its second `/` (`handoff/session/`,
 * `state/conversation/`, `dedupe/directline/`), or up to its first `/` when it has one only, or
 * `''` when it has none: the store's prefixes are folders, so a lookup touches one group (or the
 * few groups under a shorter prefix such as `handoff/`). Adding and removing a key costs the same
 * at any size.
 */
export class KeyIndex {
  private readonly groups = new Map<string, Set<string>>();
  private count = 0;
  private looked = 0;

  /** How many keys lookups have gone through since the index was made (the cost of `keys`, for tests and figures). */
  get examined(): number {
    return this.looked;
  }

  /** How many keys the index holds. */
  get size(): number {
    return this.count;
  }

  add(key: string): void {
    const name = groupOf(key);
    let group = this.groups.get(name);
    if (!group) this.groups.set(name, (group = new Set()));
    const before = group.size;
    group.add(key);
    this.count += group.size - before;
  }

  delete(key: string): void {
    const name = groupOf(key);
    const group = this.groups.get(name);
    if (!group?.delete(key)) return;
    this.count--;
    if (group.size === 0) this.groups.delete(name);
  }

  /** The keys starting with `prefix`, in no particular order; only the groups that can hold them are read. */
  keys(prefix: string): string[] {
    const result: string[] = [];
    const exact = groupOfPrefix(prefix);
    const names = exact !== undefined ? [exact] : [...this.groups.keys()].filter((name) => name.startsWith(prefix) || prefix.startsWith(name));
    for (const name of names) {
      const group = this.groups.get(name);
      if (!group) continue;
      this.looked += group.size;
      // Every key of a group named by the prefix itself, or under it, matches: no test needed.
      if (name.startsWith(prefix)) for (const key of group) result.push(key);
      else for (const key of group) if (key.startsWith(prefix)) result.push(key);
    }
    return result;
  }
}

function groupOf(key: string): string {
  const first = key.indexOf('/');
  if (first < 0) return '';
  const second = key.indexOf('/', first + 1);
  return key.slice(0, (second < 0 ? first : second) + 1);
}

/** The one group every key under `prefix` belongs to, when the prefix names it (two slashes or more). */
function groupOfPrefix(prefix: string): string | undefined {
  const first = prefix.indexOf('/');
  if (first < 0) return undefined;
  const second = prefix.indexOf('/', first + 1);
  return second < 0 ? undefined : prefix.slice(0, second + 1);
}
