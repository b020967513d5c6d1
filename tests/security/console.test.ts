/**
 * The volunteers' console, attacked as handoff/README.md documents it: passwords never stored in
 * clear, session cookie flags, CSRF on every state change, lockout after repeated failures, every
 * API refusing without a session.
 */
import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FixedClock } from '../../bot/clock.js';
import { VolunteerAccounts } from '../../handoff/VolunteerAccounts.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { ConsoleClient } from '../handoff/helpers.js';

const PASSWORD = 'zqconsole-password-5521';

describe('security: the volunteers\' console', function () {
  this.timeout(180_000);
  let bot: TestBot;
  before(async () => {
    bot = await startTestBot();
    const accounts = new VolunteerAccounts(bot.store, new FixedClock('2026-11-24T15:00:00+01:00'));
    await accounts.add('alice', 'Alice', PASSWORD);
    await accounts.add('bob', 'Bob', PASSWORD);
  });
  after(async () => bot?.stop());

  it('never stores a password in clear', async () => {
    await bot.store.flush();
    expect(await fs.readFile(path.join(bot.dataDir, 'store.json'), 'utf8')).to.not.include(PASSWORD);
  });

  it('sets an HttpOnly, SameSite=Strict session cookie scoped to /console', async () => {
    const response = await fetch(`${bot.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'alice', password: PASSWORD }) });
    expect(response.status).to.equal(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).to.match(/HttpOnly/i).and.match(/SameSite=Strict/i).and.match(/Path=\/console/i);
  });

  it('refuses a state change without the CSRF token, and every API without a session', async () => {
    const alice = new ConsoleClient(bot.url);
    expect((await alice.signIn('alice', PASSWORD)).status).to.equal(200);
    const csrf = alice.csrf;
    alice.csrf = '';
    expect((await alice.available(true)).status).to.equal(403);
    alice.csrf = 'forged-token';
    expect((await alice.available(true)).status).to.equal(403);
    alice.csrf = csrf;
    expect((await alice.available(true)).status).to.equal(200);

    const nobody = new ConsoleClient(bot.url);
    for (const [method, route] of [
      ['GET', '/queue'],
      ['GET', '/session'],
      ['POST', '/availability'],
      ['POST', '/conversations/x/accept'],
      ['POST', '/conversations/x/messages'],
      ['GET', '/conversations/x'],
    ] as const) {
      expect((await nobody.call(method, route, method === 'POST' ? {} : undefined)).status, `${method} ${route}`).to.equal(401);
    }
  });

  it('locks an account after repeated wrong passwords, even for the right one, with Retry-After', async () => {
    const mallory = new ConsoleClient(bot.url);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await mallory.signIn('bob', `wrong-${i}-password`)).status);
    expect(statuses.slice(0, 4)).to.deep.equal([401, 401, 401, 401]);
    const right = await fetch(`${bot.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'bob', password: PASSWORD }) });
    expect(right.status, 'locked: even the right password is refused').to.be.oneOf([423, 429]);
    expect(right.headers.get('retry-after')).to.match(/^\d+$/);
  });
});
