/**
 * The embedded store: one lowdb JSON file in `DATA_DIR`, behind botbuilder's `Storage` interface,
 * with MemoryStorage's eTag rules (a missing or `*` eTag overwrites; a stale eTag is refused).
 *
 * Everything the bot keeps (conversation state, handoff queue, Direct Line conversations, counters)
 * is a keyed document here, so one set of rules (eTags, retention, erasure) covers it all.
 *
 * Writes are group-committed: every write made while a flush is running joins the next flush, and
 * each caller's promise resolves once the flush holding its change is on disk. A flush appends the
 * items it changed to the journal (`StoreJournal`, one line, fdatasync); the store file itself is
 * rewritten (temporary file, fsync, rename, fsync of the folder, `.bak`) and the journal emptied
 * only when the journal has grown to the size of the store file (never on a timer: a store that
 * does not grow is not written again), when a flush deletes something (so that erased and purged
 * data leave the disk at once, old versions in the journal included), at `flush()`, at `close()`,
 * and at `open()` when a journal is left (a crash): the store file holds everything whenever the
 * bot is stopped. A rewrite after a deletion also makes the last good copy (`.bak`) the new
 * version, so no file keeps what was removed. A backup copies the journal, then the store file
 * (deployment/README.md §6).
 *
 * Each item's JSON text is kept beside it (`ItemTexts`): a read is a `JSON.parse` of it (the copy
 * botbuilder's MemoryStorage gives too), a journal line is made of the changed items' texts, and
 * a rewrite re-joins only the groups of items that changed since the last one, in slices that
 * give the event loop back every few milliseconds (turns go on while a large store is written).
 *
 * Keys are indexed by prefix (`KeyIndex`): `keys(prefix)` and `purge(prefix)` read that prefix's
 * keys only, so the handoff desk's duty check (every 2 s) costs the same at any store size.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Low } from 'lowdb';
import type { Storage, StoreItems } from 'botbuilder';
import { z } from 'zod';
import { ErrorCodes, MduError } from '../bot/errors.js';
import { DataDirectoryLock } from './DataDirectoryLock.js';
import { CorruptFileError, DurableJsonFile } from './DurableJsonFile.js';
import { KeyIndex } from './KeyIndex.js';
import { StoredItem, StoreJournal, type JournalLine } from './StoreJournal.js';

const StoreFile = z.object({
  format: z.literal('mdu-store'),
  version: z.literal(1),
  nextETag: z.number().int().nonnegative(),
  /** The last journal line this file holds (absent before the journal existed: none). */
  journalSeq: z.number().int().nonnegative().optional(),
  items: z.record(z.string(), StoredItem),
});
type StoreFile = z.infer<typeof StoreFile>;

/** What the rest of the bot needs from a store beyond botbuilder's `Storage`. */
export interface DocumentStore extends Storage {
  /** Keys starting with `prefix`, in no particular order. */
  keys(prefix: string): Promise<string[]>;
  /** Deletes every item whose key starts with `prefix` and which was last written before `before`. Returns how many. */
  purge(prefix: string, before: Date): Promise<number>;
  /** Resolves when every acknowledged write is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
  /**
   * An atomic compare-and-set, for claims (a handoff taken by exactly one volunteer): writes
   * `value` at `key` only if the key's eTag is still `expected` (`null`: only if the key does not
   * exist), together with `alsoWrite` (plain overwrites), all or nothing. Resolves to the new eTag,
   * or to `null`, with nothing written, when the key changed meanwhile. Both stores implement it
   * (tests/store/storageSuite.ts); optional only for test doubles that wrap a store.
   */
  compareAndSet?(key: string, expected: string | null, value: Record<string, unknown>, alsoWrite?: StoreItems): Promise<string | null>;
  /**
   * False while the store cannot write (the embedded store on a full disk): `/readyz` answers 503
   * until a write succeeds again. A store that does not say is taken as writable (PostgreSQL's
   * failures surface on each statement instead).
   */
  readonly writable?: boolean;
  /**
   * Whether the store answers now, for `/readyz`: resolves when it does, rejects with the reason
   * when it does not within `timeoutMs` (PostgreSQL: `SELECT 1`). A store that has nothing to ask
   * beyond being open (the embedded store) leaves it out.
   */
  probe?(timeoutMs: number): Promise<void>;
}

