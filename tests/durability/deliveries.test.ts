/**
 * Retries and concurrency: the same activity delivered twice (a channel retrying) is handled
 * once and the retry answered with an empty success; twenty turns fired at once at one
 * conversation lose no state.
 */
import { expect } from 'chai';
import { ConversationState, TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import { KeyedSerialiser } from '../../bot/KeyedSerialiser.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { ProcessedActivities } from '../../store/ProcessedActivities.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { mduOf, startTestBot, type TestBot } from '../helpers/testBot.js';

describe('durability: a delivery retried is handled once', function () {
  this.timeout(180_000);
  let bot: TestBot;
  before(async () => (bot = await startTestBot()));
  after(async () => bot?.stop());

  const activity = (id: string, conversationId: string, text: string) =>
    ({
      type: 'message',
      id,
      text,
      channelId: 'webchat',
      conversation: { id: conversationId },
      from: { id: 'visitor-r' },
      recipient: { id: 'mdu-bot' },
      locale: 'fr-FR',
    }) as Partial<Activity>;
  const post = (a: Partial<Activity>) =>
    fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ deliveryMode: 'expectReplies', serviceUrl: bot.url, ...a }),
    });

  it('answers the first delivery, and the same activity id again with an empty success', async () => {
    const first = await bot.send(activity('retry-1', 'retry-conv', 'je veux mourir'));
    expect(mduOf(first[0]).intent).to.equal('crisis');
    const again = await post(activity('retry-1', 'retry-conv', 'je veux mourir'));
    expect(again.status).to.equal(200);
    expect(((await again.json()) as { activities?: unknown[] }).activities ?? []).to.deep.equal([]);
    // Another id in the same conversation is a new message.
    expect(await bot.send(activity('retry-2', 'retry-conv', 'bonjour'))).to.have.length.greaterThan(0);
    // The same id in another conversation is another activity.
    expect(await bot.send(activity('retry-1', 'retry-conv-2', 'bonjour'))).to.have.length.greaterThan(0);
  });

  it('keeps the ids in the conversation state on the embedded store (one document a turn, no dedupe/ one)', async () => {
    await bot.send(activity('kept-1', 'kept-conv', 'bonjour'));
    await bot.send(activity('kept-2', 'kept-conv', 'Comment obtenir mon dossier médical ?'));
    const key = 'state/conversation/webchat/kept-conv';
    const state = (await bot.store.read([key]))[key] as { deliveries?: [string, number][] };
    expect(state.deliveries?.map(([id]) => id)).to.deep.equal(['kept-1', 'kept-2']);
    expect(await bot.store.keys('dedupe/webchat/kept-conv')).to.deep.equal([]);
  });

  it('a storm of the same delivery at once gets one answer', async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(activity('storm-1', 'storm-conv', 'Comment obtenir mon dossier médical ?'))));
    const bodies = await Promise.all(responses.map(async (r) => ((await r.json()) as { activities?: unknown[] }).activities ?? []));
    expect(responses.every((r) => r.status === 200)).to.equal(true);
    expect(bodies.filter((b) => b.length > 0)).to.have.length(1);
  });

  it('twenty concurrent turns of one conversation: every one answered, none of their state lost', async () => {
    const texts = Array.from({ length: 20 }, (_, i) => (i === 13 ? 'je veux mourir' : `Comment obtenir mon dossier médical ? ${i}`));
    const replies = await Promise.all(texts.map((text, i) => bot.send(activity(`c20-${i}`, 'c20-conv', text))));
    expect(replies.every((r) => r.length > 0)).to.equal(true);
    const key = 'state/conversation/webchat/c20-conv';
    const state = (await bot.store.read([key]))[key] as { conversation?: { crisisAt?: string; locale?: string } };
    expect(state.conversation?.crisisAt, 'the crisis turn\'s state survived the nineteen others').to.be.a('string');
  });
});

