/**
 * The PostgreSQL store against a real server started by the tests (tests/helpers/postgresServer.ts):
 * the same conformance suite as the embedded store, then what only a shared store has (schema
 * migrations, other instances' changes, work run once).
 */
import { expect } from 'chai';
import pg from 'pg';
import { PostgresStorage } from '../../store/postgres/PostgresStorage.js';
import { MIGRATIONS, SCHEMA_VERSION, schemaVersion } from '../../store/postgres/migrations.js';
import { freshDatabase, postgresBinaries, POSTGRES_MISSING } from '../helpers/postgresServer.js';
import { documentStoreSuite } from './storageSuite.js';

const available = postgresBinaries() !== undefined;

async function openOn(url: string, now?: () => Date, notifyPrefixes: string[] = []): Promise<PostgresStorage> {
  return PostgresStorage.open({ pool: { connectionString: url, max: 8 }, migrate: 'auto', now, notifyPrefixes });
}

/** Polls a condition with a generous ceiling (never a fixed wait). */
async function until(condition: () => boolean | Promise<boolean>, what: string, ceilingMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > ceilingMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('PostgresStorage (a real PostgreSQL server)', function () {
  this.timeout(120_000);
  before(function () {
    if (!available) {
      console.log(`      skipped: ${POSTGRES_MISSING}`);
      this.skip();
    }
  });

  if (available) {
    documentStoreSuite('PostgresStorage', async () => {
      const db = await freshDatabase();
      const clock = { now: new Date() };
      const store = await openOn(db.url, () => clock.now);
      const second = await openOn(db.url);
      return {
        store,
        clock,
        second,
        close: async () => {
          await store.close();
          await second.close();
          await db.drop();
        },
      };
    });
  }

  describe('schema', () => {
    it('is created by the first instance, once, even when two start at once; the versions are recorded', async () => {
      const db = await freshDatabase();
      const [a, b] = await Promise.all([openOn(db.url), openOn(db.url)]);
      const pool = new pg.Pool({ connectionString: db.url });
      try {
        expect(await schemaVersion(pool)).to.equal(SCHEMA_VERSION);
        const { rows } = await pool.query<{ version: number }>('SELECT version FROM mdu_schema_migrations ORDER BY version');
        expect(rows.map((r) => r.version)).to.deep.equal(MIGRATIONS.map((m) => m.version));
      } finally {
        await pool.end();
        await a.close();
        await b.close();
        await db.drop();
      }
    });

    it('with DATABASE_MIGRATE=check, refuses an unmigrated database with what to run', async () => {
      const db = await freshDatabase();
      try {
        await PostgresStorage.open({ pool: { connectionString: db.url }, migrate: 'check' }).then(
          () => expect.fail('an unmigrated database must be refused'),
          (error: Error) => expect(error.message).to.match(/schema is at version 0.*store:init/),
        );
      } finally {
        await db.drop();
      }
    });

    it('names the failure without the password when the server cannot be reached', async () => {
      await PostgresStorage.open({ pool: { connectionString: 'postgresql://mdu:hunter2-secret@127.0.0.1:1/none', connectionTimeoutMillis: 2000 }, migrate: 'auto' }).then(
        () => expect.fail('an unreachable server must be refused'),
        (error: Error) => {
          expect(error.message).to.match(/Cannot open the PostgreSQL store/);
          expect(error.message).to.not.include('hunter2');
        },
      );
    });
  });

  describe('several instances', () => {
    let db: Awaited<ReturnType<typeof freshDatabase>>;
    let a: PostgresStorage;
    let b: PostgresStorage;
    beforeEach(async () => {
      db = await freshDatabase();
      a = await openOn(db.url, undefined, ['handoff/']);
      b = await openOn(db.url, undefined, ['handoff/']);
    });
    afterEach(async () => {
      await a.close();
      await b.close();
      await db.drop();
    });

    it("hears the other instance's changes of a watched prefix (not its own, not unwatched ones)", async () => {
      const heardByB: string[] = [];
      const heardByA: string[] = [];
      b.onChange('handoff/conversation/', (key) => heardByB.push(key));
      a.onChange('handoff/', (key) => heardByA.push(key));
      await a.write({ 'handoff/conversation/c1': { state: 'queued' }, 'state/c1': { x: 1 } });
      await a.write({ 'state/c2': { x: 1 } });
      await a.compareAndSet('handoff/conversation/c2', null, { state: 'queued' });
      await a.delete(['handoff/conversation/c1']);
      await until(() => heardByB.length >= 3, 'three notifications');
      expect(heardByB).to.deep.equal(['handoff/conversation/c1', 'handoff/conversation/c2', 'handoff/conversation/c1']);
      expect(heardByA, 'an instance is not told of its own changes').to.deep.equal([]);
    });

    it('sends keys too long for one notification as "*" (read everything again)', async () => {
      const heard: string[] = [];
      b.onChange('handoff/', (key) => heard.push(key));
      await a.write({ [`handoff/conversation/${'x'.repeat(7_500)}`]: { v: 1 } });
      await until(() => heard.length > 0, 'a notification');
      expect(heard).to.deep.equal(['*']);
    });

    it('runs an exclusive task in one instance at a time', async () => {
      let inside = 0;
      let most = 0;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const task = async () => {
        inside++;
        most = Math.max(most, inside);
        await gate;
        inside--;
        return 'ran';
      };
      const first = a.runExclusive('retention', task);
      await until(() => inside === 1, 'the first task to start');
      const [fromB, againFromA] = await Promise.all([b.runExclusive('retention', task), a.runExclusive('retention', task)]);
      expect([fromB, againFromA]).to.deep.equal([undefined, undefined]);
      release();
      expect(await first).to.equal('ran');
      expect(await b.runExclusive('retention', task), 'free again once done').to.equal('ran');
      expect(most).to.equal(1);
    });
  });
});
