import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FixedClock } from '../../bot/clock.js';
import { ConsoleSessions, csrfMatches } from '../../handoff/ConsoleSessions.js';
import { AccountError, VolunteerAccounts, verifyPassword } from '../../handoff/VolunteerAccounts.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { makeTempDir } from '../helpers/tempDir.js';

const PASSWORD = 'un mot de passe assez long';

describe('Volunteer accounts and console sessions (fixed clock)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let store: LowdbStorage;
  let clock: FixedClock;
  let accounts: VolunteerAccounts;
  let sessions: ConsoleSessions;

  beforeEach(async () => {
    tmp = makeTempDir('mdu-volunteers-');
    clock = new FixedClock('2026-11-24T15:00:00+01:00');
    store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true, now: () => clock.now() });
    accounts = new VolunteerAccounts(store, clock, { maxFailures: 3, lockoutMs: 15 * 60_000 });
    sessions = new ConsoleSessions(store, accounts, clock, { lifetimeMs: 8 * 3_600_000, presenceMs: 90_000 });
  });
  afterEach(async () => {
    await store.close();
    tmp.cleanup();
  });

  it('stores a scrypt hash, never the password', async () => {
    const account = await accounts.add('Alice', 'Alice (UNAFAM)', PASSWORD);
    expect(account.login).to.equal('alice');
    expect(account.passwordHash).to.match(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword(PASSWORD, account.passwordHash)).to.equal(true);
    await store.flush();
    expect(readFileSync(path.join(tmp.dir, 'store.json'), 'utf8')).not.to.include(PASSWORD);
  });

  it('refuses a second account with the same login unless replacing, and weak input', async () => {
    await accounts.add('alice', 'Alice', PASSWORD);
    await accounts.add('alice', 'Alice B.', PASSWORD + '!', { replace: true }).then((a) => expect(a.displayName).to.equal('Alice B.'));
    for (const attempt of [
      () => accounts.add('alice', 'Alice', PASSWORD),
      () => accounts.add('a', 'A', PASSWORD),
      () => accounts.add('bob', 'Bob', 'short'),
      () => accounts.add('bob', '   ', PASSWORD),
      () => accounts.add('bob cat', 'Bob', PASSWORD),
    ]) {
      let failed: unknown;
      await attempt().catch((e: unknown) => (failed = e));
      expect(failed).to.be.instanceOf(AccountError);
    }
  });

  it('signs in with the right password only; unknown logins look the same as wrong passwords', async () => {
    await accounts.add('alice', 'Alice', PASSWORD);
    expect((await accounts.signIn('ALICE', PASSWORD)).ok).to.equal(true);
    expect(await accounts.signIn('alice', 'wrong password!')).to.deep.equal({ ok: false, reason: 'invalid' });
    expect(await accounts.signIn('nobody', PASSWORD)).to.deep.equal({ ok: false, reason: 'invalid' });
  });

  it('locks an account after repeated failures, even for the right password, then unlocks', async () => {
    await accounts.add('alice', 'Alice', PASSWORD);
    await accounts.signIn('alice', 'wrong 1 .........');
    await accounts.signIn('alice', 'wrong 2 .........');
    const third = await accounts.signIn('alice', 'wrong 3 .........');
    expect(third.ok === false && third.reason).to.equal('locked');
    const right = await accounts.signIn('alice', PASSWORD);
    expect(right.ok === false && right.reason).to.equal('locked');
    clock.advance(15 * 60_000);
    expect((await accounts.signIn('alice', PASSWORD)).ok).to.equal(true);
  });

  it('sessions expire, carry a CSRF token, and survive a new ConsoleSessions (restart)', async () => {
    await accounts.add('alice', 'Alice', PASSWORD);
    const { token, session } = await sessions.create('alice');
    expect(csrfMatches(session, session.csrfToken)).to.equal(true);
    expect(csrfMatches(session, 'nope')).to.equal(false);
    const again = new ConsoleSessions(store, accounts, clock, { lifetimeMs: 8 * 3_600_000, presenceMs: 90_000 });
    expect((await again.get(token))?.login).to.equal('alice');
    clock.advance(8 * 3_600_000);
    expect(await again.get(token)).to.equal(undefined);
    expect(await store.keys('handoff/session/')).to.deep.equal([]);
  });

  it('a volunteer counts as available only while their console is seen', async () => {
    await accounts.add('alice', 'Alice', PASSWORD);
    const { session } = await sessions.create('alice');
    expect(await sessions.available()).to.deep.equal([]);
    await sessions.setAvailable(session, true);
    expect(await sessions.available()).to.deep.equal([{ login: 'alice', name: 'Alice' }]);
    clock.advance(91_000);
    expect(await sessions.available()).to.deep.equal([]);
    sessions.touch('alice');
    expect(await sessions.available()).to.have.length(1);
    // After a restart, available volunteers get the presence time to reconnect.
    const restarted = new ConsoleSessions(store, accounts, clock, { lifetimeMs: 8 * 3_600_000, presenceMs: 90_000 });
    expect(await restarted.available()).to.deep.equal([]);
    await restarted.seedPresence();
    expect(await restarted.available()).to.have.length(1);
  });
});
