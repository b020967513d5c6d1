/**
 * The desk on a fixed clock, without HTTP: botbuilder's TestAdapter for the visitor's turn, a
 * recording sender for proactive messages, the timer driven by hand (`tick`).
 */
import { expect } from 'chai';
import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { FixedClock } from '../../bot/clock.js';
import { ConsoleSessions } from '../../handoff/ConsoleSessions.js';
import { HandoffDesk } from '../../handoff/HandoffDesk.js';
import { HandoffQueue } from '../../handoff/HandoffQueue.js';
import { VolunteerAccounts } from '../../handoff/VolunteerAccounts.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { makeTestDesk, mdu, RecordingSender } from './helpers.js';


describe('HandoffDesk (fixed clock, TestAdapter, recorded proactive messages)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let store: LowdbStorage;
  let clock: FixedClock;
  let sender: RecordingSender;
  let desk: HandoffDesk;
  let sessions: ConsoleSessions;
  let accounts: VolunteerAccounts;

  beforeEach(async () => {
    tmp = makeTempDir('mdu-desk-');
    clock = new FixedClock('2026-11-24T15:00:00+01:00'); // Tuesday, UNAFAM 14:00-17:00
    store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true, now: () => clock.now() });
    accounts = new VolunteerAccounts(store, clock);
    sessions = new ConsoleSessions(store, accounts, clock, { lifetimeMs: 10 * 3_600_000, presenceMs: 90_000 });
    sender = new RecordingSender();
    desk = makeTestDesk({ queue: new HandoffQueue(store, clock), sessions, clock, proactive: sender });
    await accounts.add('alice', 'Alice', 'un mot de passe long');
  });
  afterEach(async () => {
    await desk.stop();
    await store.close();
    tmp.cleanup();
  });

  async function available(): Promise<void> {
    const { session } = await sessions.create('alice');
    await sessions.setAvailable(session, true);
  }

  /** A visitor's request in a turn; returns what the desk replied. */
  async function ask(conversationId: string, locale: 'fr' | 'en' = 'fr'): Promise<Partial<Activity>[]> {
    const adapter = new TestAdapter();
    const activity = {
      type: 'message',
      id: `a-${conversationId}`,
      text: locale === 'fr' ? 'je voudrais parler à quelqu’un' : 'can I talk to someone?',
      channelId: 'test',
      serviceUrl: 'https://test.invalid',
      conversation: { id: conversationId },
      from: { id: 'visitor', role: 'user' },
      recipient: { id: 'bot', role: 'bot' },
    } as Activity;
    const context = new TurnContext(adapter, activity);
    await desk.request(context, { locale, priority: 'normal' });
    return adapter.activeQueue.splice(0);
  }

  it('is on duty only with an open permanence and an available volunteer', async () => {
    expect(await desk.onDuty(clock.now())).to.equal(false);
    await available();
    expect(await desk.onDuty(clock.now())).to.equal(true);
    expect(await desk.onDuty(new Date('2026-11-24T18:00:00+01:00'))).to.equal(false);
    clock.advance(91_000); // the console has not been seen for longer than the presence time
    expect(await desk.onDuty(clock.now())).to.equal(false);
  });

  it('withdraws a request at the accept timeout, to the minute, and tells the visitor', async () => {
    await available();
    const [queued] = await ask('c1');
    expect(mdu(queued).handoff).to.include({ status: 'queued', position: 1 });
    expect(queued!.text).to.include('10 min');
    clock.advance(9 * 60_000);
    sessions.touch('alice');
    await desk.tick();
    expect(await desk.status('c1')).to.equal('queued');
    clock.advance(60_000);
    sessions.touch('alice');
    await desk.tick();
    expect(await desk.status('c1')).to.equal('bot');
    const [told, event] = sender.to('c1');
    expect(mdu(told).handoff?.status).to.equal('timeout');
    expect(event).to.deep.include({ type: 'event', name: 'handoff.status' });
    expect(event!.value).to.deep.equal({ state: 'failed', message: 'timeout' });
  });

  it('ends a live conversation after the inactivity time, counting from the last message', async () => {
    await available();
    await ask('c1', 'en');
    const [item] = (await desk.view({ login: 'alice', displayName: 'Alice', available: true })).queue;
    expect((await desk.accept(item!.id, { login: 'alice', name: 'Alice' })).ok).to.equal(true);
    clock.advance(10 * 60_000);
    await desk.send(item!.id, 'alice', 'Hello');
    clock.advance(14 * 60_000);
    await desk.tick();
    expect(await desk.status('c1')).to.equal('live');
    clock.advance(60_000);
    await desk.tick();
    expect(await desk.status('c1')).to.equal('bot');
    const last = sender.to('c1').filter((a) => a.type === 'message').at(-1);
    expect(last!.text).to.match(/stopped after 15 min without a message/);
  });

  it('withdraws waiting requests when the permanence ends', async () => {
    await available();
    await ask('c1');
    clock.set('2026-11-24T17:00:00+01:00');
    sessions.touch('alice');
    await desk.tick();
    expect(await desk.status('c1')).to.equal('bot');
    expect(mdu(sender.to('c1')[0]).handoff?.status).to.equal('unavailable');
  });

  it('an honest estimate once there is history: about the usual accept wait', async () => {
    await available();
    await ask('c1');
    const [first] = (await desk.view({ login: 'alice', displayName: 'Alice', available: true })).queue;
    clock.advance(4 * 60_000);
    sessions.touch('alice');
    await desk.accept(first!.id, { login: 'alice', name: 'Alice' });
    await desk.end(first!.id, 'alice');
    const [queued] = await ask('c2');
    expect(mdu(queued).handoff).to.include({ position: 1, waitMinutes: 4 });
    expect(queued!.text).to.include('environ 4 min');
  });
});