export interface LowdbStorageOptions {
  /** Folder of the store file and its lock. */
  dataDir: string;
  /** In production a missing store file is an error, not a fresh start. */
  createIfMissing: boolean;
  now?: () => Date;
  fileName?: string;
  /** The journal is folded into the store file once it is larger than this and than the store file. Default 1 MiB. */
  journalMinBytes?: number;
  /** While the store cannot write (a full disk), how often it tries again on its own. Default 2 s. */
  retryWritesEveryMs?: number;
}

/** What changed since the last flush began: the key's last change wins. */
type Change = 'set' | 'delete';

export class LowdbStorage implements DocumentStore {
  private flushing: Promise<void> | null = null;
  /** The flush that writes joining now wait for, numbered. */
  private queued: { batch: number; promise: Promise<void> } | null = null;
  private batches = 0;
  /** Flushes up to this number fail with this error without writing (their changes were rolled back). */
  private failedThrough: { batch: number; error: unknown } = { batch: 0, error: undefined };
  /**
   * For each key changed since its last write to disk, the item as it is on disk (undefined: none):
   * what a failed flush puts back, so that memory holds what the disk holds and a write the
   * caller was told failed never becomes durable later.
   */
  private onDisk = new Map<string, StoredItem | undefined>();
  /** False from a failed flush until a flush succeeds (`/readyz` says so). */
  private canWrite = true;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Changes not yet in a flush. */
  private changes = new Map<string, Change>();
  /** The next flush rewrites the store file (asked by `flush()`, `close()`, a delete). */
  private rewriteNext = false;
  /** The last journal line written. */
  private journalSeq: number;
  /** Size of the store file at its last rewrite. */
  private fileBytes = 0;
  /**
   * Something was deleted since the last rewrite: the next one also replaces the last good copy
   * (`store.json.bak`), so that no file keeps what an erasure or a purge removed.
   */
  private deletions = 0;
  /** `deletions` as it was when the last rewrite that replaced the last good copy began. */
  private scrubbed = 0;
  /** Every key, by prefix (`keys`, `purge`). */
  private readonly index = new KeyIndex();
  /** Rewrites of the store file since open (figures and tests: a store that does not grow is not rewritten). */
  private rewriteCount = 0;

  private constructor(
    private readonly db: Low<StoreFile>,
    private readonly file: DurableJsonFile<StoreFile>,
    private readonly lock: DataDirectoryLock,
    private readonly now: () => Date,
    private readonly texts: ItemTexts,
    private readonly journal: StoreJournal,
    private readonly journalMinBytes: number,
    private readonly retryWritesEveryMs: number,
  ) {
    this.journalSeq = db.data.journalSeq ?? 0;
    for (const key in db.data.items) {
      this.index.add(key);
      this.texts.track(key);
    }
  }

