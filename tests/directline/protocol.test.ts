/**
 * The local Direct Line, rule by rule, against the real bot (in process, ephemeral port) with
 * `botframework-directlinejs` itself as the client where it can be, raw HTTP where the rule is
 * about what the client library hides.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { DirectLineTokens, TOKEN_SECRET_KEY } from '../../directline/DirectLineTokens.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { DirectLineClient, dl, fetchToken, mduOf, type DlActivity } from './directLineClient.js';

const QUESTION = 'Comment accéder à mon dossier médical ?';
const isWelcome = (a: DlActivity) => a.from?.role === 'bot' && mduOf(a)?.intent === 'welcome';

describe('Direct Line (local mode), with botframework-directlinejs', function () {
  this.timeout(180_000);
  let bot: TestBot;
  const clients: DirectLineClient[] = [];
  const connect = (options: Parameters<typeof DirectLineClient.connect>[0]) => {
    const client = DirectLineClient.connect(options);
    clients.push(client);
    return client;
  };

  before(async () => {
    bot = await startTestBot();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.end();
  });
  after(async () => {
    await bot?.stop();
  });

  it('the token route mints a token for a new conversation of our own Direct Line, with its domain, not cached', async () => {
    const response = await fetch(`${bot.url}/api/directline/token`, { method: 'POST' });
    expect(response.status).to.equal(200);
    expect(response.headers.get('cache-control')).to.equal('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).to.have.keys('token', 'conversationId', 'expires_in', 'domain');
    expect(body.domain).to.equal(`${bot.url}/v3/directline`);
    expect(body.expires_in).to.equal(1800);
    expect(body.conversationId).to.match(/^[A-Za-z0-9_-]{20,}$/);
  });

  it('starting the conversation delivers a conversationUpdate to the bot, so its welcome arrives', async () => {
    const token = await fetchToken(bot.url);
    const client = connect({ domain: token.domain, token: token.token });
    const welcome = await client.waitFor((r) => r.find(isWelcome));
    expect(welcome.conversation?.id).to.equal(token.conversationId);
    expect(welcome.channelId).to.equal('directline');
    expect(welcome.id).to.match(new RegExp(`^${token.conversationId}\\|\\d{7}$`));
  });

  it('the start locale reaches the bot: an English visitor is welcomed in English', async () => {
    const token = await fetchToken(bot.url);
    const client = connect({ domain: token.domain, token: token.token, locale: 'en-US' });
    const welcome = await client.waitFor((r) => r.find(isWelcome));
    expect(mduOf(welcome)?.locale).to.equal('en-US');
  });

  it('a question gets an answer carrying channelData.mdu', async () => {
    const token = await fetchToken(bot.url);
    const client = connect({ domain: token.domain, token: token.token });
    await client.waitFor((r) => r.find(isWelcome));
    const id = await client.say(QUESTION, { locale: 'fr-FR' });
    const answer = await client.replyTo(id);
    expect(mduOf(answer)).to.include({ intent: 'answer', topic: 'rights.record', locale: 'fr-FR' });
  });

  it("the visitor's own activity is echoed back with its clientActivityID, an id, a timestamp, its from and the directline channel", async () => {
    const token = await fetchToken(bot.url);
    const client = connect({ domain: token.domain, token: token.token });
    await client.waitFor((r) => r.find(isWelcome));
    const id = await client.say('Bonjour', { from: { id: 'visitor-42', name: 'Visiteur', role: 'user' }, channelData: { clientActivityID: 'client-abc-1' } });
    expect(id).to.match(new RegExp(`^${token.conversationId}\\|\\d{7}$`));
    const echo = await client.waitFor((r) => r.find((a) => a.id === id));
    expect(echo.channelData).to.deep.include({ clientActivityID: 'client-abc-1' });
    expect(echo.from).to.deep.equal({ id: 'visitor-42', name: 'Visiteur', role: 'user' });
    expect(echo.channelId).to.equal('directline');
    expect(echo.conversation).to.deep.equal({ id: token.conversationId });
    expect(Date.parse(String(echo.timestamp))).to.be.a('number').and.not.NaN;
  });

  it('the watermark is a string, and a poll with it returns only what came after', async () => {
    const token = await fetchToken(bot.url);
    const base = `${token.domain}/conversations/${token.conversationId}`;
    expect((await dl('POST', `${token.domain}/conversations`, token.token, { user: {} })).status).to.equal(201);
    const first = (await dl('GET', `${base}/activities`, token.token)).body as { activities: DlActivity[]; watermark: unknown };
    expect(first.watermark).to.be.a('string');
    expect(first.activities.length).to.be.greaterThan(0);
    const again = (await dl('GET', `${base}/activities?watermark=${String(first.watermark)}`, token.token)).body as { activities: DlActivity[]; watermark: unknown };
    expect(again).to.deep.equal({ activities: [], watermark: first.watermark });

    const posted = await dl('POST', `${base}/activities`, token.token, { type: 'message', text: QUESTION, from: { id: 'v' }, locale: 'fr-FR' });
    expect(posted.status).to.equal(200);
    const next = (await dl('GET', `${base}/activities?watermark=${String(first.watermark)}`, token.token)).body as { activities: DlActivity[]; watermark: string };
    expect(next.activities[0]?.id).to.equal((posted.body as { id: string }).id);
    expect(next.activities.every((a) => !first.activities.some((b) => b.id === a.id))).to.equal(true);
    expect(Number(next.watermark)).to.be.greaterThan(Number(first.watermark));
    expect((await dl('GET', `${base}/activities?watermark=abc`, token.token)).status).to.equal(400);
  });

  it('a token gives access to its own conversation only (403 elsewhere)', async () => {
    const mine = await fetchToken(bot.url);
    const theirs = await fetchToken(bot.url);
    await dl('POST', `${theirs.domain}/conversations`, theirs.token, {});
    const other = `${mine.domain}/conversations/${theirs.conversationId}`;
    for (const [method, url, body] of [
      ['GET', `${other}/activities`, undefined],
      ['POST', `${other}/activities`, { type: 'message', text: 'hello', from: { id: 'x' } }],
      ['GET', other, undefined],
    ] as const) {
      const response = await dl(method, url, mine.token, body);
      expect(response.status, `${method} ${url}`).to.equal(403);
      expect(response.body).to.deep.equal({ error: { code: 'forbidden', message: 'The token does not give access to this conversation.' } });
    }
  });

  it('no token is 401 and a forged one 403, with a JSON error body that names no internals', async () => {
    const token = await fetchToken(bot.url);
    const url = `${token.domain}/conversations/${token.conversationId}/activities`;
    const none = await dl('GET', url);
    expect(none.status).to.equal(401);
    expect(none.body).to.deep.equal({ error: { code: 'missing_token', message: 'An Authorization: Bearer token is required.' } });
    const [prefix, payload] = token.token.split('.');
    for (const forged of ['nonsense', `${prefix}.${payload}.AAAA`, DirectLineTokens.withSecret(Buffer.alloc(32, 7), () => new Date()).mint(token.conversationId).token]) {
      const response = await dl('GET', url, forged);
      expect(response.status).to.equal(403);
      expect(response.body).to.deep.equal({ error: { code: 'invalid_token', message: 'The token is not valid.' } });
    }
  });

  it('refresh gives a new token for the same conversation, which works', async () => {
    const token = await fetchToken(bot.url);
    await dl('POST', `${token.domain}/conversations`, token.token, {});
    const refreshed = await dl('POST', `${token.domain}/tokens/refresh`, token.token);
    expect(refreshed.status).to.equal(200);
    const body = refreshed.body as { conversationId: string; token: string; expires_in: number };
    expect(body.conversationId).to.equal(token.conversationId);
    expect(body.expires_in).to.equal(1800);
    expect((await dl('GET', `${token.domain}/conversations/${token.conversationId}/activities`, body.token)).status).to.equal(200);
  });

  it('an expired token is refused (403 token_expired), for reading and for refreshing', async () => {
    const token = await fetchToken(bot.url);
    await dl('POST', `${token.domain}/conversations`, token.token, {});
    const secret = ((await bot.store.read([TOKEN_SECRET_KEY]))[TOKEN_SECRET_KEY] as { secret: string }).secret;
    // Signed with the bot's own secret, but it expired long ago.
    const expired = DirectLineTokens.withSecret(Buffer.from(secret, 'base64url'), () => new Date(0)).mint(token.conversationId).token;
    for (const [method, url] of [
      ['GET', `${token.domain}/conversations/${token.conversationId}/activities`],
      ['POST', `${token.domain}/tokens/refresh`],
    ] as const) {
      const response = await dl(method, url, expired);
      expect(response.status).to.equal(403);
      expect(response.body).to.deep.equal({ error: { code: 'token_expired', message: 'The token has expired.' } });
    }
  });

  it('POST /conversations: 201 the first time, 200 with the same conversation afterwards; without a token it creates one', async () => {
    const token = await fetchToken(bot.url);
    const first = await dl('POST', `${token.domain}/conversations`, token.token, { user: {} });
    expect(first.status).to.equal(201);
    expect(first.body).to.deep.include({ conversationId: token.conversationId, token: token.token });
    const second = await dl('POST', `${token.domain}/conversations`, token.token, { user: {} });
    expect(second.status).to.equal(200);
    expect((second.body as { conversationId: string }).conversationId).to.equal(token.conversationId);

    const anonymous = await dl('POST', `${token.domain}/conversations`, undefined, {});
    expect(anonymous.status).to.equal(201);
    const created = anonymous.body as { conversationId: string; token: string; expires_in: number };
    expect(created.conversationId).to.not.equal(token.conversationId);
    const page = (await dl('GET', `${token.domain}/conversations/${created.conversationId}/activities`, created.token)).body as { activities: DlActivity[] };
    expect(page.activities.some(isWelcome)).to.equal(true);
  });

  it('GET /conversations/{id} (reconnect) answers the conversation and its token; an unstarted one is 404', async () => {
    const token = await fetchToken(bot.url);
    const url = `${token.domain}/conversations/${token.conversationId}?watermark=`;
    expect((await dl('GET', url, token.token)).status).to.equal(404);
    await dl('POST', `${token.domain}/conversations`, token.token, {});
    const reconnect = await dl('GET', url, token.token);
    expect(reconnect.status).to.equal(200);
    expect(reconnect.body).to.deep.include({ conversationId: token.conversationId, token: token.token });
  });

  it('limits: a too long text (413), an attachment (400), a body over MAX_BODY_BYTES (413)', async () => {
    const token = await fetchToken(bot.url);
    await dl('POST', `${token.domain}/conversations`, token.token, {});
    const url = `${token.domain}/conversations/${token.conversationId}/activities`;
    expect((await dl('POST', url, token.token, { type: 'message', from: { id: 'v' }, text: 'x'.repeat(16_001) })).status).to.equal(413);
    const upload = await dl('POST', url, token.token, { type: 'message', from: { id: 'v' }, attachments: [{ contentType: 'image/png', contentUrl: 'data:,' }] });
    expect(upload.status).to.equal(400);
    expect((upload.body as { error: { code: string } }).error.code).to.equal('uploads_off');
    expect((await dl('POST', url, token.token, { type: 'message', from: { id: 'v' }, value: 'y'.repeat(300 * 1024) })).status).to.equal(413);
  });

  it('the connector routes: a reply to an unknown conversation is 404, an update replaces the stored activity', async () => {
    const unknown = await dl('POST', `${bot.url}/v3/conversations/nobody-here/activities`, undefined, { type: 'message', text: 'hi' });
    expect(unknown.status).to.equal(404);

    const token = await fetchToken(bot.url);
    await dl('POST', `${token.domain}/conversations`, token.token, {});
    const sent = await dl('POST', `${bot.url}/v3/conversations/${token.conversationId}/activities`, undefined, { type: 'message', text: 'first', serviceUrl: 'x' });
    expect(sent.status).to.equal(200);
    const id = (sent.body as { id: string }).id;
    const updated = await dl('PUT', `${bot.url}/v3/conversations/${token.conversationId}/activities/${encodeURIComponent(id)}`, undefined, { type: 'message', text: 'second' });
    expect(updated.body).to.deep.equal({ id });
    const page = (await dl('GET', `${token.domain}/conversations/${token.conversationId}/activities`, token.token)).body as { activities: DlActivity[] };
    const stored = page.activities.find((a) => a.id === id) as DlActivity & { text?: string; serviceUrl?: string };
    expect(stored.text).to.equal('second');
    expect(stored).to.not.have.property('serviceUrl');
  });

  it("erase: the visitor's \"effacer mes données\" removes the Direct Line history", async () => {
    const token = await fetchToken(bot.url);
    const client = connect({ domain: token.domain, token: token.token });
    await client.waitFor((r) => r.find(isWelcome));
    await client.replyTo(await client.say(QUESTION, { locale: 'fr-FR' }));
    const confirm = await client.replyTo(await client.say('effacer mes données', { locale: 'fr-FR' }));
    const yes = (confirm as { suggestedActions?: { actions: { value?: { confirm?: boolean }; text?: string }[] } }).suggestedActions?.actions.find((a) => a.value?.confirm === true);
    expect(yes, 'an erase confirmation button').to.not.equal(undefined);
    const done = await client.replyTo(await client.say(yes!.text ?? 'oui', { value: yes!.value, locale: 'fr-FR' } as Partial<DlActivity>));
    expect(mduOf(done)?.locale).to.equal('fr-FR');

    const page = (await dl('GET', `${token.domain}/conversations/${token.conversationId}/activities`, token.token)).body as { activities: (DlActivity & { text?: string })[] };
    expect(page.activities.map((a) => a.text ?? '').join('\n')).to.not.include(QUESTION);
    expect(page.activities.length).to.be.at.most(1);
  });

  it('a forged serviceUrl on /api/messages makes no outbound call', async () => {
    let calls = 0;
    const trap: Server = createServer((_req, res) => {
      calls++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"x"}');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    const forged = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
    try {
      const activity = {
        type: 'message',
        text: QUESTION,
        channelId: 'directline',
        serviceUrl: forged,
        conversation: { id: 'forged-conv' },
        from: { id: 'attacker', role: 'user' },
        recipient: { id: 'mdu-front-desk', role: 'bot' },
      };
      const normal = await dl('POST', `${bot.url}/api/messages`, undefined, activity);
      expect(normal.status).to.equal(403);
      const update = await dl('POST', `${bot.url}/api/messages`, undefined, { ...activity, type: 'conversationUpdate', membersAdded: [{ id: 'attacker' }] });
      expect(update.status).to.equal(403);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(calls).to.equal(0);
    } finally {
      await new Promise((resolve) => trap.close(resolve));
    }
  });
});

describe('Direct Line (local mode) across a restart', function () {
  this.timeout(180_000);

  it('a conversation (token, numbering, replies not yet read) survives a restart, and what was delivered is not kept', async () => {
    const data = makeTempDir('mdu-dl-restart-');
    let bot: TestBot | undefined = await startTestBot({ DATA_DIR: data.dir });
    let client: DirectLineClient | undefined;
    try {
      const token = await fetchToken(bot.url);
      client = DirectLineClient.connect({ domain: token.domain, token: token.token });
      await client.waitFor((r) => r.find(isWelcome));
      const questionId = await client.say(QUESTION, { locale: 'fr-FR', channelData: { clientActivityID: 'before-restart' } });
      await client.replyTo(questionId);
      client.end();
      client = undefined;
      // A second question, posted without reading the answer: the reply is waiting when the bot stops.
      const auth = { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' };
      const posted = await fetch(`${token.domain}/conversations/${token.conversationId}/activities`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ type: 'message', text: 'Quels sont les horaires de la Maison des usagers ?', locale: 'fr-FR', from: { id: 'visitor-restart' } }),
      });
      const pendingId = ((await posted.json()) as { id: string }).id;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await bot.stop();
      bot = undefined;

      bot = await startTestBot({ DATA_DIR: data.dir });
      const domain = `${bot.url}/v3/directline`;
      const read = async (watermark: string) => {
        const response = await fetch(`${domain}/conversations/${token.conversationId}/activities?watermark=${watermark}`, { headers: auth });
        expect(response.status).to.equal(200);
        return (await response.json()) as { activities: DlActivity[]; watermark: string };
      };
      const page = await read(pendingId.split('|')[1]!);
      expect(page.activities.some((a) => a.replyToId === pendingId && a.from?.role === 'bot'), 'the reply not yet read survives').to.equal(true);
      // Privacy: what the client had already read is not kept in the store.
      const all = await read('0');
      expect(all.activities.some((a) => a.id === questionId || isWelcome(a)), 'delivered activities are dropped').to.equal(false);
      // The numbering goes on.
      client = DirectLineClient.connect({ domain, token: token.token, conversationId: token.conversationId });
      const next = await client.say('Merci', { locale: 'fr-FR' });
      expect(Number(next.split('|')[1])).to.be.greaterThan(Number(pendingId.split('|')[1]));
    } finally {
      client?.end();
      await bot?.stop();
      data.cleanup();
    }
  });
});

describe('Direct Line (local mode) behind a reverse proxy (PUBLIC_URL)', function () {
  this.timeout(180_000);

  it('the page is told the public domain, while the service hands activities to the bot on its listening address', async () => {
    const bot = await startTestBot({ PUBLIC_URL: 'https://mdu.example.org/' });
    let client: DirectLineClient | undefined;
    try {
      const token = await fetchToken(bot.url);
      expect(token.domain).to.equal('https://mdu.example.org/v3/directline');
      // The test reaches the server directly (no proxy here); the bot must still get the conversationUpdate and answer.
      client = DirectLineClient.connect({ domain: `${bot.url}/v3/directline`, token: token.token });
      await client.waitFor((r) => r.find(isWelcome));
    } finally {
      client?.end();
      await bot.stop();
    }
  });
});
