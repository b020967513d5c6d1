/**
 * What several bot instances sharing one store need beyond the documents themselves: a wake-up
 * when another instance changed a document, and work that must run in one instance at a time
 * (retention purges). The embedded store has one process a data directory, so its coordination
 * is trivial (`LocalCoordination`); the PostgreSQL store's uses LISTEN/NOTIFY and advisory locks.
 */

/** A document changed elsewhere: its key, or `'*'` when anything may have changed (a lost link). */
export type ChangeListener = (key: string) => void;

export interface StoreCoordination {
  /** True when other processes may change the store while this one runs. */
  readonly shared: boolean;
  /**
   * Calls `listener` with the keys starting with `prefix` that another instance changed, and with
   * `'*'` when notifications may have been missed. A hint only: the listener reads the documents.
   * Returns the way to stop listening.
   */
  onChange(prefix: string, listener: ChangeListener): () => void;
  /**
   * Runs `task` unless another instance (or this one) is running the task of that name; then
   * resolves to undefined without running it.
   */
  runExclusive<T>(name: string, task: () => Promise<T>): Promise<T | undefined>;
}

/** One process, one store: nothing changes behind its back. */
export class LocalCoordination implements StoreCoordination {
  readonly shared = false;
  private readonly running = new Set<string>();

  onChange(): () => void {
    return () => undefined;
  }

  async runExclusive<T>(name: string, task: () => Promise<T>): Promise<T | undefined> {
    if (this.running.has(name)) return undefined;
    this.running.add(name);
    try {
      return await task();
    } finally {
      this.running.delete(name);
    }
  }
}
