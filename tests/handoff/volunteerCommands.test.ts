/**
 * The coordinator's volunteer commands as a person runs them (real processes): list the accounts,
 * and remove one the day a volunteer leaves, with the bot stopped or running. A removed volunteer
 * is signed out at once and cannot sign in again.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { systemClock } from '../../bot/clock.js';
import { VolunteerAccounts } from '../../handoff/VolunteerAccounts.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { EventStream } from './helpers.js';

const PASSWORD = 'a long enough password for tests';

function run(dataDir: string, ...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'handoff/cli/volunteers.ts', ...args], {
      env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('coordinator commands: volunteer:list and volunteer:remove', function () {
  this.timeout(180_000);

  it('with the bot stopped: lists the accounts, removes one, and says so when the login is unknown', async () => {
    const tmp = makeTempDir();
    try {
      const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
      const accounts = new VolunteerAccounts(store, systemClock);
      await accounts.add('alice', 'Alice (UNAFAM)', PASSWORD);
      await accounts.add('bruno', 'Bruno', PASSWORD);
      await store.close();

      const listed = await run(tmp.dir, 'list');
      expect(listed.code, listed.output).to.equal(0);
      expect(listed.output).to.include('alice\tAlice (UNAFAM)').and.include('bruno\tBruno').and.include('2 volunteer account(s)');

      const removed = await run(tmp.dir, 'remove', 'alice');
      expect(removed.code, removed.output).to.equal(0);
      expect(removed.output).to.include('Removed volunteer "alice"');
      const after = await run(tmp.dir, 'list');
      expect(after.output).to.not.include('alice');
      expect(after.output).to.include('1 volunteer account(s)');

      const unknown = await run(tmp.dir, 'remove', 'alice');
      expect(unknown.code).to.equal(1);
      expect(unknown.output).to.include('No volunteer has the login "alice"');
    } finally {
      tmp.cleanup();
    }
  });

  describe('with the bot running', () => {
    let bot: TestBot;
    before(async () => (bot = await startTestBot()));
    after(async () => bot?.stop());

    it('removes a volunteer through the running bot: their open session is refused at once, and they cannot sign in again', async () => {
      await new VolunteerAccounts(bot.store, systemClock).add('carla', 'Carla', PASSWORD);
      const signIn = () =>
        fetch(`${bot.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'carla', password: PASSWORD, client: 'bearer' }) });
      const first = await signIn();
      expect(first.status).to.equal(200);
      const { token } = (await first.json()) as { token: string };
      const whoAmI = () => fetch(`${bot.url}/console/api/session`, { headers: { authorization: `Bearer ${token}` } });
      expect((await whoAmI()).status).to.equal(200);
      const feed = new EventStream(`${bot.url}/console/api/events`, '', { authorization: `Bearer ${token}` });
      expect(await feed.open()).to.equal(200);
      await feed.waitFor((e) => e.event === 'state');

      const listed = await run(bot.dataDir, 'list');
      expect(listed.code, listed.output).to.equal(0);
      expect(listed.output).to.include('carla\tCarla');

      const removed = await run(bot.dataDir, 'remove', 'carla');
      expect(removed.code, removed.output).to.equal(0);
      expect(removed.output).to.include('through the running bot');

      expect((await whoAmI()).status).to.equal(401);
      expect((await signIn()).status).to.not.equal(200);
      // Their open console is told at once (not at the next heartbeat, 20 s later).
      await feed.waitFor((e) => e.event === 'signed_out');
      await feed.close();
    });

    it('refuses the admin routes without the token the bot left for the commands', async () => {
      expect((await fetch(`${bot.url}/console/admin/volunteers`)).status).to.equal(403);
      expect((await fetch(`${bot.url}/console/admin/volunteers/carla`, { method: 'DELETE', headers: { authorization: 'Bearer wrong' } })).status).to.equal(403);
    });
  });
});
