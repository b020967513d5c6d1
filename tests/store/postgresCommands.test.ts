/**
 * The PostgreSQL store's commands against a real server started by the tests: `store:init`
 * (schema, least-privilege role) and `store:copy-to-postgres` (a lowdb data directory copied in).
 */
import { expect } from 'chai';
import pg from 'pg';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { PostgresStorage } from '../../store/postgres/PostgresStorage.js';
import { SCHEMA_VERSION } from '../../store/postgres/migrations.js';
import { copyToPostgres } from '../../store/cli/copyToPostgres.js';
import { runTs } from '../durability/childProcess.js';
import { freshDatabase, postgresBinaries, postgresServer, POSTGRES_MISSING } from '../helpers/postgresServer.js';
import { makeTempDir } from '../helpers/tempDir.js';

describe('PostgreSQL commands (a real server)', function () {
  this.timeout(120_000);
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  before(function () {
    if (!postgresBinaries()) {
      console.log(`      skipped: ${POSTGRES_MISSING}`);
      this.skip();
    }
  });
  beforeEach(async () => {
    db = await freshDatabase();
  });
  afterEach(async () => db.drop());

  it('store:init migrates with the owner, and --grant gives the bot role DML only: it runs with DATABASE_MIGRATE=check and cannot change the schema', async () => {
    const role = `mdu_bot_${process.pid}`;
    const admin = new pg.Pool({ connectionString: db.url });
    try {
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.query(`CREATE ROLE ${role} LOGIN`);
      const init = runTs('store/cli/storeInit.ts', ['--grant', role], { DATABASE_URL: db.url, NODE_ENV: 'test' });
      expect(await init.exited, init.stderr()).to.equal(0);
      expect(init.stdout()).to.include(`schema is at version ${SCHEMA_VERSION}`).and.include(`Granted role ${role}`);
      const again = runTs('store/cli/storeInit.ts', [], { DATABASE_URL: db.url, NODE_ENV: 'test' });
      expect(await again.exited, again.stderr()).to.equal(0);
      expect(again.stdout()).to.include('up to date');

      const asBot = postgresServer().url(db.url.split('/').pop()!.split('?')[0]!).replace('postgres@', `${role}@`);
      const store = await PostgresStorage.open({ pool: { connectionString: asBot }, migrate: 'check' });
      try {
        await store.write({ 'state/x': { v: 1 } });
        expect((await store.read(['state/x']))['state/x']!.v).to.equal(1);
        expect(await store.compareAndSet('claim/x', null, { by: 'a' })).to.be.a('string');
        await store.pool.query('CREATE TABLE intruder (x int)').then(
          () => expect.fail('the bot role must not change the schema'),
          (error: Error) => expect(error.message).to.match(/permission denied/),
        );
        await store.pool.query('DROP TABLE mdu_items').then(
          () => expect.fail('the bot role must not drop the documents'),
          (error: Error) => expect(error.message).to.match(/must be owner/),
        );
      } finally {
        await store.close();
      }
    } finally {
      await admin.query(`DROP OWNED BY ${role}`).catch(() => undefined);
      await admin.end();
    }
  });

  it('store:copy-to-postgres copies every document of a lowdb data directory, dates kept, and refuses a non-empty target without --merge', async () => {
    const tmp = makeTempDir('mdu-copy-');
    try {
      let now = new Date('2026-11-01T10:00:00Z');
      const lowdb = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true, now: () => now });
      await lowdb.write({ 'state/conversation/webchat/old': { dialog: { step: 1 } }, 'handoff/volunteer/alice': { login: 'alice', displayName: 'Alice' } });
      now = new Date('2026-11-20T10:00:00Z');
      await lowdb.write({ 'state/conversation/webchat/new': { text: 'Élodie « ok » 🙂' }, 'curation/counters': { topics: { 'mdu.hours': { asked: 3 } } } });
      const expected = await lowdb.read(await lowdb.keys(''));
      await lowdb.close();

      const copy = runTs('store/cli/copyToPostgres.ts', [tmp.dir], { DATABASE_URL: db.url, NODE_ENV: 'test' });
      expect(await copy.exited, copy.stderr()).to.equal(0);
      expect(copy.stdout()).to.include('Copied 4 document(s)');

      const store = await PostgresStorage.open({ pool: { connectionString: db.url }, migrate: 'check', listen: false });
      try {
        const copied = await store.read(await store.keys(''));
        const strip = (items: Record<string, Record<string, unknown>>) => Object.fromEntries(Object.entries(items).map(([k, { eTag: _e, ...v }]) => [k, v]));
        expect(strip(copied)).to.deep.equal(strip(expected));
        // Dates kept: retention goes on from the last write, not from the copy.
        expect(await store.purge('state/', new Date('2026-11-10T00:00:00Z'))).to.equal(1);
        expect(await store.keys('state/')).to.deep.equal(['state/conversation/webchat/new']);

        const pool = new pg.Pool({ connectionString: db.url });
        try {
          await copyToPostgres(tmp.dir, pool, { merge: false }).then(
            () => expect.fail('a non-empty target must be refused'),
            (error: Error) => expect(error.message).to.match(/already holds 3 document/),
          );
          expect(await copyToPostgres(tmp.dir, pool, { merge: true })).to.deep.equal({ copied: 4, replaced: 3 });
        } finally {
          await pool.end();
        }
      } finally {
        await store.close();
      }
    } finally {
      tmp.cleanup();
    }
  });
});
