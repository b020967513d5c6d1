/**
 * One behavioural suite every `Storage` implementation must pass (after botbuilder-js's
 * `storageBaseTests`): run against MemoryStorage, the reference, and our lowdb store.
 */
import { expect } from 'chai';
import type { Storage } from 'botbuilder';

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
