/**
 * The WebSocket stream of the local Direct Line (issue 18), as clients meet it: botframework-
 * directlinejs with its WebSocket on (`ws` standing in for the browser's), and a raw socket
 * reading the frames (activity sets with string watermarks, as the Azure service sends them).
 * And what an unread conversation may hold (issue 14, item 5): count, bytes, age, all
 * conversations together; a post the bot did not take is not kept; a retried post is taken once.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { ConnectionStatus, DirectLine, type Activity, type DirectLineOptions } from 'botframework-directlinejs';
import WebSocket from 'ws';
import XMLHttpRequest from 'xhr2';
import { FixedClock } from '../../bot/clock.js';
import { createLogger } from '../../bot/log.js';
import { ConversationBacklogError, DirectLineConversations, DirectLineStoreFullError } from '../../directline/DirectLineConversations.js';
import { LocalDirectLine } from '../../directline/LocalDirectLine.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { fetchToken } from './directLineClient.js';

Object.assign(globalThis, { XMLHttpRequest });

type ActivitySet = { activities: (Activity & { channelData?: Record<string, unknown> })[]; watermark: string };

async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A raw stream: every frame, parsed (empty heartbeats kept as null). */
function openStream(url: string): Promise<{ socket: WebSocket; sets: (ActivitySet | null)[] }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const sets: (ActivitySet | null)[] = [];
    socket.on('message', (data) => {
      const text = data.toString();
      sets.push(text ? (JSON.parse(text) as ActivitySet) : null);
    });
    socket.once('open', () => resolve({ socket, sets }));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

