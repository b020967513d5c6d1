/**
 * The embedded store: one lowdb JSON file in `DATA_DIR`, behind botbuilder's `Storage` interface,
 * with MemoryStorage's eTag rules (a missing or `*` eTag overwrites; a stale eTag is refused).
 *
 * Everything the bot keeps (conversation state, handoff queue, Direct Line conversations, counters)
 * is a keyed document here, so one set of rules (eTags, retention, erasure) covers it all.
 *
 * Writes are group-committed: every write made while a flush is running joins the next flush, and
 * each caller's promise resolves once the flush holding its change is on disk (fsync + rename).
 *
 * Each item's JSON text is kept beside it (`ItemTexts`): a read is a `JSON.parse` of it (the copy
 * botbuilder's MemoryStorage gives too), and a flush re-joins only the groups of items that
 * changed instead of serialising the whole store again.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Low } from 'lowdb';
import type { Storage, StoreItems } from 'botbuilder';
import { z } from 'zod';
import { ErrorCodes, MduError } from '../bot/errors.js';
import { CorruptFileError, DurableJsonFile } from './DurableJsonFile.js';

const StoredItem = z.object({
  eTag: z.string(),
  /** ISO instant of the last write: what retention and purges go by. */
  updatedAt: z.string(),
  value: z.record(z.string(), z.unknown()),
});
const StoreFile = z.object({
  format: z.literal('mdu-store'),
  version: z.literal(1),
  nextETag: z.number().int().nonnegative(),
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
}

export interface LowdbStorageOptions {
  /** Folder of the store file and its lock. */
  dataDir: string;
  /** In production a missing store file is an error, not a fresh start. */
  createIfMissing: boolean;
  now?: () => Date;
  fileName?: string;
}

export class LowdbStorage implements DocumentStore {
  private flushing: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private closed = false;

  private constructor(
    private readonly db: Low<StoreFile>,
    private readonly lockFile: string,
    private readonly now: () => Date,
    private readonly texts: ItemTexts,
  ) {}

  /** Opens (or, where allowed, creates) the store; takes the data directory's lock. */
  static async open(options: LowdbStorageOptions): Promise<LowdbStorage> {
    const dataDir = path.resolve(options.dataDir);
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(dataDir, options.fileName ?? 'store.json');
    const lockFile = path.join(dataDir, 'store.lock');
    await acquireLock(lockFile);
    try {
      const texts = new ItemTexts();
      const adapter = new DurableJsonFile<StoreFile>(file, (raw) => StoreFile.parse(raw), (data) => texts.serialize(data));
      const db = new Low<StoreFile>(adapter, { format: 'mdu-store', version: 1, nextETag: 1, items: {} });
      let existing: StoreFile | null;
      try {
        existing = await adapter.read();
      } catch (error) {
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
      const storage = new LowdbStorage(db, lockFile, options.now ?? (() => new Date()), texts);
      if (existing === null) await storage.persist();
      return storage;
    } catch (error) {
      await fs.rm(lockFile, { force: true });
      heldLocks.delete(lockFile);
      throw error;
    }
  }

  /**
   * Reads the items of a prefix from a store file without taking the lock: for read-only tools
   * (curators' listings) that run while the bot holds the store.
   */
  static async snapshot(dataDir: string, prefix: string, fileName = 'store.json'): Promise<Record<string, Record<string, unknown>>> {
    const adapter = new DurableJsonFile<StoreFile>(path.join(path.resolve(dataDir), fileName), (raw) => StoreFile.parse(raw));
    const data = await adapter.read();
    const result: Record<string, Record<string, unknown>> = {};
    for (const [key, item] of Object.entries(data?.items ?? {})) if (key.startsWith(prefix)) result[key] = item.value;
    return result;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const result: StoreItems = {};
    for (const key of keys) {
      const item = this.db.data.items[key];
      // A deep copy: callers mutate what they read (BotState does) and must not touch the store's copy.
      if (item) result[key] = { ...(JSON.parse(this.texts.of(key, item).value) as Record<string, unknown>), eTag: item.eTag };
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
        throw new MduError(ErrorCodes.STORE_ETAG_CONFLICT, `Storage: error writing "${key}" due to eTag conflict.`);
      }
    }
    const updatedAt = this.now().toISOString();
    for (const [key, change] of Object.entries(changes)) {
      const { eTag: _ignored, ...fields } = (change ?? {}) as Record<string, unknown>;
      void _ignored;
      // The JSON round trip is the copy (as MemoryStorage makes it): what is kept is what a restart reads back.
      const text = JSON.stringify(fields);
      const item = { eTag: String(this.db.data.nextETag++), updatedAt, value: JSON.parse(text) as Record<string, unknown> };
      items[key] = item;
      this.texts.set(key, item, text);
    }
    await this.persist();
  }

  async delete(keys: string[]): Promise<void> {
    this.assertOpen();
    let changed = false;
    for (const key of keys) {
      if (key in this.db.data.items) {
        delete this.db.data.items[key];
        this.texts.forget(key);
        changed = true;
      }
    }
    if (changed) await this.persist();
  }

  async keys(prefix: string): Promise<string[]> {
    return Object.keys(this.db.data.items).filter((k) => k.startsWith(prefix));
  }

  async purge(prefix: string, before: Date): Promise<number> {
    const limit = before.toISOString();
    const stale = Object.entries(this.db.data.items)
      .filter(([key, item]) => key.startsWith(prefix) && item.updatedAt < limit)
      .map(([key]) => key);
    await this.delete(stale);
    return stale.length;
  }

  async flush(): Promise<void> {
    await this.queued;
    await this.flushing;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await fs.rm(this.lockFile, { force: true });
    heldLocks.delete(this.lockFile);
  }

  /** Group commit: joins the next flush, which starts once the running one is done. */
  private persist(): Promise<void> {
    if (this.queued) return this.queued;
    const previous = this.flushing ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        this.queued = null;
        this.flushing = next;
        try {
          await this.db.write();
        } finally {
          if (this.flushing === next) this.flushing = null;
        }
      });
    this.queued = next;
    return next;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The store is closed.');
  }
}

