/**
 * Property-based fuzzing (fast-check): malformed activities thrown at `/api/messages` and at the
 * Direct Line routes; then headers and bodies thrown at every public route (content and transfer
 * codings, content types, compressed, truncated and binary bodies, deep nesting). Never a crash,
 * never a 500 that leaks a stack or the input, and the server keeps serving (health and a normal
 * turn still work afterwards). Bounded runs.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { rawRequest } from '../helpers/rawHttp.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

const MARK = 'zqfuzz';
const LEAK = /\bat \S+ \(|\.ts:\d+|node_modules|zqfuzz/;

/** Anything JSON, with our mark in the strings, often shaped like an activity. */
const junk = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    fc.string().map((s) => `${MARK}${s}`),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

function activityLike(url: string) {
  return fc.record(
    {
      type: fc.oneof(fc.constantFrom('message', 'conversationUpdate', 'event', 'invoke', 'typing', 'messageReaction', 'endOfConversation', ''), junk),
      name: fc.oneof(fc.constantFrom('', 'adaptiveCard/action', 'task/fetch', 'composeExtension/query', 'signin/verifyState'), junk),
      id: fc.oneof(fc.string(), junk),
      text: fc.oneof(fc.string({ maxLength: 3000 }).map((s) => `${MARK} ${s}`), junk),
      channelId: fc.oneof(fc.constantFrom('webchat', 'directline', 'msteams', 'emulator'), junk),
      serviceUrl: fc.oneof(fc.constant(url), fc.webUrl(), junk),
      deliveryMode: fc.oneof(fc.constant('expectReplies'), junk),
      conversation: fc.oneof(fc.record({ id: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), junk) }), junk),
      from: fc.oneof(fc.record({ id: fc.string(), name: fc.string() }), junk),
      recipient: junk,
      locale: fc.oneof(fc.constantFrom('fr-FR', 'en-US', 'xx'), junk),
      value: junk,
      membersAdded: fc.oneof(fc.array(fc.record({ id: fc.string() }), { maxLength: 3 }), junk),
      attachments: junk,
      entities: junk,
      channelData: junk,
      replyToId: junk,
    },
    { requiredKeys: [] },
  );
}

async function expectSafe(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status, text.slice(0, 200)).to.be.lessThan(500);
  if (response.status >= 400) expect(text).to.not.match(LEAK);
}

