import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MemoryStorage } from 'botbuilder';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { documentStoreSuite, storageSuite } from './storageSuite.js';
import { makeTempDir } from '../helpers/tempDir.js';

storageSuite('MemoryStorage (reference)', async () => ({ storage: new MemoryStorage(), close: async () => undefined }));

documentStoreSuite('LowdbStorage', async () => {
  const tmp = makeTempDir();
  const clock = { now: new Date() };
  const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true, now: () => clock.now });
  return {
    store,
    clock,
    // One process a data directory: the second instance is the store itself.
    second: store,
    close: async () => {
      await store.close();
      tmp.cleanup();
    },
  };
});

describe('LowdbStorage on disk', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  it('keeps what was written across a close and reopen', async () => {
    const first = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    await first.write({ 'conv/1': { step: 'waiting' } });
    await first.close();
    const second = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: false });
    expect((await second.read(['conv/1']))['conv/1'].step).to.equal('waiting');
    await second.close();
  });

  it('refuses a second opener of the same data directory', async () => {
    const first = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    try {
      await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true }).then(
        () => expect.fail('the second open should be refused'),
        (error: Error) => expect(error.message).to.match(/in use by another process/),
      );
    } finally {
      await first.close();
    }
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    await fs.writeFile(path.join(tmp.dir, 'store.lock'), '999999999');
    const storage = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    await storage.close();
  });

  it('refuses to start on a truncated file, names the last good copy, and leaves both files in place', async () => {
    const storage = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    await storage.write({ a: { v: 1 } });
    // Writes go to the journal; the store file is rewritten (and the last good copy kept) on flush and close.
    await storage.flush();
    await storage.write({ a: { v: 2 } });
    await storage.close();
    const file = path.join(tmp.dir, 'store.json');
    const good = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, good.slice(0, good.length / 2));
    await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true }).then(
      () => expect.fail('a truncated store must not open'),
      (error: Error) => {
        expect(error.message).to.match(/damaged/);
        expect(error.message).to.include('store.json.bak');
      },
    );
    const backup = JSON.parse(await fs.readFile(`${file}.bak`, 'utf8'));
    expect(backup.items.a.value.v).to.equal(1);
    expect((await fs.readFile(file, 'utf8')).length).to.be.lessThan(good.length);
  });

  it('in production, refuses a missing store file rather than starting empty', async () => {
    await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: false }).then(
      () => expect.fail('a missing store must not be created in production'),
      (error: Error) => expect(error.message).to.match(/missing/),
    );
  });

  it('leaves the stored data unchanged when one key of a batch has a stale eTag', async () => {
    const storage = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    await storage.write({ a: { v: 1 }, b: { v: 1 } });
    const stale = (await storage.read(['b'])).b.eTag;
    await storage.write({ b: { v: 2 } });
    await storage.write({ a: { v: 9 }, b: { v: 9, eTag: stale } }).catch(() => undefined);
    const items = await storage.read(['a', 'b']);
    expect([items.a.v, items.b.v]).to.deep.equal([1, 2]);
    await storage.close();
  });

  it('purges items of a prefix older than a date, and lists keys by prefix', async () => {
    let now = new Date('2026-03-01T10:00:00Z');
    const storage = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true, now: () => now });
    await storage.write({ 'unanswered/1': { q: 'x' }, 'conv/1': { s: 1 } });
    now = new Date('2026-03-20T10:00:00Z');
    await storage.write({ 'unanswered/2': { q: 'y' } });
    expect(await storage.purge('unanswered/', new Date('2026-03-10T00:00:00Z'))).to.equal(1);
    expect((await storage.keys('unanswered/')).sort()).to.deep.equal(['unanswered/2']);
    expect(await storage.keys('conv/')).to.deep.equal(['conv/1']);
    await storage.close();
  });

  it('acknowledges many concurrent writes and has them all on disk', async () => {
    const storage = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    await Promise.all(Array.from({ length: 200 }, (_, i) => storage.write({ [`k/${i}`]: { i } })));
    // On disk as another process reads it while the bot runs: the store file and its journal.
    expect(Object.keys(await LowdbStorage.snapshot(tmp.dir, 'k/'))).to.have.length(200);
    await storage.close();
    // Once stopped, the store file alone holds everything.
    const onDisk = JSON.parse(await fs.readFile(path.join(tmp.dir, 'store.json'), 'utf8'));
    expect(Object.keys(onDisk.items)).to.have.length(200);
  });
});
