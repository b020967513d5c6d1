/**
 * What the local Direct Line hands the bot, seen from a fake bot endpoint: the conversationUpdate
 * that starts a conversation, and the visitor's activities with the service URL to reply to.
 * And the conversation store's own rules: the cap, the retention purge, erasure.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { FixedClock } from '../../bot/clock.js';
import { createLogger } from '../../bot/log.js';
import { ConversationFullError, DirectLineConversations } from '../../directline/DirectLineConversations.js';
import { DirectLineRefusal, LocalDirectLine } from '../../directline/LocalDirectLine.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { makeTempDir } from '../helpers/tempDir.js';

type Json = Record<string, unknown>;

describe('LocalDirectLine, seen from the bot', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let store: LowdbStorage;
  let botServer: Server;
  let botUrl: string;
  let received: Json[];
  let botStatus: number;
  let directLine: LocalDirectLine;

  beforeEach(async () => {
    tmp = makeTempDir('mdu-dl-unit-');
    store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    received = [];
    botStatus = 200;
    botServer = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (req.url === '/api/messages') received.push(JSON.parse(body) as Json);
        res.writeHead(botStatus);
        res.end();
      });
    });
    await new Promise<void>((resolve) => botServer.listen(0, '127.0.0.1', resolve));
    botUrl = `http://127.0.0.1:${(botServer.address() as AddressInfo).port}`;
    directLine = await LocalDirectLine.open({ store, now: () => new Date(), log: createLogger('silent'), serviceUrl: () => botUrl });
  });
  afterEach(async () => {
    await new Promise((resolve) => botServer.close(resolve));
    await store.close();
    tmp.cleanup();
  });

  it('starting a conversation sends the bot one conversationUpdate adding the visitor and the bot, with our service URL', async () => {
    const { conversationId } = directLine.newConversation();
    expect(await directLine.start(conversationId, { user: { id: 'visitor-7' }, locale: 'en-US' })).to.equal(true);
    expect(await directLine.start(conversationId, {})).to.equal(false);
    expect(received).to.have.length(1);
    const update = received[0]!;
    expect(update).to.include({ type: 'conversationUpdate', channelId: 'directline', serviceUrl: botUrl, locale: 'en-US' });
    expect(update.conversation).to.deep.equal({ id: conversationId });
    expect(update.membersAdded).to.deep.equal([
      { id: 'visitor-7', role: 'user' },
      { id: 'mdu-front-desk', name: 'Maison des usagers', role: 'bot' },
    ]);
    expect(update.recipient).to.deep.equal({ id: 'mdu-front-desk', name: 'Maison des usagers', role: 'bot' });
  });

  it('a visitor message reaches the bot with its id, serviceUrl, recipient and the client fields; unknown fields are dropped', async () => {
    const { conversationId } = directLine.newConversation();
    await directLine.start(conversationId, {});
    const { id } = await directLine.fromVisitor(conversationId, {
      type: 'message',
      text: 'Bonjour',
      from: { id: 'v1', role: 'user' },
      channelData: { clientActivityID: 'c1' },
      serviceUrl: 'http://evil.example',
      deliveryMode: 'expectReplies',
    });
    const message = received[1]!;
    expect(message).to.include({ type: 'message', id, text: 'Bonjour', serviceUrl: botUrl, channelId: 'directline' });
    expect(message).to.not.have.property('deliveryMode');
    expect(message.from).to.deep.equal({ id: 'v1', role: 'user' });
    expect(message.channelData).to.deep.equal({ clientActivityID: 'c1' });
  });

  it('typing is handed to the bot but not kept in the conversation', async () => {
    const { conversationId } = directLine.newConversation();
    await directLine.start(conversationId, {});
    await directLine.fromVisitor(conversationId, { type: 'typing', from: { id: 'v1' } });
    expect(received.at(-1)).to.include({ type: 'typing' });
    expect((await directLine.conversations.since(conversationId, 0))!.activities).to.have.length(0);
  });

  it('a bot that fails is a 502 refusal for the client, and a message to an unknown conversation a 404', async () => {
    const { conversationId } = directLine.newConversation();
    await directLine.start(conversationId, {});
    botStatus = 500;
    const failed = await directLine.fromVisitor(conversationId, { type: 'message', text: 'x', from: { id: 'v' } }).catch((e: unknown) => e);
    expect(failed).to.be.instanceOf(DirectLineRefusal).and.include({ status: 502, code: 'bot_error' });
    const unknown = await directLine.fromVisitor('nope', { type: 'message', text: 'x', from: { id: 'v' } }).catch((e: unknown) => e);
    expect(unknown).to.be.instanceOf(DirectLineRefusal).and.include({ status: 404 });
  });
});

describe('DirectLineConversations (the store side)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let store: LowdbStorage;
  const clock = new FixedClock('2026-03-02T10:00:00Z');

  beforeEach(async () => {
    tmp = makeTempDir('mdu-dl-conv-');
    store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true, now: () => clock.now() });
  });
  afterEach(async () => {
    await store.close();
    tmp.cleanup();
  });

  it('numbers activities <id>|0000001…, pages with a string watermark, and refuses visitors once full (the bot still gets through)', async () => {
    const conversations = new DirectLineConversations(store, { now: () => clock.now(), maxActivities: 3, pageSize: 2 });
    await conversations.start('c1', {});
    for (let i = 0; i < 3; i++) await conversations.append('c1', { type: 'message', text: `m${i}` }, 'visitor');
    let error: unknown;
    await conversations.append('c1', { type: 'message', text: 'one too many' }, 'visitor').catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(ConversationFullError);
    const reply = await conversations.append('c1', { type: 'message', text: 'bot' }, 'bot');
    expect(reply?.id).to.equal('c1|0000004');

    const first = (await conversations.since('c1', 0))!;
    expect(first.activities.map((a) => a.id)).to.deep.equal(['c1|0000001', 'c1|0000002']);
    expect(first.watermark).to.equal('2');
    const second = (await conversations.since('c1', Number(first.watermark)))!;
    expect(second.activities.map((a) => a.id)).to.deep.equal(['c1|0000003', 'c1|0000004']);
    expect((await conversations.since('c1', 4))!).to.deep.equal({ activities: [], watermark: '4' });
  });

  it('erase empties the history but keeps the numbering going', async () => {
    const conversations = new DirectLineConversations(store, { now: () => clock.now() });
    await conversations.start('c2', {});
    await conversations.append('c2', { type: 'message', text: 'private' }, 'visitor');
    await conversations.erase('c2');
    expect((await conversations.since('c2', 0))!.activities).to.deep.equal([]);
    expect((await conversations.append('c2', { type: 'message', text: 'done' }, 'bot'))?.id).to.equal('c2|0000002');
    expect(JSON.stringify(await store.read(['directline/conversations/c2']))).to.not.include('private');
  });

  it('the retention purge deletes conversations with no activity since the limit, and keeps the token secret', async () => {
    await LocalDirectLine.open({ store, now: () => clock.now(), log: createLogger('silent'), serviceUrl: () => undefined });
    const conversations = new DirectLineConversations(store, { now: () => clock.now() });
    await conversations.start('old', {});
    clock.advance(8 * 86_400_000);
    await conversations.start('recent', {});
    expect(await conversations.purge(new Date(clock.now().getTime() - 7 * 86_400_000))).to.equal(1);
    expect(await conversations.get('old')).to.equal(undefined);
    expect(await conversations.get('recent')).to.not.equal(undefined);
    expect(await store.keys('directline/secret')).to.deep.equal(['directline/secret']);
  });
});
