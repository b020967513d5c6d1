/**
 * The PostgreSQL store's schema, as numbered migrations applied in order, each in its own
 * transaction, under an advisory lock (two instances starting at once apply each one once).
 *
 * A migration is never edited once released: a change of schema is a new entry at the end.
 */
import type { Pool, PoolClient } from 'pg';
import { ErrorCodes, MduError } from '../../bot/errors.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The table of applied migrations (created by the first step, before any migration). */
export const MIGRATIONS_TABLE = 'mdu_schema_migrations';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents',
    sql: `
      -- One row a document: the same keyed documents as the embedded store (see store/README.md).
      -- COLLATE "C": byte order, so a key prefix is a range of the primary key's index.
      CREATE TABLE mdu_items (
        key        text COLLATE "C" PRIMARY KEY,
        etag       bigint      NOT NULL,
        updated_at timestamptz NOT NULL,
        value      json        NOT NULL
      );
      -- Retention purges: the old items of a prefix.
      CREATE INDEX mdu_items_updated_at ON mdu_items (updated_at);
      -- Every write takes a new eTag, unique across instances.
      CREATE SEQUENCE mdu_etag_seq AS bigint;
    `,
  },
  {
    version: 2,
    name: 'rate limit windows',
    sql: `
      -- Fixed-window counters shared by every instance (bot/rateLimit.ts): one row a client and door.
      CREATE TABLE mdu_rate_windows (
        key          text COLLATE "C" PRIMARY KEY,
        window_start timestamptz NOT NULL,
        count        integer     NOT NULL
      );
      CREATE INDEX mdu_rate_windows_start ON mdu_rate_windows (window_start);
    `,
  },
];

/** The schema version this code expects. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Any constant: the advisory lock that makes two instances' migrations run one after the other. */
const MIGRATION_LOCK = 0x6d64_7501;

/** Applies the migrations not applied yet. Returns the versions it applied. */
export async function migrate(pool: Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const done = new Set((await client.query<{ version: number }>(`SELECT version FROM ${MIGRATIONS_TABLE}`)).rows.map((r) => r.version));
      const applied: number[] = [];
      for (const migration of MIGRATIONS) {
        if (done.has(migration.version)) continue;
        await inTransaction(client, async () => {
          await client.query(migration.sql);
          await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
        });
        applied.push(migration.version);
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

/** The highest applied version (0: none), for a role that may not migrate. */
export async function schemaVersion(pool: Pool): Promise<number> {
  const exists = await pool.query<{ name: string | null }>('SELECT to_regclass($1) AS name', [MIGRATIONS_TABLE]);
  if (!exists.rows[0]?.name) return 0;
  const result = await pool.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${MIGRATIONS_TABLE}`);
  return result.rows[0]?.version ?? 0;
}

/**
 * Refuses to run on a schema older than this code's. A newer one is accepted: migrations only
 * add (tables, columns with defaults, indexes), so during a rolling upgrade the instances not yet
 * upgraded keep running on the schema the first upgraded one migrated.
 */
export async function checkSchema(pool: Pool): Promise<number> {
  const version = await schemaVersion(pool);
  if (version >= SCHEMA_VERSION) return version;
  throw new MduError(
    ErrorCodes.STORE_SCHEMA,
    `The PostgreSQL schema is at version ${version}, this bot needs ${SCHEMA_VERSION}: run \`npm run store:init\` with the schema owner's DATABASE_URL (see deployment/README.md), or set DATABASE_MIGRATE=auto.`,
  );
}

/**
 * What the bot's own role needs, and nothing more: read and write the documents and the rate
 * counters, take eTags, read the schema version. No DDL, no other table; the owner migrates.
 */
export async function grantRuntimeRole(pool: Pool, role: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`"${role}" is not a plain role name`);
  await pool.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON mdu_items, mdu_rate_windows TO ${role}`);
  await pool.query(`GRANT USAGE ON SEQUENCE mdu_etag_seq TO ${role}`);
  await pool.query(`GRANT SELECT ON ${MIGRATIONS_TABLE} TO ${role}`);
}

async function inTransaction(client: PoolClient, task: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await task();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
