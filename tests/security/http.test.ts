/**
 * The HTTP doors, attacked over real HTTP on loopback (the real server, adapter and store):
 * content type, size, method, malformed JSON, multipart, text length, error bodies, security
 * headers, rate limits, and local mode's refusal to listen beyond loopback.
 */
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { loadConfig } from '../../bot/config.js';
import { DEFAULT_SECURITY_HEADERS } from '../../bot/httpGuards.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

const CANARY = 'zq-canary-7f3b9e';
const STACK = /\bat \S+ \(|\.ts:\d+|node_modules|Error:/;

async function expectCleanError(response: Response, status: number): Promise<{ error: { code: string; message: string } }> {
  expect(response.status).to.equal(status);
  const text = await response.text();
  expect(text, 'an error body never echoes the request').to.not.include(CANARY);
  expect(text, 'an error body never carries a stack').to.not.match(STACK);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(body.error.code).to.be.a('string');
  expect(body.error.message).to.be.a('string');
  return body;
}

describe('security: HTTP doors', function () {
  this.timeout(180_000);
  let bot: TestBot;
  before(async () => (bot = await startTestBot({ RATE_LIMIT_MESSAGES: '1000', RATE_LIMIT_PUBLIC: '1000' })));
  after(async () => bot?.stop());

  const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${bot.url}${path}`, { method: "POST", headers, body: body as BodyInit });
  const activity = (extra: Partial<Activity> = {}) =>
    JSON.stringify({
      type: 'message',
      id: `a-${Math.random()}`,
      text: `bonjour ${CANARY}`,
      channelId: 'webchat',
      serviceUrl: bot.url,
      deliveryMode: 'expectReplies',
      conversation: { id: `http-${Math.random()}` },
      from: { id: 'visitor-h', role: 'user' },
      recipient: { id: 'mdu-bot', role: 'bot' },
      ...extra,
    });

  it('415 for anything but application/json, multipart included (nothing is parsed, no file is written)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '']) {
      const headers: Record<string, string> = type ? { 'content-type': type } : {};
      const multipart = `--x\r\nContent-Disposition: form-data; name="file"; filename="${CANARY}.txt"\r\n\r\n${CANARY}\r\n--x--\r\n`;
      await expectCleanError(await post('/api/messages', multipart, headers), 415);
    }
  });

  it('413 for a body over MAX_BODY_BYTES, without reading it all', async () => {
    await expectCleanError(await post('/api/messages', activity({ text: CANARY + 'x'.repeat(300 * 1024) })), 413);
  });

  it('400 for malformed JSON, an empty body, or JSON that is not an activity', async () => {
    await expectCleanError(await post('/api/messages', `{"type":"message","text":"${CANARY}"`), 400);
    await expectCleanError(await post('/api/messages', ''), 400);
    await expectCleanError(await post('/api/messages', JSON.stringify([CANARY])), 400);
    await expectCleanError(await post('/api/messages', JSON.stringify({ text: CANARY })), 400);
    await expectCleanError(await post('/api/messages', JSON.stringify(CANARY)), 400);
  });

  it('405 for a wrong method, 404 for an unknown route, both without internals', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      await expectCleanError(await fetch(`${bot.url}/api/messages`, { method }), 405);
    }
    await expectCleanError(await fetch(`${bot.url}/api/${CANARY}`), 404);
  });

  it('a text over MAX_TEXT_CHARS gets a clear message in the visitor\'s language, and is not processed', async () => {
    const replies = await bot.send(JSON.parse(activity({ text: `${CANARY} ${'a'.repeat(2100)}`, locale: 'fr-FR' })) as Partial<Activity>);
    expect(replies).to.have.length(1);
    expect(replies[0]!.text).to.match(/trop long/);
    expect(replies[0]!.text).to.not.include(CANARY);
  });

  it('sets the security headers on every response: JSON, errors, pages', async () => {
    const responses = [
      await fetch(`${bot.url}/healthz`),
      await post('/api/messages', 'nope', { 'content-type': 'text/plain' }),
      await fetch(`${bot.url}/api/messages`),
      await fetch(`${bot.url}/nothing-here`),
      await post('/api/messages', activity()),
      await fetch(`${bot.url}/`),
    ];
    for (const response of responses) {
      for (const name of Object.keys(DEFAULT_SECURITY_HEADERS)) {
        expect(response.headers.get(name), `${name} on ${response.url} (${response.status})`).to.be.a('string').and.not.equal('');
        expect(response.headers.get(name), `a single ${name}`).to.not.include(', ' + DEFAULT_SECURITY_HEADERS[name]);
      }
    }
    // A page keeps its own policy (with its nonce), not the JSON default.
    const page = responses.at(-1)!;
    if (page.status === 200) expect(page.headers.get('content-security-policy')).to.match(/nonce-/);
  });

  it('an unexpected failure inside a turn answers kindly, with no stack and no text in any body', async () => {
    // `text` that is not a string breaks the turn inside the pipeline.
    const response = await post('/api/messages', activity({ text: { toString: CANARY } as unknown as string }));
    const text = await response.text();
    expect(response.status).to.be.oneOf([200, 400]);
    expect(text).to.not.include(CANARY).and.not.match(STACK);
  });
});

describe('security: rate limits per client', function () {
  this.timeout(180_000);
  let bot: TestBot;
  before(async () => (bot = await startTestBot({ RATE_LIMIT_MESSAGES: '3', RATE_LIMIT_PUBLIC: '4', RATE_LIMIT_WINDOW_SECONDS: '2' })));
  after(async () => bot?.stop());

  const message = (conversationId: string, n: number) =>
    fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `rl-${conversationId}-${n}`,
        text: 'bonjour',
        channelId: 'webchat',
        serviceUrl: bot.url,
        deliveryMode: 'expectReplies',
        conversation: { id: conversationId },
        from: { id: 'v' },
        recipient: { id: 'mdu-bot' },
      }),
    });

  it('/api/messages: 429 with Retry-After past the limit of one conversation; other conversations go on; the window passes', async () => {
    const statuses = [];
    for (let n = 0; n < 5; n++) statuses.push((await message('rl-a', n)).status);
    expect(statuses).to.deep.equal([200, 200, 200, 429, 429]);
    const refused = await message('rl-a', 9);
    expect(refused.headers.get('retry-after')).to.match(/^[12]$/);
    expect(((await refused.json()) as { error: { code: string } }).error.code).to.equal('too_many_requests');
    expect((await message('rl-b', 0)).status).to.equal(200);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await message('rl-a', 10)).status).to.equal(200);
  });

  it('the token route and the Direct Line routes: 429 with Retry-After per client address', async () => {
    const statuses = [];
    for (let n = 0; n < 6; n++) {
      const path = n % 2 === 0 ? '/api/directline/token' : '/v3/directline/conversations/x/activities';
      statuses.push((await fetch(`${bot.url}${path}`, { method: n % 2 === 0 ? 'POST' : 'GET' })).status);
    }
    expect(statuses.slice(0, 4)).to.not.include(429);
    expect(statuses.slice(4)).to.deep.equal([429, 429]);
    const refused = await fetch(`${bot.url}/V3/DirectLine/conversations`, { method: 'POST' });
    expect(refused.status, 'no way round by case').to.equal(429);
    expect(refused.headers.get('retry-after')).to.match(/^[12]$/);
    // The bot's own routes are not the website's: /healthz is not limited.
    expect((await fetch(`${bot.url}/healthz`)).status).to.equal(200);
  });
});

describe('security: local mode listens on loopback only', () => {
  it('refuses a non-loopback HOST without Bot Framework credentials', () => {
    for (const HOST of ['0.0.0.0', '::', '192.168.1.10', 'mdu.example.org']) {
      expect(() => loadConfig({ HOST }), HOST).to.throw(/HOST: local mode .* only listens on loopback/);
    }
    for (const HOST of ['127.0.0.1', '::1', 'localhost']) expect(loadConfig({ HOST }).HOST).to.equal(HOST);
    expect(loadConfig({ HOST: '0.0.0.0', MicrosoftAppId: 'app' }).localMode).to.equal(false);
  });

  it('refuses the test-only token endpoints and a fixed clock in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ToBotFromChannelOpenIdMetadataUrl: 'http://127.0.0.1:1/x' })).to.throw(/ToBotFromChannelOpenIdMetadataUrl/);
    expect(() => loadConfig({ NODE_ENV: 'production', MDU_NOW: '2026-01-01T00:00:00+01:00' })).to.throw(/MDU_NOW/);
  });
});