type StoredItem = z.infer<typeof StoredItem>;

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
  private readonly buckets = Array.from({ length: ItemTexts.BUCKETS }, () => ({ keys: new Set<string>(), text: null as Buffer | null }));
  /** Whether the buckets hold every key of the data (after the first flush; writes and deletes keep them so). */
  private synced = false;

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

  /** The file's text, as UTF-8 pieces to write in order: the same data as `JSON.stringify(data)`. */
  serialize(data: StoreFile): Buffer[] {
    if (!this.synced) {
      // The items read at open, which no write told about: tracked once, then writes and deletes keep the buckets right.
      for (const bucket of this.buckets) bucket.keys.clear();
      for (const key of Object.keys(data.items)) this.touch(key, true);
      this.synced = true;
    }
    // Encoded once per change of a bucket; a flush hands the pieces to one writev, with no copy here.
    const parts: Buffer[] = [Buffer.from(`{"format":${JSON.stringify(data.format)},"version":${data.version},"nextETag":${data.nextETag},"items":{`)];
    for (const bucket of this.buckets) {
      if (bucket.text === null) {
        const items: string[] = [];
        for (const key of bucket.keys) {
          const item = data.items[key]!;
          items.push(`${JSON.stringify(key)}:${itemText(item, this.of(key, item).value)}`);
        }
        bucket.text = Buffer.from(items.join(','));
      }
      if (bucket.text.length === 0) continue;
      if (parts.length > 1) parts.push(COMMA);
      parts.push(bucket.text);
    }
    parts.push(CLOSE);
    return parts;
  }

  private touch(key: string, present: boolean): void {
    const bucket = this.buckets[bucketOf(key, ItemTexts.BUCKETS)]!;
    if (present) bucket.keys.add(key);
    else bucket.keys.delete(key);
    bucket.text = null;
  }
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

/** Locks this process holds, so a second opener inside the same process is refused too. */
const heldLocks = new Set<string>();

/** One process a data directory: a second one is refused while the first is alive. */
async function acquireLock(lockFile: string): Promise<void> {
  if (heldLocks.has(lockFile)) {
    throw new MduError(ErrorCodes.STORE_LOCKED, `The data directory is in use by another process (this one, lock ${lockFile}).`);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(lockFile, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      heldLocks.add(lockFile);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await fs.readFile(lockFile, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new MduError(
          ErrorCodes.STORE_LOCKED,
          `The data directory is in use by another process (pid ${owner}, lock ${lockFile}). Two bots must not share one store.`,
        );
      }
      // The owner is gone (a crash or kill -9): the lock is stale.
      await fs.rm(lockFile, { force: true });
    }
  }
  throw new MduError(ErrorCodes.STORE_LOCKED, `Could not take the lock ${lockFile}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
