/**
 * `npm run store:init`: creates the empty store of a first production install, in `DATA_DIR`.
 *
 * In production the bot refuses to start on a missing store file (it never starts afresh on its
 * own, which would silently lose everything after a bad restore). This command is the one
 * deliberate way to start empty: it refuses when a store, or a last good copy of one, is already
 * there, and when the bot is running.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../bot/config.js';
import { MduError } from '../../bot/errors.js';
import { LowdbStorage } from '../LowdbStorage.js';

const STORE_FILE = 'store.json';

async function main(): Promise<number> {
  const config = loadConfig();
  const file = path.join(config.dataDir, STORE_FILE);
  if (existsSync(file)) {
    console.error(`A store already exists at ${file}: nothing done. store:init only creates the store of a first install.`);
    return 1;
  }
  if (existsSync(`${file}.bak`)) {
    console.error(
      `${file} is missing but its last good copy ${file}.bak is there: this looks like a lost file, not a first install. ` +
        `Restore it (cp ${file}.bak ${file}) or restore the data directory from a backup; nothing done.`,
    );
    return 1;
  }
  const store = await LowdbStorage.open({ dataDir: config.dataDir, createIfMissing: true, fileName: STORE_FILE });
  await store.close();
  console.log(`Created an empty store at ${file} (folder readable by this account only). The bot can now start with NODE_ENV=production.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof MduError || error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
