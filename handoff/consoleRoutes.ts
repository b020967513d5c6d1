/**
 * The volunteers' console: its page (`GET /console`, from `web/console/`) and its HTTP API under
 * `/console/api` (documented route by route in `handoff/README.md`).
 *
 * Authentication: a session token in an HttpOnly, SameSite=Strict cookie scoped to `/console`
 * (Secure behind https), or `Authorization: Bearer <token>` for tools such as a Teams tab.
 * State-changing routes called with the cookie need the session's CSRF token in `X-CSRF-Token`.
 * Repeated failed sign-ins lock the account for a while (see `VolunteerAccounts`), and sign-in
 * attempts are rate-limited per client address.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type restify from 'restify';
import type { Request, Response } from 'restify';
import type { Logger } from '../bot/log.js';
import { jsonBody, sendError } from '../bot/httpGuards.js';
import { clientAddress, clientKey } from '../bot/rateLimit.js';
import { serveAssets } from '../bot/staticAssets.js';
import type { ConsoleHub } from './ConsoleHub.js';
import { csrfMatches, type ConsoleSessions, type Session } from './ConsoleSessions.js';
import type { HandoffDesk } from './HandoffDesk.js';
import { AccountError, MAX_PASSWORD_CHARS, type VolunteerAccounts } from './VolunteerAccounts.js';

export const SESSION_COOKIE = 'mdu_console';

export interface ConsoleRouteDeps {
  desk: HandoffDesk;
  sessions: ConsoleSessions;
  accounts: VolunteerAccounts;
  hub: ConsoleHub;
  log: Logger;
  /** The folder of the page (`web/console`). */
  pageDir: string;
  maxBodyBytes: number;
  maxTextChars: number;
  sessionLifetimeMs: number;
  /** Cookies carry `Secure` (the public URL is https). */
  secureCookies: boolean;
  /** Sign-in attempts allowed per client address per 15 minutes. */
  signInAttemptsPerWindow?: number;
  /** Behind a reverse proxy every request comes from it: the client address is then read from X-Forwarded-For. */
  trustProxy: boolean;
}