describe('Direct Line (local mode): the WebSocket stream', function () {
  this.timeout(60_000);
  let bot: TestBot;
  before(async () => {
    bot = await startTestBot();
  });
  after(async () => {
    await bot?.stop();
  });

  async function started(): Promise<{ token: string; conversationId: string; domain: string; streamUrl: string }> {
    const issued = await fetchToken(bot.url);
    const response = await fetch(`${issued.domain}/conversations`, { method: 'POST', headers: { authorization: `Bearer ${issued.token}`, 'content-type': 'application/json' }, body: '{"locale":"fr-FR"}' });
    expect(response.status).to.equal(201);
    const body = (await response.json()) as { conversationId: string; token: string; streamUrl: string };
    return { ...issued, ...body };
  }

  it('botframework-directlinejs with its WebSocket: streamUrl on start, the welcome and an answer arrive by the stream, the echo carries the clientActivityID', async () => {
    const issued = await fetchToken(bot.url);
    const received: (Activity & { channelData?: Record<string, unknown>; replyToId?: string })[] = [];
    const statuses: ConnectionStatus[] = [];
    const polls: string[] = [];
    // directlinejs streams only where a global WebSocket exists (Node 20 has none): ws stands in for the browser's.
    const hadWebSocket = 'WebSocket' in globalThis;
    Object.assign(globalThis, { WebSocket });
    const directLine = new DirectLine({ domain: issued.domain, token: issued.token, webSocket: true, WebSocket, conversationStartProperties: { locale: 'fr-FR' } } as DirectLineOptions);
    // A poll would be a GET of /activities: the stream alone must carry everything.
    const originalOpen = XMLHttpRequest.prototype.open;
    XMLHttpRequest.prototype.open = function (this: unknown, method: string, url: string, ...rest: unknown[]) {
      if (/\/activities\?watermark/.test(url)) polls.push(url);
      return (originalOpen as (...a: unknown[]) => void).call(this, method, url, ...rest);
    } as typeof originalOpen;
    try {
      // Both streams error with "conversation ended" once end() is called: expected.
      directLine.activity$.subscribe((a) => received.push(a as (typeof received)[number]), () => undefined);
      directLine.connectionStatus$.subscribe((s) => statuses.push(s), () => undefined);
      await until(() => received.find((a) => a.from?.role === 'bot' && a.type === 'message'), 'the welcome');
      expect((directLine as unknown as { streamUrl?: string }).streamUrl).to.match(/^ws:\/\/127\.0\.0\.1:\d+\/v3\/directline\/conversations\/[\w-]+\/stream\?watermark=-&t=/);
      const id = await new Promise<string>((resolve, reject) =>
        directLine.postActivity({ type: 'message', from: { id: 'visitor' }, text: 'Comment accéder à mon dossier médical ?', channelData: { clientActivityID: 'c-1' } } as Activity).subscribe(resolve, reject),
      );
      const echo = await until(() => received.find((a) => a.id === id), 'the echo');
      expect(echo.channelData?.clientActivityID).to.equal('c-1');
      const answer = await until(() => received.find((a) => a.replyToId === id && a.type === 'message'), 'the answer');
      expect((answer.channelData as { mdu?: { intent?: string } }).mdu?.intent).to.equal('answer');
      expect(statuses).to.include(ConnectionStatus.Online);
      expect(polls).to.deep.equal([]);
    } finally {
      XMLHttpRequest.prototype.open = originalOpen;
      directLine.end();
      if (!hadWebSocket) delete (globalThis as { WebSocket?: unknown }).WebSocket;
    }
  });

  it('frames are activity sets with string watermarks; a stream token opens the stream only, and only its own', async () => {
    const conversation = await started();
    const { socket, sets } = await openStream(conversation.streamUrl);
    try {
      const first = await until(() => sets.find((s) => s && s.activities.length > 0), 'the welcome set');
      expect(first!.watermark).to.be.a('string');
      expect(first!.activities[0]!.id).to.match(/\|\d{7}$/);
      // The stream token of the URL is not a Direct Line token for the REST routes.
      const t = new URL(conversation.streamUrl).searchParams.get('t')!;
      const rest = await fetch(`${conversation.domain}/conversations/${conversation.conversationId}/activities`, { headers: { authorization: `Bearer ${t}` } });
      expect(rest.status).to.equal(403);
      // Another conversation's stream, a forged token, no token: refused before any upgrade.
      const other = await started();
      const foreign = conversation.streamUrl.replace(conversation.conversationId, other.conversationId);
      for (const url of [foreign, conversation.streamUrl.replace(/t=[^&]+/, 't=mdl1.forged.token'), conversation.streamUrl.replace(/&t=[^&]+/, '')]) {
        const error = await openStream(url).then(
          ({ socket: s }) => (s.close(), undefined),
          (e: Error) => e,
        );
        expect(error?.message).to.equal('HTTP 403');
      }
    } finally {
      socket.close();
    }
  });

  it('GET /conversations/{id}?watermark=N gives a fresh streamUrl from N; the stream then sends only what came after N', async () => {
    const conversation = await started();
    const { socket, sets } = await openStream(conversation.streamUrl);
    const welcome = await until(() => sets.find((s) => s && s.activities.length > 0), 'the welcome set');
    socket.close();
    const reconnect = await fetch(`${conversation.domain}/conversations/${conversation.conversationId}?watermark=${welcome!.watermark}`, { headers: { authorization: `Bearer ${conversation.token}` } });
    const body = (await reconnect.json()) as { streamUrl: string; token: string };
    expect(body.streamUrl).to.include(`watermark=${welcome!.watermark}`);
    await fetch(`${conversation.domain}/conversations/${conversation.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${conversation.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', from: { id: 'v' }, text: 'Bonjour' }),
    });
    const again = await openStream(body.streamUrl);
    try {
      const next = await until(() => again.sets.find((s) => s && s.activities.length > 0), 'the next set');
      const ids = next!.activities.map((a) => a.id!);
      expect(ids.every((id) => Number(id.slice(id.lastIndexOf('|') + 1)) > Number(welcome!.watermark))).to.equal(true);
    } finally {
      again.socket.close();
    }
  });

  it('what the stream delivered leaves the store once the client answered the ping that followed (no chat history kept)', async () => {
    const conversation = await started();
    const { socket, sets } = await openStream(conversation.streamUrl);
    try {
      await until(() => sets.find((s) => s && s.activities.length > 0), 'the welcome set');
      const key = `directline/conversations/${conversation.conversationId}`;
      await until(async () => ((await bot.store.read([key]))[key] as { activities: unknown[] }).activities.length === 0, 'the delivered welcome to leave the store');
    } finally {
      socket.close();
    }
  });

  it('a stopping server tells open streams it is going away (1001), so clients reconnect elsewhere', async () => {
    const other = await startTestBot();
    try {
      const issued = await fetchToken(other.url);
      const response = await fetch(`${issued.domain}/conversations`, { method: 'POST', headers: { authorization: `Bearer ${issued.token}` } });
      const { streamUrl } = (await response.json()) as { streamUrl: string };
      const { socket } = await openStream(streamUrl);
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      await other.stop();
      expect(await closed).to.equal(1001);
    } finally {
      await other.stop();
    }
  });
});

describe('Direct Line (local mode): what an unread conversation may hold (issue 14, item 5)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let store: LowdbStorage;
  let clock: FixedClock;

  beforeEach(async () => {
    tmp = makeTempDir('mdu-dl-bounds-');
    clock = new FixedClock(new Date('2026-11-24T15:00:00+01:00'));
    store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true, now: () => clock.now() });
  });
  afterEach(async () => {
    await store.close();
    tmp.cleanup();
  });

  const message = (text: string) => ({ type: 'message', from: { id: 'v' }, text });

  it('count: a visitor who does not read is refused once the unread count is reached; reading makes room again; the bot still gets through', async () => {
    const conversations = new DirectLineConversations(store, { now: () => clock.now(), maxUnread: 3 });
    await conversations.start('c1', {});
    for (let i = 0; i < 3; i++) await conversations.append('c1', message(`m${i}`), 'visitor');
    const refused = await conversations.append('c1', message('one too many'), 'visitor').catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(ConversationBacklogError);
    expect(await conversations.append('c1', message('the bot'), 'bot')).to.have.property('id');
    await conversations.since('c1', 4);
    expect(await conversations.append('c1', message('after reading'), 'visitor')).to.have.property('id');
  });

  it('bytes: unread text beyond the bound is refused; the bot’s oldest activities make room for its replies', async () => {
    const conversations = new DirectLineConversations(store, { now: () => clock.now(), maxBytes: 4000 });
    await conversations.start('c1', {});
    await conversations.append('c1', message('x'.repeat(3000)), 'visitor');
    expect(await conversations.append('c1', message('y'.repeat(1500)), 'visitor').catch((e: unknown) => e)).to.be.instanceOf(ConversationBacklogError);
    await conversations.append('c1', message('z'.repeat(1500)), 'bot');
    const page = (await conversations.peek('c1', 0))!;
    expect(page.activities.map((a) => (a.text as string)[0])).to.deep.equal(['z']);
  });

  it('age: unread activities older than the bound are dropped', async () => {
    const conversations = new DirectLineConversations(store, { now: () => clock.now(), maxAgeMs: 3_600_000 });
    await conversations.start('c1', {});
    await conversations.append('c1', message('old'), 'visitor');
    clock.advance(2 * 3_600_000);
    await conversations.append('c1', message('new'), 'bot');
    await conversations.purge(new Date(0));
    const raw = (await store.read(['directline/conversations/c1']))['directline/conversations/c1'] as { activities: { text: string }[] };
    expect(raw.activities.map((a) => a.text)).to.deep.equal(['new']);
  });

  it('all conversations together: one client opening conversation after conversation cannot grow the store past the ceiling (503)', async () => {
    const conversations = new DirectLineConversations(store, { now: () => clock.now(), maxTotalBytes: 20_000 });
    let refused: unknown;
    for (let i = 0; i < 40 && !refused; i++) {
      await conversations.start(`c${i}`, {});
      refused = await conversations.append(`c${i}`, message('x'.repeat(1000)), 'visitor').then(
        () => undefined,
        (e: unknown) => e,
      );
    }
    expect(refused).to.be.instanceOf(DirectLineStoreFullError);
    expect(await conversations.keptBytes()).to.be.at.most(20_000);
  });

  describe('through LocalDirectLine and its bot', () => {
    let botServer: Server;
    let botUrl: string;
    let botStatus: number;
    let forwarded: number;
    beforeEach(async () => {
      botStatus = 200;
      forwarded = 0;
      botServer = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          if (req.url === '/api/messages') forwarded++;
          res.writeHead(botStatus);
          res.end();
        });
      });
      await new Promise<void>((resolve) => botServer.listen(0, '127.0.0.1', resolve));
      botUrl = `http://127.0.0.1:${(botServer.address() as AddressInfo).port}`;
    });
    afterEach(async () => {
      await new Promise((resolve) => botServer.close(resolve));
    });

    it('a post the bot refused (its rate limit, an error) is not kept; a retried post (same clientActivityID) is taken once', async () => {
      const directLine = await LocalDirectLine.open({ store, now: () => clock.now(), log: createLogger('silent'), serviceUrl: () => botUrl });
      const { conversationId } = directLine.newConversation();
      await directLine.start(conversationId, {});
      botStatus = 429;
      const refused = await directLine.fromVisitor(conversationId, { type: 'message', text: 'x'.repeat(10_000) }).catch((e: unknown) => e);
      expect(refused).to.have.property('status', 502);
      expect((await directLine.conversations.peek(conversationId, 0))!.activities).to.have.length(0);
      botStatus = 200;
      forwarded = 0;
      const post = { type: 'message', text: 'Bonjour', channelData: { clientActivityID: 'client-42' } };
      const first = await directLine.fromVisitor(conversationId, post);
      const retried = await directLine.fromVisitor(conversationId, post);
      expect(retried.id).to.equal(first.id);
      expect(forwarded).to.equal(1);
      expect((await directLine.conversations.peek(conversationId, 0))!.activities).to.have.length(1);
    });
  });
});
