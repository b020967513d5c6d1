/**
 * Issue 14, item 6: a full disk, for real. The data directory is a tiny tmpfs this test mounts
 * (root only; without it the test is skipped with a message, except in CI where it must run),
 * filled to the last byte while the real bot runs. A volunteer's message that could not be saved
 * is answered as a failure with a body naming no internals, never reaches the visitor, and never
 * shows up later (not in the transcript, not after a restart); `/readyz` answers 503 while the store
 * cannot write, and 200 again on its own once space is back; no temporary file is left behind.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FixedClock } from '../../bot/clock.js';
import { VolunteerAccounts } from '../../handoff/VolunteerAccounts.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { DirectLineVisitor } from '../handoff/botProcess.js';
import { ConsoleClient } from '../handoff/helpers.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

const FAILED = 'zqdiskfull5519';
const PASSWORD = 'un mot de passe de bénévole';
const INTERNAL = /ENOSPC|no space|errno|syscall|\/tmp\/|store\.json|MDU-0|\bat \S+ \(|\.ts:\d+/i;

/** Polls `check` until it holds, within a generous ceiling. */
async function eventually(what: string, check: () => Promise<boolean>, ceilingMs = 30_000): Promise<void> {
  const deadline = Date.now() + ceilingMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Fills the file system of `dir` until it has no byte left. */
async function fill(dir: string): Promise<string> {
  const filler = path.join(dir, 'filler.bin');
  const handle = await fs.open(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) await handle.write(chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  // And the last bytes of the last page.
  try {
    for (;;) await handle.write(Buffer.alloc(1, 1));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await handle.close();
  }
  return filler;
}

describe('durability: a full disk (a real tmpfs, filled) (issue 14, item 6)', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let mounted = false;
  let bot: TestBot | undefined;

  before(function () {
    tmp = makeTempDir('mdu-diskfull-');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', tmp.dir], { stdio: 'pipe' });
      mounted = true;
    } catch (error) {
      tmp.cleanup();
      if (process.env.CI) throw new Error(`mounting a tmpfs failed (${(error as Error).message.split('\n')[0]}): in CI this test must run, as root`);
      console.warn('    (disk-full test skipped: mounting a tmpfs needs root)');
      this.skip();
    }
  });
  after(async () => {
    await bot?.close().catch(() => undefined);
    if (mounted) execFileSync('umount', ['-l', tmp.dir]);
    tmp?.cleanup();
  });

  it('a message that could not be saved is a failure, stays one, and /readyz says so while the disk is full', async () => {
    const dataDir = path.join(tmp.dir, 'data');
    bot = await startTestBot({ DATA_DIR: dataDir, MAX_TEXT_CHARS: '6000', RATE_LIMIT_PUBLIC: '0', RATE_LIMIT_MESSAGES: '0', HANDOFF_SWEEP_MS: '200' });
    await new VolunteerAccounts(bot.store, new FixedClock('2026-11-24T15:00:00+01:00')).add('alice', 'Alice', PASSWORD);
    const alice = new ConsoleClient(bot.url);
    expect((await alice.signIn('alice', PASSWORD)).status).to.equal(200);
    expect((await alice.available(true)).status).to.equal(200);
    const visitor = new DirectLineVisitor(bot.url, 'fr-FR');
    await visitor.start();
    await visitor.say('Je voudrais parler à un bénévole');
    const request = await alice.waitForQueued(undefined, 30_000);
    expect((await alice.accept(request.id)).status).to.equal(200);
    expect((await alice.send(request.id, 'Bonjour, je vous lis.')).status).to.equal(201);
    await visitor.waitFor((a) => a.text === 'Bonjour, je vous lis.', 30_000);
    const readyz = async () => fetch(`${bot!.url}/readyz`);
    expect((await readyz()).status).to.equal(200);

    const filler = await fill(tmp.dir);
    // Longer than a page: the journal cannot take it in the room its last page has left.
    const failed = await alice.send(request.id, `${FAILED} ${'x'.repeat(5000)}`);
    expect(failed.status, JSON.stringify(failed.body)).to.be.oneOf([500, 503]);
    expect(JSON.stringify(failed.body)).to.not.match(INTERNAL);
    const ready = await readyz();
    expect(ready.status).to.equal(503);
    const readyText = await ready.text();
    expect(JSON.parse(readyText).store).to.equal('not_writable');
    expect(readyText).to.not.match(INTERNAL);

    // The visitor writes meanwhile: refused cleanly too.
    const visitorWhileFull = await fetch(`${visitor.domain}/conversations/${visitor.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${visitor.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', from: { id: 'visitor' }, text: `${FAILED} du visiteur ${'y'.repeat(5000)}` }),
    });
    const visitorText = await visitorWhileFull.text();
    if (visitorWhileFull.status >= 400) expect(visitorText).to.not.match(INTERNAL);
    expect((await fs.readdir(dataDir)).filter((name) => name.endsWith('.tmp')), 'no temporary file left').to.deep.equal([]);
    expect((await readyz()).status, 'still not ready while full').to.equal(503);

    // Space is back: the store finds out on its own.
    await fs.rm(filler);
    await eventually('/readyz is 200 again', async () => (await readyz()).status === 200);
    const transcript = await alice.conversation(request.id);
    expect(transcript.status).to.equal(200);
    expect(JSON.stringify(transcript.body), 'the failed message is not in the transcript').to.not.include(FAILED);
    expect((await alice.send(request.id, 'De nouveau là.')).status).to.equal(201);
    await visitor.waitFor((a) => a.text === 'De nouveau là.', 30_000);
    expect(visitor.received.some((a) => a.text?.includes(FAILED)), 'the failed message never reached the visitor').to.equal(false);

    // After a restart, from the disk alone.
    await bot.close();
    bot = undefined;
    const store = await LowdbStorage.open({ dataDir, createIfMissing: false });
    const items = await store.read(await store.keys('handoff/'));
    await store.close();
    const saved = JSON.stringify(items);
    expect(saved).to.include('De nouveau là.');
    expect(saved, 'the failed message did not become durable later').to.not.include(`${FAILED} x`);
    expect((await fs.readdir(dataDir)).filter((name) => name.endsWith('.tmp'))).to.deep.equal([]);
  });
});
