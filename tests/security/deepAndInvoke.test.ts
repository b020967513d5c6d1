/**
 * Issue 14, item 10: no 5xx for what a client sends. A body nesting 50,000 levels (a Direct Line
 * activity's `value`, an activity on `/api/messages`, a console sign-in) is refused with 400
 * before anything walks it; an `invoke` without a name is a 400, not the SDK's 501. The real bot
 * on loopback; the conversation works afterwards.
 */
import { expect } from 'chai';
import { MAX_JSON_DEPTH, jsonDepth } from '../../bot/httpGuards.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

const LEAK = /\bat \S+ \(|\.ts:\d+|node_modules|RangeError|call stack/i;

/** `{"":{"":...leaf...}}`, `depth` levels, as text (JSON.stringify itself would overflow); 50,000 levels fit under MAX_BODY_BYTES. */
function nestedJson(depth: number, leaf = '"x"'): string {
  return '{"":'.repeat(depth) + leaf + '}'.repeat(depth);
}

describe('security: deep nesting and nameless invokes get a 400, never a 5xx (issue 14, item 10)', function () {
  this.timeout(60_000);
  let bot: TestBot;
  before(async () => (bot = await startTestBot({ RATE_LIMIT_PUBLIC: '0', RATE_LIMIT_MESSAGES: '0' })));
  after(async () => bot?.stop());

  const activity = (extra: string) =>
    `{"type":"message","id":"d-${Math.random()}","channelId":"webchat","serviceUrl":"${bot.url}","deliveryMode":"expectReplies","conversation":{"id":"deep"},"from":{"id":"v"},"recipient":{"id":"mdu-bot"},"text":"bonjour"${extra}}`;
  const expect400 = async (response: Response, code: string) => {
    const text = await response.text();
    expect(response.status, text.slice(0, 200)).to.equal(400);
    expect(text).to.not.match(LEAK);
    expect((JSON.parse(text) as { error: { code: string } }).error.code).to.equal(code);
  };

  it('a Direct Line activity whose value nests 50,000 levels: 400, and the conversation goes on', async () => {
    const issued = (await (await fetch(`${bot.url}/api/directline/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const headers = { authorization: `Bearer ${issued.token}`, 'content-type': 'application/json' };
    expect((await fetch(`${bot.url}/v3/directline/conversations`, { method: 'POST', headers, body: '{}' })).status).to.equal(201);
    const route = `${bot.url}/v3/directline/conversations/${issued.conversationId}/activities`;
    await expect400(await fetch(route, { method: 'POST', headers, body: `{"type":"message","from":{"id":"v"},"text":"x","value":${nestedJson(50_000)}}` }), 'too_deep');
    await expect400(await fetch(route, { method: 'POST', headers, body: `{"type":"message","from":{"id":"v"},"text":"x","value":${'['.repeat(50_000)}${']'.repeat(50_000)}}` }), 'too_deep');
    const after = await fetch(route, { method: 'POST', headers, body: JSON.stringify({ type: 'message', from: { id: 'v' }, text: 'bonjour' }) });
    expect(after.status).to.equal(200);
  });

  it('/api/messages and the console: 400 for 50,000 levels; a value nesting a few levels still works', async () => {
    const post = (path: string, body: string) => fetch(`${bot.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await expect400(await post('/api/messages', activity(`,"value":${nestedJson(50_000)}`)), 'too_deep');
    await expect400(await post('/console/api/session', `{"login":${nestedJson(50_000)},"password":"x"}`), 'too_deep');
    // Strings are not nesting: brackets inside them do not count.
    expect((await post('/api/messages', activity(`,"value":{"note":"${'{['.repeat(1000)}"}`))).status).to.equal(200);
    expect((await post('/api/messages', activity(`,"value":${nestedJson(MAX_JSON_DEPTH - 8)}`))).status).to.equal(200);
  });

  it('an invoke without a name on /api/messages: 400, not 501', async () => {
    for (const extra of ['', ',"name":""', ',"name":42', ',"name":null']) {
      const body = activity(extra).replace('"type":"message"', '"type":"invoke"');
      await expect400(await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }), 'invalid_activity');
    }
    expect((await fetch(`${bot.url}/healthz`)).status).to.equal(200);
  });

  it('jsonDepth counts arrays and objects outside strings', () => {
    expect(jsonDepth('{}')).to.equal(1);
    expect(jsonDepth('[[{"a":[1]}]]')).to.equal(4);
    expect(jsonDepth('{"a":"[[[{{{\\"[["}')).to.equal(1);
    expect(jsonDepth('"just a string"')).to.equal(0);
  });
});
