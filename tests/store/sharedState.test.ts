/**
 * State that several instances share through one PostgreSQL server (a real one, started by the
 * tests): rate limits that hold across instances, delivery dedupe, curation counters. Each
 * "instance" is its own store handle with its own connection pool, as two processes have.
 */
import { expect } from 'chai';
import { CurationStore } from '../../knowledge/CurationStore.js';
import { ProcessedActivities } from '../../store/ProcessedActivities.js';
import { PostgresRateLimit } from '../../store/postgres/PostgresRateLimit.js';
import { PostgresStorage } from '../../store/postgres/PostgresStorage.js';
import { freshDatabase, postgresBinaries, POSTGRES_MISSING } from '../helpers/postgresServer.js';

describe('Shared state on one PostgreSQL (two store handles, a real server)', function () {
  this.timeout(120_000);
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let a: PostgresStorage;
  let b: PostgresStorage;

  before(function () {
    if (!postgresBinaries()) {
      console.log(`      skipped: ${POSTGRES_MISSING}`);
      this.skip();
    }
  });
  beforeEach(async () => {
    db = await freshDatabase();
    a = await PostgresStorage.open({ pool: { connectionString: db.url }, migrate: 'auto', listen: false });
    b = await PostgresStorage.open({ pool: { connectionString: db.url }, migrate: 'auto', listen: false });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await db.drop();
  });

  it('a rate limit holds across instances, resets with its window, and old windows are purged', async () => {
    let now = Date.parse('2026-11-24T14:00:00Z');
    const options = { limit: 5, windowMs: 60_000, door: 'messages', nowMs: () => now };
    const [onA, onB] = [new PostgresRateLimit(a.pool, options), new PostgresRateLimit(b.pool, options)];
    const verdicts = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? onB : onA).take('10.0.0.1|webchat|c1')));
    expect(verdicts.filter((v) => v.ok)).to.have.length(5);
    const refused = verdicts.find((v) => !v.ok) as { ok: false; retryAfterSeconds: number };
    expect(refused.retryAfterSeconds).to.be.within(1, 60);
    // Another client, another door: counted apart.
    expect((await onA.take('10.0.0.2|webchat|c1')).ok).to.equal(true);
    expect((await new PostgresRateLimit(b.pool, { ...options, door: 'public' }).take('10.0.0.1|webchat|c1')).ok).to.equal(true);
    now += 60_000;
    expect((await onB.take('10.0.0.1|webchat|c1')).ok, 'a new window').to.equal(true);
    expect(await PostgresRateLimit.purge(a.pool, new Date(now - 30_000))).to.equal(2);
  });

  it('a delivery retried on the other instance is handled once, even when both arrive at once', async () => {
    const now = () => new Date('2026-11-24T14:00:00Z');
    const [onA, onB] = [new ProcessedActivities(a, { now, shared: true }), new ProcessedActivities(b, { now, shared: true })];
    const activity = { type: 'message', id: 'act-1', channelId: 'directline', conversation: { id: 'c1' } };
    const firsts = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? onB : onA).firstDelivery(activity)));
    expect(firsts.filter(Boolean)).to.have.length(1);
    expect(await onB.firstDelivery(activity)).to.equal(false);
    expect(await onA.firstDelivery({ ...activity, id: 'act-2' })).to.equal(true);
  });

  it('curation counters lose no count when two instances count at once', async () => {
    const now = () => new Date('2026-11-24T14:00:00Z');
    const [onA, onB] = [new CurationStore(a, now), new CurationStore(b, now)];
    await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? onB : onA).countAsked(i % 3 ? 'mdu.hours' : 'rights.record')));
    const counters = await onA.counters();
    expect(counters['mdu.hours']!.asked + counters['rights.record']!.asked).to.equal(60);
  });
});
