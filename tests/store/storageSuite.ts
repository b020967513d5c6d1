/**
 * One behavioural suite every `Storage` implementation must pass (after botbuilder-js's
 * `storageBaseTests`): run against MemoryStorage, the reference, and our two stores (lowdb and
 * PostgreSQL, see `documentStoreSuite` below, which runs this one too).
 */
import { expect } from 'chai';
import type { Storage } from 'botbuilder';
import type { DocumentStore } from '../../store/LowdbStorage.js';

export function storageSuite(name: string, open: () => Promise<{ storage: Storage; close: () => Promise<void> }>): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ storage, close } = await open());
    });
    afterEach(async () => close());

    it('returns nothing for keys never written', async () => {
      expect(await storage.read(['nope'])).to.deep.equal({});
    });

    it('reads back what was written, with an eTag', async () => {
      await storage.write({ a: { count: 1, nested: { list: [1, 2] } } });
      const { a } = await storage.read(['a']);
      expect(a).to.include({ count: 1 });
      expect(a.nested).to.deep.equal({ list: [1, 2] });
      expect(a.eTag).to.be.a('string').and.not.equal('*');
    });

    it('changes the eTag on every write', async () => {
      await storage.write({ a: { v: 1 } });
      const first = (await storage.read(['a'])).a.eTag;
      await storage.write({ a: { v: 2, eTag: first } });
      const second = (await storage.read(['a'])).a.eTag;
      expect(second).to.not.equal(first);
    });

    it('overwrites when the eTag is missing or "*"', async () => {
      await storage.write({ a: { v: 1 } });
      await storage.write({ a: { v: 2 } });
      await storage.write({ a: { v: 3, eTag: '*' } });
      expect((await storage.read(['a'])).a.v).to.equal(3);
    });

    it('refuses a stale eTag and keeps the newer value', async () => {
      await storage.write({ a: { v: 1 } });
      const stale = (await storage.read(['a'])).a.eTag;
      await storage.write({ a: { v: 2, eTag: stale } });
      let refused = false;
      try {
        await storage.write({ a: { v: 3, eTag: stale } });
      } catch (error) {
        refused = true;
        expect((error as Error).message).to.match(/eTag conflict/);
      }
      expect(refused, 'a stale eTag must be refused').to.equal(true);
      expect((await storage.read(['a'])).a.v).to.equal(2);
    });

    it('does not let a caller change stored data by mutating what it read', async () => {
      await storage.write({ a: { list: [1] } });
      const read = await storage.read(['a']);
      read.a.list.push(2);
      expect((await storage.read(['a'])).a.list).to.deep.equal([1]);
    });

    it('deletes keys, and deleting a missing key is harmless', async () => {
      await storage.write({ a: { v: 1 }, b: { v: 2 } });
      await storage.delete(['a', 'missing']);
      const items = await storage.read(['a', 'b']);
      expect(items).to.not.have.property('a');
      expect(items.b.v).to.equal(2);
    });

    it('reads several keys at once', async () => {
      await storage.write({ a: { v: 1 }, b: { v: 2 } });
      const items = await storage.read(['a', 'b', 'c']);
      expect(Object.keys(items).sort()).to.deep.equal(['a', 'b']);
    });
  });
}

/** A store as the bot's stores are: compare-and-set included. */
export type ConformingStore = DocumentStore & { compareAndSet: NonNullable<DocumentStore['compareAndSet']> };

/** A store under test, with what the suite needs to drive it. */
export interface OpenedDocumentStore {
  store: ConformingStore;
  /** The clock of `updatedAt` the store was opened with, which the suite moves. */
  clock: { now: Date };
  /**
   * Another handle on the same data, as a second bot instance has it (the PostgreSQL store);
   * the store itself where only one process may open it (the embedded store).
   */
  second: ConformingStore;
  close: () => Promise<void>;
}

/**
 * What the rest of the bot needs beyond botbuilder's `Storage` (`DocumentStore`): prefix keys,
 * retention purges, erasure, the compare-and-set of claims, and all of it under concurrency.
 * Run against every store the bot can be configured with: the embedded store and PostgreSQL.
 */
