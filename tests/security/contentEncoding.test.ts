/**
 * Issue 14, item 1: compressed request bodies. The real bot runs as a child process (`bot/main.ts`,
 * as `npm start` runs it, with the deployment's heap limit), so a crash or an out-of-memory shows
 * as the process exiting, not as this test runner dying. Every public route, and the loopback
 * ones, gets bodies with every content coding: not gzip although it says gzip, real gzip, deflate,
 * brotli, a gzip bomb (243 KB that inflates to 250 MB), and a transfer coding other than chunked.
 * Each is refused with 415 before anything reads it, with a body naming no internals, and the
 * process keeps serving. `identity` is accepted as no coding at all.
 */
import { expect } from 'chai';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { makeTempDir } from '../helpers/tempDir.js';
import { gzipBomb, rawRequest, type RawResponse } from '../helpers/rawHttp.js';
import { runTs, stopChild, type Child } from '../durability/childProcess.js';

const CANARY = 'zqencoding4471';
const LEAK = /\bat \S+ \(|\.ts:\d+|node_modules|Z_DATA_ERROR|zlib|incorrect header|zqencoding4471/i;
const JSON_TYPE = { 'content-type': 'application/json' };

describe('security: compressed request bodies are refused on every route (issue 14, item 1)', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let bot: Child;
  let url: string;
  let dl: { token: string; conversationId: string };

  before(async () => {
    tmp = makeTempDir('mdu-encoding-');
    bot = runTs('bot/main.ts', [], {
      DATA_DIR: tmp.dir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      MDU_NOW: '2026-11-24T15:00:00+01:00',
      RATE_LIMIT_PUBLIC: '0',
      RATE_LIMIT_MESSAGES: '0',
      // The deployment's heap (deployment/Dockerfile, systemd unit, Bicep).
      NODE_OPTIONS: '--max-old-space-size=192 --max-semi-space-size=8',
    });
    url = JSON.parse((await bot.waitFor(/"event":"bot\.started"/, 60_000)).trim()).url as string;
    dl = JSON.parse((await rawRequest(url, '/api/directline/token')).text) as { token: string; conversationId: string };
  });
  after(async () => {
    await stopChild(bot);
    tmp.cleanup();
  });

  const activity = () =>
    JSON.stringify({
      type: 'message',
      id: `enc-${Math.random()}`,
      text: `Comment obtenir mon dossier médical ? ${CANARY}`,
      channelId: 'webchat',
      serviceUrl: url,
      deliveryMode: 'expectReplies',
      conversation: { id: `enc-${Math.random()}` },
      from: { id: 'visitor-enc', role: 'user' },
      recipient: { id: 'mdu-bot', role: 'bot' },
    });
  /** Every route that reads a body, published by the proxy or not, and one that does not exist. */
  const routes = (): { path: string; headers: Record<string, string>; body: string }[] => [
    { path: '/api/messages', headers: JSON_TYPE, body: activity() },
    { path: '/api/directline/token', headers: {}, body: `{"user":{"id":"${CANARY}"}}` },
    { path: '/v3/directline/conversations', headers: JSON_TYPE, body: `{"user":{"id":"${CANARY}"}}` },
    { path: `/v3/directline/conversations/${dl.conversationId}/activities`, headers: { ...JSON_TYPE, authorization: `Bearer ${dl.token}` }, body: JSON.stringify({ type: 'message', from: { id: 'v' }, text: CANARY }) },
    { path: '/v3/directline/tokens/refresh', headers: { authorization: `Bearer ${dl.token}` }, body: '{}' },
    { path: '/console/api/session', headers: JSON_TYPE, body: JSON.stringify({ login: CANARY, password: CANARY }) },
    { path: '/console/admin/volunteers', headers: JSON_TYPE, body: JSON.stringify({ login: CANARY }) },
    { path: '/v3/conversations/c1/activities', headers: JSON_TYPE, body: JSON.stringify({ type: 'message', text: CANARY }) },
    { path: `/nowhere/${CANARY}`, headers: JSON_TYPE, body: '{}' },
  ];

  async function expectRefused(response: RawResponse, what: string): Promise<void> {
    expect(response.status, `${what}: ${response.text.slice(0, 200)}`).to.equal(415);
    expect(response.text, what).to.not.match(LEAK);
    expect(JSON.parse(response.text), what).to.deep.equal({
      error: { code: 'unsupported_content_encoding', message: 'Request bodies are not accepted compressed: send them without Content-Encoding.' },
    });
    expect(response.headers['accept-encoding'], what).to.equal('identity');
  }

  async function expectAlive(): Promise<void> {
    expect(bot.process.exitCode, `the bot died:\n${bot.stderr().slice(-3000)}`).to.equal(null);
    expect((await rawRequest(url, '/healthz', { method: 'GET' })).status).to.equal(200);
  }

  it('Content-Encoding: gzip with a body that is not gzip: 415 on every route, and the process lives', async () => {
    for (const route of routes()) {
      await expectRefused(await rawRequest(url, route.path, { headers: { ...route.headers, 'content-encoding': 'gzip' }, body: `not gzip ${route.body}` }), route.path);
      await expectAlive();
    }
  });

  it('every other coding, real or not, however spelled: 415 on every route', async () => {
    for (const route of routes()) {
      const plain = Buffer.from(route.body);
      const cases: [string, Buffer][] = [
        ['gzip', gzipSync(plain)],
        ['GZIP', gzipSync(plain)],
        ['x-gzip', gzipSync(plain)],
        ['gzip', gzipSync(plain).subarray(0, 12)],
        ['deflate', deflateSync(plain)],
        ['deflate', plain],
        ['br', brotliCompressSync(plain)],
        ['br', plain],
        ['compress', plain],
        ['zstd', plain],
        ['identity, gzip', gzipSync(plain)],
        ['gzip, gzip', gzipSync(gzipSync(plain))],
        [CANARY, plain],
      ];
      for (const [coding, body] of cases) {
        await expectRefused(await rawRequest(url, route.path, { headers: { ...route.headers, 'content-encoding': coding }, body }), `${route.path} ${coding}`);
        await expectRefused(await rawRequest(url, route.path, { headers: { ...route.headers, 'content-encoding': coding }, body, chunked: true }), `${route.path} ${coding} chunked`);
      }
      await expectRefused(await rawRequest(url, route.path, { headers: { ...route.headers, 'transfer-encoding': 'gzip, chunked' }, body: gzipSync(plain), chunked: true }), `${route.path} transfer gzip`);
    }
    await expectAlive();
  });

  it('a gzip bomb (243 KB inflating to 250 MB) on the login, the start of a chat and a turn: 415, memory untouched', async () => {
    const bomb = await gzipBomb(`{"login":"${CANARY}","password":"`, 'a', 250 * 1024 * 1024, '"}');
    expect(bomb.length, 'under MAX_BODY_BYTES: only the inflated size is large').to.be.lessThan(256 * 1024);
    for (const path of ['/console/api/session', '/v3/directline/conversations', '/api/messages']) {
      for (const chunked of [false, true]) {
        await expectRefused(await rawRequest(url, path, { headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: bomb, chunked }), path);
        await expectAlive();
      }
    }
  });

  it('identity is no coding: the request is read and answered as usual', async () => {
    const turn = await rawRequest(url, '/api/messages', { headers: { ...JSON_TYPE, 'content-encoding': 'identity' }, body: activity() });
    expect(turn.status, turn.text.slice(0, 200)).to.equal(200);
    const replies = (JSON.parse(turn.text) as { activities: { channelData: { mdu: { topic?: string } } }[] }).activities;
    expect(replies.map((r) => r.channelData.mdu.topic)).to.include('rights.record');
    const signIn = await rawRequest(url, '/console/api/session', { headers: { ...JSON_TYPE, 'content-encoding': 'Identity' }, body: JSON.stringify({ login: 'nobody', password: 'wrong' }), chunked: true });
    expect(signIn.status).to.equal(401);
    const start = await rawRequest(url, '/v3/directline/conversations', { headers: { 'content-encoding': 'identity' }, body: '' });
    expect(start.status).to.equal(201);
    await expectAlive();
  });

  it('the body limit still counts every byte that arrives: 413 past MAX_BODY_BYTES, chunked or not', async () => {
    const big = JSON.stringify({ login: 'x', password: 'y'.repeat(300 * 1024) });
    for (const chunked of [false, true]) {
      const response = await rawRequest(url, '/console/api/session', { headers: JSON_TYPE, body: big, chunked });
      expect(response.status).to.equal(413);
      expect(response.text).to.not.match(LEAK);
    }
    await expectAlive();
  });
});
