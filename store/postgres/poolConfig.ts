/**
 * The PostgreSQL pool's settings from the bot's configuration (bot/config.ts): size, timeouts, TLS.
 */
import { readFileSync } from 'node:fs';
import type { PoolConfig } from 'pg';

export interface DatabaseSettings {
  DATABASE_URL: string;
  DATABASE_POOL_MAX: number;
  DATABASE_CONNECT_TIMEOUT_MS: number;
  DATABASE_STATEMENT_TIMEOUT_MS: number;
  DATABASE_IDLE_TIMEOUT_MS: number;
  DATABASE_SSL: 'disable' | 'require' | 'verify-full';
  DATABASE_SSL_CA: string;
}

export function postgresPoolConfig(settings: DatabaseSettings): PoolConfig {
  const ssl =
    settings.DATABASE_SSL === 'disable'
      ? false
      : settings.DATABASE_SSL === 'require'
        ? { rejectUnauthorized: false }
        : { rejectUnauthorized: true, ...(settings.DATABASE_SSL_CA ? { ca: readFileSync(settings.DATABASE_SSL_CA, 'utf8') } : {}) };
  return {
    connectionString: settings.DATABASE_URL,
    max: settings.DATABASE_POOL_MAX,
    connectionTimeoutMillis: settings.DATABASE_CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: settings.DATABASE_IDLE_TIMEOUT_MS,
    statement_timeout: settings.DATABASE_STATEMENT_TIMEOUT_MS,
    // A lock held by a crashed turn's transaction must not block the others for long either.
    idle_in_transaction_session_timeout: Math.max(settings.DATABASE_STATEMENT_TIMEOUT_MS * 2, 10_000),
    application_name: 'mdu-front-desk',
    ssl,
  };
}
