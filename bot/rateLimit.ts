/**
 * Rate limits per client, answered with 429 and `Retry-After`.
 *
 * Who "a client" is depends on the door:
 * - the website's routes (`POST /api/directline/token`, `/v3/directline/...`): the client's
 *   address (behind our reverse proxy, with `TRUST_PROXY`, the address the proxy added last to
 *   X-Forwarded-For; a client cannot forge that one);
 * - `/api/messages`: one conversation from one address. The caller there is a channel (Azure's
 *   Bot Framework service, or in local mode the bot's own Direct Line on loopback) speaking for
 *   many visitors from few addresses, so an address alone would throttle everybody at once.
 *
 * Fixed windows, bounded memory: at most `maxKeys` clients are tracked; past that, finished
 * windows are dropped, then the oldest.
 */
import type { Next, Request, Response } from 'restify';
import { sendError } from './httpGuards.js';

export interface RateLimitOptions {
  /** Requests a window; 0 turns the limit off. */
  limit: number;
  windowMs: number;
  nowMs?: () => number;
  maxKeys?: number;
}

export type Verdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * What counts requests: `RateLimit` in memory (one instance), or counters shared by several
 * instances (`PostgresRateLimit`, so a limit holds across instances behind a load balancer).
 */
export interface RateCounter {
  readonly enabled: boolean;
  take(key: string): Verdict | Promise<Verdict>;
}

/** Makes the counter of one door (`public`, `messages`): the composition root picks the kind. */
export type RateCounterFactory = (door: string, options: { limit: number; windowMs: number }) => RateCounter;

export class RateLimit implements RateCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly nowMs: () => number;
  private readonly maxKeys: number;

  constructor(private readonly options: RateLimitOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  get enabled(): boolean {
    return this.options.limit > 0;
  }

  /** Counts one request of `key`. */
  take(key: string): Verdict {
    if (!this.enabled) return { ok: true };
    const now = this.nowMs();
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.options.windowMs) {
      this.windows.delete(key);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
      this.evict(now);
    }
    if (window.count >= this.options.limit) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((window.start + this.options.windowMs - now) / 1000)) };
    }
    window.count++;
    return { ok: true };
  }

  /** How many clients are tracked (for tests). */
  get size(): number {
    return this.windows.size;
  }

  private evict(now: number): void {
    if (this.windows.size <= this.maxKeys) return;
    // Windows are kept in the order they started (a new window goes to the end), so the finished
    // ones come first: stop at the first running one instead of scanning every client each time
    // a new one comes, which under load (thousands of clients a minute) cost more than a turn.
    for (const [key, window] of this.windows) {
      if (now - window.start < this.options.windowMs) break;
      this.windows.delete(key);
    }
    for (const key of this.windows.keys()) {
      if (this.windows.size <= this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}

/**
 * Who may open a new chat: per client first (`clientKey` of its address), then a ceiling for the
 * whole server. A client past its own limit is refused without touching the ceiling, so one
 * client in a loop only ever closes the chat to itself; the ceiling (far above honest traffic)
 * bounds what many clients together can make the bot create.
 */
export class NewConversationLimit {
  private readonly perClient: RateLimit;
  private readonly total: RateLimit;
  private readonly trustProxy: boolean;

  constructor(options: { perClient: number; total: number; windowMs: number; trustProxy: boolean; nowMs?: () => number }) {
    this.trustProxy = options.trustProxy;
    this.perClient = new RateLimit({ limit: options.perClient, windowMs: options.windowMs, nowMs: options.nowMs });
    this.total = new RateLimit({ limit: options.total, windowMs: options.windowMs, nowMs: options.nowMs });
  }

  /** Counts one new chat of the request's client; which limit refused it, if one did. */
  take(req: Request): (Verdict & { ok: true }) | { ok: false; retryAfterSeconds: number; scope: 'client' | 'server' } {
    const client = this.perClient.take(clientKey(clientAddress(req, this.trustProxy)));
    if (!client.ok) return { ...client, scope: 'client' };
    const total = this.total.take('server');
    if (!total.ok) return { ...total, scope: 'server' };
    return { ok: true };
  }
}

/**
 * The key a client is counted by: its IPv4 address, or the /64 of its IPv6 address (one
 * subscriber's network holds a whole /64, so counting single IPv6 addresses counts nobody).
 */
export function clientKey(address: string): string {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').replace(/%.*$/, '');
  if (!plain.includes(':')) return plain;
  const [head = '', tail = ''] = plain.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = plain.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** The client's address: the socket's, or behind a trusted proxy the last X-Forwarded-For entry. */
export function clientAddress(req: Request, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .at(-1);
    if (forwarded) return forwarded;
  }
  return req.socket?.remoteAddress ?? 'unknown';
}

export function tooManyRequests(res: Response, retryAfterSeconds: number): void {
  res.header('Retry-After', String(retryAfterSeconds));
  sendError(res, 429, 'too_many_requests', 'Too many requests; try again shortly.');
}

/** The website's doors: the token route and the Direct Line routes the browser calls. */
export function isPublicChatRoute(pathname: string): boolean {
  return pathname === '/api/directline/token' || pathname.startsWith('/v3/directline/') || pathname === '/v3/directline';
}

/** A `server.pre` handler limiting the website's routes per client address. */
export function publicRoutesLimit(limit: RateCounter, trustProxy: boolean) {
  return (req: Request, res: Response, next: Next): void => {
    if (!limit.enabled || !isPublicChatRoute(pathOf(req))) return next();
    const decide = (verdict: Verdict) => {
      if (verdict.ok) return next();
      tooManyRequests(res, verdict.retryAfterSeconds);
      next(false);
    };
    const verdict = limit.take(clientAddress(req, trustProxy));
    if (verdict instanceof Promise) void verdict.then(decide, () => decide({ ok: true }));
    else decide(verdict);
  };
}

/**
 * For `/api/messages`, after the body is parsed: limits one conversation from one address.
 * Answers 429 itself and returns false when the limit is reached.
 */
export async function allowActivity(limit: RateCounter, req: Request, res: Response, trustProxy: boolean): Promise<boolean> {
  if (!limit.enabled) return true;
  const body = req.body as { channelId?: unknown; conversation?: { id?: unknown } } | null;
  const conversation = typeof body?.conversation?.id === 'string' ? body.conversation.id : '-';
  const channel = typeof body?.channelId === 'string' ? body.channelId : '-';
  // A shared counter that cannot be reached lets the request through (see PostgresRateLimit).
  const verdict = await Promise.resolve(limit.take(`${clientAddress(req, trustProxy)}|${channel}|${conversation}`)).catch((): Verdict => ({ ok: true }));
  if (verdict.ok) return true;
  tooManyRequests(res, verdict.retryAfterSeconds);
  return false;
}

/** The path as the router will match it: decoded, lower case, without the query or a trailing slash. */
function pathOf(req: Request): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  try {
    path = decodeURIComponent(path);
  } catch {
    // A malformed escape: the router refuses it anyway.
  }
  return path.toLowerCase().replace(/\/{2,}/g, '/').replace(/\/+$/, '') || '/';
}
