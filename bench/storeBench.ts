/**
 * The embedded store at size (issue 19), in a process of its own (`node --expose-gc`), so that its
 * heap figures are the store's alone: `bench/run.ts store` starts it once per size and reads the
 * one JSON line it prints.
 *
 * For a store file of N stored conversations (tests/helpers/largeStore.ts): open time, heap held
 * once open and at the peak of opening (per MB of file), a prefix lookup of the console sessions
 * (the desk's duty check) among them, and the two kinds of rewrite with the longest the event
 * loop waited meanwhile: the first after open (every item's text made) and a later one (only the
 * groups that changed).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LowdbStorage } from '../store/LowdbStorage.js';
import { writeLargeStore } from '../tests/helpers/largeStore.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

async function measure(n: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mdu-bench-store-'));
  try {
    const file = writeLargeStore(dir, n);
    const fileMb = statSync(file).size / 1048576;
    gc!();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 2);
    const t0 = performance.now();
    const store = await LowdbStorage.open({ dataDir: dir, createIfMissing: false });
    const openMs = performance.now() - t0;
    clearInterval(sampler);
    gc!();
    const heldMb = (process.memoryUsage().heapUsed - base) / 1048576;

    await store.write({ 'handoff/session/s1': { login: 'a' }, 'handoff/session/s2': { login: 'b' } });
    const l0 = performance.now();
    for (let i = 0; i < 1000; i++) await store.keys('handoff/session/');
    const sessionLookupUs = ((performance.now() - l0) / 1000) * 1000;

    const rewrite = async (change: () => Promise<void>) => {
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      const r0 = performance.now();
      await change();
      const ms = performance.now() - r0;
      loop.disable();
      return { ms, maxBlockMs: loop.max / 1e6 };
    };
    const first = await rewrite(() => store.flush());
    await store.write({ 'state/conversation/webchat/new-1': { conversation: { locale: 'fr' } } });
    const later = await rewrite(() => store.flush());
    await store.close();
    return {
      n,
      fileMb,
      openMs,
      heldMbPerFileMb: heldMb / fileMb,
      openPeakMbPerFileMb: (peak - base) / 1048576 / fileMb,
      sessionLookupUs,
      firstRewriteMs: first.ms,
      firstRewriteMaxLoopBlockMs: first.maxBlockMs,
      laterRewriteMs: later.ms,
      laterRewriteMaxLoopBlockMs: later.maxBlockMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.stdout.write(JSON.stringify(await measure(Number(process.argv[2] ?? 50_000))) + '\n');
