/**
 * Issue 14, item 3: one process a data directory, with a lock the kernel holds. Real processes
 * told to open the same store at the same instant, over and over, each round with a lock file
 * left behind by a dead process (the take-over the old pid-file lock raced on); a lock file naming
 * the pid of an unrelated live process; a holder killed with SIGKILL.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../helpers/tempDir.js';
import { runTs, stopChild, type Child } from './childProcess.js';

const CONTENDERS = 6;
const ROUNDS = 12;

describe('durability: the data directory lock under simultaneous starts (real processes)', function () {
  this.timeout(180_000);
  let tmp: ReturnType<typeof makeTempDir>;
  const children: Child[] = [];
  beforeEach(() => (tmp = makeTempDir('mdu-lock-')));
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.process.stdin.end();
      await stopChild(child);
    }
    tmp.cleanup();
  });

  const contender = async (): Promise<Child> => {
    const child = runTs('tests/durability/fixtures/lockContender.ts', [tmp.dir]);
    children.push(child);
    await child.waitFor(/^loaded$/, 60_000);
    return child;
  };
  /** The pid of a process that has exited: what a crash leaves in a lock file. */
  const deadPid = () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(gone.stdout);
  };
  const answers = (child: Child, round: number) => child.waitFor(new RegExp(`^(opened|refused) ${round}\\b`), 60_000);

  it(`${CONTENDERS} processes opening at the same instant, ${ROUNDS} rounds over a stale lock file: exactly one opens each time`, async () => {
    const all = await Promise.all(Array.from({ length: CONTENDERS }, contender));
    for (let round = 1; round <= ROUNDS; round++) {
      await fs.writeFile(path.join(tmp.dir, 'store.lock'), String(deadPid()));
      for (const child of all) child.process.stdin.write(`open ${round}\n`);
      const results = await Promise.all(all.map((child) => answers(child, round)));
      const opened = results.filter((line) => line.startsWith('opened'));
      expect(opened, `round ${round}: ${results.join(' | ')}`).to.have.length(1);
      expect(results.filter((line) => line.startsWith('refused')).every((line) => line.endsWith('MDU-005')), results.join(' | ')).to.equal(true);
      const holder = all[results.findIndex((line) => line.startsWith('opened'))]!;
      holder.process.stdin.write(`close ${round}\n`);
      await holder.waitFor(new RegExp(`^closed ${round}$`), 60_000);
    }
  });

  it('a lock file naming the pid of an unrelated live process does not block start-up', async () => {
    // This test runner is alive and is not a bot holding the directory.
    await fs.writeFile(path.join(tmp.dir, 'store.lock'), String(process.pid));
    const child = await contender();
    child.process.stdin.write('open 1\n');
    expect(await answers(child, 1)).to.equal('opened 1');
  });

  it('the lock disappears with a holder killed by SIGKILL: the next process opens at once', async () => {
    const [holder, next] = await Promise.all([contender(), contender()]);
    holder!.process.stdin.write('open 1\n');
    expect(await answers(holder!, 1)).to.equal('opened 1');
    next!.process.stdin.write('open 2\n');
    expect(await answers(next!, 2)).to.equal('refused 2 MDU-005');
    await stopChild(holder, 'SIGKILL');
    next!.process.stdin.write('open 3\n');
    expect(await answers(next!, 3)).to.equal('opened 3');
  });
});
