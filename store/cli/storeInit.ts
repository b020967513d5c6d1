/**
 * `npm run store:init`: creates the empty store of a first production install, in `DATA_DIR`;
 * or, with `DATABASE_URL` set, creates or migrates the PostgreSQL schema (run it with the schema
 * owner's URL) and, with `--grant <role>`, gives the bot's own least-privilege role what it needs
 * (see deployment/README.md).
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
  if (config.DATABASE_URL) return initPostgres(config);
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

async function initPostgres(config: ReturnType<typeof loadConfig>): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const grantIndex = args.indexOf('--grant');
  const role = grantIndex >= 0 ? args[grantIndex + 1] : undefined;
  if (grantIndex >= 0 && (!role || !/^[a-z_][a-z0-9_]{0,62}$/.test(role))) {
    console.error('usage: npm run store:init [-- --grant <role>]   (role: the bot\'s own PostgreSQL role, lower case)');
    return 1;
  }
  // Loaded only for PostgreSQL: the embedded store's command does not pay for the driver.
  const [{ default: pg }, { describePgError }, { grantRuntimeRole, migrate, SCHEMA_VERSION }, { postgresPoolConfig }] = await Promise.all([
    import('pg'),
    import('../postgres/PostgresStorage.js'),
    import('../postgres/migrations.js'),
    import('../postgres/poolConfig.js'),
  ]);
  const pool = new pg.Pool({ ...postgresPoolConfig(config), max: 2 });
  try {
    const applied = await migrate(pool);
    console.log(applied.length === 0 ? `The PostgreSQL schema is up to date (version ${SCHEMA_VERSION}).` : `Applied migration(s) ${applied.join(', ')}: the PostgreSQL schema is at version ${SCHEMA_VERSION}.`);
    if (role) {
      await grantRuntimeRole(pool, role);
      console.log(`Granted role ${role} what the bot needs (read and write documents and counters; no schema change). Run the bot with DATABASE_MIGRATE=check as ${role}.`);
    }
    return 0;
  } catch (error) {
    console.error(`store:init failed: ${describePgError(error)}`);
    return 1;
  } finally {
    await pool.end();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof MduError || error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
