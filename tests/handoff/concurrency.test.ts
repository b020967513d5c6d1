/**
 * The live handoff under concurrent load: changes of different conversations run side by side
 * (a slow write or a slow visitor channel in one does not hold up another), while the changes of
 * one conversation keep their order, on disk and towards the visitor; and the consoles get fresh
 * views only when a change concerns them, changes close together sharing one push.
 */
import { expect } from 'chai';
import type { ServerResponse } from 'node:http';
import { TestAdapter, TurnContext, type Activity, type StoreItems } from 'botbuilder';
import { FixedClock } from '../../bot/clock.js';
import { createLogger } from '../../bot/log.js';
import { ConsoleHub } from '../../handoff/ConsoleHub.js';
import { ConsoleSessions, type Session } from '../../handoff/ConsoleSessions.js';
import { HandoffDesk, type ConsoleView } from '../../handoff/HandoffDesk.js';
import { HandoffQueue } from '../../handoff/HandoffQueue.js';
import { VolunteerAccounts } from '../../handoff/VolunteerAccounts.js';
import { LowdbStorage, type DocumentStore } from '../../store/LowdbStorage.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { makeTestDesk, RecordingSender } from './helpers.js';

const T0 = '2026-11-24T15:00:00+01:00'; // Tuesday, UNAFAM 14:00-17:00
const ref = (id: string) => ({ conversation: { id } as never, channelId: 'webchat', serviceUrl: 'http://127.0.0.1:9/', bot: { id: 'bot', name: 'bot' }, user: { id: `u-${id}`, name: '' } });
const alice = { login: 'alice', name: 'Alice' };
const bob = { login: 'bob', name: 'Bob' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the promise's value, or fails the test if it takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, sleep(ms).then(() => Promise.reject(new Error(`${what}: still waiting after ${ms} ms`)))]);
}

/** Whether a promise has settled, without waiting for it. */
function tracked<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  return { promise, settled: () => done };
}

