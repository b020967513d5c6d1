/**
 * The store's write path after the benchmark's fix (BENCHMARKS.md): a flush re-joins only the
 * changed groups of kept item texts instead of serialising the whole store, and reads are JSON
 * copies. The file must hold exactly the data, through writes, overwrites, deletes, purges and a
 * reopen, and reads must stay independent copies.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { makeTempDir } from '../helpers/tempDir.js';

type Op = { kind: 'write'; key: string; value: Record<string, unknown> } | { kind: 'delete'; key: string } | { kind: 'purge'; prefix: string };

const key = fc.constantFrom('a/1', 'a/2', 'b/1', '10', '2', 'state/conversation/webchat/x', 'é"\\\n');
const json = fc.jsonValue({ maxDepth: 3 }).map((v) => ({ v, list: [v, 1, 'two'], nested: { deep: { value: v } } }));
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('write' as const), key, value: json }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('purge' as const), prefix: fc.constantFrom('a/', 'b/', '') }) },
);

describe('store write path: kept item texts', function () {
  this.timeout(180_000);

  it('writes exactly the data, and reads back what was written, through any sequence of changes and a reopen', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const tmp = makeTempDir('mdu-store-path-');
        let clock = Date.parse('2026-11-24T10:00:00Z');
        const now = () => new Date((clock += 1000));
        try {
          let store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true, now });
          const expected = new Map<string, unknown>();
          for (const [i, o] of ops.entries()) {
            if (o.kind === 'write') {
              await store.write({ [o.key]: { ...o.value, eTag: '*' } });
              expected.set(o.key, JSON.parse(JSON.stringify(o.value)));
            } else if (o.kind === 'delete') {
              await store.delete([o.key]);
              expected.delete(o.key);
            } else {
              await store.purge(o.prefix, new Date(clock + 1));
              for (const k of [...expected.keys()]) if (k.startsWith(o.prefix)) expected.delete(k);
            }
            if (i === Math.floor(ops.length / 2)) {
              // Halfway, a reopen: items read from the file get their texts lazily.
              await store.close();
              store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: false, now });
            }
          }
          await store.flush();
          const text = readFileSync(path.join(tmp.dir, 'store.json'), 'utf8');
          const onDisk = JSON.parse(text) as { format: string; version: number; nextETag: number; items: Record<string, { eTag: string; updatedAt: string; value: unknown }> };
          expect(onDisk).to.include({ format: 'mdu-store', version: 1 });
          // The same data as JSON.stringify would write (item order aside): nothing lost, nothing doubled.
          expect(text.length).to.equal(JSON.stringify(onDisk).length);
          expect(Object.keys(onDisk.items).sort()).to.deep.equal([...expected.keys()].sort());
          const read = await store.read([...expected.keys()]);
          for (const [k, v] of expected) {
            expect(onDisk.items[k]!.value).to.deep.equal(v);
            const { eTag, ...rest } = read[k] as Record<string, unknown>;
            expect(eTag).to.be.a('string');
            expect(rest).to.deep.equal(v);
          }
          await store.close();
        } finally {
          tmp.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('gives independent copies: changing what was read or written does not change the store', async () => {
    const tmp = makeTempDir('mdu-store-copy-');
    const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    try {
      const written = { list: [1, 2], nested: { a: 'x' } };
      await store.write({ k: written });
      written.list.push(3);
      written.nested.a = 'changed';
      const first = (await store.read(['k'])).k as { list: number[]; nested: { a: string } };
      expect(first.list).to.deep.equal([1, 2]);
      first.list.push(99);
      first.nested.a = 'mutated';
      const second = (await store.read(['k'])).k as { list: number[]; nested: { a: string } };
      expect(second).to.deep.include({ list: [1, 2], nested: { a: 'x' } });
    } finally {
      await store.close();
      tmp.cleanup();
    }
  });
});