describe('security: fuzzing the doors with malformed activities', function () {
  this.timeout(180_000);
  let bot: TestBot;
  before(async () => (bot = await startTestBot({ RATE_LIMIT_MESSAGES: '0', RATE_LIMIT_PUBLIC: '0' })));
  after(async () => bot?.stop());

  it('/api/messages: 200 cases, no 5xx, no leak, and the server keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(activityLike(bot.url), async (activity) => {
        const response = await fetch(`${bot.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ deliveryMode: 'expectReplies', ...activity }),
        });
        await expectSafe(response);
      }),
      { numRuns: 200, seed: 20261124 },
    );
    expect((await fetch(`${bot.url}/healthz`)).status).to.equal(200);
    const [reply] = await bot.say('Comment obtenir mon dossier médical ?', { conversationId: 'after-fuzz' });
    expect((reply!.channelData as { mdu: { topic: string } }).mdu.topic).to.equal('rights.record');
  });

  it('the Direct Line routes: 100 cases, no 5xx, no leak, and the conversation still works', async () => {
    const token = (await (await fetch(`${bot.url}/api/directline/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const base = `${bot.url}/v3/directline/conversations`;
    const auth = { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' };
    expect((await fetch(base, { method: 'POST', headers: auth, body: '{}' })).status).to.equal(201);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(activityLike(bot.url), junk),
        fc.constantFrom('activities', 'start', 'watermark', 'refresh', 'connector'),
        fc.string({ maxLength: 12 }),
        async (body, route, noise) => {
          let response: Response;
          if (route === 'activities') response = await fetch(`${base}/${token.conversationId}/activities`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
          else if (route === 'start') response = await fetch(base, { method: 'POST', headers: auth, body: JSON.stringify(body) });
          else if (route === 'watermark') response = await fetch(`${base}/${token.conversationId}/activities?watermark=${encodeURIComponent(noise)}`, { headers: auth });
          else if (route === 'refresh') response = await fetch(`${bot.url}/v3/directline/tokens/refresh`, { method: 'POST', headers: { authorization: `Bearer ${noise}${MARK}` } });
          else response = await fetch(`${bot.url}/v3/conversations/${encodeURIComponent(noise || 'x')}/activities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          await expectSafe(response);
        },
      ),
      { numRuns: 100, seed: 20261125 },
    );
    const sent = await fetch(`${base}/${token.conversationId}/activities`, { method: 'POST', headers: auth, body: JSON.stringify({ type: 'message', from: { id: 'v' }, text: 'bonjour' }) });
    expect(sent.status).to.equal(200);
    expect((await fetch(`${bot.url}/healthz`)).status).to.equal(200);
  });

  it('every public route, with fuzzed headers, codings and bodies: 300 cases, no 5xx, no leak, and the server keeps serving', async () => {
    const token = (await (await fetch(`${bot.url}/api/directline/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const routes = [
      '/api/messages',
      '/api/directline/token',
      '/v3/directline/conversations',
      `/v3/directline/conversations/${token.conversationId}/activities`,
      '/v3/directline/tokens/refresh',
      '/console/api/session',
      '/console/api/availability',
      `/v3/conversations/${token.conversationId}/activities`,
    ];
    const nested = (depth: number, leaf: unknown) => {
      let value = leaf;
      for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { v: value };
      return value;
    };
    const body = fc.oneof(
      activityLike(bot.url).map((a) => ({ kind: 'json', bytes: Buffer.from(JSON.stringify({ deliveryMode: 'expectReplies', ...a })) })),
      fc.tuple(fc.integer({ min: 1, max: 1000 }), junk).map(([depth, leaf]) => ({
        kind: 'nested',
        bytes: Buffer.from(JSON.stringify({ type: 'message', channelId: 'webchat', serviceUrl: bot.url, deliveryMode: 'expectReplies', conversation: { id: 'n' }, text: MARK, value: nested(depth, leaf), login: nested(depth, MARK) })),
      })),
      // Deeper than anything can walk (JSON.stringify would overflow): written as text.
      fc.tuple(fc.integer({ min: 1000, max: 50_000 }), fc.constantFrom('value', 'login', 'text', 'channelData'), fc.constantFrom('{"":', '[')).map(([depth, field, open]) => ({
        kind: 'deep',
        bytes: Buffer.from(
          `{"type":"message","channelId":"webchat","serviceUrl":"${bot.url}","deliveryMode":"expectReplies","conversation":{"id":"n"},"from":{"id":"v"},"password":"x","${field}":${open.repeat(depth)}"${MARK}"${(open === '[' ? ']' : '}').repeat(depth)}}`,
        ),
      })),
      fc.uint8Array({ maxLength: 512 }).map((a) => ({ kind: 'binary', bytes: Buffer.from(a) })),
      fc.string({ maxLength: 200 }).map((s) => ({ kind: 'text', bytes: Buffer.from(`${MARK}${s}`) })),
    );
    const compress = fc.constantFrom('none', 'gzip', 'deflate', 'br', 'truncated-gzip');
    const codingName = fc.oneof(
      fc.constantFrom(undefined, 'gzip', 'x-gzip', 'GZIP', 'deflate', 'br', 'compress', 'zstd', 'identity', 'Identity', 'identity, gzip', 'gzip, identity', '', ' , '),
      fc.stringMatching(/^[!-~]{1,16}$/),
    );
    const contentType = fc.oneof(fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/octet-stream', 'multipart/form-data; boundary=x'), fc.stringMatching(/^[!-~]{1,24}$/));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        body,
        compress,
        codingName,
        contentType,
        fc.boolean(),
        fc.constantFrom(undefined, 'gzip, chunked', 'deflate, chunked'),
        fc.boolean(),
        async (route, { bytes }, how, coding, type, chunked, transfer, withToken) => {
          const payload =
            how === 'gzip' ? gzipSync(bytes) : how === 'deflate' ? deflateSync(bytes) : how === 'br' ? brotliCompressSync(bytes) : how === 'truncated-gzip' ? gzipSync(bytes).subarray(0, 10) : bytes;
          const headers: Record<string, string> = {};
          if (coding !== undefined) headers['content-encoding'] = coding;
          if (type !== undefined) headers['content-type'] = type;
          if (withToken) headers.authorization = `Bearer ${token.token}`;
          if (transfer) headers['transfer-encoding'] = transfer;
          const response = await rawRequest(bot.url, route, { headers, body: payload, chunked: chunked || transfer !== undefined });
          expect(response.status, response.text.slice(0, 200)).to.be.lessThan(500);
          if (response.status >= 400) expect(response.text).to.not.match(LEAK);
          const identity = (coding ?? '').split(',').every((c) => ['', 'identity'].includes(c.trim().toLowerCase())) && transfer === undefined;
          if (!identity) expect(response.status, `${coding} ${transfer}`).to.equal(415);
        },
      ),
      { numRuns: 300, seed: 20261207 },
    );
    expect((await fetch(`${bot.url}/healthz`)).status).to.equal(200);
    const [reply] = await bot.say('Comment obtenir mon dossier médical ?', { conversationId: 'after-header-fuzz' });
    expect((reply!.channelData as { mdu: { topic: string } }).mdu.topic).to.equal('rights.record');
  });
});
