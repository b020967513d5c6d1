/**
 * Structured logging, one JSON object a line on stderr.
 *
 * Rule: a log line never carries message text, names or raw ids of visitors. Callers pass
 * events and counts; ids go through `pseudonymise` first.
 */
import { createHmac, randomBytes } from 'node:crypto';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, string | number | boolean | null | undefined | string[]>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  /** Errors are logged with their name, message and stack; never with the visitor's text. */
  error(event: string, error?: unknown, fields?: LogFields): void;
}

export function createLogger(level: LogLevel = 'info', write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const emit = (lvl: LogLevel, event: string, fields: LogFields = {}) => {
    if (ORDER[lvl] < ORDER[level]) return;
    write(JSON.stringify({ t: new Date().toISOString(), level: lvl, event, ...fields }));
  };
  return {
    debug: (e, f) => emit('debug', e, f),
    info: (e, f) => emit('info', e, f),
    warn: (e, f) => emit('warn', e, f),
    error: (e, err, f) => {
      const details =
        err instanceof Error
          ? { error: err.name, ...(typeof (err as { code?: unknown }).code === 'string' ? { code: (err as unknown as { code: string }).code } : {}), message: err.message, stack: err.stack }
          : err === undefined
            ? {}
            : { error: String(err) };
      emit('error', e, { ...details, ...f });
    },
  };
}

// A per-process key: pseudonyms link the lines of one run, and cannot be reversed to a visitor id.
const PSEUDONYM_KEY = randomBytes(32);

/** A short, stable-per-process pseudonym for an id (conversation, user). */
export function pseudonymise(id: string | undefined): string {
  if (!id) return '-';
  return createHmac('sha256', PSEUDONYM_KEY).update(id).digest('base64url').slice(0, 12);
}
