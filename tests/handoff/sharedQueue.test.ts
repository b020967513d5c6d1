/**
 * The handoff queue of two instances on one PostgreSQL server (a real one, started by the tests):
 * claims by compare-and-set, other instances' changes heard, lost notifications made good.
 * Each instance is its own store handle (its own pool and notification connection) and queue.
 */
import { expect } from 'chai';
import { FixedClock } from '../../bot/clock.js';
import { HANDOFF_CONVERSATION_PREFIX, HandoffQueue, type RemoteChange } from '../../handoff/HandoffQueue.js';
import { PostgresStorage } from '../../store/postgres/PostgresStorage.js';
import { freshDatabase, postgresBinaries, POSTGRES_MISSING } from '../helpers/postgresServer.js';

const T0 = '2026-11-24T15:00:00+01:00';
const ref = (id: string) => ({ conversation: { id } as never, channelId: 'webchat', serviceUrl: 'http://127.0.0.1:9/', bot: { id: 'bot', name: 'bot' }, user: { id: `u-${id}`, name: '' } });

async function until(check: () => boolean | Promise<boolean>, what: string, ceilingMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ceilingMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('HandoffQueue on a shared PostgreSQL store (two instances)', function () {
  this.timeout(120_000);
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let storeA: PostgresStorage;
  let storeB: PostgresStorage;
  let a: HandoffQueue;
  let b: HandoffQueue;
  const clock = new FixedClock(T0);

  before(function () {
    if (!postgresBinaries()) {
      console.log(`      skipped: ${POSTGRES_MISSING}`);
      this.skip();
    }
  });
  async function open(listenOnB: boolean): Promise<void> {
    db = await freshDatabase();
    const options = { pool: { connectionString: db.url }, migrate: 'auto' as const, now: () => clock.now(), notifyPrefixes: [HANDOFF_CONVERSATION_PREFIX] };
    storeA = await PostgresStorage.open(options);
    storeB = await PostgresStorage.open({ ...options, listen: listenOnB });
    a = new HandoffQueue(storeA, clock, storeA);
    b = new HandoffQueue(storeB, clock, storeB);
    // Both loaded (as a running desk is), so each keeps its own copy in memory.
    await Promise.all([a.queue(), b.queue()]);
  }
  afterEach(async () => {
    await storeA?.close();
    await storeB?.close();
    await db?.drop();
  });

  it("hears the other instance's request at once, and exactly one of 20 simultaneous accepts wins", async () => {
    await open(true);
    const heard: RemoteChange[] = [];
    b.onRemoteChange((change) => heard.push(change));
    const { record } = await a.enqueue({ reference: ref('c1'), locale: 'fr', priority: 'normal', firstMessage: 'bonjour' });
    await until(async () => (await b.queue()).length === 1, "B's queue to show A's request");
    expect(heard.map((c) => [c.previous?.state, c.record?.state])).to.deep.equal([[undefined, 'queued']]);

    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? b : a).accept(record.handoffId, { login: `v${i}`, name: `V${i}` }, 2)));
    const winners = results.filter((r) => r.ok);
    expect(winners).to.have.length(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).to.deep.equal(Array(19).fill('already_taken'));
    const holder = winners[0]!.record.volunteer!.login;
    for (const queue of [a, b]) await until(async () => (await queue.get('c1'))?.volunteer?.login === holder, 'both instances to agree on the holder');
    // One "accepted" in the transcript: the losers wrote nothing.
    expect((await a.transcript('c1')).filter((e) => e.text === 'accepted')).to.have.length(1);
  });

  it('a change decided on a stale copy is decided again: messages from both instances all land, in order', async () => {
    await open(false); // B hears nothing: its copy goes stale, as after a lost notification
    const { record } = await a.enqueue({ reference: ref('c2'), locale: 'en', priority: 'normal' });
    await b.resync({ force: true });
    const accepted = await b.accept(record.handoffId, { login: 'alice', name: 'Alice' }, 2);
    expect(accepted.ok).to.equal(true);
    // A learns of the accept by notification; then both write into the conversation at once, many times.
    await until(async () => (await a.get('c2'))?.state === 'live', 'A to hear of the accept');
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        await a.visitorMessage('c2', { text: `visitor ${i}`, flags: [] });
        const sent = await b.volunteerMessage(record.handoffId, 'alice', `volunteer ${i}`);
        expect(sent.ok).to.equal(true);
      }),
    );
    const texts = (await storeA.read(['handoff/transcript/c2']))['handoff/transcript/c2']!.entries.map((e: { text: string }) => e.text);
    for (let i = 0; i < 10; i++) expect(texts).to.include.members([`visitor ${i}`, `volunteer ${i}`]);
    // B never heard a notification; what it shows comes from the rows it read again.
    expect((await b.transcript('c2')).map((e) => e.text)).to.deep.equal(texts);
  });

  it('a lost notification is made good by resync', async () => {
    await open(false);
    await a.enqueue({ reference: ref('c3'), locale: 'fr', priority: 'crisis' });
    expect(await b.queue()).to.have.length(0);
    await b.resync({ force: true });
    expect((await b.queue()).map((q) => [q.record.conversationId, q.record.priority])).to.deep.equal([['c3', 'crisis']]);
    await a.erase('c3');
    await b.resync({ force: true });
    expect(await b.get('c3')).to.equal(undefined);
  });
});