  /** Opens (or, where allowed, creates) the store; takes the data directory's lock. */
  static async open(options: LowdbStorageOptions): Promise<LowdbStorage> {
    const dataDir = path.resolve(options.dataDir);
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(dataDir, options.fileName ?? 'store.json');
    const lock = await DataDirectoryLock.acquire(dataDir);
    try {
      const texts = new ItemTexts();
      const adapter = new DurableJsonFile<StoreFile>(file, (raw) => StoreFile.parse(raw), (data) => texts.serialize(data));
      const db = new Low<StoreFile>(adapter, { format: 'mdu-store', version: 1, nextETag: 1, journalSeq: 0, items: {} });
      const journalFile = journalFileOf(file);
      let existing: StoreFile | null;
      let lines: JournalLine[];
      try {
        existing = await adapter.read();
        lines = existing ? await StoreJournal.read(journalFile, existing.journalSeq ?? 0) : [];
      } catch (error) {
        if (error instanceof CorruptFileError && error.file === journalFile) {
          throw new MduError(
            ErrorCodes.STORE_CORRUPT,
            `The store journal ${journalFile} is damaged (${error.reason}). The bot will not start without the writes it holds. ` +
              `Check it; moving it aside starts the bot from ${path.basename(file)} alone, without the writes made since that file was last rewritten.`,
            { cause: error },
          );
        }
        if (error instanceof CorruptFileError) {
          throw new MduError(
            ErrorCodes.STORE_CORRUPT,
            `The store file ${file} is damaged (${error.reason}). The bot will not start on an empty store. ` +
              `The last good copy is ${adapter.backupFile}: check it, then copy it over ${path.basename(file)} to restore.`,
            { cause: error },
          );
        }
        throw error;
      }
      if (existing === null && !options.createIfMissing) {
        throw new MduError(
          ErrorCodes.STORE_MISSING,
          `The store file ${file} is missing. In production the bot does not start afresh on its own: restore the data directory from a backup, or create an empty store with \`npm run store:init\` for a first install.`,
        );
      }
      if (existing) db.data = existing;
      for (const line of lines) applyLine(db.data, line);
      const journal = await StoreJournal.open(journalFile);
      const storage = new LowdbStorage(db, adapter, lock, options.now ?? (() => new Date()), texts, journal, options.journalMinBytes ?? 1024 * 1024, options.retryWritesEveryMs ?? 2000);
      storage.fileBytes = (await fs.stat(file).catch(() => null))?.size ?? 0;
      // A new store, or a journal left by a crash (perhaps ending in a cut line): the store file takes it all, the journal starts empty.
      if (existing === null || journal.size > 0) await storage.rewrite();
      return storage;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /**
   * Reads the items of a prefix from a store file without taking the lock: for read-only tools
   * (curators' listings) that run while the bot holds the store.
   */
  static async snapshot(dataDir: string, prefix: string, fileName = 'store.json'): Promise<Record<string, Record<string, unknown>>> {
    const file = path.join(path.resolve(dataDir), fileName);
    const adapter = new DurableJsonFile<StoreFile>(file, (raw) => StoreFile.parse(raw));
    let data: StoreFile | null = null;
    for (let attempt = 0; ; attempt++) {
      const before = await fs.stat(file).catch(() => null);
      data = await adapter.read();
      const lines = data ? await StoreJournal.read(journalFileOf(file), data.journalSeq ?? 0) : [];
      const after = await fs.stat(file).catch(() => null);
      // The bot rewrote the store file (and emptied the journal) while we read: read both again.
      if (before?.ino !== after?.ino && attempt < 5) continue;
      for (const line of lines) applyLine(data!, line);
      break;
    }
    const result: Record<string, Record<string, unknown>> = {};
    for (const [key, item] of Object.entries(data?.items ?? {})) if (key.startsWith(prefix)) result[key] = item.value;
    return result;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const result: StoreItems = {};
    for (const key of keys) {
      const item = this.db.data.items[key];
      if (!item) continue;
      // A deep copy: callers mutate what they read (BotState does) and must not touch the store's copy.
      const copy = JSON.parse(this.texts.of(key, item).value) as Record<string, unknown>;
      copy.eTag = item.eTag;
      result[key] = copy;
    }
    return result;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    this.assertOpen();
    const items = this.db.data.items;
    // Check every eTag before changing anything, so a conflict leaves the store as it was.
    for (const [key, change] of Object.entries(changes)) {
      const eTag = (change as { eTag?: string } | undefined)?.eTag;
      const old = items[key];
      if (old && eTag && eTag !== '*' && eTag !== old.eTag) {
        throw eTagConflict(key);
      }
    }
    const updatedAt = this.now().toISOString();
    for (const [key, change] of Object.entries(changes)) {
      const { eTag: _ignored, ...fields } = (change ?? {}) as Record<string, unknown>;
      void _ignored;
      // The JSON text is the copy (as MemoryStorage makes it): what is kept is what a restart reads back.
      const text = JSON.stringify(fields);
      const item = writtenItem(String(this.db.data.nextETag++), updatedAt, text);
      this.rememberOnDisk(key);
      this.texts.beforeChange(key, items[key]);
      items[key] = item;
      this.index.add(key);
      this.texts.set(key, item, text);
      this.changes.set(key, 'set');
    }
    await this.persist();
  }

  async compareAndSet(key: string, expected: string | null, value: Record<string, unknown>, alsoWrite: StoreItems = {}): Promise<string | null> {
    this.assertOpen();
    // Decided and applied in one synchronous step (write applies its change before its first await): nothing runs in between.
    if ((this.db.data.items[key]?.eTag ?? null) !== expected) return null;
    const { eTag: _ignored, ...fields } = value;
    void _ignored;
    const written = this.write({ ...alsoWrite, [key]: { ...fields, eTag: '*' } });
    const eTag = this.db.data.items[key]!.eTag;
    await written;
    return eTag;
  }

  async delete(keys: string[]): Promise<void> {
    this.assertOpen();
    let changed = false;
    for (const key of keys) {
      if (key in this.db.data.items) {
        this.rememberOnDisk(key);
        this.texts.beforeChange(key, this.db.data.items[key]);
        delete this.db.data.items[key];
        this.index.delete(key);
        this.texts.forget(key);
        this.changes.set(key, 'delete');
        changed = true;
      }
    }
    // Deleted data (an erasure, a purge) leaves the disk with this flush: old versions in the
    // journal and in the last good copy included.
    if (changed) {
      this.rewriteNext = true;
      this.deletions++;
    }
    if (changed) await this.persist();
  }

  async keys(prefix: string): Promise<string[]> {
    return this.index.keys(prefix);
  }

  async purge(prefix: string, before: Date): Promise<number> {
    const limit = before.toISOString();
    const items = this.db.data.items;
    const stale = this.index.keys(prefix).filter((key) => items[key]!.updatedAt < limit);
    await this.delete(stale);
    return stale.length;
  }

  /** How many keys `keys` and `purge` have gone through since open: what a prefix lookup costs. */
  get keysExamined(): number {
    return this.index.examined;
  }

  /** How many times the store file was rewritten since open. */
  get rewrites(): number {
    return this.rewriteCount;
  }

  /** Resolves when every write so far is in the store file itself (the journal folded in and emptied). */
  async flush(): Promise<void> {
    this.rewriteNext = true;
    await this.persist();
  }

  /** Whether the last flush reached the disk (false while the disk is full, until a flush succeeds). */
  get writable(): boolean {
    return this.canWrite;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.retryTimer);
    let failure: unknown;
    try {
      await this.flush();
    } catch (error) {
      failure = error;
    }
    // Closed even if the last flush failed (a full disk): what is on disk is what it rolled back to.
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.journal.close();
    await this.lock.release();
    if (failure !== undefined) throw failure;
  }

  /** Group commit: joins the next flush, which starts once the running one is done. */
  private persist(): Promise<void> {
    if (this.queued) return this.queued.promise;
    const batch = ++this.batches;
    const previous = this.flushing ?? Promise.resolve();
    const next: Promise<void> = previous
      .catch(() => undefined)
      .then(async () => {
        if (this.queued?.batch === batch) this.queued = null;
        // Its changes were rolled back with a failed flush before it: its writers are told so.
        if (batch <= this.failedThrough.batch) throw this.failedThrough.error;
        this.flushing = next;
        try {
          await this.commit();
        } finally {
          if (this.flushing === next) this.flushing = null;
        }
      });
    this.queued = { batch, promise: next };
    return next;
  }

  /** Before a key's first change since it was last written: how it is on disk. */
  private rememberOnDisk(key: string): void {
    if (!this.onDisk.has(key)) this.onDisk.set(key, this.db.data.items[key]);
  }

  /**
   * A flush failed: every change not on disk is undone in memory (this flush's and those waiting
   * for the next, which were made on top of them), and the next flush fails too, so each writer
   * whose change is not on disk is told, and nothing told "failed" is written later.
   */
  private rollBack(error: unknown): void {
    for (const [key, item] of this.onDisk) {
      this.texts.beforeChange(key, this.db.data.items[key]);
      if (item) {
        this.db.data.items[key] = item;
        this.index.add(key);
      } else {
        delete this.db.data.items[key];
        this.index.delete(key);
      }
      this.texts.reset(key, item !== undefined);
    }
    this.onDisk = new Map();
    this.changes = new Map();
    if (this.queued) {
      this.failedThrough = { batch: this.queued.batch, error };
      this.queued = null;
    }
    this.canWrite = false;
    this.retryLater();
  }

  /** While the store cannot write, a flush now and then finds out when it can again (`writable`). */
  private retryLater(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.closed || this.canWrite) return;
      void this.flush().catch(() => undefined);
    }, this.retryWritesEveryMs).unref();
  }

  /** One flush: the changes since the last one, as a journal line, or the whole store file. */
  private async commit(): Promise<void> {
    const changes = this.changes;
    this.changes = new Map();
    // After a failure the journal may end in part of a line: only a rewrite (which empties it) will do.
    const asked = this.rewriteNext || !this.canWrite;
    this.rewriteNext = false;
    let written: Map<string, StoredItem | undefined>;
    try {
      if (changes.size === 0 && this.canWrite && !(asked && this.journal.size > 0)) return;
      written = await this.writeOut(changes, asked);
    } catch (cause) {
      const error = new MduError(ErrorCodes.STORE_WRITE_FAILED, `The store could not write to ${this.file.file} (${(cause as NodeJS.ErrnoException).code ?? 'error'}).`, { cause });
      this.rewriteNext = true;
      this.rollBack(error);
      throw error;
    }
    // On disk now, as written: a key changed again since is remembered as the disk has it.
    for (const [key, item] of written) {
      if (this.db.data.items[key] === item) this.onDisk.delete(key);
      else this.onDisk.set(key, item);
    }
    this.canWrite = true;
  }

  /**
   * The changes as a journal line or, when asked or due, the whole store file. Returns the items
   * (of keys changed since they were last on disk) as they were written.
   */
  private async writeOut(changes: ReadonlyMap<string, Change>, asked: boolean): Promise<Map<string, StoredItem | undefined>> {
    if (!asked && this.journal.size < Math.max(this.journalMinBytes, this.fileBytes)) {
      // The number is used even if the append fails: a line cut short must never be read back over later data.
      const seq = ++this.journalSeq;
      try {
        // The line is made now, from the items as they are: those are what reaches the disk.
        const written = new Map([...changes.keys()].map((key) => [key, this.db.data.items[key]]));
        await this.journal.append(this.texts.journalLine(seq, this.db.data, changes));
        return written;
      } catch {
        // A failed or short append may have left part of a line: the store file takes everything instead.
      }
    }
    return this.rewrite();
  }

  /** The store file takes everything, then the journal starts afresh (its lines are in the file: `journalSeq`). */
  private async rewrite(): Promise<Map<string, StoredItem | undefined>> {
    this.rewriteCount++;
    this.db.data.journalSeq = this.journalSeq;
    // What the file holds is taken when the write starts (before its first await): every item as it is now.
    const written = new Map([...this.onDisk.keys()].map((key) => [key, this.db.data.items[key]]));
    // Counted, not flagged: a deletion made while this rewrite runs needs the next one to scrub too;
    // a failed rewrite leaves the count for the next one.
    const deletions = this.deletions;
    if (deletions > this.scrubbed) {
      await this.file.writeReplacingBackup(this.db.data);
      this.scrubbed = deletions;
    } else await this.db.write();
    this.fileBytes = this.texts.lastSerializedBytes;
    await this.journal.clear();
    return written;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The store is closed.');
  }
}

