/**
 * Issue 14, item 8: the sign-in lockout cannot be turned into a weapon, nor into a way to tell
 * which logins exist. Wrong passwords lock a login for the client that sent them only (behind
 * the proxy, `TRUST_PROXY=true`: the address it put in X-Forwarded-For), and unknown logins are
 * answered exactly like known ones. The real bot on loopback; time moves on the test's clock.
 */
import { expect } from 'chai';
import { FixedClock } from '../../bot/clock.js';
import { VolunteerAccounts } from '../../handoff/VolunteerAccounts.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

const PASSWORD = 'le bon mot de passe';
const ATTACKER = '203.0.113.9';
const ALICE_HOME = '198.51.100.20';

describe('security: lockout per login and client, alike for unknown logins (issue 14, item 8)', function () {
  this.timeout(60_000);
  let bot: TestBot;
  const clock = new FixedClock('2026-11-24T15:00:00+01:00');
  before(async () => {
    bot = await startTestBot({ TRUST_PROXY: 'true', RATE_LIMIT_PUBLIC: '0' }, { clock });
    await new VolunteerAccounts(bot.store, clock).add('alice', 'Alice', PASSWORD);
  });
  after(async () => bot?.stop());

  const signIn = async (login: string, password: string, from: string) => {
    const response = await fetch(`${bot.url}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify({ login, password }),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() };
  };

  it('five wrong passwords from one address lock alice there only: from her own address she signs in', async () => {
    const statuses = [];
    for (let n = 0; n < 5; n++) statuses.push((await signIn('alice', `wrong password ${n}`, ATTACKER)).status);
    expect(statuses).to.deep.equal([401, 401, 401, 401, 423]);
    expect((await signIn('alice', PASSWORD, ATTACKER)).status, 'locked there, even with the right password').to.equal(423);
    expect((await signIn('alice', PASSWORD, ALICE_HOME)).status, 'not locked anywhere else').to.equal(200);
    // An IPv6 client counts by its /64: another address of the same network is still locked.
    for (let n = 0; n < 5; n++) await signIn('alice', `wrong password ${n}`, '2001:db8:5:6::1');
    expect((await signIn('alice', PASSWORD, '2001:db8:5:6::ffff')).status).to.equal(423);
  });

  it('an unknown login is answered exactly as a known one: the same statuses, bodies and Retry-After', async () => {
    const run = async (login: string, from: string) => {
      const answers = [];
      for (let n = 0; n < 6; n++) answers.push(await signIn(login, `wrong password ${n}`, from));
      return answers.map((a) => ({ status: a.status, retryAfter: a.retryAfter, body: a.body }));
    };
    const known = await run('alice', '192.0.2.1');
    const unknown = await run('nobody-here', '192.0.2.2');
    expect(unknown).to.deep.equal(known);
    expect(known.map((a) => a.status)).to.deep.equal([401, 401, 401, 401, 423, 423]);
  });

  it('the lock ends after CONSOLE_LOCKOUT_MINUTES on the bot\'s clock', async () => {
    for (let n = 0; n < 5; n++) await signIn('alice', `wrong password ${n}`, '192.0.2.77');
    expect((await signIn('alice', PASSWORD, '192.0.2.77')).status).to.equal(423);
    clock.advance(15 * 60_000);
    expect((await signIn('alice', PASSWORD, '192.0.2.77')).status).to.equal(200);
  });
});
