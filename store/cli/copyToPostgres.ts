/**
 * `npm run store:copy-to-postgres -- <lowdb data directory> [--merge]`: copies everything an
 * embedded store holds (conversation state, handoff queue and transcripts, volunteers and
 * sessions, Direct Line conversations, counters, unanswered questions) into the PostgreSQL store
 * named by DATABASE_URL, keeping each document's date of last write (retention goes on from it).
 *
 * Run it with the bot stopped (it takes the data directory's lock, as the bot does) and before
 * starting the instances on PostgreSQL; the runbook is in deployment/README.md. The target must be
 * empty unless `--merge` is given (then a key present on both sides takes the copied document).
 * The data directory is left as it was (read, never changed beyond folding its journal).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../../bot/config.js';
import { MduError } from '../../bot/errors.js';
import { LowdbStorage } from '../LowdbStorage.js';
import { describePgError } from '../postgres/PostgresStorage.js';
import { migrate } from '../postgres/migrations.js';
import { postgresPoolConfig } from '../postgres/poolConfig.js';
import { StoredItem } from '../StoreJournal.js';

const USAGE = 'usage: DATABASE_URL=postgres://... npm run store:copy-to-postgres -- <lowdb data directory> [--merge]';
const BATCH = 500;

const StoreFile = z.object({ format: z.literal('mdu-store'), items: z.record(z.string(), StoredItem) });

export interface CopyReport {
  copied: number;
  /** Keys that were in PostgreSQL already and took the copied document (`--merge`). */
  replaced: number;
}

/** Copies a lowdb data directory into the database of `pool` (migrated first). Exported for tests. */
export async function copyToPostgres(dataDir: string, pool: pg.Pool, options: { merge: boolean }): Promise<CopyReport> {
  // Opening and closing folds a journal left behind into the store file: the file then holds everything.
  const lowdb = await LowdbStorage.open({ dataDir, createIfMissing: false });
  await lowdb.close();
  const file = path.join(path.resolve(dataDir), 'store.json');
  const parsed = StoreFile.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: not a store file (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  const items = Object.entries(parsed.data.items);

  await migrate(pool);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const existing = Number((await client.query<{ n: string }>('SELECT count(*)::text AS n FROM mdu_items')).rows[0]!.n);
    if (existing > 0 && !options.merge) {
      throw new Error(`The PostgreSQL store already holds ${existing} document(s): nothing copied. Copy into an empty database, or give --merge to overwrite the keys both hold.`);
    }
    let replaced = 0;
    for (let i = 0; i < items.length; i += BATCH) {
      const batch = items.slice(i, i + BATCH);
      const { rows } = await client.query<{ inserted: boolean }>(
        `INSERT INTO mdu_items AS t (key, etag, updated_at, value)
         SELECT k, nextval('mdu_etag_seq'), u, v::json FROM unnest($1::text[], $2::timestamptz[], $3::text[]) AS x(k, u, v)
         ON CONFLICT (key) DO UPDATE SET etag = EXCLUDED.etag, updated_at = EXCLUDED.updated_at, value = EXCLUDED.value
         RETURNING (xmax = 0) AS inserted`,
        [batch.map(([key]) => key), batch.map(([, item]) => item.updatedAt), batch.map(([, item]) => JSON.stringify(item.value))],
      );
      replaced += rows.filter((r) => !r.inserted).length;
    }
    // All or nothing: a failure half-way leaves the database as it was.
    await client.query('COMMIT');
    return { copied: items.length, replaced };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const merge = args.includes('--merge');
  const dirs = args.filter((a) => !a.startsWith('--'));
  if (dirs.length !== 1 || args.some((a) => a.startsWith('--') && a !== '--merge')) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  if (!config.DATABASE_URL) {
    console.error(`DATABASE_URL is not set: where should the documents go?\n${USAGE}`);
    return 2;
  }
  const pool = new pg.Pool({ ...postgresPoolConfig(config), max: 2 });
  try {
    const report = await copyToPostgres(dirs[0]!, pool, { merge });
    console.log(`Copied ${report.copied} document(s) into PostgreSQL${report.replaced ? ` (${report.replaced} replaced an existing one)` : ''}. The data directory is unchanged; keep it as a backup until the instances run well on PostgreSQL.`);
    return 0;
  } catch (error) {
    console.error(error instanceof MduError || error instanceof ConfigError || error instanceof Error ? error.message : describePgError(error));
    return 1;
  } finally {
    await pool.end();
  }
}

if (process.argv[1] && /copyToPostgres\.(ts|js)$/.test(process.argv[1])) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : describePgError(error));
      process.exit(1);
    },
  );
}
