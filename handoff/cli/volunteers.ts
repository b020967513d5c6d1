/**
 * The coordinator's commands to see and remove volunteer accounts:
 *
 *   npm run volunteer:list
 *   npm run volunteer:remove -- <login>
 *
 * Removing an account signs the volunteer out at once (every session of a removed account is
 * refused) and stops them from signing in again: what to do the day a volunteer leaves.
 * Like `volunteer:add`, it works on the store when the bot is stopped, and through the running
 * bot's loopback-only door otherwise.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { systemClock } from '../../bot/clock.js';
import { loadConfig } from '../../bot/config.js';
import { ErrorCodes, MduError } from '../../bot/errors.js';
import { openStore } from '../../bot/openStore.js';
import type { DocumentStore } from '../../store/LowdbStorage.js';
import { ADMIN_FILE, AccountError, VolunteerAccounts } from '../VolunteerAccounts.js';

const USAGE = 'usage: npm run volunteer:list | npm run volunteer:remove -- <login>';

interface Volunteer {
  login: string;
  displayName: string;
}

/** What the command does, the same with the store in hand or through the running bot. */
interface Accounts {
  list(): Promise<Volunteer[]>;
  remove(login: string): Promise<boolean>;
}

async function withAccounts<T>(work: (accounts: Accounts, via: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  let store: DocumentStore | undefined;
  try {
    // With DATABASE_URL, the shared store directly (running bots read it too); else the data directory's, if the bot is stopped.
    store = (await openStore({ ...config, production: true }, undefined, { listen: false })).store;
  } catch (error) {
    if (!(error instanceof MduError && (error.code === ErrorCodes.STORE_LOCKED || error.code === ErrorCodes.STORE_MISSING))) throw error;
    if (error.code === ErrorCodes.STORE_MISSING) throw new AccountError('There is no store in DATA_DIR yet: no volunteer account exists.');
  }
  if (store) {
    try {
      return await work(new VolunteerAccounts(store, systemClock), 'the store');
    } finally {
      await store.close();
    }
  }
  const admin = JSON.parse(await readFile(path.join(config.dataDir, ADMIN_FILE), 'utf8')) as { url: string; token: string };
  const headers = { authorization: `Bearer ${admin.token}` };
  const viaBot: Accounts = {
    async list() {
      const response = await fetch(`${admin.url}/console/admin/volunteers`, { headers });
      if (!response.ok) throw new AccountError(`the running bot answered ${response.status}`);
      return ((await response.json()) as { volunteers: Volunteer[] }).volunteers;
    },
    async remove(login) {
      const response = await fetch(`${admin.url}/console/admin/volunteers/${encodeURIComponent(login)}`, { method: 'DELETE', headers });
      if (response.status === 404) return false;
      if (!response.ok) throw new AccountError(`the running bot answered ${response.status}`);
      return true;
    },
  };
  return work(viaBot, 'the running bot');
}

async function main(): Promise<void> {
  const [command, login, ...rest] = process.argv.slice(2);
  if (command === 'list' && login === undefined) {
    await withAccounts(async (accounts) => {
      const volunteers = (await accounts.list()).sort((a, b) => a.login.localeCompare(b.login));
      for (const v of volunteers) console.log(`${v.login}\t${v.displayName}`);
      console.log(`${volunteers.length} volunteer account(s)`);
    });
    return;
  }
  if (command === 'remove' && login && rest.length === 0) {
    await withAccounts(async (accounts, via) => {
      if (!(await accounts.remove(login))) throw new AccountError(`No volunteer has the login "${login}".`);
      console.log(`Removed volunteer "${login}" (through ${via}): signed out everywhere, and can no longer sign in.`);
    });
    return;
  }
  throw new AccountError(USAGE);
}

main().catch((error: unknown) => {
  console.error(error instanceof AccountError || error instanceof MduError ? error.message : error);
  process.exit(1);
});
