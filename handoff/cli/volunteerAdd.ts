/**
 * The coordinator's command to create a volunteer account (or, with --replace, to set a new
 * password and display name):
 *
 *   npm run volunteer:add -- <login> --name "<display name>" [--replace]
 *
 * The password is read from standard input: typed twice without echo in a terminal, or the first
 * line of a pipe (`printf '%s\n' "$PASSWORD" | npm run volunteer:add -- ...`). It never appears
 * in the command line, so not in the shell history or the process list.
 *
 * When the bot is stopped the account is written to the store directly. While the bot runs (it
 * holds the store's lock), the command asks the running bot, through a loopback-only route and a
 * token the bot leaves in the data directory, readable by its owner only.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { systemClock } from '../../bot/clock.js';
import { loadConfig } from '../../bot/config.js';
import { ErrorCodes, MduError } from '../../bot/errors.js';
import { openStore } from '../../bot/openStore.js';
import type { DocumentStore } from '../../store/LowdbStorage.js';
import { ADMIN_FILE, AccountError, VolunteerAccounts, checkPassword, cleanDisplayName } from '../VolunteerAccounts.js';

const USAGE = 'usage: npm run volunteer:add -- <login> --name "<display name>" [--replace]   (password on standard input)';

interface Args {
  login: string;
  name: string;
  replace: boolean;
}

function parseArgs(argv: string[]): Args {
  let login: string | undefined;
  let name: string | undefined;
  let replace = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--name') name = argv[++i];
    else if (arg.startsWith('--name=')) name = arg.slice('--name='.length);
    else if (arg === '--replace') replace = true;
    else if (arg === '--help' || arg === '-h') throw new AccountError(USAGE);
    else if (!arg.startsWith('--') && login === undefined) login = arg;
    else throw new AccountError(`unknown argument "${arg}"\n${USAGE}`);
  }
  if (!login || !name) throw new AccountError(USAGE);
  return { login, name, replace };
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let data = '';
    for await (const chunk of process.stdin) data += String(chunk);
    return (data.split(/\r?\n/)[0] ?? '').trimEnd();
  }
  const first = await promptHidden('Mot de passe / password: ');
  const second = await promptHidden('Encore une fois / again: ');
  if (first !== second) throw new AccountError('The two passwords differ.');
  return first;
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput.bind(rl);
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.startsWith(question)) write(question);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  cleanDisplayName(args.name);
  const password = await readPassword();
  checkPassword(password);
  const config = loadConfig();

  let store: DocumentStore | undefined;
  try {
    // With DATABASE_URL, the shared store directly (running bots read it too); else the data directory's, if the bot is stopped.
    store = (await openStore(config, undefined, { listen: false })).store;
  } catch (error) {
    if (!(error instanceof MduError && error.code === ErrorCodes.STORE_LOCKED)) throw error;
  }
  if (store) {
    try {
      const account = await new VolunteerAccounts(store, systemClock).add(args.login, args.name, password, { replace: args.replace });
      console.log(`${args.replace ? 'Updated' : 'Created'} volunteer "${account.login}" (shown to visitors as "${account.displayName}").`);
    } finally {
      await store.close();
    }
    return;
  }

  // The bot is running: ask it.
  const admin = JSON.parse(await readFile(path.join(config.dataDir, ADMIN_FILE), 'utf8')) as { url: string; token: string };
  const response = await fetch(`${admin.url}/console/admin/volunteers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
    body: JSON.stringify({ login: args.login, displayName: args.name, password, replace: args.replace }),
  });
  const body = (await response.json().catch(() => ({}))) as { login?: string; displayName?: string; error?: { message: string } };
  if (!response.ok) throw new AccountError(body.error?.message ?? `the running bot answered ${response.status}`);
  console.log(`${args.replace ? 'Updated' : 'Created'} volunteer "${body.login}" (shown to visitors as "${body.displayName}"), through the running bot.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof AccountError || error instanceof MduError ? error.message : error);
  process.exit(1);
});
