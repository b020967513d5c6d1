/**
 * The store's journal: an append-only file beside the store file where each group commit writes
 * only what changed, one line a commit, made durable with `fdatasync` before the commit is
 * acknowledged. Rewriting the whole store file on every commit cost time in proportion to
 * everything kept (a 1 MiB store rewritten ten times a second under load); a journal line costs
 * what the commit changed.
 *
 * A line is `{"seq":n,"nextETag":e,"set":{key:item,...},"delete":[key,...]}`. The store file says
 * which line it already holds (`journalSeq`), so lines up to it are skipped when the journal is
 * read back: a crash between rewriting the store file and emptying the journal loses nothing and
 * applies nothing twice. Only the last line can be incomplete (a crash during its append, before
 * it was acknowledged); it is ignored. A damaged line before the last is an error.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { z } from 'zod';
import { CorruptFileError } from './DurableJsonFile.js';

export const StoredItem = z.object({
  eTag: z.string(),
  /** ISO instant of the last write: what retention and purges go by. */
  updatedAt: z.string(),
  value: z.record(z.string(), z.unknown()),
});
export type StoredItem = z.infer<typeof StoredItem>;

const JournalLine = z.object({
  seq: z.number().int().positive(),
  nextETag: z.number().int().nonnegative(),
  set: z.record(z.string(), StoredItem),
  delete: z.array(z.string()),
});
export type JournalLine = z.infer<typeof JournalLine>;

export class StoreJournal {
  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    private bytes: number,
  ) {}

  /** Opens (or creates) the journal for appending. */
  static async open(file: string): Promise<StoreJournal> {
    const handle = await fs.open(file, 'a', 0o600);
    const { size } = await handle.stat();
    return new StoreJournal(file, handle, size);
  }

  /** The lines of a journal file after `afterSeq`, in order; none when there is no file. */
  static async read(file: string, afterSeq: number): Promise<JournalLine[]> {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const lines = text.split('\n');
    // After the last newline: an append cut short by a crash, never acknowledged.
    lines.pop();
    const result: JournalLine[] = [];
    let previous = 0;
    for (const [i, line] of lines.entries()) {
      let parsed: JournalLine;
      try {
        parsed = JournalLine.parse(JSON.parse(line));
      } catch {
        // A line cut short and followed only by zeros or nothing is the same interrupted append.
        if (lines.slice(i + 1).every((rest) => /^\0*$/.test(rest))) break;
        throw new CorruptFileError(file, `line ${i + 1} is damaged`);
      }
      if (parsed.seq <= previous) throw new CorruptFileError(file, `line ${i + 1} is out of order`);
      previous = parsed.seq;
      if (parsed.seq > afterSeq) result.push(parsed);
    }
    return result;
  }

  /** Bytes appended since the journal was last emptied. */
  get size(): number {
    return this.bytes;
  }

  /** Appends one line (the pieces end with a newline) and waits until it is on disk. */
  async append(pieces: readonly Buffer[]): Promise<void> {
    const expected = pieces.reduce((n, b) => n + b.length, 0);
    const { bytesWritten } = await this.handle.writev(pieces as Buffer[]);
    this.bytes += bytesWritten;
    // A short line must not be followed by others: the caller rewrites the store file instead, which empties the journal.
    if (bytesWritten !== expected) throw new Error(`short write to ${this.file}: ${bytesWritten} of ${expected} bytes`);
    await this.handle.datasync();
  }

  /** Empties the journal, once the store file holds everything in it. */
  async clear(): Promise<void> {
    await this.handle.truncate(0);
    await this.handle.datasync();
    this.bytes = 0;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
