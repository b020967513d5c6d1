/**
 * The handoff desk on a large embedded store (issue 19): with 50,000 stored conversations a visitor
 * still reaches a volunteer, and the desk's duty check (every 2 s, and at each request) reads the
 * console sessions only, not every key of the store; a desk ticking over an unchanged store does
 * not rewrite the store file.
 */
import { expect } from 'chai';
import { statSync } from 'node:fs';
import path from 'node:path';
import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { FixedClock } from '../../bot/clock.js';
import { ConsoleSessions } from '../../handoff/ConsoleSessions.js';
import type { HandoffDesk } from '../../handoff/HandoffDesk.js';
import { HandoffQueue } from '../../handoff/HandoffQueue.js';
import { VolunteerAccounts } from '../../handoff/VolunteerAccounts.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { writeLargeStore } from '../helpers/largeStore.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { makeTestDesk, mdu, RecordingSender } from './helpers.js';

const STORED = 50_000;

describe('HandoffDesk on a store of 50,000 conversations', function () {
  this.timeout(180_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let store: LowdbStorage;
  let clock: FixedClock;
  let desk: HandoffDesk;
  let sessions: ConsoleSessions;
  let sender: RecordingSender;

  before(async () => {
    tmp = makeTempDir('mdu-desk-large-');
    clock = new FixedClock('2026-11-24T15:00:00+01:00'); // Tuesday, UNAFAM 14:00-17:00
    writeLargeStore(tmp.dir, STORED, clock.now().getTime());
    store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: false, now: () => clock.now() });
    const accounts = new VolunteerAccounts(store, clock);
    sessions = new ConsoleSessions(store, accounts, clock, { lifetimeMs: 10 * 3_600_000, presenceMs: 90_000 });
    sender = new RecordingSender();
    desk = makeTestDesk({ queue: new HandoffQueue(store, clock), sessions, clock, proactive: sender });
    await accounts.add('alice', 'Alice', 'un mot de passe long');
  });
  after(async () => {
    await desk.stop();
    await store.close();
    tmp.cleanup();
  });

  it('holds the stored conversations', async () => {
    expect(await store.keys('state/conversation/')).to.have.length(STORED);
  });

  it('a visitor reaches a volunteer, and the duty check reads the console sessions only', async () => {
    expect(await desk.onDuty(clock.now())).to.equal(false);
    const { session } = await sessions.create('alice');
    await sessions.setAvailable(session, true);

    const before = store.keysExamined;
    expect(await desk.onDuty(clock.now())).to.equal(true);
    // One session (and its presence): a handful of keys, not the 100,000 documents of the store.
    expect(store.keysExamined - before).to.be.lessThan(10);

    const adapter = new TestAdapter();
    const activity = {
      type: 'message',
      id: 'a-large-1',
      text: 'je voudrais parler à quelqu’un',
      channelId: 'test',
      serviceUrl: 'https://test.invalid',
      conversation: { id: 'large-1' },
      from: { id: 'visitor', role: 'user' },
      recipient: { id: 'bot', role: 'bot' },
    } as Activity;
    await desk.request(new TurnContext(adapter, activity), { locale: 'fr', priority: 'normal' });
    expect(mdu(adapter.activeQueue[0]).handoff).to.include({ status: 'queued', position: 1 });

    const [item] = (await desk.view({ login: 'alice', displayName: 'Alice', available: true })).queue;
    expect((await desk.accept(item!.id, { login: 'alice', name: 'Alice' })).ok).to.equal(true);
    await desk.send(item!.id, 'alice', 'Bonjour, je suis Alice.');
    expect(await desk.status('large-1')).to.equal('live');
    expect(sender.texts('large-1').join('\n')).to.include('Bonjour, je suis Alice.');

    // The desk's timer: ten passes read a few keys each, never the whole store.
    const beforeTicks = store.keysExamined;
    for (let i = 0; i < 10; i++) await desk.tick();
    expect(store.keysExamined - beforeTicks).to.be.lessThan(100);
  });

  it('does not rewrite the store file while nothing is written', async () => {
    await store.flush();
    const file = path.join(tmp.dir, 'store.json');
    const { ino, mtimeMs } = statSync(file);
    const rewrites = store.rewrites;
    for (let i = 0; i < 20; i++) {
      sessions.touch('alice');
      await desk.tick();
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(store.rewrites).to.equal(rewrites);
    expect(statSync(file).ino).to.equal(ino);
    expect(statSync(file).mtimeMs).to.equal(mtimeMs);
  });
});
