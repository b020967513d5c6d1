/**
 * The shared store: the same keyed documents as the embedded store, one row each in PostgreSQL
 * (`mdu_items`), for several bot instances at once (a hospital group, upgrades without downtime).
 *
 * botbuilder's eTag rules are the database's: a write with an eTag is one conditional statement
 * (`INSERT ... ON CONFLICT DO UPDATE ... WHERE etag = $eTag`), so of two instances writing over the
 * same version exactly one succeeds and the other hears "eTag conflict", with no read first.
 * A write of several documents is one transaction: all or nothing.
 *
 * Coordination (`StoreCoordination`): a write to a watched prefix sends `NOTIFY mdu_changes` with
 * the keys in the same transaction (delivered only once committed); the other instances read the
 * rows again (the rows are the truth, the notification a wake-up). Work that must run once
 * (retention purges) takes an advisory lock.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Pool, PoolClient, PoolConfig } from 'pg';
import type { StoreItems } from 'botbuilder';
import { ErrorCodes, MduError } from '../../bot/errors.js';
import type { DocumentStore } from '../LowdbStorage.js';
import type { ChangeListener, StoreCoordination } from '../StoreCoordination.js';
import { checkSchema, migrate } from './migrations.js';

/** The notification channel of changed keys. */
const CHANNEL = 'mdu_changes';
/** PostgreSQL refuses payloads of 8000 bytes or more: keys are sent in chunks below this. */
const MAX_PAYLOAD_BYTES = 7000;

export interface PostgresStorageOptions {
  /** The pool's settings (connection string, size, timeouts, TLS): see `postgresPoolConfig`. */
  pool: PoolConfig;
  /** `auto`: apply pending migrations at start-up; `check`: refuse to start on an older schema (a role that may not migrate). */
  migrate: 'auto' | 'check';
  /** The clock of `updatedAt` (retention purges), the bot's. */
  now?: () => Date;
  /** Key prefixes whose changes other instances are told about. Default: none. */
  notifyPrefixes?: readonly string[];
  /** Listen for other instances' changes (a dedicated connection). Default true. */
  listen?: boolean;
}

interface Row {
  key: string;
  etag: string;
  value: Record<string, unknown>;
}

export class PostgresStorage implements DocumentStore, StoreCoordination {
  readonly shared = true;
  /** Tells this instance's notifications from the others'. */
  private readonly instanceId = randomBytes(6).toString('base64url');
  private readonly listeners = new Map<ChangeListener, string>();
  private readonly running = new Set<string>();
  private listener: pg.Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The `probe` under way. */
  private probing: Promise<void> | undefined;

  private constructor(
    readonly pool: Pool,
    private readonly options: PostgresStorageOptions,
    private readonly now: () => Date,
  ) {}

  /** Connects, migrates (or checks the schema) and starts listening for other instances' changes. */
  static async open(options: PostgresStorageOptions): Promise<PostgresStorage> {
    const pool = new pg.Pool(options.pool);
    // An idle connection that breaks (a database restart) must not crash the process: the pool replaces it.
    pool.on('error', () => undefined);
    try {
      if (options.migrate === 'auto') await migrate(pool);
      await checkSchema(pool);
    } catch (error) {
      await pool.end().catch(() => undefined);
      if (error instanceof MduError) throw error;
      throw new MduError(ErrorCodes.STORE_UNAVAILABLE, `Cannot open the PostgreSQL store (${describePgError(error)}). Check DATABASE_URL and that the server is reachable.`, { cause: error });
    }
    const storage = new PostgresStorage(pool, options, options.now ?? (() => new Date()));
    if (options.listen !== false) {
      try {
        await storage.startListening();
      } catch (error) {
        await storage.close().catch(() => undefined);
        throw new MduError(ErrorCodes.STORE_UNAVAILABLE, `Cannot listen for other instances' changes on PostgreSQL (${describePgError(error)}).`, { cause: error });
      }
    }
    return storage;
  }

