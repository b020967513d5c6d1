/**
 * The embedded store's prefix index (store/KeyIndex.ts): the same answer as filtering every key,
 * for any keys and prefixes, while a lookup goes through the keys of its prefix only.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { KeyIndex } from '../../store/KeyIndex.js';

describe('KeyIndex', () => {
  it('lists the same keys as a filter over every key, for any keys and prefixes', () => {
    const segment = fc.constantFrom('', 'a', 'ab', 'b', '%', '_', 'é');
    const key = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), key), { maxLength: 60 }), fc.array(key.chain((k) => fc.nat(k.length).map((n) => k.slice(0, n))), { minLength: 1, maxLength: 10 }), (operations, prefixes) => {
        const index = new KeyIndex();
        const all = new Set<string>();
        for (const [add, k] of operations) {
          if (add) (index.add(k), all.add(k));
          else (index.delete(k), all.delete(k));
        }
        expect(index.size).to.equal(all.size);
        for (const prefix of [...prefixes, '', '/', 'a/', 'a/b/']) expect(index.keys(prefix).sort()).to.deep.equal([...all].filter((k) => k.startsWith(prefix)).sort());
      }),
      { numRuns: 300 },
    );
  });

  it('reads only the keys of the prefix asked for, however many others there are', () => {
    const index = new KeyIndex();
    for (let i = 0; i < 50_000; i++) index.add(`state/conversation/c${i}`);
    index.add('handoff/session/s1');
    index.add('handoff/session/s2');
    index.add('handoff/conversation/c1');
    const before = index.examined;
    expect(index.keys('handoff/session/').sort()).to.deep.equal(['handoff/session/s1', 'handoff/session/s2']);
    expect(index.examined - before).to.equal(2);
    expect(index.keys('handoff/')).to.have.length(3);
    expect(index.examined - before).to.equal(5);
  });
});
