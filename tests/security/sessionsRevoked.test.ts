/**
 * Issue 14, item 7: a volunteer's new password, or their account removed (and made again), ends
 * every session opened before: the cookie and the bearer token alike, the open event stream too.
 * The real bot, the coordinator's own door (`volunteer:add --replace`, `volunteer:remove` while the
 * bot runs) and the store changed directly (the same commands while the bot is stopped).
 */
import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FixedClock } from '../../bot/clock.js';
import { ADMIN_FILE, VolunteerAccounts } from '../../handoff/VolunteerAccounts.js';
import { ConsoleClient, EventStream } from '../handoff/helpers.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

const OLD = 'un ancien mot de passe';
const NEW = 'un nouveau mot de passe';

describe('security: a new password or a removed account ends the old sessions (issue 14, item 7)', function () {
  this.timeout(60_000);
  let bot: TestBot;
  beforeEach(async () => {
    bot = await startTestBot({ RATE_LIMIT_PUBLIC: '0' });
    await new VolunteerAccounts(bot.store, new FixedClock('2026-11-24T15:00:00+01:00')).add('alice', 'Alice', OLD);
  });
  afterEach(async () => bot?.stop());

  /** The coordinator's command, through the bot's door (loopback, the token it left in DATA_DIR). */
  const admin = async (method: 'POST' | 'DELETE', body?: unknown) => {
    const { token } = JSON.parse(await fs.readFile(path.join(bot.dataDir, ADMIN_FILE), 'utf8')) as { token: string };
    const response = await fetch(`${bot.url}/console/admin/volunteers${method === 'DELETE' ? '/alice' : ''}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return response.status;
  };
  /** Two sessions opened with the old password: a console's cookie, and a tool's bearer token. */
  const signInBoth = async () => {
    const cookie = new ConsoleClient(bot.url);
    expect((await cookie.signIn('alice', OLD)).status).to.equal(200);
    const bearer = await (await fetch(`${bot.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'alice', password: OLD, client: 'bearer' }) })).json() as { token: string };
    const asBearer = (method = 'GET', route = '/session', body?: unknown) =>
      fetch(`${bot.url}/console/api${route}`, { method, headers: { authorization: `Bearer ${bearer.token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    expect((await cookie.call('GET', '/session')).status).to.equal(200);
    expect((await asBearer()).status).to.equal(200);
    return { cookie, asBearer };
  };
  const expectEnded = async ({ cookie, asBearer }: Awaited<ReturnType<typeof signInBoth>>) => {
    expect((await cookie.call('GET', '/session')).status, 'cookie').to.equal(401);
    expect((await cookie.available(true)).status, 'cookie, a change').to.equal(401);
    expect((await asBearer()).status, 'bearer').to.equal(401);
    expect((await asBearer('POST', '/availability', { available: true })).status, 'bearer, a change').to.equal(401);
  };

  it('a new password set by the coordinator while the bot runs: old cookie, bearer and event stream end; the new password works', async () => {
    const sessions = await signInBoth();
    const stream = new EventStream(`${bot.url}/console/api/events`, sessions.cookie.cookie);
    expect(await stream.open()).to.equal(200);
    await stream.waitFor((e) => e.event === 'state', 30_000);
    expect(await admin('POST', { login: 'alice', displayName: 'Alice', password: NEW, replace: true })).to.equal(201);
    await stream.waitFor((e) => e.event === 'signed_out', 30_000);
    await stream.close();
    await expectEnded(sessions);
    expect((await new ConsoleClient(bot.url).signIn('alice', OLD)).status).to.equal(401);
    expect((await new ConsoleClient(bot.url).signIn('alice', NEW)).status).to.equal(200);
  });

  it('a new password written to the store without the bot (the command on a stopped bot): old sessions end all the same', async () => {
    const sessions = await signInBoth();
    await new VolunteerAccounts(bot.store, new FixedClock('2026-11-24T16:00:00+01:00')).add('alice', 'Alice', NEW, { replace: true });
    await expectEnded(sessions);
  });

  it('the account removed and made again at once, even with the same password: old sessions stay ended', async () => {
    const sessions = await signInBoth();
    expect(await admin('DELETE')).to.equal(204);
    expect(await admin('POST', { login: 'alice', displayName: 'Alice', password: OLD })).to.equal(201);
    await expectEnded(sessions);
    expect((await new ConsoleClient(bot.url).signIn('alice', OLD)).status).to.equal(200);
  });
});
