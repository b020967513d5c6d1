/**
 * The store's journal (store/StoreJournal.ts): a flush appends what changed instead of rewriting
 * the store file. What a crash leaves (a copy of the data directory taken while the store is open
 * stands for it) must open with every acknowledged write, whatever point the crash came at.
 */
import { copyFileSync, existsSync, promises as fs, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ErrorCodes, MduError } from '../../bot/errors.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { makeTempDir } from '../helpers/tempDir.js';

const FILE = 'store.json';
const JOURNAL = 'store.json.journal';

/** The data directory as a crash would leave it now: the store file and the journal, no lock. */
function crashCopy(from: string, to: string): void {
  for (const name of [FILE, JOURNAL]) if (existsSync(path.join(from, name))) copyFileSync(path.join(from, name), path.join(to, name));
}

const valueOf = async (store: LowdbStorage, key: string) => {
  const item = (await store.read([key]))[key] as Record<string, unknown> | undefined;
  if (!item) return undefined;
  const { eTag: _eTag, ...rest } = item;
  return rest;
};

describe('store journal', function () {
  this.timeout(180_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let crashed: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    tmp = makeTempDir('mdu-journal-');
    crashed = makeTempDir('mdu-journal-crash-');
  });
  afterEach(() => {
    tmp.cleanup();
    crashed.cleanup();
  });

  it('acknowledges a write once its journal line is on disk, without rewriting the store file', async () => {
    const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    const fileBefore = readFileSync(path.join(tmp.dir, FILE), 'utf8');
    await store.write({ 'a/1': { v: 1 } });
    await Promise.all([store.write({ 'a/2': { v: 2 } }), store.write({ 'a/1': { v: 3 } })]);
    expect(readFileSync(path.join(tmp.dir, FILE), 'utf8')).to.equal(fileBefore);
    expect(statSync(path.join(tmp.dir, JOURNAL)).size).to.be.greaterThan(0);

    crashCopy(tmp.dir, crashed.dir);
    const reopened = await LowdbStorage.open({ dataDir: crashed.dir, createIfMissing: false });
    try {
      expect(await valueOf(reopened, 'a/1')).to.deep.equal({ v: 3 });
      expect(await valueOf(reopened, 'a/2')).to.deep.equal({ v: 2 });
      // Opening folds the journal into the store file and empties it.
      expect(statSync(path.join(crashed.dir, JOURNAL)).size).to.equal(0);
      expect(Object.keys((JSON.parse(readFileSync(path.join(crashed.dir, FILE), 'utf8')) as { items: object }).items).sort()).to.deep.equal(['a/1', 'a/2']);
      // New eTags continue after the replayed ones.
      const eTags = Object.values(await reopened.read(['a/1', 'a/2'])).map((i) => Number((i as { eTag: string }).eTag));
      await reopened.write({ 'a/3': { v: 4 } });
      expect(Number(((await reopened.read(['a/3']))['a/3'] as { eTag: string }).eTag)).to.be.greaterThan(Math.max(...eTags));
    } finally {
      await reopened.close();
      await store.close();
    }
  });

  it('ignores a last line cut short by a crash (never acknowledged)', async () => {
    const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    await store.write({ k: { v: 1 } });
    crashCopy(tmp.dir, crashed.dir);
    await store.close();
    await fs.appendFile(path.join(crashed.dir, JOURNAL), '{"seq":2,"nextETag":9,"set":{"k":{"eTag":"8","upd');
    const reopened = await LowdbStorage.open({ dataDir: crashed.dir, createIfMissing: false });
    try {
      expect(await valueOf(reopened, 'k')).to.deep.equal({ v: 1 });
      await reopened.write({ k: { v: 2 } });
    } finally {
      await reopened.close();
    }
    const again = await LowdbStorage.open({ dataDir: crashed.dir, createIfMissing: false });
    expect(await valueOf(again, 'k')).to.deep.equal({ v: 2 });
    await again.close();
  });

  it('refuses to start on a damaged line before the last, naming the journal', async () => {
    const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    await store.write({ k: { v: 1 } });
    await store.write({ k: { v: 2 } });
    crashCopy(tmp.dir, crashed.dir);
    await store.close();
    const journal = path.join(crashed.dir, JOURNAL);
    const lines = readFileSync(journal, 'utf8').split('\n');
    expect(lines.length).to.equal(3);
    await fs.writeFile(journal, [lines[0]!.slice(0, 10), lines[1], ''].join('\n'));
    await LowdbStorage.open({ dataDir: crashed.dir, createIfMissing: false }).then(
      () => expect.fail('a damaged journal must not open'),
      (error: unknown) => {
        expect(error).to.be.instanceOf(MduError);
        expect((error as MduError).code).to.equal(ErrorCodes.STORE_CORRUPT);
        expect((error as Error).message).to.include(JOURNAL).and.match(/damaged/);
      },
    );
    expect(readFileSync(journal, 'utf8')).to.include(lines[1]!);
  });

  it('a crash after the store file was rewritten but before the journal was emptied applies nothing twice', async () => {
    const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    await store.write({ k: { v: 1 } });
    const oldJournal = readFileSync(path.join(tmp.dir, JOURNAL));
    await store.write({ k: { v: 2 } });
    await store.flush();
    // The new store file with the journal as it was before: its line says k = 1, the file says k = 2.
    copyFileSync(path.join(tmp.dir, FILE), path.join(crashed.dir, FILE));
    await fs.writeFile(path.join(crashed.dir, JOURNAL), oldJournal);
    await store.close();
    const reopened = await LowdbStorage.open({ dataDir: crashed.dir, createIfMissing: false });
    expect(await valueOf(reopened, 'k')).to.deep.equal({ v: 2 });
    await reopened.close();
  });

  it('folds the journal into the store file once it outgrows it, and never on a timer', async () => {
    const bySize = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true, journalMinBytes: 2000 });
    for (let i = 0; i < 40; i++) await bySize.write({ [`k/${i}`]: { padding: 'x'.repeat(100) } });
    expect(statSync(path.join(tmp.dir, JOURNAL)).size).to.be.lessThan(2000 + 200);
    expect(Object.keys((JSON.parse(readFileSync(path.join(tmp.dir, FILE), 'utf8')) as { items: object }).items).length).to.be.greaterThan(10);
    await bySize.close();

    // A store that does not grow is not written again: a write stays in the journal, however long the bot runs.
    const idle = await LowdbStorage.open({ dataDir: crashed.dir, createIfMissing: true });
    const rewritesAtOpen = idle.rewrites;
    const fileBefore = readFileSync(path.join(crashed.dir, FILE), 'utf8');
    const inode = statSync(path.join(crashed.dir, FILE)).ino;
    await idle.write({ t: { v: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(idle.rewrites).to.equal(rewritesAtOpen);
    expect(statSync(path.join(crashed.dir, FILE)).ino).to.equal(inode);
    expect(readFileSync(path.join(crashed.dir, FILE), 'utf8')).to.equal(fileBefore);
    expect(statSync(path.join(crashed.dir, JOURNAL)).size).to.be.greaterThan(0);
    // Stopping folds it in.
    await idle.close();
    expect(statSync(path.join(crashed.dir, JOURNAL)).size).to.equal(0);
    expect((JSON.parse(readFileSync(path.join(crashed.dir, FILE), 'utf8')) as { items: Record<string, unknown> }).items.t).to.not.equal(undefined);
  });

  it('a rewrite made in slices holds the store as it was when it began; writes and deletes made meanwhile follow it, nothing lost', async () => {
    const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    const many: Record<string, { v: number; padding: string }> = {};
    for (let i = 0; i < 20_000; i++) many[`state/conversation/webchat/c${i}`] = { v: i, padding: 'x'.repeat(40) };
    await store.write(many);
    // The first rewrite after these writes joins every bucket: long enough for other work to come in between.
    const rewriting = store.flush();
    await new Promise((resolve) => setImmediate(resolve));
    const meanwhile = [
      store.write({ 'state/conversation/webchat/c1': { v: -1 }, 'state/conversation/webchat/new': { v: 'new' } }),
      store.delete(['state/conversation/webchat/c2', 'state/conversation/webchat/c19999']),
      store.write({ 'state/conversation/webchat/c3': { v: -3 } }),
    ];
    await rewriting;
    await Promise.all(meanwhile);
    crashCopy(tmp.dir, crashed.dir);
    await store.close();
    const reopened = await LowdbStorage.open({ dataDir: crashed.dir, createIfMissing: false });
    try {
      expect(await valueOf(reopened, 'state/conversation/webchat/c1')).to.deep.equal({ v: -1 });
      expect(await valueOf(reopened, 'state/conversation/webchat/new')).to.deep.equal({ v: 'new' });
      expect(await valueOf(reopened, 'state/conversation/webchat/c2')).to.equal(undefined);
      expect(await valueOf(reopened, 'state/conversation/webchat/c19999')).to.equal(undefined);
      expect(await valueOf(reopened, 'state/conversation/webchat/c3')).to.deep.equal({ v: -3 });
      expect(await valueOf(reopened, 'state/conversation/webchat/c4')).to.deep.equal({ v: 4, padding: 'x'.repeat(40) });
      expect(await reopened.keys('state/conversation/')).to.have.length(20_000 - 2 + 1);
    } finally {
      await reopened.close();
    }
  });

  it('a delete rewrites the store file and empties the journal: no version of the deleted item is left in either', async () => {
    const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    await store.write({ 'state/conversation/webchat/x': { secret: 'zqcanary-1' } });
    await store.write({ 'state/conversation/webchat/x': { secret: 'zqcanary-2' } });
    await store.write({ other: { v: 1 } });
    expect(readFileSync(path.join(tmp.dir, JOURNAL), 'utf8')).to.include('zqcanary-1');
    await store.delete(['state/conversation/webchat/x']);
    expect(readFileSync(path.join(tmp.dir, JOURNAL), 'utf8')).to.equal('');
    expect(readFileSync(path.join(tmp.dir, FILE), 'utf8')).to.not.include('zqcanary');
    expect(await valueOf(store, 'other')).to.deep.equal({ v: 1 });
    await store.close();
  });

  it('the read-only snapshot sees the journal too', async () => {
    const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    await store.write({ 'curation/unanswered/1': { text: 'a' } });
    await store.flush();
    await store.write({ 'curation/unanswered/2': { text: 'b' }, 'curation/unanswered/1': { text: 'c' } });
    expect(await LowdbStorage.snapshot(tmp.dir, 'curation/unanswered/')).to.deep.equal({ 'curation/unanswered/1': { text: 'c' }, 'curation/unanswered/2': { text: 'b' } });
    await store.close();
  });
});