describe('durability: ProcessedActivities', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());
  const a = (id: string, conversation = 'c1', type = 'message') => ({ id, type, channelId: 'webchat', conversation: { id: conversation } });

  it('remembers across a restart (a retry storm that outlives the process)', async () => {
    // One clock, the test's, for the store's write stamps and the dedupe's time to live: a purge
    // cutoff compared with the calendar's clock would pass only before some date.
    let now = new Date('2026-11-24T10:00:00Z');
    const first = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true, now: () => now });
    const p1 = new ProcessedActivities(first, { now: () => now });
    expect(await p1.firstDelivery(a('x'))).to.equal(true);
    await p1.flush();
    await first.close();
    const second = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: false, now: () => now });
    const p2 = new ProcessedActivities(second, { now: () => now });
    expect(await p2.firstDelivery(a('x'))).to.equal(false);
    // After the time to live the id is forgotten, and the purge removes the document.
    now = new Date('2026-11-25T11:00:00Z');
    expect(await p2.firstDelivery(a('x'))).to.equal(true);
    await second.write({ unrelated: { v: 1 } });
    expect(await p2.purge(new Date('2026-11-26T00:00:00Z'))).to.equal(1);
    expect(await second.keys('dedupe/')).to.deep.equal([]);
    await second.close();
  });

  it('is bounded: ids per conversation and conversations in memory', async () => {
    const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    const p = new ProcessedActivities(store, { now: () => new Date(), perConversation: 3, conversationsInMemory: 2 });
    for (const id of ['1', '2', '3', '4']) expect(await p.firstDelivery(a(id))).to.equal(true);
    expect(await p.firstDelivery(a('4'))).to.equal(false);
    expect(await p.firstDelivery(a('1')), 'the oldest id made room').to.equal(true);
    const doc = (await store.read(['dedupe/webchat/c1']))['dedupe/webchat/c1'] as { ids: unknown[] };
    expect(doc.ids).to.have.length(3);
    for (const c of ['c2', 'c3', 'c4']) await p.firstDelivery(a('z', c));
    expect((p as unknown as { cache: Map<string, unknown> }).cache.size).to.equal(2);
    await store.close();
  });

  it('lets typing, invokes and activities without an id through', async () => {
    const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    const p = new ProcessedActivities(store, { now: () => new Date() });
    for (let i = 0; i < 2; i++) {
      expect(await p.firstDelivery(a('t', 'c1', 'typing'))).to.equal(true);
      expect(await p.firstDelivery(a('i', 'c1', 'invoke'))).to.equal(true);
      expect(await p.firstDelivery({ type: 'message', channelId: 'webchat', conversation: { id: 'c1' } })).to.equal(true);
    }
    await store.close();
  });
});

describe('durability: why turns of a conversation are serialised', () => {
  // botbuilder's state writes use eTag "*": without the serialiser, concurrent turns overwrite each other.
  async function countTurns(serialise: boolean): Promise<number> {
    const tmp = makeTempDir();
    const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    try {
      const state = new ConversationState(store);
      const count = state.createProperty<number>('count');
      const serialiser = new KeyedSerialiser();
      const adapter = new TestAdapter(async () => undefined);
      const turn = async (context: TurnContext) => {
        const n = await count.get(context, 0);
        await new Promise((r) => setTimeout(r, 5));
        await count.set(context, n + 1);
        await state.saveChanges(context);
      };
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          adapter.processActivity({ type: 'message', text: `m${i}`, id: `m${i}`, conversation: { id: 'one' }, channelId: 'test', from: { id: 'u' }, recipient: { id: 'b' } } as Partial<Activity>, (context) =>
            serialise ? serialiser.run('one', () => turn(context)) : turn(context),
          ),
        ),
      );
      const key = (await store.keys('test/conversations/'))[0]!;
      return ((await store.read([key]))[key] as { count: number }).count;
    } finally {
      await store.close();
      tmp.cleanup();
    }
  }

  it('keeps every one of twenty concurrent turns (and loses some without the serialiser)', async () => {
    expect(await countTurns(true)).to.equal(20);
    expect(await countTurns(false), 'the attack works when nothing serialises').to.be.lessThan(20);
  });
});
