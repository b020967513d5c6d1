/**
 * Console sessions and volunteers' presence.
 *
 * A session is a random token (in an HttpOnly cookie, or a bearer header for tools) whose SHA-256
 * names a store document (`handoff/session/<hash>`): the login, a CSRF token, when it expires, and
 * whether the volunteer said they are available. Sessions survive a restart.
 *
 * Presence: a volunteer counts as available when a live session says so **and** their console was
 * seen recently (its event stream, or any API call, within `presenceMs`). A closed tab therefore
 * stops counting after a short while, instead of leaving visitors waiting for nobody. After a
 * restart every available session gets `presenceMs` to reconnect.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../bot/clock.js';
import type { DocumentStore } from '../store/LowdbStorage.js';
import type { VolunteerAccount, VolunteerAccounts } from './VolunteerAccounts.js';

export const SESSION_PREFIX = 'handoff/session/';

const SessionDoc = z.object({
  login: z.string(),
  csrfToken: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  available: z.boolean(),
  /**
   * Which password the session was opened with (`credentialOf` the account): a new password, or
   * the account removed and made again, ends every session opened before, cookie and bearer alike.
   * Sessions from before this field have none, and end too.
   */
  credential: z.string().optional(),
});
export type SessionDoc = z.infer<typeof SessionDoc>;

export interface Session extends SessionDoc {
  /** The store key (a hash of the token): what identifies the session server-side. */
  id: string;
  displayName: string;
}

export interface AvailableVolunteer {
  login: string;
  name: string;
}

export interface SessionRules {
  lifetimeMs: number;
  presenceMs: number;
  /**
   * Several instances share the store: a console connected to one instance must count as present
   * on all of them, so presence is written to the store too (`handoff/presence/<login>`, a time
   * only, at most every quarter of `presenceMs`). Default false: presence stays in memory.
   */
  sharedPresence?: boolean;
}

/** Store prefix of the presence times shared between instances. */
export const PRESENCE_PREFIX = 'handoff/presence/';
const PresenceDoc = z.object({ seenAt: z.number() });

export class ConsoleSessions {
  private readonly lastSeen = new Map<string, number>();
  /** When this instance last wrote each volunteer's presence (shared presence only). */
  private readonly lastShared = new Map<string, number>();

  constructor(
    private readonly store: DocumentStore,
    private readonly accounts: VolunteerAccounts,
    private readonly clock: Clock,
    private readonly rules: SessionRules,
  ) {}

  /** After a restart: volunteers who were available get `presenceMs` to reconnect. */
  async seedPresence(): Promise<void> {
    const now = this.clock.now().getTime();
    for (const session of await this.all()) if (session.available) this.lastSeen.set(session.login, now);
  }

