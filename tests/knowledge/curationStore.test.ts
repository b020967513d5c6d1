/** Curators' counters on the real store file: many answers at once, none lost. */
import { expect } from 'chai';
import { CurationStore } from '../../knowledge/CurationStore.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { makeTempDir } from '../helpers/tempDir.js';

describe('CurationStore counters', () => {
  it('counts every answer and every feedback when hundreds arrive at once, and keeps them across a restart', async () => {
    const tmp = makeTempDir('mdu-curation-');
    let store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    try {
      const curation = new CurationStore(store, () => new Date());
      const turns: Promise<void>[] = [];
      for (let i = 0; i < 300; i++) {
        turns.push(curation.countAsked(i % 3 === 0 ? 'mdu.what' : 'rights.record'));
        if (i % 10 === 0) turns.push(curation.countFeedback('mdu.what', i % 20 === 0));
      }
      await Promise.all(turns);
      expect(await curation.counters()).to.deep.equal({
        'mdu.what': { asked: 100, helpful: 15, notHelpful: 15 },
        'rights.record': { asked: 200, helpful: 0, notHelpful: 0 },
      });
      await store.close();
      store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: false });
      expect((await new CurationStore(store, () => new Date()).counters())['rights.record']).to.deep.equal({ asked: 200, helpful: 0, notHelpful: 0 });
    } finally {
      await store.close();
      tmp.cleanup();
    }
  });

  it('adds to counters another process wrote meanwhile (eTag conflict), losing neither', async () => {
    const tmp = makeTempDir('mdu-curation-');
    const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    try {
      const mine = new CurationStore(store, () => new Date());
      const other = new CurationStore(store, () => new Date());
      await mine.countAsked('peer.support'); // the document exists: writers meet on its eTag
      await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? mine : other).countAsked('peer.support')));
      expect((await mine.counters())['peer.support']!.asked).to.equal(51);
    } finally {
      await store.close();
      tmp.cleanup();
    }
  });
});
