/**
 * Whether the embedded store fits the process's heap, decided before the store file is read.
 *
 * The embedded store holds every document in memory. Opening it reads the file as one string,
 * parses and validates it: the heap peaks at about six times the file's size (measured: 5.0-7.0x
 * from 3.5 to 72 MB of file, `npm run bench -- store`), then holds about 2.5 times it (1.8-2.9x)
 * beside the bot's own
 * ~120 MB (knowledge, models, a few hundred chats in flight). A store beyond that does not fail
 * cleanly: V8 aborts "out of memory" during start-up or soon after, the service manager starts it
 * again, and it aborts again. So the bot refuses such a store at start-up, once, with a message that
 * says what to do, and exits with a code the service manager is told not to restart on.
 *
 * Measured with the deployed flags (`--max-old-space-size=192`, BENCHMARKS.md and
 * deployment/README.md, "Limits of the embedded store"): 80,000 stored conversations (28.6 MB)
 * start and run; 110,000 (39.4 MB) aborted out of memory before this check. The budget below, with
 * the upper ends of those ratios, refuses from 28.6 MB (`npm run bench -- limits`).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { ErrorCodes, MduError } from '../bot/errors.js';

/** Heap at the peak of opening, per byte of store file and journal. */
export const OPEN_PEAK_PER_BYTE = 6.5;
/** Heap held once open, per byte. */
export const HELD_PER_BYTE = 3;
/** What the process holds at the store's opening (modules loaded), and once running (the bot itself). */
const AT_OPEN_BYTES = 30 * 1024 * 1024;
const BOT_BYTES = 120 * 1024 * 1024;

export interface StoreHeapBudget {
  file: string;
  /** Store file and journal, bytes. */
  storeBytes: number;
  /** V8's heap limit (`--max-old-space-size` and the young generation). */
  heapLimitBytes: number;
  /** The largest store this heap takes. */
  maxStoreBytes: number;
  fits: boolean;
}

/** The largest store (file and journal, bytes) a heap of `heapLimitBytes` takes. */
export function maxStoreBytes(heapLimitBytes: number): number {
  return Math.max(0, Math.floor(Math.min((heapLimitBytes - AT_OPEN_BYTES) / OPEN_PEAK_PER_BYTE, (heapLimitBytes - BOT_BYTES) / HELD_PER_BYTE)));
}

/** Measures the store in `dataDir` against the heap (this process's unless given). A missing store fits. */
export async function storeHeapBudget(dataDir: string, options: { fileName?: string; heapLimitBytes?: number } = {}): Promise<StoreHeapBudget> {
  const file = path.join(path.resolve(dataDir), options.fileName ?? 'store.json');
  const size = async (f: string) => (await fs.stat(f).catch(() => null))?.size ?? 0;
  const storeBytes = (await size(file)) + (await size(`${file}.journal`));
  const heapLimitBytes = options.heapLimitBytes ?? v8.getHeapStatistics().heap_size_limit;
  const max = maxStoreBytes(heapLimitBytes);
  return { file, storeBytes, heapLimitBytes, maxStoreBytes: max, fits: storeBytes <= max };
}

/** Refuses (MDU-015) a store too large for the heap, before anything reads it. */
export async function assertStoreFitsHeap(dataDir: string, options: { fileName?: string; heapLimitBytes?: number } = {}): Promise<void> {
  const budget = await storeHeapBudget(dataDir, options);
  if (budget.fits) return;
  const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
  const neededHeapMb = Math.ceil(Math.max(budget.storeBytes * OPEN_PEAK_PER_BYTE + AT_OPEN_BYTES, budget.storeBytes * HELD_PER_BYTE + BOT_BYTES) / 1048576);
  throw new MduError(
    ErrorCodes.STORE_TOO_LARGE,
    `The store ${budget.file} is too large for this process's memory: ${mb(budget.storeBytes)} (with its journal), ` +
      `and the heap limit is ${mb(budget.heapLimitBytes)}, which takes a store of ${mb(budget.maxStoreBytes)} at most. ` +
      `The bot does not start on it (it would run out of memory and start again, over and over). ` +
      `Move the store to PostgreSQL: set DATABASE_URL and run \`npm run store:copy-to-postgres\` (deployment/README.md §12). ` +
      `Meanwhile, a larger heap opens it: --max-old-space-size=${neededHeapMb} or more in NODE_OPTIONS, if the machine has the memory. ` +
      `Exit code 78: the service is not restarted on it.`,
  );
}
