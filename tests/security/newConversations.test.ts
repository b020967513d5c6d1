/**
 * Issue 14, item 2: one client opening chats in a loop must not close the chat to everyone.
 * New chats (the token route, a Direct Line start without a token) are limited per client address
 * first (behind the proxy, `TRUST_PROXY=true`: the address the proxy put in X-Forwarded-For; an
 * IPv6 address by its /64), then by a ceiling for the whole server far above honest traffic.
 * The real bot on loopback; time moves on the test's clock.
 */
import { expect } from 'chai';
import { FixedClock } from '../../bot/clock.js';
import { loadConfig } from '../../bot/config.js';
import { clientKey } from '../../bot/rateLimit.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

describe('security: new chats are limited per client before the server (issue 14, item 2)', function () {
  this.timeout(60_000);
  const bots: TestBot[] = [];
  after(async () => {
    for (const bot of bots) await bot.stop();
  });
  const start = async (env: Record<string, string>, clock?: FixedClock) => {
    const bot = await startTestBot({ RATE_LIMIT_PUBLIC: '0', ...env }, { clock });
    bots.push(bot);
    return bot;
  };
  const token = (bot: TestBot, from: string) => fetch(`${bot.url}/api/directline/token`, { method: 'POST', headers: { 'x-forwarded-for': `10.9.9.9, ${from}` } });
  const startWithoutToken = (bot: TestBot, from: string) =>
    fetch(`${bot.url}/v3/directline/conversations`, { method: 'POST', headers: { 'x-forwarded-for': from, 'content-type': 'application/json' }, body: '{}' });

  it('with the shipped defaults, a client looping 300 times is refused, and the next visitor still gets a chat', async () => {
    const defaults = loadConfig({ NODE_ENV: 'test' });
    const clock = new FixedClock('2026-11-24T15:00:00+01:00');
    const bot = await start(
      {
        TRUST_PROXY: 'true',
        RATE_LIMIT_NEW_CONVERSATIONS_PER_CLIENT: String(defaults.RATE_LIMIT_NEW_CONVERSATIONS_PER_CLIENT),
        RATE_LIMIT_NEW_CONVERSATIONS: String(defaults.RATE_LIMIT_NEW_CONVERSATIONS),
      },
      clock,
    );
    const statuses: number[] = [];
    for (let n = 0; n < 300; n++) statuses.push((n % 2 ? await startWithoutToken(bot, '203.0.113.7') : await token(bot, '203.0.113.7')).status);
    const perClient = defaults.RATE_LIMIT_NEW_CONVERSATIONS_PER_CLIENT;
    expect(statuses.slice(0, perClient).every((s) => s === 200 || s === 201), String(statuses.slice(0, perClient))).to.equal(true);
    expect(statuses.slice(perClient).every((s) => s === 429)).to.equal(true);
    const refused = await token(bot, '203.0.113.7');
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 60);
    expect(((await refused.json()) as { error: { code: string } }).error.code).to.equal('too_many_requests');

    // Another visitor: a token, then the chat starts with it, as the page does.
    const other = await token(bot, '198.51.100.4');
    expect(other.status).to.equal(200);
    const { token: otherToken } = (await other.json()) as { token: string };
    const started = await fetch(`${bot.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${otherToken}`, 'x-forwarded-for': '198.51.100.4' } });
    expect(started.status).to.equal(201);

    // The looping client's window passes (on the bot's clock): it may start again.
    clock.advance(61_000);
    expect((await token(bot, '203.0.113.7')).status).to.equal(200);
  });

  it('the ceiling for the whole server still holds against many addresses', async () => {
    const bot = await start({ TRUST_PROXY: 'true', RATE_LIMIT_NEW_CONVERSATIONS_PER_CLIENT: '2', RATE_LIMIT_NEW_CONVERSATIONS: '5' });
    const statuses: number[] = [];
    for (let n = 0; n < 7; n++) statuses.push((await token(bot, `192.0.2.${n + 1}`)).status);
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429, 429]);
  });

  it('a client refused by its own limit spends nothing of the ceiling', async () => {
    const bot = await start({ TRUST_PROXY: 'true', RATE_LIMIT_NEW_CONVERSATIONS_PER_CLIENT: '2', RATE_LIMIT_NEW_CONVERSATIONS: '4' });
    for (let n = 0; n < 50; n++) await token(bot, '203.0.113.50');
    expect((await token(bot, '198.51.100.1')).status).to.equal(200);
    expect((await token(bot, '198.51.100.2')).status).to.equal(200);
  });

  it('IPv6 addresses of one /64 are one client; without TRUST_PROXY, X-Forwarded-For is ignored', async () => {
    const proxied = await start({ TRUST_PROXY: 'true', RATE_LIMIT_NEW_CONVERSATIONS_PER_CLIENT: '2' });
    expect((await token(proxied, '2001:db8:1:2::a')).status).to.equal(200);
    expect((await token(proxied, '2001:db8:1:2:ffff::b')).status).to.equal(200);
    expect((await token(proxied, '2001:0db8:0001:0002::c')).status).to.equal(429);
    expect((await token(proxied, '2001:db8:1:3::a')).status).to.equal(200);

    const direct = await start({ TRUST_PROXY: 'false', RATE_LIMIT_NEW_CONVERSATIONS_PER_CLIENT: '2' });
    expect((await token(direct, '192.0.2.1')).status).to.equal(200);
    expect((await token(direct, '192.0.2.2')).status).to.equal(200);
    expect((await token(direct, '192.0.2.3')).status, 'a forged header makes no new client').to.equal(429);
  });

  it('clientKey: IPv4 as it is (mapped or not), IPv6 by its /64', () => {
    expect(clientKey('203.0.113.7')).to.equal('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).to.equal('203.0.113.7');
    expect(clientKey('2001:db8::1')).to.equal('2001:db8:0:0::/64');
    expect(clientKey('2001:DB8:0:0:1::1')).to.equal('2001:db8:0:0::/64');
    expect(clientKey('::1')).to.equal('0:0:0:0::/64');
    expect(clientKey('fe80::1%eth0')).to.equal('fe80:0:0:0::/64');
  });
});