const ASSETS: Record<string, string> = {
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

const SIGN_IN_WINDOW_MS = 15 * 60_000;

/** Registers the console's page and API on a server (a `routes` entry of `makeServer`). */
export function consoleRoutes(deps: ConsoleRouteDeps): (server: restify.Server) => void {
  return (server) => registerConsoleRoutes(server, deps);
}

export function registerConsoleRoutes(server: restify.Server, deps: ConsoleRouteDeps): void {
  const { desk, sessions, accounts, hub, log } = deps;
  const template = readFileSync(path.join(deps.pageDir, 'index.html'), 'utf8');
  const assets = new Map(Object.entries(ASSETS).map(([name, type]) => [name, { type, body: readFileSync(path.join(deps.pageDir, name)) }]));
  const attempts = new AttemptCounter(deps.signInAttemptsPerWindow ?? 30, SIGN_IN_WINDOW_MS);

  // ---- the page ----------------------------------------------------------------------------
  server.get('/console', async (_req: Request, res: Response) => {
    const nonce = randomBytes(18).toString('base64');
    res.header('Content-Security-Policy', pagePolicy(nonce));
    res.header('Cache-Control', 'no-store');
    res.header('Content-Type', 'text/html; charset=utf-8');
    res.sendRaw(200, template.replaceAll('{{NONCE}}', nonce));
  });
  server.get('/console/assets/:name', serveAssets(assets, 'no-cache'));

  // ---- sessions ----------------------------------------------------------------------------
  server.post('/console/api/session', ...jsonBody(deps.maxBodyBytes), async (req: Request, res: Response) => {
    apiHeaders(res);
    const body = req.body as { login?: unknown; password?: unknown; client?: unknown };
    if (typeof body?.login !== 'string' || typeof body.password !== 'string' || body.login.length > 100 || body.password.length > MAX_PASSWORD_CHARS) {
      sendError(res, 400, 'invalid_request', 'login and password (strings) are required.');
      return;
    }
    const address = clientAddress(req, deps.trustProxy);
    if (!attempts.take(address)) {
      res.header('Retry-After', String(attempts.retryAfterSeconds(address)));
      sendError(res, 429, 'too_many_attempts', 'Too many sign-in attempts: wait a few minutes.');
      return;
    }
    const result = await accounts.signIn(body.login, body.password, clientKey(address));
    if (!result.ok) {
      if (result.reason === 'locked') {
        log.warn('console.sign_in_locked', {});
        res.header('Retry-After', String(result.retryAfterSeconds));
        sendError(res, 423, 'locked', 'Too many failed attempts from here: signing in with this login is blocked here for a while.');
      } else {
        sendError(res, 401, 'invalid_credentials', 'Wrong login or password.');
      }
      return;
    }
    attempts.forgive(address);
    const { token, session } = await sessions.create(result.account);
    setSessionCookie(res, token, Math.floor(deps.sessionLifetimeMs / 1000), deps.secureCookies);
    log.info('console.signed_in', {});
    res.status(200);
    res.json({ ...sessionBody(session), ...(body.client === 'bearer' ? { token } : {}) });
  });

  server.get('/console/api/session', async (req: Request, res: Response) => {
    apiHeaders(res);
    const auth = await authenticate(req, res, false);
    if (!auth) return;
    res.json(sessionBody(auth.session));
  });

  server.del('/console/api/session', async (req: Request, res: Response) => {
    apiHeaders(res);
    const auth = await authenticate(req, res, true);
    if (!auth) return;
    await sessions.destroy(auth.session);
    hub.disconnect(auth.session.id);
    hub.schedulePush();
    setSessionCookie(res, '', 0, deps.secureCookies);
    res.status(204);
    res.end();
  });

  // ---- availability and the queue ----------------------------------------------------------
  server.post('/console/api/availability', ...jsonBody(deps.maxBodyBytes), async (req: Request, res: Response) => {
    apiHeaders(res);
    const auth = await authenticate(req, res, true);
    if (!auth) return;
    const body = req.body as { available?: unknown; displayName?: unknown };
    if (typeof body?.available !== 'boolean' || (body.displayName !== undefined && typeof body.displayName !== 'string')) {
      sendError(res, 400, 'invalid_request', '"available" (boolean) is required; "displayName" is an optional string.');
      return;
    }
    if (typeof body.displayName === 'string') {
      try {
        const renamed = await accounts.rename(auth.session.login, body.displayName);
        if (renamed) auth.session.displayName = renamed.displayName;
      } catch (error) {
        if (!(error instanceof AccountError)) throw error;
        sendError(res, 400, 'invalid_display_name', error.message);
        return;
      }
    }
    await sessions.setAvailable(auth.session, body.available);
    hub.schedulePush();
    res.json(sessionBody(auth.session));
  });

  server.get('/console/api/queue', async (req: Request, res: Response) => {
    apiHeaders(res);
    const auth = await authenticate(req, res, false);
    if (!auth) return;
    res.json(await desk.view(auth.session));
  });

  server.get('/console/api/events', async (req: Request, res: Response) => {
    const auth = await authenticate(req, res, false);
    if (!auth) return;
    req.socket.setTimeout(0);
    await hub.attach(auth.session, res, (listener) => req.on('close', listener));
  });

  // ---- conversations -----------------------------------------------------------------------
  server.get('/console/api/conversations/:id', async (req: Request, res: Response) => {
    apiHeaders(res);
    const auth = await authenticate(req, res, false);
    if (!auth) return;
    const conversation = await desk.conversation(String(req.params.id), auth.session.login);
    if (!conversation) {
      sendError(res, 404, 'not_found', 'No such conversation waiting or held by you.');
      return;
    }
    res.json(conversation);
  });

  server.post('/console/api/conversations/:id/accept', async (req: Request, res: Response) => {
    apiHeaders(res);
    const auth = await authenticate(req, res, true);
    if (!auth) return;
    const result = await desk.accept(String(req.params.id), { login: auth.session.login, name: auth.session.displayName });
    if (!result.ok) {
      switch (result.reason) {
        case 'not_found':
          sendError(res, 404, 'not_found', 'No such conversation.');
          return;
        case 'already_taken':
          sendError(res, 409, 'already_taken', 'Déjà prise : un ou une autre bénévole a pris cette conversation. / Already taken by another volunteer.');
          return;
        case 'closed':
          sendError(res, 410, 'no_longer_waiting', "Le visiteur n'attend plus (demande annulée ou expirée). / The visitor is no longer waiting.");
          return;
        case 'cap_reached':
          sendError(res, 409, 'cap_reached', `Vous tenez déjà ${desk.settings.maxPerVolunteer} conversations. / You already hold the maximum number of conversations.`);
          return;
      }
    }
    res.json(await desk.conversation(result.record.handoffId, auth.session.login));
  });

  server.post('/console/api/conversations/:id/messages', ...jsonBody(deps.maxBodyBytes), async (req: Request, res: Response) => {
    apiHeaders(res);
    const auth = await authenticate(req, res, true);
    if (!auth) return;
    const text = typeof (req.body as { text?: unknown })?.text === 'string' ? ((req.body as { text: string }).text).trim() : '';
    if (!text || text.length > deps.maxTextChars) {
      sendError(res, 400, 'invalid_text', `"text" is 1 to ${deps.maxTextChars} characters.`);
      return;
    }
    const result = await desk.send(String(req.params.id), auth.session.login, text);
    if (!result.ok) {
      volunteerActionError(res, result.reason);
      return;
    }
    res.status(201);
    res.json({ id: result.entry?.id, at: result.entry?.at, delivered: result.delivered === true });
  });

  server.post('/console/api/conversations/:id/typing', async (req: Request, res: Response) => {
    apiHeaders(res);
    const auth = await authenticate(req, res, true);
    if (!auth) return;
    const result = await desk.typing(String(req.params.id), auth.session.login);
    if (!result.ok) {
      volunteerActionError(res, result.reason);
      return;
    }
    res.status(204);
    res.end();
  });

  server.post('/console/api/conversations/:id/end', async (req: Request, res: Response) => {
    apiHeaders(res);
    const auth = await authenticate(req, res, true);
    if (!auth) return;
    const result = await desk.end(String(req.params.id), auth.session.login);
    if (!result.ok) {
      volunteerActionError(res, result.reason);
      return;
    }
    res.json({ id: result.record.handoffId, state: 'closed' });
  });

  /** The session of a request (cookie or bearer), with the CSRF check for cookie sessions that change state. */
  async function authenticate(req: Request, res: Response, changesState: boolean): Promise<{ session: Session } | undefined> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
    const token = bearer ?? readCookie(req.header('cookie') ?? '', SESSION_COOKIE);
    const session = await sessions.get(token);
    if (!session) {
      sendError(res, 401, 'not_signed_in', 'Sign in first.');
      return undefined;
    }
    if (changesState && !bearer && !csrfMatches(session, req.header('x-csrf-token') ?? undefined)) {
      sendError(res, 403, 'csrf', 'Missing or wrong X-CSRF-Token header.');
      return undefined;
    }
    sessions.touch(session.login);
    return { session };
  }
}

