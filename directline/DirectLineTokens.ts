/**
 * Per-conversation Direct Line tokens for the bot's own (local) Direct Line: HMAC-SHA256 signed,
 * with an expiry, bound to one conversation. The signing secret is generated at first start and
 * kept in the store, so tokens handed out before a restart still work after it.
 *
 * A token reads `mdl1.<payload>.<signature>` (base64url). It is opaque to the browser: no user id
 * is embedded, so `botframework-directlinejs` leaves `from` as the client gives it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DocumentStore } from '../store/LowdbStorage.js';

/** Store key of the signing secret; outside the conversations' prefix, so no retention purge touches it. */
export const TOKEN_SECRET_KEY = 'directline/secret';

const PREFIX = 'mdl1';

export interface TokenClaims {
  /** The one conversation the token opens. */
  conversationId: string;
  /** Expiry, in seconds since the epoch. */
  expiresAt: number;
  /** A stream token (`t=` of a `streamUrl`): it opens the conversation's WebSocket stream and nothing else. */
  stream?: true;
}

export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export class DirectLineTokens {
  private constructor(
    private readonly secret: Buffer,
    private readonly now: () => Date,
    /** How long a token (new or refreshed) lives, in seconds. */
    readonly lifetimeSeconds: number,
  ) {}

  /** Loads the signing secret from the store, creating it on first start. */
  static async open(store: DocumentStore, options: { now: () => Date; lifetimeSeconds?: number }): Promise<DirectLineTokens> {
    const items = await store.read([TOKEN_SECRET_KEY]);
    let secret = (items[TOKEN_SECRET_KEY] as { secret?: unknown } | undefined)?.secret;
    if (typeof secret !== 'string' || secret.length < 43) {
      const fresh = randomBytes(32).toString('base64url');
      const current = items[TOKEN_SECRET_KEY] as { eTag?: string } | undefined;
      if (store.compareAndSet) {
        // Instances starting together on a shared store: one secret wins, and every instance signs with it.
        const won = await store.compareAndSet(TOKEN_SECRET_KEY, current?.eTag ?? null, { secret: fresh });
        secret = won !== null ? fresh : ((await store.read([TOKEN_SECRET_KEY]))[TOKEN_SECRET_KEY] as { secret?: unknown } | undefined)?.secret;
        if (typeof secret !== 'string' || secret.length < 43) throw new Error('The Direct Line token secret in the store is invalid.');
      } else {
        secret = fresh;
        await store.write({ [TOKEN_SECRET_KEY]: { secret } });
      }
    }
    return new DirectLineTokens(Buffer.from(secret as string, 'base64url'), options.now, options.lifetimeSeconds ?? 1800);
  }

  /** For tests and tools: tokens from a known secret. */
  static withSecret(secret: Buffer, now: () => Date, lifetimeSeconds = 1800): DirectLineTokens {
    return new DirectLineTokens(secret, now, lifetimeSeconds);
  }

  /** A token for `conversationId`, valid `lifetimeSeconds` from now (or `expiresInSeconds`, for tests). */
  mint(conversationId: string, expiresInSeconds: number = this.lifetimeSeconds): { token: string; expires_in: number } {
    const expiresAt = this.nowSeconds() + expiresInSeconds;
    const payload = Buffer.from(JSON.stringify({ c: conversationId, e: expiresAt })).toString('base64url');
    return { token: `${PREFIX}.${payload}.${this.sign(payload)}`, expires_in: expiresInSeconds };
  }

  /**
   * A short-lived token for the `t=` of a `streamUrl` (as the Azure service's): it can only open
   * the stream of its conversation, within a minute, so a URL that leaks (a proxy's log) opens nothing later.
   */
  mintStream(conversationId: string, expiresInSeconds = 60): string {
    const expiresAt = this.nowSeconds() + expiresInSeconds;
    const payload = Buffer.from(JSON.stringify({ c: conversationId, e: expiresAt, s: 1 })).toString('base64url');
    return `${PREFIX}.${payload}.${this.sign(payload)}`;
  }

  verify(token: string | undefined): TokenCheck {
    if (!token) return { ok: false, reason: 'malformed' };
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX || !parts[1] || !parts[2]) return { ok: false, reason: 'malformed' };
    const [, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
    let claims: { c?: unknown; e?: unknown; s?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { c?: unknown; e?: unknown; s?: unknown };
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (typeof claims.c !== 'string' || typeof claims.e !== 'number') return { ok: false, reason: 'malformed' };
    if (claims.e <= this.nowSeconds()) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { conversationId: claims.c, expiresAt: claims.e, ...(claims.s === 1 ? { stream: true as const } : {}) } };
  }

  /** Seconds left before `claims` expire. */
  secondsLeft(claims: TokenClaims): number {
    return Math.max(0, claims.expiresAt - this.nowSeconds());
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(`${PREFIX}.${payload}`).digest('base64url');
  }

  private nowSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }
}
