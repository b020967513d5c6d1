/**
 * The store's promise: an acknowledged write survives `kill -9`. A real child process writes as
 * fast as it can and prints each acknowledged key; it is killed mid-burst; the store then opens
 * (the dead process's lock is taken over), parses, and holds every acknowledged write.
 */
import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { runTs, stopChild, type Child } from './childProcess.js';

describe('durability: kill -9 in the middle of a burst of writes', function () {
  this.timeout(180_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let child: Child | undefined;
  beforeEach(() => (tmp = makeTempDir('mdu-kill-')));
  afterEach(async () => {
    await stopChild(child);
    tmp.cleanup();
  });

  for (const round of [1, 2, 3, 4, 5]) {
    it(`keeps every acknowledged write and a parsable file (round ${round})`, async () => {
      child = runTs('tests/durability/fixtures/burstWriter.ts', [tmp.dir, 'burst']);
      // Let it get going, then kill it while writes are in flight.
      await child.waitFor(new RegExp(`^ack ${60 * round}$`));
      child.process.kill('SIGKILL');
      expect(await child.exited).to.equal('SIGKILL');
      const acked = child
        .stdout()
        .split('\n')
        .filter((l) => /^ack \d+$/.test(l))
        .map((l) => Number(l.slice(4)));
      expect(acked.length).to.be.greaterThan(60 * round - 1);

      // The file on disk parses as JSON by itself (no half-written file was left in place).
      const raw = JSON.parse(await fs.readFile(path.join(tmp.dir, 'store.json'), 'utf8')) as { items: Record<string, unknown> };
      expect(raw.items).to.be.an('object');

      const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: false });
      try {
        const keys = acked.map((n) => `burst/${n}`);
        const items = await store.read(keys);
        const missing = keys.filter((k) => !(k in items));
        expect(missing, 'acknowledged writes missing after kill -9').to.deep.equal([]);
        const lastAcked = Math.max(...acked);
        expect((items[`burst/${lastAcked}`] as { n: number }).n).to.equal(lastAcked);
        // `last` was written with every burst key: on disk it is the last acknowledged number or a later one.
        const last = (await store.read(['last'])).last as { n: number };
        expect(last.n).to.be.at.least(lastAcked);
      } finally {
        await store.close();
      }
    });
  }
});