  /**
   * Opens a session for an account: best the account as its sign-in checked it, so that a password
   * changed meanwhile is not the one the session counts as opened with; else its login.
   */
  async create(who: VolunteerAccount | string): Promise<{ token: string; session: Session }> {
    const account = typeof who === 'string' ? await this.accounts.get(who) : who;
    if (!account) throw new Error('No volunteer account has this login.');
    const { login } = account;
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const credential = credentialOf(account);
    // Availability belongs to the volunteer: a new sign-in keeps what their other sessions say.
    const available = (await this.all()).some((s) => s.login === login && s.credential === credential && s.available && Date.parse(s.expiresAt) > now.getTime());
    const doc: SessionDoc = {
      login,
      csrfToken: randomBytes(24).toString('base64url'),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.rules.lifetimeMs).toISOString(),
      available,
      credential,
    };
    const id = sessionKey(token);
    await this.store.write({ [id]: { ...doc, eTag: '*' } });
    this.touch(login);
    return { token, session: { ...doc, id, displayName: account.displayName } };
  }

  /** The live session of a token, or undefined (unknown, expired, or its account removed). */
  async get(token: string | undefined): Promise<Session | undefined> {
    if (!token || token.length > 200) return undefined;
    const id = sessionKey(token);
    const doc = SessionDoc.safeParse((await this.store.read([id]))[id]);
    if (!doc.success) return undefined;
    if (Date.parse(doc.data.expiresAt) <= this.clock.now().getTime()) {
      await this.store.delete([id]);
      return undefined;
    }
    const account = await this.accounts.get(doc.data.login);
    if (!account || doc.data.credential !== credentialOf(account)) {
      await this.store.delete([id]);
      return undefined;
    }
    return { ...doc.data, id, displayName: account.displayName };
  }

  /** A session by its id (the store key), as the event stream re-reads it. */
  async byId(id: string): Promise<Session | undefined> {
    if (!id.startsWith(SESSION_PREFIX)) return undefined;
    const doc = SessionDoc.safeParse((await this.store.read([id]))[id]);
    if (!doc.success || Date.parse(doc.data.expiresAt) <= this.clock.now().getTime()) return undefined;
    const account = await this.accounts.get(doc.data.login);
    return account && doc.data.credential === credentialOf(account) ? { ...doc.data, id, displayName: account.displayName } : undefined;
  }

  /** Notes that the volunteer's console is there (an API call or the event stream). */
  touch(login: string): void {
    const now = this.clock.now().getTime();
    this.lastSeen.set(login, now);
    if (this.rules.sharedPresence && now - (this.lastShared.get(login) ?? -Infinity) >= this.rules.presenceMs / 4) {
      this.lastShared.set(login, now);
      // Not awaited: presence is a hint refreshed every few seconds; a lost write is made good by the next.
      void this.store.write({ [PRESENCE_PREFIX + encodeURIComponent(login)]: { seenAt: now, eTag: '*' } }).catch(() => this.lastShared.delete(login));
    }
  }

  /** Available or away: a volunteer's choice, for all their sessions (tabs, devices) at once. */
  async setAvailable(session: Session, available: boolean): Promise<void> {
    const keys = await this.store.keys(SESSION_PREFIX);
    const items = await this.store.read(keys);
    const changes: Record<string, SessionDoc & { eTag: string }> = {};
    for (const key of keys) {
      const doc = SessionDoc.safeParse(items[key]);
      if (doc.success && doc.data.login === session.login) changes[key] = { ...doc.data, available, eTag: '*' };
    }
    if (Object.keys(changes).length > 0) await this.store.write(changes);
    session.available = available;
    this.touch(session.login);
  }

  async destroy(session: Session): Promise<void> {
    await this.store.delete([session.id]);
  }

  /** Volunteers available now: an available, unexpired session and a console seen recently. */
  async available(): Promise<AvailableVolunteer[]> {
    const now = this.clock.now().getTime();
    const logins = new Set<string>();
    const sharedSeen = this.rules.sharedPresence ? await this.sharedPresence() : undefined;
    for (const session of await this.all()) {
      if (!session.available || Date.parse(session.expiresAt) <= now) continue;
      const seen = Math.max(this.lastSeen.get(session.login) ?? -Infinity, sharedSeen?.get(session.login) ?? -Infinity);
      if (seen === -Infinity) continue;
      if (now - seen > this.rules.presenceMs) continue;
      logins.add(session.login);
    }
    const result: AvailableVolunteer[] = [];
    for (const login of logins) {
      const account = await this.accounts.get(login);
      if (!account) continue;
      // Only sessions opened with the account's present password count.
      const credential = credentialOf(account);
      if ((await this.all()).some((s) => s.login === login && s.credential === credential && s.available && Date.parse(s.expiresAt) > now)) {
        result.push({ login, name: account.displayName });
      }
    }
    return result;
  }

  /**
   * Ends every session of a login at once (its password changed, or the account was removed):
   * what `get` would find out on the next request, done now so nothing of them stays stored.
   */
  async endAll(login: string): Promise<number> {
    const keys = await this.store.keys(SESSION_PREFIX);
    const items = await this.store.read(keys);
    const ended = keys.filter((k) => SessionDoc.safeParse(items[k]).data?.login === login);
    await this.store.delete(ended);
    return ended.length;
  }

  /** Deletes expired sessions. */
  async purgeExpired(): Promise<number> {
    const now = this.clock.now().getTime();
    const keys = await this.store.keys(SESSION_PREFIX);
    const items = await this.store.read(keys);
    const expired = keys.filter((k) => {
      const doc = SessionDoc.safeParse(items[k]);
      return !doc.success || Date.parse(doc.data.expiresAt) <= now;
    });
    await this.store.delete(expired);
    // Shared presence: a volunteer not seen for a day (or removed) leaves no trace of their last time.
    if (this.rules.sharedPresence) await this.store.purge(PRESENCE_PREFIX, new Date(now - 86_400_000));
    return expired.length;
  }

  /** The presence times other instances wrote, by login. */
  private async sharedPresence(): Promise<Map<string, number>> {
    const keys = await this.store.keys(PRESENCE_PREFIX);
    const items = await this.store.read(keys);
    const seen = new Map<string, number>();
    for (const key of keys) {
      const doc = PresenceDoc.safeParse(items[key]);
      if (doc.success) seen.set(decodeURIComponent(key.slice(PRESENCE_PREFIX.length)), doc.data.seenAt);
    }
    return seen;
  }

  private async all(): Promise<SessionDoc[]> {
    const keys = await this.store.keys(SESSION_PREFIX);
    const items = await this.store.read(keys);
    return keys.flatMap((k) => {
      const doc = SessionDoc.safeParse(items[k]);
      return doc.success ? [doc.data] : [];
    });
  }
}

/** Compares a CSRF token from a request with the session's, in constant time. */
export function csrfMatches(session: Session, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A fingerprint of the account's password hash (salted, new at every password change). */
export function credentialOf(account: Pick<VolunteerAccount, 'passwordHash'>): string {
  return createHash('sha256').update(`mdu-session-credential:${account.passwordHash}`).digest('base64url');
}

function sessionKey(token: string): string {
  return SESSION_PREFIX + createHash('sha256').update(token).digest('hex');
}
