/**
 * Volunteer accounts, created by the MDU coordinator (`npm run volunteer:add`), kept in the store
 * (`handoff/volunteer/<login>`): a login, the name the volunteer shows visitors, a scrypt hash of
 * the password, and the count of recent failed sign-ins. After `maxFailures` failures within
 * `lockoutMs` the account refuses every password for `lockoutMs`.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../bot/clock.js';
import { KeyedSerialiser } from '../bot/KeyedSerialiser.js';
import type { DocumentStore } from '../store/LowdbStorage.js';

export const VOLUNTEER_PREFIX = 'handoff/volunteer/';
/** Where the running bot leaves the token `volunteer:add` uses to reach it (see `adminRoute.ts`). */
export const ADMIN_FILE = 'console-admin.json';

export const LOGIN_PATTERN = /^[a-z0-9][a-z0-9._-]{1,39}$/;
export const MIN_PASSWORD_CHARS = 10;
export const MAX_PASSWORD_CHARS = 200;
export const MAX_DISPLAY_NAME_CHARS = 40;
/** How many login-client pairs with failed sign-ins are remembered at most. */
const MAX_TRACKED_ATTEMPTS = 50_000;

const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_BYTES = 32;

const Account = z.object({
  login: z.string(),
  displayName: z.string(),
  passwordHash: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  failures: z.number().int().nonnegative().default(0),
  firstFailureAt: z.string().optional(),
  lockedUntil: z.string().optional(),
});
export type VolunteerAccount = z.infer<typeof Account>;

export type SignInResult =
  | { ok: true; account: VolunteerAccount }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

export interface LockoutRules {
  maxFailures: number;
  lockoutMs: number;
}

export class AccountError extends Error {
  override readonly name = 'AccountError';
}

export class VolunteerAccounts {
  private readonly perLogin = new KeyedSerialiser();
  /** Failed sign-ins per login and client, in the order they were last counted. */
  private readonly failures = new Map<string, { firstAt: number; count: number; lockedUntil?: number }>();
  /** Compared against when the login does not exist, so timing does not tell which logins do. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly store: DocumentStore,
    private readonly clock: Clock,
    private readonly rules: LockoutRules = { maxFailures: 5, lockoutMs: 15 * 60_000 },
  ) {}

  /** Creates an account, or with `replace` sets a new password and name on an existing one. */
  async add(login: string, displayName: string, password: string, options: { replace?: boolean } = {}): Promise<VolunteerAccount> {
    const cleanLogin = login.trim().toLowerCase();
    if (!LOGIN_PATTERN.test(cleanLogin)) throw new AccountError('A login is 2 to 40 characters: lower-case letters, digits, dot, dash or underscore, starting with a letter or digit.');
    const name = cleanDisplayName(displayName);
    checkPassword(password);
    return this.perLogin.run(cleanLogin, async () => {
      const existing = await this.get(cleanLogin);
      if (existing && !options.replace) throw new AccountError(`The login "${cleanLogin}" already exists (use --replace to set a new password).`);
      const now = this.clock.now().toISOString();
      const account: VolunteerAccount = {
        login: cleanLogin,
        displayName: name,
        passwordHash: await hashPassword(password),
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
        failures: 0,
      };
      await this.store.write({ [key(cleanLogin)]: { ...account, eTag: '*' } });
      return account;
    });
  }

  async get(login: string): Promise<VolunteerAccount | undefined> {
    const k = key(login.trim().toLowerCase());
    const parsed = Account.safeParse((await this.store.read([k]))[k]);
    return parsed.success ? parsed.data : undefined;
  }

  async list(): Promise<VolunteerAccount[]> {
    const keys = await this.store.keys(VOLUNTEER_PREFIX);
    const items = await this.store.read(keys);
    return keys.flatMap((k) => {
      const parsed = Account.safeParse(items[k]);
      return parsed.success ? [parsed.data] : [];
    });
  }

  async remove(login: string): Promise<boolean> {
    const existing = await this.get(login);
    if (!existing) return false;
    await this.store.delete([key(existing.login)]);
    return true;
  }

