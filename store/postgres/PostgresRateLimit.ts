/**
 * Rate limits shared by every instance on one PostgreSQL (`mdu_rate_windows`): the same fixed
 * windows as `RateLimit` (bot/rateLimit.ts), counted by one atomic upsert a request, so a client
 * spreading its requests over the instances behind a load balancer meets the same limit.
 *
 * Rows hold a client key (an address, or address|channel|conversation) and a count, nothing else;
 * finished windows are deleted by `purge` (the retention run).
 */
import type { Pool } from 'pg';
import type { RateCounter, Verdict } from '../../bot/rateLimit.js';

export interface PostgresRateLimitOptions {
  /** Requests a window; 0 turns the limit off. */
  limit: number;
  windowMs: number;
  /** Keeps the doors' counters apart (`public`, `messages`). */
  door: string;
  nowMs?: () => number;
}

export class PostgresRateLimit implements RateCounter {
  private readonly nowMs: () => number;

  constructor(
    private readonly pool: Pool,
    private readonly options: PostgresRateLimitOptions,
  ) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.limit > 0;
  }

  /** Counts one request of `key`. Rejects when the database cannot be reached (callers let the request through). */
  async take(key: string): Promise<Verdict> {
    if (!this.enabled) return { ok: true };
    const now = this.nowMs();
    // A new window when the row's is over; otherwise one more, but never past limit + 1 (the count is only compared).
    const { rows } = await this.pool.query<{ start_ms: string; count: number }>(
      `INSERT INTO mdu_rate_windows AS w (key, window_start, count) VALUES ($1, to_timestamp($2 / 1000.0), 1)
       ON CONFLICT (key) DO UPDATE SET
         window_start = CASE WHEN w.window_start <= to_timestamp(($2 - $3) / 1000.0) THEN EXCLUDED.window_start ELSE w.window_start END,
         count = CASE WHEN w.window_start <= to_timestamp(($2 - $3) / 1000.0) THEN 1 ELSE LEAST(w.count + 1, $4 + 1) END
       RETURNING (extract(epoch FROM window_start) * 1000)::bigint::text AS start_ms, count`,
      [`${this.options.door}|${key}`, now, this.options.windowMs, this.options.limit],
    );
    const row = rows[0]!;
    if (row.count <= this.options.limit) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((Number(row.start_ms) + this.options.windowMs - now) / 1000)) };
  }

  /** Deletes the windows that started before `before`. Returns how many. */
  static async purge(pool: Pool, before: Date): Promise<number> {
    const result = await pool.query('DELETE FROM mdu_rate_windows WHERE window_start < $1', [before]);
    return result.rowCount ?? 0;
  }
}
