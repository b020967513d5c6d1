/**
 * Issue 14, item 9: `SERVICE_URL_ALLOWLIST` and the bot's own service URL are compared as parsed
 * URLs (scheme, host, port, then the path segment by segment), never as string prefixes. Attacked
 * over real HTTP: an activity whose service URL starts with an allowed one but names another host
 * (user information, a longer host name, another port, a sibling path) makes no outbound call.
 */
import { expect } from 'chai';
import { loadConfig } from '../../bot/config.js';
import { ServiceUrlPolicy } from '../../bot/ServiceUrlGuard.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { startRecorder, type Recorder } from './attackerServer.js';

describe('security: service URLs are compared by origin and path, not by prefix (issue 14, item 9)', function () {
  this.timeout(30_000);
  let bot: TestBot;
  let allowed: Recorder;
  let attacker: Recorder;
  before(async () => {
    allowed = await startRecorder();
    attacker = await startRecorder();
    // The allowed emulator is named as localhost; the attacker listens on 127.0.0.1.
    bot = await startTestBot({ SERVICE_URL_ALLOWLIST: `${allowed.url.replace('127.0.0.1', 'localhost')}/emulator` });
  });
  after(async () => {
    await bot?.stop();
    await allowed?.close();
    await attacker?.close();
  });

  const post = (serviceUrl: string) =>
    fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `o-${Math.random()}`,
        text: 'bonjour',
        channelId: 'webchat',
        conversation: { id: `origin-${Math.random()}` },
        from: { id: 'v' },
        recipient: { id: 'mdu-bot' },
        serviceUrl,
      }),
    });

  it('a service URL that only starts like an allowed one is refused (403) and nothing is called', async () => {
    const allowedBase = `${allowed.url.replace('127.0.0.1', 'localhost')}/emulator`;
    const attackerPort = new URL(attacker.url).port;
    for (const forged of [
      `${allowedBase}@127.0.0.1:${attackerPort}`,
      `${allowed.url.replace('127.0.0.1', 'localhost')}@127.0.0.1:${attackerPort}/emulator`,
      `${allowed.url.replace('http://127.0.0.1', 'http://user:pass@localhost')}/emulator`,
      `${allowedBase}-evil`,
      `${allowed.url.replace('127.0.0.1', 'localhost')}/emulatorx`,
      `${bot.url}@127.0.0.1:${attackerPort}`,
      `${bot.url}0`,
    ]) {
      expect((await post(forged)).status, forged).to.equal(403);
    }
    expect(attacker.requests, 'the attacker was never called').to.deep.equal([]);
  });

  it('the allowed service URL, and paths under it, still get replies', async () => {
    const before = allowed.requests.length;
    const response = await post(`${allowed.url.replace('127.0.0.1', 'localhost')}/emulator/v3`);
    expect(response.status).to.equal(200);
    expect(allowed.requests.length).to.be.greaterThan(before);
  });

  it('the policy, case by case', () => {
    const policy = new ServiceUrlPolicy(() => 'http://127.0.0.1:3978', ['http://localhost:4398', 'https://teams.example/api/']);
    const cases: [string, boolean][] = [
      ['http://127.0.0.1:3978', true],
      ['http://127.0.0.1:3978/', true],
      ['http://127.0.0.1:3978/v3/x', true],
      ['HTTP://127.0.0.1:3978/', true],
      ['http://127.0.0.1:39780', false],
      ['http://127.0.0.1:3978@evil.example', false],
      ['http://127.0.0.1:3978.evil.example', false],
      ['https://127.0.0.1:3978', false],
      ['http://localhost:4398', true],
      ['http://LOCALHOST:4398/anything', true],
      ['http://localhost:4398@127.0.0.1:4399', false],
      ['http://localhost:43980', false],
      ['http://localhost:4398.evil.example', false],
      ['http://a:b@localhost:4398', false],
      ['https://teams.example/api', true],
      ['https://teams.example:443/api/v3', true],
      ['https://teams.example/apix', false],
      ['https://teams.example/', false],
      ['https://teams.example/other/../api', true],
      ['javascript:alert(1)', false],
      ['not a url', false],
      ['', false],
    ];
    for (const [url, verdict] of cases) expect(policy.allows(url), url).to.equal(verdict);
  });

  it('the allowlist is checked at start-up: an entry with user information, a query or not http(s) is refused', () => {
    for (const bad of ['http://user@localhost:4398', 'ftp://localhost', 'localhost:4398', 'http://localhost:4398/?x=1']) {
      expect(() => loadConfig({ NODE_ENV: 'test', SERVICE_URL_ALLOWLIST: bad }), bad).to.throw(/SERVICE_URL_ALLOWLIST/);
    }
    expect(loadConfig({ NODE_ENV: 'test', SERVICE_URL_ALLOWLIST: 'http://localhost:4398, https://teams.example/api' }).SERVICE_URL_ALLOWLIST).to.deep.equal(['http://localhost:4398', 'https://teams.example/api']);
  });
});
