/**
 * Runs tasks one at a time per key (a conversation), in arrival order, while different keys run
 * in parallel. botbuilder's state writes use eTag "*", so two turns of one conversation running
 * together would overwrite each other: serialising them is what keeps state whole.
 */
export class KeyedSerialiser {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task running or waiting (for tests and metrics). */
  get busyKeys(): number {
    return this.tails.size;
  }
}
