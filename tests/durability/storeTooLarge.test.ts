/**
 * A store too large for the heap (issue 19): the real entry point, in a real process with the
 * deployment's heap flag, on a generated data file past the limit, refuses at start-up with a
 * message naming the file, its size, the heap limit and the way out (PostgreSQL), and exits once
 * with the code the systemd unit does not restart on; it does not abort out of memory. The same
 * file opens with the larger heap the message names.
 */
import { expect } from 'chai';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ExitCodes } from '../../bot/errors.js';
import { maxStoreBytes } from '../../store/StoreHeapBudget.js';
import { writeLargeStore } from '../helpers/largeStore.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { REPO, runTs, stopChild, type Child } from './childProcess.js';

const DEPLOYED_HEAP = /--max-old-space-size=(\d+)/.exec(readFileSync(path.join(REPO, 'deployment/systemd/mdu-front-desk.service'), 'utf8'))![1]!;

describe('durability: a store too large for the heap (real process)', function () {
  this.timeout(240_000);
  let tmp: ReturnType<typeof makeTempDir>;
  const children: Child[] = [];
  before(() => {
    tmp = makeTempDir('mdu-too-large-');
    // 120,000 stored conversations: ~43 MB, past what the deployed heap takes (it aborted out of memory at 110,000).
    writeLargeStore(tmp.dir, 120_000);
  });
  afterEach(async () => {
    for (const child of children.splice(0)) await stopChild(child);
  });
  after(() => tmp.cleanup());

  const startBot = (heapMb: string) => {
    const child = runTs('bot/main.ts', [], {
      DATA_DIR: tmp.dir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      NODE_OPTIONS: `--max-old-space-size=${heapMb} --max-semi-space-size=8`,
    });
    children.push(child);
    return child;
  };

  it('refuses at start-up, once, with the file, its size, the heap limit and what to do, and the code systemd does not restart on', async () => {
    const size = statSync(path.join(tmp.dir, 'store.json')).size;
    const startedAt = Date.now();
    const bot = startBot(DEPLOYED_HEAP);
    expect(await bot.exited).to.equal(ExitCodes.STORE_TOO_LARGE);
    const log = bot.stderr();
    expect(log).to.match(/startup\.failed/).and.include('MDU-015');
    expect(log).to.include(path.join(tmp.dir, 'store.json'));
    expect(log).to.include(`${(size / 1048576).toFixed(1)} MB`);
    expect(log).to.match(/heap limit is \d+\.\d MB/);
    expect(log).to.include('DATABASE_URL').and.include('npm run store:copy-to-postgres').and.match(/--max-old-space-size=\d+/);
    expect(log).to.not.match(/JavaScript heap out of memory|Allocation failed|bot\.started/);
    // Refused from the file's size, before reading it: quick even on a slow machine.
    expect(Date.now() - startedAt).to.be.lessThan(60_000);
    // The unit does not restart on that code: one refusal, not a loop.
    const unit = readFileSync(path.join(REPO, 'deployment/systemd/mdu-front-desk.service'), 'utf8');
    expect(unit).to.match(new RegExp(`^RestartPreventExitStatus=.*\\b${ExitCodes.STORE_TOO_LARGE}\\b`, 'm'));
  });

  it('opens the same store with the larger heap the message names', async () => {
    const first = startBot(DEPLOYED_HEAP);
    await first.exited;
    const asked = /--max-old-space-size=(\d+) or more/.exec(first.stderr())![1]!;
    const bot = startBot(asked);
    await bot.waitFor(/bot\.started/, 180_000);
  });

  it('warns while the store is past two thirds of what the heap takes, before it comes to a refusal', async () => {
    const near = makeTempDir('mdu-near-limit-');
    try {
      // 56,000 conversations: ~19.9 MB, past two thirds of the deployed heap's 28.6 MB.
      writeLargeStore(near.dir, 56_000);
      const child = runTs('bot/main.ts', [], { DATA_DIR: near.dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'production', NODE_OPTIONS: `--max-old-space-size=${DEPLOYED_HEAP} --max-semi-space-size=8` });
      children.push(child);
      const line = await child.waitFor(/store\.near_heap_limit/, 180_000);
      const fields = JSON.parse(line) as { storeMb: number; maxStoreMb: number; heapLimitMb: number };
      expect(fields.storeMb).to.be.within(19, 21);
      expect(fields.maxStoreMb).to.be.within(28, 29);
      expect(fields.heapLimitMb).to.equal(216);
      await child.waitFor(/bot\.started/, 60_000);
    } finally {
      for (const child of children.splice(0)) await stopChild(child);
      near.cleanup();
    }
  });

  it('the deployed heap takes stores up to about 29 MB (measured: 28.6 MB ran, 39.4 MB aborted)', () => {
    const limit = (Number(DEPLOYED_HEAP) + 24) * 1048576;
    expect(maxStoreBytes(limit) / 1048576).to.be.within(28.6, 39.4);
  });
});
