/**
 * Issue 14, item 4: an erasure or a purge leaves no copy of what it removed anywhere in the data
 * directory: not in the store file, not in its last good copy (`store.json.bak`), not in the
 * journal, not in a temporary file. Every file of the directory is read as bytes and searched,
 * at once after the erasure (no waiting for a later rewrite). Real bot, real Direct Line, real
 * files; dates from the test's clock.
 */
import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FixedClock } from '../../bot/clock.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { DirectLineVisitor } from '../handoff/botProcess.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

const CANARY = 'zqnocopy6203';
const intent = (a: { channelData?: unknown }) => (a.channelData as { mdu?: { intent?: string } } | undefined)?.mdu?.intent;

/** Every file under `dir` (recursively) whose bytes hold `needle`. */
async function filesHolding(dir: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    if ((await fs.readFile(file)).includes(Buffer.from(needle))) found.push(path.relative(dir, file));
  }
  return found.sort();
}

describe('privacy: an erasure or a purge leaves no copy in the data directory (issue 14, item 4)', function () {
  this.timeout(60_000);
  let bot: TestBot | undefined;
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  it("after the visitor's erasure from the chat, no file of the data directory holds their words", async () => {
    bot = await startTestBot({ RATE_LIMIT_PUBLIC: '0', RATE_LIMIT_MESSAGES: '0' });
    const visitor = new DirectLineVisitor(bot.url, 'fr-FR');
    await visitor.start();
    const said = async (text: string, value?: unknown) => {
      const mark = visitor.mark;
      await visitor.say(text, value);
      return visitor.waitFor((a) => a.type === 'message' && intent(a) !== 'welcome', 15_000, mark);
    };
    expect(intent(await said(`Comment obtenir mon dossier médical ? ${CANARY}`))).to.equal('answer');
    // The store file is rewritten as it is over a day (when the journal outgrows it, at each deletion...):
    // its last good copy and the journal hold the words too.
    await bot.store.flush();
    expect(intent(await said(`Je voudrais consulter mon dossier médical ${CANARY}-1`))).to.equal('answer');
    await bot.store.flush();
    expect(intent(await said(`Comment obtenir mon dossier médical ? ${CANARY}-2`))).to.equal('answer');
    expect(await filesHolding(bot.dataDir, CANARY), 'the words are on disk before the erasure').to.include.members(['store.json', 'store.json.bak']);

    // Answered as bot.privacy (what is kept), with the erase buttons.
    expect(intent(await said('effacer mes données'))).to.equal('answer');
    await said('Oui, tout effacer', { mdu: 'erase', confirm: true });
    expect(await filesHolding(bot.dataDir, CANARY)).to.deep.equal([]);
  });

  it('after one deletion (as the coordinator\'s erasure makes), no file holds the deleted item', async () => {
    const tmp = makeTempDir('mdu-nocopy-');
    try {
      const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
      await store.write({ 'directline/conversations/c1': { text: `${CANARY} c1` }, other: { text: 'kept' } });
      await store.flush();
      await store.write({ other: { text: 'kept, again' } });
      await store.flush();
      expect(await filesHolding(tmp.dir, CANARY)).to.deep.equal(['store.json', 'store.json.bak']);
      await store.delete(['directline/conversations/c1']);
      expect(await filesHolding(tmp.dir, CANARY)).to.deep.equal([]);
      expect(await filesHolding(tmp.dir, 'kept, again')).to.deep.equal(['store.json', 'store.json.bak']);
      // Later rewrites keep the previous version as the last good copy again.
      await store.write({ other: { text: 'kept, third' } });
      await store.flush();
      expect(await filesHolding(tmp.dir, 'kept, again')).to.deep.equal(['store.json.bak']);
      await store.close();
    } finally {
      tmp.cleanup();
    }
  });

  it('after a purge (the retention time passed), no file of the data directory holds what it removed', async () => {
    const tmp = makeTempDir('mdu-nocopy-');
    try {
      const clock = new FixedClock('2026-11-24T15:00:00+01:00');
      const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true, now: () => clock.now() });
      await store.write({ 'state/conversation/webchat/old': { text: `${CANARY} old` } });
      await store.flush();
      await store.write({ 'state/conversation/webchat/old2': { text: `${CANARY} old2` } });
      await store.flush();
      await store.write({ 'state/conversation/webchat/old3': { text: `${CANARY} old3` } });
      clock.advance(8 * 86_400_000);
      await store.write({ 'state/conversation/webchat/fresh': { text: 'kept' } });
      expect(await filesHolding(tmp.dir, CANARY)).to.include.members(['store.json', 'store.json.bak', 'store.json.journal']);

      expect(await store.purge('state/conversation/', new Date(clock.now().getTime() - 7 * 86_400_000))).to.equal(3);
      expect(await filesHolding(tmp.dir, CANARY)).to.deep.equal([]);
      // The last good copy is still a good copy: it holds what is kept.
      expect(await filesHolding(tmp.dir, 'kept')).to.deep.equal(['store.json', 'store.json.bak']);
      await store.close();
      expect(await filesHolding(tmp.dir, CANARY)).to.deep.equal([]);
      const reopened = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: false });
      expect(await reopened.keys('state/')).to.deep.equal(['state/conversation/webchat/fresh']);
      await reopened.close();
    } finally {
      tmp.cleanup();
    }
  });
});