export function documentStoreSuite(name: string, open: () => Promise<OpenedDocumentStore>): void {
  storageSuite(name, async () => {
    const opened = await open();
    return { storage: opened.store, close: opened.close };
  });

  describe(`DocumentStore contract: ${name}`, function () {
    this.timeout(60_000);
    let s: OpenedDocumentStore;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => s.close());

    it('lists keys by prefix, taking LIKE characters and the empty prefix literally', async () => {
      await s.store.write({ 'conv/1': { v: 1 }, 'conv/2': { v: 2 }, 'convX': { v: 3 }, 'a%b/1': { v: 4 }, 'a_b/1': { v: 5 }, 'axb/1': { v: 6 } });
      expect((await s.store.keys('conv/')).sort()).to.deep.equal(['conv/1', 'conv/2']);
      expect(await s.store.keys('a%b/')).to.deep.equal(['a%b/1']);
      expect(await s.store.keys('a_b/')).to.deep.equal(['a_b/1']);
      expect(await s.store.keys('nothing/')).to.deep.equal([]);
      expect(await s.store.keys('')).to.have.length(6);
    });

    it('purges the items of a prefix last written before a date, and only those', async () => {
      s.clock.now = new Date('2026-03-01T10:00:00Z');
      await s.store.write({ 'unanswered/1': { q: 'x' }, 'conv/1': { s: 1 } });
      s.clock.now = new Date('2026-03-20T10:00:00Z');
      await s.store.write({ 'unanswered/2': { q: 'y' } });
      expect(await s.store.purge('unanswered/', new Date('2026-03-10T00:00:00Z'))).to.equal(1);
      expect(await s.store.keys('unanswered/')).to.deep.equal(['unanswered/2']);
      expect(await s.store.keys('conv/')).to.deep.equal(['conv/1']);
      // A write moves an item's date: it is no longer old.
      s.clock.now = new Date('2026-04-20T10:00:00Z');
      await s.store.write({ 'conv/1': { s: 2 } });
      expect(await s.store.purge('conv/', new Date('2026-04-01T00:00:00Z'))).to.equal(0);
    });

    it('leaves nothing of an erased conversation, for every handle', async () => {
      await s.store.write({ 'state/c-1': { text: 'secret-canary' }, 'handoff/transcript/c-1': { entries: ['secret-canary'] }, 'state/c-2': { text: 'other' } });
      await s.store.delete(['state/c-1', 'handoff/transcript/c-1']);
      for (const handle of [s.store, s.second]) {
        const everything = await handle.read(await handle.keys(''));
        expect(JSON.stringify(everything)).to.not.include('secret-canary');
        expect(Object.keys(everything)).to.deep.equal(['state/c-2']);
      }
    });

    it('changes nothing when one document of a batch has a stale eTag', async () => {
      await s.store.write({ a: { v: 1 }, b: { v: 1 } });
      const stale = (await s.store.read(['b'])).b.eTag;
      await s.store.write({ b: { v: 2 } });
      let refused = false;
      await s.store.write({ a: { v: 9 }, b: { v: 9, eTag: stale } }).catch(() => (refused = true));
      expect(refused).to.equal(true);
      const items = await s.second.read(['a', 'b']);
      expect([items.a.v, items.b.v]).to.deep.equal([1, 2]);
    });

    it('accepts a write with an eTag to a key that does not exist (as MemoryStorage does)', async () => {
      await s.store.write({ fresh: { v: 1, eTag: '12345' } });
      expect((await s.store.read(['fresh'])).fresh.v).to.equal(1);
    });

    it('compare-and-set: writes only over the expected version, or only where nothing is', async () => {
      expect(await s.store.compareAndSet('claim/1', null, { by: 'a' })).to.be.a('string');
      expect(await s.store.compareAndSet('claim/1', null, { by: 'b' }), 'the key exists now').to.equal(null);
      const current = (await s.store.read(['claim/1']))['claim/1'];
      expect(current.by).to.equal('a');
      const next = await s.store.compareAndSet('claim/1', current.eTag, { by: 'c' }, { 'claim/log': { last: 'c' } });
      expect(next).to.be.a('string').and.not.equal(current.eTag);
      expect(await s.store.compareAndSet('claim/1', current.eTag, { by: 'd' }, { 'claim/log': { last: 'd' } }), 'a stale version').to.equal(null);
      const after = await s.second.read(['claim/1', 'claim/log']);
      expect([after['claim/1'].by, after['claim/1'].eTag, after['claim/log'].last]).to.deep.equal(['c', next, 'c']);
    });

    it('of 20 simultaneous compare-and-sets over one version, across handles, exactly one wins', async () => {
      await s.store.write({ 'handoff/x': { state: 'queued' } });
      const version = (await s.store.read(['handoff/x']))['handoff/x'].eTag as string;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? s.second : s.store).compareAndSet('handoff/x', version, { state: 'live', by: `v${i}` })),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners).to.have.length(1);
      const stored = (await s.store.read(['handoff/x']))['handoff/x'];
      expect(stored.eTag).to.equal(winners[0]);
      expect(stored.by).to.equal(`v${results.findIndex((r) => r !== null)}`);
    });

    it('of 20 simultaneous eTag writes over one version, across handles, exactly one is accepted', async () => {
      await s.store.write({ counter: { n: 0 } });
      const version = (await s.store.read(['counter'])).counter.eTag as string;
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? s.second : s.store).write({ counter: { n: i + 1, eTag: version } }).then(() => true, () => false)),
      );
      expect(outcomes.filter(Boolean)).to.have.length(1);
      expect((await s.store.read(['counter'])).counter.n).to.equal(outcomes.indexOf(true) + 1);
    });

    it('loses no increment when 40 writers retry on eTag conflicts across handles', async () => {
      await s.store.write({ counter: { n: 0 } });
      const increment = async (handle: DocumentStore) => {
        for (;;) {
          const current = (await handle.read(['counter'])).counter;
          try {
            await handle.write({ counter: { n: (current.n as number) + 1, eTag: current.eTag } });
            return;
          } catch (error) {
            expect((error as Error).message).to.match(/eTag conflict/);
          }
        }
      };
      await Promise.all(Array.from({ length: 40 }, (_, i) => increment(i % 2 ? s.second : s.store)));
      expect((await s.second.read(['counter'])).counter.n).to.equal(40);
    });

    it('acknowledges 200 concurrent writes, all readable from the other handle', async () => {
      await Promise.all(Array.from({ length: 200 }, (_, i) => s.store.write({ [`k/${i}`]: { i } })));
      expect(await s.second.keys('k/')).to.have.length(200);
      const items = await s.second.read(Array.from({ length: 200 }, (_, i) => `k/${i}`));
      expect(Object.values(items).map((item) => item.i as number).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 200 }, (_, i) => i));
    });

    it('keeps text as written (accents, quotes, emoji, NUL, a lone surrogate, long text)', async () => {
      const text = `Élodie a dit « d'accord » 🙂 "quoted" \\ back\n a NUL \u0000, a lone surrogate \ud800 ${'x'.repeat(20_000)}`;
      await s.store.write({ t: { text } });
      expect((await s.second.read(['t'])).t.text).to.equal(text);
    });
  });
}
