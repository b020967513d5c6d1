/**
 * Azure mode: with DIRECT_LINE_SECRET set, the token route exchanges the secret with the Direct
 * Line service (`POST <domain>/tokens/generate`), here a local fake shaped like the real endpoint.
 * The secret never reaches the browser.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

const SECRET = 'dl-secret-XYZ.do-not-leak.0123456789';

interface Seen {
  method?: string;
  url?: string;
  authorization?: string;
  body: string;
}

/** The Direct Line service's token endpoint, as documented: 200 `{conversationId, token, expires_in}`. */
function fakeDirectLine(status: () => number): Promise<{ server: Server; domain: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body });
      if (req.method !== 'POST' || req.url !== '/v3/directline/tokens/generate') {
        res.writeHead(404);
        res.end();
        return;
      }
      if (req.headers.authorization !== `Bearer ${SECRET}` || status() !== 200) {
        res.writeHead(status() === 200 ? 403 : status(), { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'BadArgument', message: `Invalid secret ${SECRET.slice(0, 4)}` } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ conversationId: 'AzConv123-eu', token: 'ey.azure.token', expires_in: 3600 }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, domain: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/directline`, seen })),
  );
}

describe('POST /api/directline/token in Azure mode (DIRECT_LINE_SECRET)', function () {
  this.timeout(180_000);
  let fake: Awaited<ReturnType<typeof fakeDirectLine>>;
  let bot: TestBot;
  let upstreamStatus = 200;

  before(async () => {
    fake = await fakeDirectLine(() => upstreamStatus);
    bot = await startTestBot({ DIRECT_LINE_SECRET: SECRET, DIRECT_LINE_DOMAIN: fake.domain });
  });
  after(async () => {
    await bot?.stop();
    await new Promise((resolve) => fake.server.close(resolve));
  });

  it('exchanges the secret at <domain>/tokens/generate and returns the token, conversation, expiry and domain', async () => {
    upstreamStatus = 200;
    const response = await fetch(`${bot.url}/api/directline/token`, { method: 'POST' });
    expect(response.status).to.equal(200);
    expect(response.headers.get('cache-control')).to.equal('no-store');
    const text = await response.text();
    expect(JSON.parse(text)).to.deep.equal({ token: 'ey.azure.token', conversationId: 'AzConv123-eu', expires_in: 3600, domain: fake.domain });
    expect(text).to.not.include(SECRET);
    const call = fake.seen.at(-1)!;
    expect(call).to.include({ method: 'POST', url: '/v3/directline/tokens/generate', authorization: `Bearer ${SECRET}` });
    // A user id embedded in the token ("dl_" ids are reserved for that).
    expect((JSON.parse(call.body) as { user: { id: string } }).user.id).to.match(/^dl_/);
  });

  it('a refusal upstream is a 502 that says nothing of the secret or the upstream answer', async () => {
    upstreamStatus = 403;
    const response = await fetch(`${bot.url}/api/directline/token`, { method: 'POST' });
    expect(response.status).to.equal(502);
    const text = await response.text();
    expect(JSON.parse(text)).to.deep.equal({ error: { code: 'direct_line_unavailable', message: 'The chat service is unavailable; try again later.' } });
    expect(text).to.not.include(SECRET.slice(0, 4));
  });

  it('an unreachable service is a 502 too', async () => {
    const other = await startTestBot({ DIRECT_LINE_SECRET: SECRET, DIRECT_LINE_DOMAIN: 'http://127.0.0.1:9/v3/directline' });
    try {
      const response = await fetch(`${other.url}/api/directline/token`, { method: 'POST' });
      expect(response.status).to.equal(502);
    } finally {
      await other.stop();
    }
  });
});