/** Items spread by key; `text` is their joined text while none changed (`version` counts changes). */
interface Bucket {
  keys: Set<string>;
  text: Buffer | null;
  version: number;
}

/** A bucket to join for a rewrite: its items as they were when the rewrite began. */
interface PendingBucket {
  bucket: Bucket;
  version: number;
  keys: string[];
}

/** How long a rewrite joins text before it lets other work run. */
const REWRITE_SLICE_MS = 8;

/**
 * The JSON text of each item's value, valid while the item's eTag is the one it was made for
 * (every write gives a new eTag). Items read from the file get theirs on first use.
 *
 * For the file, items are spread over buckets by key, and each bucket keeps its joined text until
 * one of its items changes: a flush re-joins only the buckets a change touched, then the buckets.
 * (Items are not in insertion order in the file; nothing depends on that order.)
 */
class ItemTexts {
  private static readonly BUCKETS = 1024;
  private readonly texts = new Map<string, { eTag: string; value: string }>();
  private readonly buckets: Bucket[] = Array.from({ length: ItemTexts.BUCKETS }, () => ({ keys: new Set<string>(), text: null, version: 0 }));
  /**
   * While a rewrite joins its text: the items as they were when it began, of the keys changed
   * since (undefined: the key did not exist), so that the file holds the store as it was then.
   */
  private frozen: Map<string, StoredItem | undefined> | null = null;
  /** Size of the last text `serialize` made. */
  lastSerializedBytes = 0;