function sessionBody(session: Session) {
  return {
    login: session.login,
    displayName: session.displayName,
    available: session.available,
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt,
  };
}

function volunteerActionError(res: Response, reason: 'not_found' | 'not_yours' | 'not_live'): void {
  if (reason === 'not_found') sendError(res, 404, 'not_found', 'No such conversation.');
  else if (reason === 'not_yours') sendError(res, 403, 'not_yours', 'Another volunteer holds this conversation.');
  else sendError(res, 409, 'not_live', 'This conversation is not live (it is waiting, or it has ended).');
}

function setSessionCookie(res: Response, token: string, maxAgeSeconds: number, secure: boolean): void {
  const parts = [`${SESSION_COOKIE}=${token}`, 'Path=/console', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  if (secure) parts.push('Secure');
  res.header('Set-Cookie', parts.join('; '));
}

export function readCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=') || undefined;
  }
  return undefined;
}

/** The other security headers come from `securityHeaders` in bot/httpGuards.ts, on every response. */
function apiHeaders(res: Response): void {
  res.header('Cache-Control', 'no-store');
}

/**
 * Only our own script runs (nonce), styles and calls go to this origin, nothing else loads.
 * Framing is allowed by Microsoft Teams only (the console is meant to become a Teams tab).
 */
function pagePolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
    'frame-ancestors https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft',
  ].join('; ');
}

/** Failed-or-not sign-in attempts per client address, in fixed windows. */
class AttemptCounter {
  private readonly counts = new Map<string, { start: number; count: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}
  take(address: string): boolean {
    const now = Date.now();
    const entry = this.counts.get(address);
    if (!entry || now - entry.start >= this.windowMs) {
      if (this.counts.size > 10_000) this.counts.clear();
      this.counts.set(address, { start: now, count: 1 });
      return true;
    }
    entry.count++;
    return entry.count <= this.limit;
  }
  forgive(address: string): void {
    this.counts.delete(address);
  }
  retryAfterSeconds(address: string): number {
    const entry = this.counts.get(address);
    return entry ? Math.max(1, Math.ceil((entry.start + this.windowMs - Date.now()) / 1000)) : 1;
  }
}