async function until(condition: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not after ${ms} ms`);
    await sleep(2);
  }
}

/**
 * The real store, with a hand on its writes: those `hold` picks wait until `release`, those
 * `fail` picks throw, and `jitterMs` delays every write by a random time (a slow, uneven disk).
 */
class HeldStore implements DocumentStore {
  hold: ((keys: string[]) => boolean) | undefined;
  fail: ((keys: string[]) => boolean) | undefined;
  jitterMs = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly inner: LowdbStorage) {}

  get held(): number {
    return this.waiting.length;
  }
  release(): void {
    this.hold = undefined;
    for (const go of this.waiting.splice(0)) go();
  }
  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }
  async write(changes: StoreItems): Promise<void> {
    const keys = Object.keys(changes);
    if (this.fail?.(keys)) {
      this.fail = undefined;
      throw new Error('disk full (test)');
    }
    if (this.hold?.(keys)) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.jitterMs > 0) await sleep(Math.random() * this.jitterMs);
    await this.inner.write(changes);
  }
  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }
  keys(prefix: string): Promise<string[]> {
    return this.inner.keys(prefix);
  }
  purge(prefix: string, before: Date): Promise<number> {
    return this.inner.purge(prefix, before);
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Keys of one conversation's documents (its record and its transcript). */
const of = (conversationId: string) => (keys: string[]) => keys.some((k) => k.endsWith(`/${encodeURIComponent(conversationId)}`));

describe('Live handoff under concurrent load', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let clock: FixedClock;
  let store: HeldStore;

  beforeEach(async () => {
    tmp = makeTempDir('mdu-handoff-load-');
    clock = new FixedClock(T0);
    store = new HeldStore(await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true, now: () => clock.now() }));
  });
  afterEach(async () => {
    store.release();
    await store.close();
    tmp.cleanup();
  });

  describe('the queue: a lock per conversation', () => {
    let queue: HandoffQueue;
    beforeEach(() => {
      queue = new HandoffQueue(store, clock);
    });

    async function live(conversationId: string, volunteer: typeof alice): Promise<string> {
      const { record } = await queue.enqueue({ reference: ref(conversationId), locale: 'fr', priority: 'normal' });
      const accepted = await queue.accept(record.handoffId, volunteer, 2);
      expect(accepted.ok).to.equal(true);
      return record.handoffId;
    }

    it('a write held up in one conversation does not hold up another, and the next change of the first waits its turn', async () => {
      const a = await live('a', alice);
      const b = await live('b', bob);
      store.hold = of('a');
      const held = tracked(queue.volunteerMessage(a, 'alice', 'held up'));
      await until(() => store.held === 1, 'the write of a reached the store');
      const after = tracked(queue.visitorMessage('a', { text: 'after it', flags: [] }));

      // Conversation b, a new request and an accept go through meanwhile.
      const sent = await within(queue.volunteerMessage(b, 'bob', 'not held up'), 2000, 'a message in b');
      expect(sent.ok).to.equal(true);
      const { record: c } = await within(queue.enqueue({ reference: ref('c'), locale: 'fr', priority: 'normal' }), 2000, 'a new request');
      expect((await within(queue.accept(c.handoffId, bob, 2), 2000, 'an accept')).ok).to.equal(true);
      expect(held.settled(), 'the held write of a').to.equal(false);
      expect(after.settled(), 'the next change of a waits for the first').to.equal(false);
      expect(store.held, 'the next change of a did not reach the store').to.equal(1);

      store.release();
      await held.promise;
      expect(await after.promise).to.not.equal(undefined);
      const texts = (await queue.transcript('a', a)).filter((e) => e.from !== 'event').map((e) => e.text);
      expect(texts).to.deep.equal(['held up', 'after it']);
    });

    it('keeps the order of each conversation under concurrent changes, on a slow and uneven disk, and across a restart', async () => {
      const ids = { a: await live('a', alice), b: await live('b', bob) };
      store.jitterMs = 4;
      const expected: Record<'a' | 'b', string[]> = { a: [], b: [] };
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i < 12; i++) {
        for (const [conversation, volunteer] of [
          ['a', 'alice'],
          ['b', 'bob'],
        ] as const) {
          calls.push(queue.visitorMessage(conversation, { text: `${conversation} visitor ${i}`, flags: [] }));
          calls.push(queue.volunteerMessage(ids[conversation], volunteer, `${conversation} volunteer ${i}`));
          expected[conversation].push(`${conversation} visitor ${i}`, `${conversation} volunteer ${i}`);
        }
      }
      await Promise.all(calls);
      const texts = async (q: HandoffQueue, conversation: 'a' | 'b') => (await q.transcript(conversation, ids[conversation])).filter((e) => e.from !== 'event').map((e) => e.text);
      expect(await texts(queue, 'a')).to.deep.equal(expected.a);
      expect(await texts(queue, 'b')).to.deep.equal(expected.b);

      // Every acknowledged change is on disk, in that order.
      await store.inner.close();
      store = new HeldStore(await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: false, now: () => clock.now() }));
      const restarted = new HandoffQueue(store, clock);
      expect(await texts(restarted, 'a')).to.deep.equal(expected.a);
      expect(await texts(restarted, 'b')).to.deep.equal(expected.b);
      expect((await restarted.get('a'))?.state).to.equal('live');
    });

    it('a transcript read while a change of it is being written is never left stale (memory keeps open conversations’ transcripts)', async () => {
      const a = await live('a', alice);
      store.hold = of('a');
      const writing = queue.volunteerMessage(a, 'alice', 'en cours');
      await until(() => store.held === 1, 'the write reached the store');
      // A console view reads the transcript meanwhile (and memory keeps what it read).
      expect((await queue.transcript('a', a)).map((e) => e.text)).to.not.include('en cours');
      store.release();
      await writing;
      expect((await queue.transcript('a', a)).map((e) => e.text)).to.include('en cours');
      await queue.visitorMessage('a', { text: 'et après', flags: [] });
      expect((await queue.transcript('a', a)).filter((e) => e.from !== 'event').map((e) => e.text)).to.deep.equal(['en cours', 'et après']);
      // What memory keeps is what is on disk.
      const fresh = new HandoffQueue(store, clock);
      expect(await fresh.transcript('a')).to.deep.equal(await queue.transcript('a'));
      await queue.erase('a');
      expect(await queue.transcript('a')).to.deep.equal([]);
    });

    it('one volunteer accepting many at once stays within the cap; each request goes to one volunteer', async () => {
      store.jitterMs = 3;
      const requests = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => queue.enqueue({ reference: ref(id), locale: 'fr', priority: 'normal' })));
      const attempts = await Promise.all(requests.flatMap(({ record }) => [alice, bob].map((v) => queue.accept(record.handoffId, v, 2))));
      expect(attempts.filter((r) => r.ok)).to.have.length(4);
      expect(await queue.liveOf('alice')).to.have.length(2);
      expect(await queue.liveOf('bob')).to.have.length(2);
      expect(await queue.queue()).to.have.length(2);
    });

    it('the timer closes a silent conversation while another one talks, each decided under its own lock', async () => {
      const a = await live('a', alice);
      const b = await live('b', bob);
      clock.advance(15 * 60_000);
      // b writes at the very moment of the sweep: it is not silent any more.
      const [closed] = await Promise.all([queue.expire({ acceptTimeoutMs: 600_000, inactivityMs: 15 * 60_000, onDuty: true }), queue.visitorMessage('b', { text: 'still here', flags: [] })]);
      expect(closed.map((r) => r.conversationId)).to.deep.equal(['a']);
      expect((await queue.byHandoffId(a))?.state).to.equal('closed');
      expect((await queue.byHandoffId(b))?.state).to.equal('live');
    });

    it('hands out frozen records, and never freezes what the caller passed in', async () => {
      const reference = ref('a');
      await queue.enqueue({ reference, locale: 'fr', priority: 'normal' });
      expect(Object.isFrozen(reference.conversation), 'the turn’s objects stay the turn’s').to.equal(false);
      const record = (await queue.get('a'))!;
      expect(Object.isFrozen(record)).to.equal(true);
      expect(Reflect.set(record, 'state', 'closed'), 'a change by a reader is refused').to.equal(false);
      expect((await queue.get('a'))?.state).to.equal('queued');
    });

    it('after a failed write, reads show what the store holds, and the next change goes through', async () => {
      const a = await live('a', alice);
      const before = (await queue.get('a'))!;
      clock.advance(60_000);
      store.fail = of('a');
      let failed: unknown;
      await queue.volunteerMessage(a, 'alice', 'lost').catch((error: unknown) => (failed = error));
      expect(failed).to.be.an('error');
      expect((await queue.get('a'))?.lastActivityAt).to.equal(before.lastActivityAt);
      expect((await queue.volunteerMessage(a, 'alice', 'kept')).ok).to.equal(true);
      expect((await queue.transcript('a', a)).filter((e) => e.from === 'volunteer').map((e) => e.text)).to.deep.equal(['kept']);
    });
  });

  describe('the desk and the consoles', () => {
            let sender: RecordingSender;
    let queue: HandoffQueue;
    let desk: HandoffDesk;
    let sessions: ConsoleSessions;
    let hub: ConsoleHub | undefined;

    /** Records what the desk sends visitors; deliveries to conversations in `hold` wait for `release`. */
    beforeEach(async () => {
      const accounts = new VolunteerAccounts(store, clock);
      sessions = new ConsoleSessions(store, accounts, clock, { lifetimeMs: 10 * 3_600_000, presenceMs: 90_000 });
      sender = new RecordingSender();
      queue = new HandoffQueue(store, clock);
      desk = makeTestDesk({ queue, sessions, clock, proactive: sender });
      await accounts.add('alice', 'Alice', 'un mot de passe long');
      await accounts.add('bob', 'Bob', 'un autre mot de passe long');
    });
    afterEach(async () => {
      sender.release();
      hub?.close();
      hub = undefined;
      await desk.stop();
    });

    async function signedIn(login: string): Promise<Session> {
      const { session } = await sessions.create(login);
      await sessions.setAvailable(session, true);
      return session;
    }

    function turn(conversationId: string, text: string): TurnContext {
      return new TurnContext(new TestAdapter(), {
        type: 'message',
        id: `a-${conversationId}-${text.length}`,
        text,
        channelId: 'test',
        serviceUrl: 'https://test.invalid',
        conversation: { id: conversationId },
        from: { id: 'visitor', role: 'user' },
        recipient: { id: 'bot', role: 'bot' },
      } as Activity);
    }

    /** A visitor asks, `volunteer` accepts; returns the handoff id. */
    async function liveWith(conversationId: string, volunteer: typeof alice): Promise<string> {
      await desk.request(turn(conversationId, 'je voudrais parler à quelqu’un'), { locale: 'fr', priority: 'normal' });
      const record = await queue.get(conversationId);
      expect((await desk.accept(record!.handoffId, volunteer)).ok).to.equal(true);
      return record!.handoffId;
    }

    it('a volunteer’s messages sent at once reach the visitor in order; a stuck channel holds up no other conversation', async () => {
      await signedIn('alice');
      await signedIn('bob');
      const a = await liveWith('a', alice);
      const b = await liveWith('b', bob);
      sender.hold.add('a');
      const sends = ['un', 'deux', 'trois', 'quatre', 'cinq'].map((text) => tracked(desk.send(a, 'alice', text)));

      const other = await within(desk.send(b, 'bob', 'pendant ce temps'), 2000, 'a message in another conversation');
      expect(other.ok && other.delivered).to.equal(true);
      expect(sender.texts('b')).to.include('pendant ce temps');
      expect(sends.some((s) => s.settled())).to.equal(false);

      sender.release();
      for (const s of sends) expect((await s.promise).ok).to.equal(true);
      expect(sender.texts('a').slice(-5)).to.deep.equal(['un', 'deux', 'trois', 'quatre', 'cinq']);
    });

    it('accepts at once: each waiting visitor hears their new places in order, the last one being their place', async () => {
      await signedIn('alice');
      await signedIn('bob');
      for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) {
        await desk.request(turn(id, 'je voudrais parler à quelqu’un'), { locale: 'fr', priority: 'normal' });
        clock.advance(1000);
      }
      const ids = await Promise.all(['a', 'b', 'c', 'd'].map(async (id) => (await queue.get(id))!.handoffId));
      const accepted = await Promise.all([desk.accept(ids[0]!, alice), desk.accept(ids[2]!, bob), desk.accept(ids[1]!, alice), desk.accept(ids[3]!, bob)]);
      expect(accepted.every((r) => r.ok)).to.equal(true);
      const places = (id: string) =>
        sender.sent
          .filter((s) => s.conversationId === id && s.activity.type === 'message')
          .map((s) => (s.activity.channelData as { mdu: { handoff?: { position?: number } } }).mdu.handoff?.position);
      for (const [id, final] of [
        ['e', 1],
        ['f', 2],
      ] as const) {
        const told = places(id);
        expect(told.at(-1), `${id} last hears their place`).to.equal(final);
        expect(told, `${id} hears places in order`).to.deep.equal([...told].sort((x, y) => y! - x!));
        expect(new Set(told).size, `${id} hears each place once`).to.equal(told.length);
        expect((await queue.get(id))?.toldPosition).to.equal(final);
      }
    });

    /** An event stream's response, as the hub writes it. */
    class FakeStream {
      text = '';
      writableEnded = false;
      writeHead(): this {
        return this;
      }
      write(chunk: string): boolean {
        this.text += chunk;
        return true;
      }
      end(): void {
        this.writableEnded = true;
      }
      events(name: string): unknown[] {
        return [...this.text.matchAll(/^event: (.*)\ndata: (.*)$/gm)].filter((m) => m[1] === name).map((m) => JSON.parse(m[2]!) as unknown);
      }
      get states(): ConsoleView[] {
        return this.events('state') as ConsoleView[];
      }
    }

    async function consoles(): Promise<{ alice: FakeStream; bob: FakeStream; hub: ConsoleHub }> {
      const made = new ConsoleHub(desk, sessions, createLogger('silent'), 3_600_000);
      hub = made;
      const streams = { alice: new FakeStream(), bob: new FakeStream() };
      await made.attach(await signedIn('alice'), streams.alice as unknown as ServerResponse, () => undefined);
      await made.attach(await signedIn('bob'), streams.bob as unknown as ServerResponse, () => undefined);
      await made.idle();
      return { ...streams, hub: made };
    }

    it('pushes a view only to the consoles a change concerns: the queue to everyone, a live conversation to its holder', async () => {
      const { alice: aliceStream, bob: bobStream, hub: feed } = await consoles();
      const counts = () => [aliceStream.states.length, bobStream.states.length];

      let before = counts();
      await desk.request(turn('a', 'je voudrais parler à quelqu’un'), { locale: 'fr', priority: 'normal' });
      await feed.idle();
      expect(counts()[0]).to.be.greaterThan(before[0]!);
      expect(counts()[1], 'a new request: everyone sees the queue').to.be.greaterThan(before[1]!);

      const a = (await desk.view({ login: 'alice', displayName: 'Alice', available: true })).queue[0]!.id;
      await desk.accept(a, alice);
      const b = await liveWith('b', bob);
      await feed.idle();

      before = counts();
      await desk.send(a, 'alice', 'Bonjour, je suis Alice');
      await feed.idle();
      expect(counts()[0] - before[0]!, 'the holder gets the message').to.equal(1);
      expect(counts()[1] - before[1]!, 'nobody else').to.equal(0);
      expect(aliceStream.states.at(-1)!.mine.find((c) => c.id === a)!.messages.map((m) => m.text)).to.include('Bonjour, je suis Alice');

      before = counts();
      await desk.handleVisitorMessage(turn('b', 'merci, j’ai une question'), { locale: 'fr', safety: { kind: 'none' } });
      await feed.idle();
      expect(counts()[1] - before[1]!).to.equal(1);
      expect(counts()[0] - before[0]!).to.equal(0);
      expect(bobStream.events('alert').at(-1)).to.deep.equal({ kind: 'message', id: b });
      expect(bobStream.states.at(-1)!.mine[0]!.messages.map((m) => m.text)).to.include('merci, j’ai une question');

      before = counts();
      await desk.end(a, 'alice');
      await feed.idle();
      expect(counts()[0] - before[0]!).to.equal(1);
      expect(counts()[1] - before[1]!).to.equal(0);
      expect(aliceStream.states.at(-1)!.mine).to.deep.equal([]);
    });

    it('changes close together share one push per console', async () => {
      const { alice: aliceStream, bob: bobStream, hub: feed } = await consoles();
      const before = [aliceStream.states.length, bobStream.states.length];
      for (let i = 0; i < 30; i++) feed.schedulePush('alice');
      await feed.idle();
      expect(aliceStream.states.length - before[0]!).to.equal(1);
      expect(bobStream.states.length - before[1]!).to.equal(0);
      for (let i = 0; i < 30; i++) feed.schedulePush(i % 2 ? 'alice' : undefined);
      await feed.idle();
      expect(aliceStream.states.length - before[0]!).to.equal(2);
      expect(bobStream.states.length - before[1]!).to.equal(1);
    });

    it('a console whose session is gone is told to sign in again at its next push', async () => {
      const { bob: bobStream, hub: feed } = await consoles();
      for (const key of await store.keys('handoff/session/')) {
        const doc = (await store.read([key]))[key] as { login?: string };
        if (doc.login === 'bob') await store.delete([key]);
      }
      feed.schedulePush();
      await feed.idle();
      expect(bobStream.events('signed_out')).to.have.length(1);
      expect(bobStream.writableEnded).to.equal(true);
    });
  });
});