  set(key: string, item: StoredItem, valueText: string): void {
    this.texts.set(key, { eTag: item.eTag, value: valueText });
    this.touch(key, true);
  }

  /** The JSON text of an item's value. */
  of(key: string, item: StoredItem): { value: string } {
    const known = this.texts.get(key);
    if (known && known.eTag === item.eTag) return known;
    const made = { eTag: item.eTag, value: JSON.stringify(item.value) };
    this.texts.set(key, made);
    return made;
  }

  forget(key: string): void {
    this.texts.delete(key);
    this.touch(key, false);
  }

  /** A key put back as it was (a rolled-back change): its text is made again on use. */
  reset(key: string, present: boolean): void {
    this.texts.delete(key);
    this.touch(key, present);
  }

  /**
   * The file's text, as UTF-8 pieces to write in order: the same data as `JSON.stringify(data)`.
   * What it holds is taken at the call, before anything is awaited (every item as it is then:
   * writes replace items, never change them); the text of the groups changed since the last
   * rewrite is then joined in slices of a few milliseconds, between which turns run.
   */
  serialize(data: StoreFile): Promise<Buffer[]> {
    const header = Buffer.from(`{"format":${JSON.stringify(data.format)},"version":${data.version},"nextETag":${data.nextETag},"journalSeq":${data.journalSeq ?? 0},"items":{`);
    // Taken now, and cheap: the text of each unchanged bucket, the keys of the others.
    const plan: (Buffer | PendingBucket)[] = this.buckets.map((bucket) => bucket.text ?? { bucket, version: bucket.version, keys: [...bucket.keys] });
    const frozen = new Map<string, StoredItem | undefined>();
    this.frozen = frozen;
    return this.join(data, header, plan, frozen).finally(() => {
      if (this.frozen === frozen) this.frozen = null;
    });
  }