  /** Changes the name shown to visitors. */
  async rename(login: string, displayName: string): Promise<VolunteerAccount | undefined> {
    const name = cleanDisplayName(displayName);
    return this.perLogin.run(login, async () => {
      const account = await this.get(login);
      if (!account) return undefined;
      account.displayName = name;
      account.updatedAt = this.clock.now().toISOString();
      await this.store.write({ [key(account.login)]: { ...account, eTag: '*' } });
      return account;
    });
  }

  /**
   * Checks a password. Failures are counted per login **and** client (`from`: the caller's address,
   * see `clientKey`), for known and unknown logins alike: too many lock that login for that client
   * only, so nobody can lock a volunteer out from elsewhere, and a 423 says nothing about whether
   * the login exists. Kept in memory (a restart forgets them, as the rate limits).
   */
  async signIn(login: string, password: string, from = 'local'): Promise<SignInResult> {
    const cleanLogin = login.trim().toLowerCase().slice(0, 100);
    const attempt = `${cleanLogin}|${from}`;
    return this.perLogin.run(attempt, async () => {
      const now = this.clock.now().getTime();
      const state = this.failures.get(attempt);
      if (state?.lockedUntil !== undefined && state.lockedUntil > now) {
        return { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil((state.lockedUntil - now) / 1000) };
      }
      const account = LOGIN_PATTERN.test(cleanLogin) && password.length <= MAX_PASSWORD_CHARS ? await this.get(cleanLogin) : undefined;
      // The same work whether the login exists or not, so timing does not tell either.
      const right = await verifyPassword(password.slice(0, MAX_PASSWORD_CHARS), account?.passwordHash ?? (await this.dummy()));
      if (account && right) {
        this.failures.delete(attempt);
        return { ok: true, account };
      }
      // A failure: counted within a window, then this login locks for this client for a while.
      const windowOpen = state !== undefined && state.lockedUntil === undefined && now - state.firstAt < this.rules.lockoutMs;
      const next = windowOpen ? { firstAt: state.firstAt, count: state.count + 1 } : { firstAt: now, count: 1 };
      this.failures.delete(attempt);
      if (next.count >= this.rules.maxFailures) {
        this.failures.set(attempt, { ...next, lockedUntil: now + this.rules.lockoutMs });
        this.forgetOldest();
        return { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil(this.rules.lockoutMs / 1000) };
      }
      this.failures.set(attempt, next);
      this.forgetOldest();
      return { ok: false, reason: 'invalid' };
    });
  }

  /** Bounded memory: past `MAX_TRACKED_ATTEMPTS` login-client pairs, the oldest are forgotten. */
  private forgetOldest(): void {
    for (const key of this.failures.keys()) {
      if (this.failures.size <= MAX_TRACKED_ATTEMPTS) break;
      this.failures.delete(key);
    }
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}

export function cleanDisplayName(displayName: string): string {
  const name = displayName.replace(/[\p{Cc}\p{Cf}]/gu, '').replace(/\s+/g, ' ').trim();
  if (name.length < 1 || name.length > MAX_DISPLAY_NAME_CHARS) throw new AccountError(`A display name is 1 to ${MAX_DISPLAY_NAME_CHARS} characters.`);
  return name;
}

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_CHARS) throw new AccountError(`A password has at least ${MIN_PASSWORD_CHARS} characters.`);
  if (password.length > MAX_PASSWORD_CHARS) throw new AccountError(`A password has at most ${MAX_PASSWORD_CHARS} characters.`);
}

/** `scrypt$N$r$p$salt$key`, salt and key in base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const derived = await scryptKey(password, salt, KEY_BYTES, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), derived.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, expected] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !expected) return false;
  const want = Buffer.from(expected, 'base64url');
  const N = Number(n);
  const got = await scryptKey(password, Buffer.from(salt, 'base64url'), want.length, { N, r: Number(r), p: Number(p), maxmem: Math.max(SCRYPT.maxmem, 256 * N * Number(r)) });
  return got.length === want.length && timingSafeEqual(got, want);
}

function scryptKey(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyLength, options, (error, derived) => (error ? reject(error) : resolve(derived))));
}

function key(login: string): string {
  return VOLUNTEER_PREFIX + login;
}