  // ---- botbuilder's Storage ----------------------------------------------------------------

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const result: StoreItems = {};
    if (keys.length === 0) return result;
    const { rows } = await this.pool.query<Row>('SELECT key, etag::text AS etag, value FROM mdu_items WHERE key = ANY($1::text[])', [keys]);
    for (const row of rows) result[row.key] = { ...row.value, eTag: row.etag };
    return result;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    this.assertOpen();
    const entries = Object.entries(changes);
    if (entries.length === 0) return;
    const updatedAt = this.now();
    if (entries.length === 1 && this.notifiedKeys(entries).length === 0) {
      // One document, one statement: atomic on its own.
      const [key, change] = entries[0]!;
      await this.writeOne(this.pool, key, change, updatedAt);
      return;
    }
    await this.transaction(async (client) => {
      for (const [key, change] of entries) await this.writeOne(client, key, change, updatedAt);
      await this.notify(client, this.notifiedKeys(entries));
    });
  }

  async delete(keys: string[]): Promise<void> {
    this.assertOpen();
    if (keys.length === 0) return;
    const notified = keys.filter((k) => this.watched(k));
    if (notified.length === 0) {
      await this.pool.query('DELETE FROM mdu_items WHERE key = ANY($1::text[])', [keys]);
      return;
    }
    await this.transaction(async (client) => {
      await client.query('DELETE FROM mdu_items WHERE key = ANY($1::text[])', [keys]);
      await this.notify(client, notified);
    });
  }

  // ---- DocumentStore -----------------------------------------------------------------------

  async keys(prefix: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ key: string }>(`SELECT key FROM mdu_items WHERE key LIKE $1 ESCAPE '\\'`, [likePrefix(prefix)]);
    return rows.map((r) => r.key);
  }

  async purge(prefix: string, before: Date): Promise<number> {
    this.assertOpen();
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ key: string }>(`DELETE FROM mdu_items WHERE key LIKE $1 ESCAPE '\\' AND updated_at < $2 RETURNING key`, [likePrefix(prefix), before]);
      await this.notify(
        client,
        rows.map((r) => r.key).filter((k) => this.watched(k)),
      );
      return rows.length;
    });
  }

  async compareAndSet(key: string, expected: string | null, value: Record<string, unknown>, alsoWrite: StoreItems = {}): Promise<string | null> {
    this.assertOpen();
    const { eTag: _ignored, ...fields } = value;
    void _ignored;
    const text = JSON.stringify(fields);
    const updatedAt = this.now();
    const conditional = async (client: Pool | PoolClient): Promise<string | null> => {
      // The condition is the statement's: the row lock the UPDATE takes (or the primary key for an
      // INSERT) decides between two instances; the loser changes no row.
      const { rows } =
        expected === null
          ? await client.query<{ etag: string }>(
              `INSERT INTO mdu_items (key, etag, updated_at, value) VALUES ($1, nextval('mdu_etag_seq'), $2, $3::json) ON CONFLICT (key) DO NOTHING RETURNING etag::text AS etag`,
              [key, updatedAt, text],
            )
          : await client.query<{ etag: string }>(
              `UPDATE mdu_items SET etag = nextval('mdu_etag_seq'), updated_at = $2, value = $3::json WHERE key = $1 AND etag::text = $4 RETURNING etag::text AS etag`,
              [key, updatedAt, text, expected],
            );
      return rows[0]?.etag ?? null;
    };
    const others = Object.entries(alsoWrite);
    // One document nobody listens to (a delivery's dedupe): one statement, atomic on its own.
    if (others.length === 0 && !this.watched(key)) return conditional(this.pool);
    return this.transaction(async (client) => {
      const eTag = await conditional(client);
      if (eTag === null) return null;
      for (const [otherKey, change] of others) await this.writeOne(client, otherKey, change, updatedAt);
      await this.notify(client, [key, ...others.map(([k]) => k)].filter((k) => this.watched(k)));
      return eTag;
    });
  }

  /** Every write is committed when it resolves: nothing waits. */
  async flush(): Promise<void> {}

  /**
   * `SELECT 1` within `timeoutMs` (`/readyz`). One probe at a time: a readiness poll while the
   * server hangs joins the probe under way instead of taking another connection from the pool.
   */
  probe(timeoutMs: number): Promise<void> {
    this.probing ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`PostgreSQL did not answer SELECT 1 within ${timeoutMs} ms`)), timeoutMs);
      });
      const query = this.pool.query('SELECT 1');
      // Answered after the timeout (or failed then): nobody waits for it any more.
      query.catch(() => undefined);
      try {
        await Promise.race([query, timeout]);
      } catch (error) {
        throw new Error(error instanceof Error && error.message.startsWith('PostgreSQL did not answer') ? error.message : `PostgreSQL: ${describePgError(error).slice(0, 200)}`, { cause: error });
      } finally {
        clearTimeout(timer);
        this.probing = undefined;
      }
    })();
    return this.probing;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  // ---- StoreCoordination -------------------------------------------------------------------

  onChange(prefix: string, listener: ChangeListener): () => void {
    this.listeners.set(listener, prefix);
    return () => this.listeners.delete(listener);
  }

  async runExclusive<T>(name: string, task: () => Promise<T>): Promise<T | undefined> {
    if (this.running.has(name)) return undefined;
    this.running.add(name);
    let client: PoolClient | undefined;
    try {
      client = await this.pool.connect();
      // A session lock, held on this connection for the task's time; released by unlock, or by the server if this process dies.
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [`mdu:${name}`]);
      if (!rows[0]?.locked) return undefined;
      try {
        return await task();
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`mdu:${name}`]);
      }
    } finally {
      client?.release();
      this.running.delete(name);
    }
  }

  // ---- inside ------------------------------------------------------------------------------

  /** One document with botbuilder's rules: no eTag or `*` overwrites; another eTag must be the stored one (or the key absent). */
  private async writeOne(client: Pool | PoolClient, key: string, change: unknown, updatedAt: Date): Promise<void> {
    const { eTag, ...fields } = (change ?? {}) as Record<string, unknown>;
    const text = JSON.stringify(fields);
    const conditional = typeof eTag === 'string' && eTag !== '' && eTag !== '*';
    const result = await client.query(
      `INSERT INTO mdu_items AS t (key, etag, updated_at, value) VALUES ($1, nextval('mdu_etag_seq'), $2, $3::json)
       ON CONFLICT (key) DO UPDATE SET etag = EXCLUDED.etag, updated_at = EXCLUDED.updated_at, value = EXCLUDED.value
       ${conditional ? 'WHERE t.etag::text = $4' : ''}`,
      conditional ? [key, updatedAt, text, eTag] : [key, updatedAt, text],
    );
    if (result.rowCount === 0) throw eTagConflict(key);
  }

  private async transaction<T>(task: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        const result = await task(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      client.release();
    }
  }

  private watched(key: string): boolean {
    return (this.options.notifyPrefixes ?? []).some((p) => key.startsWith(p));
  }

  private notifiedKeys(entries: [string, unknown][]): string[] {
    return entries.map(([k]) => k).filter((k) => this.watched(k));
  }

  /** `<instance> <key>\n<key>...` in chunks under the payload limit; a key too long for one is sent as `*`. */
  private async notify(client: PoolClient, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const header = `${this.instanceId} `;
    let chunk: string[] = [];
    let bytes = header.length;
    const send = async () => {
      if (chunk.length > 0) await client.query('SELECT pg_notify($1, $2)', [CHANNEL, header + chunk.join('\n')]);
      chunk = [];
      bytes = header.length;
    };
    for (const raw of keys) {
      const key = Buffer.byteLength(raw) + header.length > MAX_PAYLOAD_BYTES ? '*' : raw;
      const size = Buffer.byteLength(key) + 1;
      if (bytes + size > MAX_PAYLOAD_BYTES) await send();
      chunk.push(key);
      bytes += size;
    }
    await send();
  }

  private async startListening(): Promise<void> {
    const client = new pg.Client(this.options.pool);
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      const space = message.payload.indexOf(' ');
      if (message.payload.slice(0, space) === this.instanceId) return;
      for (const key of message.payload.slice(space + 1).split('\n')) this.dispatch(key);
    });
    client.on('error', () => this.relisten(client));
    client.on('end', () => this.relisten(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }

  /** The link was lost: listen again, then tell every listener that anything may have changed meanwhile. */
  private relisten(lost: pg.Client): void {
    if (this.closed || this.listener !== lost) return;
    this.listener = undefined;
    void lost.end().catch(() => undefined);
    const attempt = (delayMs: number) => {
      this.reconnectTimer = setTimeout(() => {
        if (this.closed) return;
        this.startListening().then(
          () => this.dispatch('*'),
          () => attempt(Math.min(delayMs * 2, 30_000)),
        );
      }, delayMs);
      this.reconnectTimer.unref();
    };
    attempt(500);
  }

  private dispatch(key: string): void {
    for (const [listener, prefix] of this.listeners) {
      if (key === '*' || key.startsWith(prefix)) {
        try {
          listener(key);
        } catch {
          // A listener's failure is its own; the others still hear.
        }
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The store is closed.');
  }
}

/** `prefix%`, with LIKE's own characters taken literally. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Same as the embedded store's: expected under races, so without a stack trace. */
function eTagConflict(key: string): MduError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new MduError(ErrorCodes.STORE_ETAG_CONFLICT, `Storage: error writing "${key}" due to eTag conflict.`);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The server's code and message, never the connection string (it may hold a password). */
export function describePgError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return [e.code, e.message].filter(Boolean).join(': ') || 'unknown error';
}