  /** A key is about to change (`item`: what it holds now): a rewrite under way keeps that. */
  beforeChange(key: string, item: StoredItem | undefined): void {
    if (this.frozen && !this.frozen.has(key)) this.frozen.set(key, item);
  }

  /** A key read from the store file at open. */
  track(key: string): void {
    this.touch(key, true);
  }

  private async join(data: StoreFile, header: Buffer, plan: (Buffer | PendingBucket)[], frozen: ReadonlyMap<string, StoredItem | undefined>): Promise<Buffer[]> {
    // Encoded once per change of a bucket; a flush hands the pieces to one writev, with no copy here.
    const parts: Buffer[] = [header];
    let sliceStart = performance.now();
    for (const entry of plan) {
      let text: Buffer;
      if (Buffer.isBuffer(entry)) text = entry;
      else {
        const items: string[] = [];
        for (const key of entry.keys) {
          const item = frozen.has(key) ? frozen.get(key)! : data.items[key]!;
          const known = this.texts.get(key);
          // Not kept when made here: the bucket's text is (outside the heap), and that is what the next rewrite reuses.
          const value = known?.eTag === item.eTag ? known.value : JSON.stringify(item.value);
          items.push(`${JSON.stringify(key)}:${itemText(item, value)}`);
        }
        text = Buffer.from(items.join(','));
        if (entry.bucket.version === entry.version) entry.bucket.text = text;
        if (performance.now() - sliceStart > REWRITE_SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
      }
      if (text.length === 0) continue;
      if (parts.length > 1) parts.push(COMMA);
      parts.push(text);
    }
    parts.push(CLOSE);
    this.lastSerializedBytes = parts.reduce((n, b) => n + b.length, 0);
    return parts;
  }

  /** A journal line of the changed keys, as their items are now; ends with a newline. */
  journalLine(seq: number, data: StoreFile, changes: ReadonlyMap<string, Change>): Buffer[] {
    const set: string[] = [];
    const deleted: string[] = [];
    for (const [key, change] of changes) {
      const item = data.items[key];
      if (change === 'set' && item) set.push(`${JSON.stringify(key)}:${itemText(item, this.of(key, item).value)}`);
      else if (!item) deleted.push(JSON.stringify(key));
    }
    return [Buffer.from(`{"seq":${seq},"nextETag":${data.nextETag},"set":{${set.join(',')}},"delete":[${deleted.join(',')}]}\n`)];
  }

  private touch(key: string, present: boolean): void {
    const bucket = this.buckets[bucketOf(key, ItemTexts.BUCKETS)]!;
    if (present) bucket.keys.add(key);
    else bucket.keys.delete(key);
    bucket.text = null;
    bucket.version++;
  }
}

/**
 * A stale eTag: expected when writers race (each reads again and retries; the curation counters
 * see one or more a turn under load), so made without a stack trace, which costs eight times the
 * rest of the error and says nothing the message does not.
 */
function eTagConflict(key: string): MduError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new MduError(ErrorCodes.STORE_ETAG_CONFLICT, `Storage: error writing "${key}" due to eTag conflict.`);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * An item as written: reads, journal lines and the file use its JSON text (`ItemTexts`), so its
 * value is parsed only if something asks for it.
 */
function writtenItem(eTag: string, updatedAt: string, text: string): StoredItem {
  let value: Record<string, unknown> | undefined;
  return {
    eTag,
    updatedAt,
    get value() {
      return (value ??= JSON.parse(text) as Record<string, unknown>);
    },
  };
}

/** Applies a journal line read back to the data read from the store file. */
function applyLine(data: StoreFile, line: JournalLine): void {
  for (const [key, item] of Object.entries(line.set)) data.items[key] = item;
  for (const key of line.delete) delete data.items[key];
  data.nextETag = Math.max(data.nextETag, line.nextETag);
  data.journalSeq = line.seq;
}

function journalFileOf(storeFile: string): string {
  return `${storeFile}.journal`;
}

const COMMA = Buffer.from(',');
const CLOSE = Buffer.from('}}');

/** FNV-1a of the key, modulo `n`. */
function bucketOf(key: string, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % n;
}

function itemText(item: StoredItem, valueText: string): string {
  return `{"eTag":${JSON.stringify(item.eTag)},"updatedAt":${JSON.stringify(item.updatedAt)},"value":${valueText}}`;
}
