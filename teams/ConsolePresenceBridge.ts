/**
 * Makes a Teams volunteer who says "disponible" count as on duty at the handoff desk, through the
 * desk's own presence: a volunteer account `teams-<Entra object id>` (with a random password
 * nobody knows, so nobody can sign in to the console with it) and a console session marked
 * available, kept present by a timer while the volunteer stays available. The desk then offers
 * requests, estimates waits and caps conversations for Teams volunteers as for the console's.
 */
import { randomBytes } from 'node:crypto';
import type { ConsoleSessions } from '../handoff/ConsoleSessions.js';
import type { VolunteerRef } from '../handoff/HandoffQueue.js';
import type { VolunteerAccounts } from '../handoff/VolunteerAccounts.js';
import type { DocumentStore } from '../store/LowdbStorage.js';
import type { VolunteerPresence } from './ports.js';

const PRESENCE_PREFIX = 'teams/presence/';

interface PresenceDoc {
  login: string;
  /** The console session's id (its store key), never its token. */
  sessionId: string;
  available: boolean;
}

export class ConsolePresenceBridge implements VolunteerPresence {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly accounts: VolunteerAccounts,
    private readonly sessions: ConsoleSessions,
    private readonly store: DocumentStore,
    /** How often available Teams volunteers are marked as seen (under the console's presence window). */
    private readonly touchEveryMs: number,
  ) {}

  async setAvailable(volunteer: VolunteerRef, available: boolean): Promise<void> {
    const account = await this.accounts.get(volunteer.login);
    if (!account) await this.accounts.add(volunteer.login, volunteer.name, randomBytes(24).toString('base64url'));
    else if (account.displayName !== volunteer.name) await this.accounts.rename(volunteer.login, volunteer.name);
    const key = PRESENCE_PREFIX + volunteer.login;
    const doc = (await this.store.read([key]))[key] as PresenceDoc | undefined;
    let session = doc ? await this.sessions.byId(doc.sessionId) : undefined;
    if (!session) {
      if (!available) return;
      session = (await this.sessions.create(volunteer.login)).session;
    }
    await this.sessions.setAvailable(session, available);
    await this.store.write({ [key]: { login: volunteer.login, sessionId: session.id, available, eTag: '*' } satisfies PresenceDoc & { eTag: string } });
  }

  /** Keeps available Teams volunteers present; a session that expired ends their availability. */
  async touchAll(): Promise<void> {
    const keys = await this.store.keys(PRESENCE_PREFIX);
    const items = await this.store.read(keys);
    for (const key of keys) {
      const doc = items[key] as PresenceDoc | undefined;
      if (!doc?.available) continue;
      if (await this.sessions.byId(doc.sessionId)) this.sessions.touch(doc.login);
      else await this.store.write({ [key]: { ...doc, available: false, eTag: '*' } });
    }
  }

  start(onError: (error: unknown) => void): void {
    if (this.timer) return;
    void this.touchAll().catch(onError);
    this.timer = setInterval(() => void this.touchAll().catch(onError), this.touchEveryMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
