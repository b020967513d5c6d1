import { expect } from 'chai';
import { FixedClock } from '../../bot/clock.js';
import { HandoffQueue } from '../../handoff/HandoffQueue.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { makeTempDir } from '../helpers/tempDir.js';

const T0 = '2026-11-24T15:00:00+01:00';
const ref = (id: string) => ({ conversation: { id } as never, channelId: 'webchat', serviceUrl: 'http://127.0.0.1:9/', bot: { id: 'bot', name: 'bot' }, user: { id: `u-${id}`, name: '' } });
const alice = { login: 'alice', name: 'Alice' };
const bob = { login: 'bob', name: 'Bob' };

describe('HandoffQueue (state machine, fixed clock)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let store: LowdbStorage;
  let clock: FixedClock;
  let queue: HandoffQueue;

  beforeEach(async () => {
    tmp = makeTempDir('mdu-queue-');
    clock = new FixedClock(T0);
    store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true, now: () => clock.now() });
    queue = new HandoffQueue(store, clock);
  });
  afterEach(async () => {
    await store.close();
    tmp.cleanup();
  });

  it('queues in order of request, crisis first', async () => {
    await queue.enqueue({ reference: ref('a'), locale: 'fr', priority: 'normal' });
    clock.advance(1000);
    await queue.enqueue({ reference: ref('b'), locale: 'en', priority: 'normal' });
    clock.advance(1000);
    await queue.enqueue({ reference: ref('c'), locale: 'fr', priority: 'crisis' });
    const order = (await queue.queue()).map((q) => [q.record.conversationId, q.position]);
    expect(order).to.deep.equal([
      ['c', 1],
      ['a', 2],
      ['b', 3],
    ]);
  });

  it('a crisis message while queued moves the request first and flags it', async () => {
    await queue.enqueue({ reference: ref('a'), locale: 'fr', priority: 'normal' });
    clock.advance(1000);
    await queue.enqueue({ reference: ref('b'), locale: 'fr', priority: 'normal' });
    await queue.visitorMessage('b', { text: 'je veux mourir', flags: ['crisis'] });
    const [first] = await queue.queue();
    expect(first!.record.conversationId).to.equal('b');
    expect(first!.record.crisis).to.equal(true);
  });

  it('enqueueing twice keeps one request', async () => {
    const first = await queue.enqueue({ reference: ref('a'), locale: 'fr', priority: 'normal' });
    const second = await queue.enqueue({ reference: ref('a'), locale: 'fr', priority: 'normal' });
    expect(first.created).to.equal(true);
    expect(second.created).to.equal(false);
    expect(second.record.handoffId).to.equal(first.record.handoffId);
    expect(await queue.queue()).to.have.length(1);
  });

  it('bot → queued → live → closed, with the transcript of the request', async () => {
    expect(await queue.get('a')).to.equal(undefined);
    const { record } = await queue.enqueue({ reference: ref('a'), locale: 'fr', priority: 'normal', firstMessage: 'je voudrais parler à quelqu’un' });
    expect(record.state).to.equal('queued');
    await queue.visitorMessage('a', { text: 'je suis là', flags: [] });
    const accepted = await queue.accept(record.handoffId, alice, 2);
    expect(accepted.ok).to.equal(true);
    expect((await queue.get('a'))!.state).to.equal('live');
    await queue.visitorMessage('a', { text: 'ma mère a arrêté son traitement', flags: ['medical'] });
    const sent = await queue.volunteerMessage(record.handoffId, 'alice', 'Bonjour, je suis Alice');
    expect(sent.ok).to.equal(true);
    const ended = await queue.volunteerEnds(record.handoffId, 'alice');
    expect(ended.ok && ended.record.closedReason).to.equal('ended_by_volunteer');
    expect((await queue.get('a'))!.state).to.equal('closed');
    expect((await queue.get('a'))!.medical).to.equal(true);
    const transcript = await queue.transcript('a', record.handoffId);
    expect(transcript.map((e) => [e.from, e.text])).to.deep.equal([
      ['event', 'requested'],
      ['visitor', 'je voudrais parler à quelqu’un'],
      ['visitor', 'je suis là'],
      ['event', 'accepted'],
      ['visitor', 'ma mère a arrêté son traitement'],
      ['volunteer', 'Bonjour, je suis Alice'],
      ['event', 'ended_by_volunteer'],
    ]);
    expect(transcript[4]!.flags).to.deep.equal(['medical']);
  });

  it('two volunteers accepting at once: exactly one gets it, the other hears "already taken"', async () => {
    const { record } = await queue.enqueue({ reference: ref('a'), locale: 'fr', priority: 'normal' });
    const results = await Promise.all([queue.accept(record.handoffId, alice, 2), queue.accept(record.handoffId, bob, 2)]);
    expect(results.filter((r) => r.ok)).to.have.length(1);
    const refused = results.find((r) => !r.ok);
    expect(refused && !refused.ok && refused.reason).to.equal('already_taken');
  });

  it('many changes at once lose nothing: 20 requests, 3 volunteers grabbing everything', async () => {
    const ids = (await Promise.all(Array.from({ length: 20 }, (_, i) => queue.enqueue({ reference: ref(`c${i}`), locale: 'fr', priority: 'normal' })))).map((r) => r.record.handoffId);
    expect(await queue.queue()).to.have.length(20);
    const volunteers = [alice, bob, { login: 'carole', name: 'Carole' }];
    const attempts = await Promise.all(ids.flatMap((id) => volunteers.map((v) => queue.accept(id, v, 2).then((r) => ({ id, v: v.login, ok: r.ok })))));
    const won = attempts.filter((a) => a.ok);
    expect(won).to.have.length(6); // 3 volunteers x cap 2
    expect(new Set(won.map((a) => a.id)).size).to.equal(6);
    for (const v of volunteers) expect((await queue.liveOf(v.login)).length).to.equal(2);
    expect(await queue.queue()).to.have.length(14);
  });

  it('caps the conversations a volunteer holds', async () => {
    const ids: string[] = [];
    for (const id of ['a', 'b', 'c']) ids.push((await queue.enqueue({ reference: ref(id), locale: 'fr', priority: 'normal' })).record.handoffId);
    expect((await queue.accept(ids[0]!, alice, 2)).ok).to.equal(true);
    expect((await queue.accept(ids[1]!, alice, 2)).ok).to.equal(true);
    const third = await queue.accept(ids[2]!, alice, 2);
    expect(!third.ok && third.reason).to.equal('cap_reached');
    expect((await queue.accept(ids[2]!, bob, 2)).ok).to.equal(true);
  });

  it('a cancelled request can no longer be accepted', async () => {
    const { record } = await queue.enqueue({ reference: ref('a'), locale: 'fr', priority: 'normal' });
    const left = await queue.visitorLeaves('a');
    expect(left?.closedReason).to.equal('cancelled');
    const late = await queue.accept(record.handoffId, alice, 2);
    expect(!late.ok && late.reason).to.equal('closed');
  });

  it('only the volunteer holding a conversation may write in it or end it', async () => {
    const { record } = await queue.enqueue({ reference: ref('a'), locale: 'fr', priority: 'normal' });
    const early = await queue.volunteerMessage(record.handoffId, 'alice', 'hello');
    expect(!early.ok && early.reason).to.equal('not_live');
    await queue.accept(record.handoffId, alice, 2);
    const intruder = await queue.volunteerMessage(record.handoffId, 'bob', 'hello');
    expect(!intruder.ok && intruder.reason).to.equal('not_yours');
    const ghost = await queue.volunteerEnds('h-nope', 'alice');
    expect(!ghost.ok && ghost.reason).to.equal('not_found');
  });

  it('withdraws requests nobody accepted in time, and closes silent conversations', async () => {
    const rules = { acceptTimeoutMs: 10 * 60_000, inactivityMs: 15 * 60_000, onDuty: true };
    await queue.enqueue({ reference: ref('a'), locale: 'fr', priority: 'normal' });
    const b = await queue.enqueue({ reference: ref('b'), locale: 'fr', priority: 'normal' });
    await queue.accept(b.record.handoffId, alice, 2);
    clock.advance(10 * 60_000 - 1);
    expect(await queue.expire(rules)).to.have.length(0);
    clock.advance(1);
    const timedOut = await queue.expire(rules);
    expect(timedOut.map((r) => [r.conversationId, r.closedReason])).to.deep.equal([['a', 'timeout']]);
    await queue.volunteerMessage(b.record.handoffId, 'alice', 'still there?');
    clock.advance(15 * 60_000);
    const silent = await queue.expire(rules);
    expect(silent.map((r) => [r.conversationId, r.closedReason])).to.deep.equal([['b', 'inactivity']]);
  });

  it('withdraws queued requests when nobody on duty can take them any more', async () => {
    await queue.enqueue({ reference: ref('a'), locale: 'fr', priority: 'normal' });
    const closed = await queue.expire({ acceptTimeoutMs: 600_000, inactivityMs: 900_000, onDuty: false });
    expect(closed.map((r) => r.closedReason)).to.deep.equal(['unavailable']);
  });

  it('estimates the wait from history only, and says nothing without it', async () => {
    expect(await queue.estimateWaitMinutes(1, { available: 1, freeSlots: 1 })).to.equal(undefined);
    const { record } = await queue.enqueue({ reference: ref('a'), locale: 'fr', priority: 'normal' });
    clock.advance(3 * 60_000);
    await queue.accept(record.handoffId, alice, 2);
    clock.advance(20 * 60_000);
    await queue.volunteerEnds(record.handoffId, 'alice');
    expect(await queue.estimateWaitMinutes(1, { available: 1, freeSlots: 1 })).to.equal(3);
    // Everyone busy: one conversation length, plus the usual accept wait.
    expect(await queue.estimateWaitMinutes(1, { available: 1, freeSlots: 0 })).to.equal(23);
    expect(await queue.estimateWaitMinutes(3, { available: 1, freeSlots: 0 })).to.equal(63);
  });

  it('survives a reopen of the store (restart): queue, assignment and transcript', async () => {
    const { record } = await queue.enqueue({ reference: ref('a'), locale: 'en', priority: 'normal', firstMessage: 'hello' });
    await queue.accept(record.handoffId, alice, 2);
    await queue.volunteerMessage(record.handoffId, 'alice', 'Hi, I am Alice');
    await store.close();
    store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: false, now: () => clock.now() });
    queue = new HandoffQueue(store, clock);
    const back = await queue.get('a');
    expect(back?.state).to.equal('live');
    expect(back?.volunteer).to.deep.equal(alice);
    expect(back?.reference.serviceUrl).to.equal('http://127.0.0.1:9/');
    expect((await queue.transcript('a')).map((e) => e.text)).to.include('Hi, I am Alice');
  });

  it('erase removes the queue entry and the transcript', async () => {
    await queue.enqueue({ reference: ref('a'), locale: 'fr', priority: 'normal', firstMessage: 'bonjour' });
    await queue.erase('a');
    expect(await queue.get('a')).to.equal(undefined);
    expect(await queue.transcript('a')).to.deep.equal([]);
    expect(await store.keys('handoff/')).to.deep.equal([]);
  });

  it('purges transcripts and closed records after the retention time, never open ones', async () => {
    await queue.enqueue({ reference: ref('old'), locale: 'fr', priority: 'normal', firstMessage: 'x' });
    await queue.visitorLeaves('old');
    clock.advance(8 * 86_400_000);
    await queue.enqueue({ reference: ref('new'), locale: 'fr', priority: 'normal', firstMessage: 'y' });
    const purged = await queue.purge(new Date(clock.now().getTime() - 7 * 86_400_000));
    expect(purged).to.equal(2);
    expect(await queue.get('old')).to.equal(undefined);
    expect(await queue.transcript('old')).to.deep.equal([]);
    expect((await queue.get('new'))?.state).to.equal('queued');
  });

  it('keeps ids with odd characters apart', async () => {
    await queue.enqueue({ reference: ref('a/b|c'), locale: 'fr', priority: 'normal' });
    await queue.enqueue({ reference: ref('a'), locale: 'fr', priority: 'normal' });
    expect((await queue.get('a/b|c'))?.conversationId).to.equal('a/b|c');
    expect(await queue.queue()).to.have.length(2);
  });
});
