/**
 * Start-up refusals, with the real entry point in real child processes (`bot/main.ts`, as
 * `npm start` runs it): a damaged store stops the bot with a clear message and keeps the last good
 * copy; a missing store in production is an error (`npm run store:init` makes the first one);
 * a second process on the same data directory is refused; the coordinator's erasure refuses
 * while the bot runs.
 */
import { expect } from 'chai';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { runTs, stopChild, type Child } from './childProcess.js';

const botEnv = (dataDir: string, extra: Record<string, string> = {}) => ({
  DATA_DIR: dataDir,
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  NODE_ENV: 'development',
  ...extra,
});

describe('durability: start-up refusals (real processes)', function () {
  this.timeout(180_000);
  let tmp: ReturnType<typeof makeTempDir>;
  const children: Child[] = [];
  const start = (file: string, args: string[], env: Record<string, string>) => {
    const child = runTs(file, args, env);
    children.push(child);
    return child;
  };
  beforeEach(() => (tmp = makeTempDir('mdu-start-')));
  afterEach(async () => {
    for (const child of children.splice(0)) await stopChild(child);
    tmp.cleanup();
  });

  it('stops on a truncated store file with a clear message, and keeps the last good copy and the damaged file', async () => {
    const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    await store.write({ 'state/conversation/webchat/a': { v: 1 } });
    // Writes go to the journal; the store file is rewritten (and the last good copy kept) on flush and close.
    await store.flush();
    await store.write({ 'state/conversation/webchat/a': { v: 2 } });
    await store.close();
    const file = path.join(tmp.dir, 'store.json');
    const good = await fs.readFile(file, 'utf8');
    const backup = await fs.readFile(`${file}.bak`, 'utf8');
    await fs.writeFile(file, good.slice(0, Math.floor(good.length / 2)));

    const bot = start('bot/main.ts', [], botEnv(tmp.dir));
    expect(await bot.exited).to.equal(1);
    const log = bot.stderr();
    expect(log).to.match(/startup\.failed/).and.match(/damaged/).and.include('store.json.bak');
    expect(log).to.not.match(/bot\.started/);
    // Nothing was overwritten: the damaged file is there for inspection, the last good copy unchanged.
    expect(await fs.readFile(file, 'utf8')).to.equal(good.slice(0, Math.floor(good.length / 2)));
    expect(await fs.readFile(`${file}.bak`, 'utf8')).to.equal(backup);
    expect(JSON.parse(backup).items['state/conversation/webchat/a'].value.v).to.equal(1);
  });

  it('stops on a store file that is valid JSON but not a store', async () => {
    await fs.writeFile(path.join(tmp.dir, 'store.json'), JSON.stringify({ hello: 'world' }));
    const bot = start('bot/main.ts', [], botEnv(tmp.dir));
    expect(await bot.exited).to.equal(1);
    expect(bot.stderr()).to.match(/damaged/);
  });

  it('in production, refuses a missing store; store:init creates the first one, once; then the bot starts, and a second one is refused', async () => {
    const production = botEnv(tmp.dir, { NODE_ENV: 'production' });
    const first = start('bot/main.ts', [], production);
    expect(await first.exited).to.equal(1);
    expect(first.stderr()).to.match(/missing/).and.include('store:init');
    expect(existsSync(path.join(tmp.dir, 'store.json')), 'no store is created by a refused start').to.equal(false);

    const init = start('store/cli/storeInit.ts', [], production);
    expect(await init.exited).to.equal(0);
    expect(init.stdout()).to.match(/Created an empty store/);
    const again = start('store/cli/storeInit.ts', [], production);
    expect(await again.exited).to.equal(1);
    expect(again.stderr()).to.match(/already exists/);

    const bot = start('bot/main.ts', [], production);
    // A generous ceiling: on a busy machine the bot takes well over the default 20 s to start.
    await bot.waitFor(/"event":"bot\.started"/, 90_000);

    const second = start('bot/main.ts', [], production);
    expect(await second.exited).to.equal(1);
    expect(second.stderr()).to.match(/in use by another process \(pid \d+/);

    const erase = start('bot/cli/eraseConversation.ts', ['some-conversation'], production);
    expect(await erase.exited).to.equal(2);
    expect(erase.stderr()).to.match(/The bot is running/).and.match(/Nothing was erased/);

    // The first bot is unharmed by the refused ones.
    const url = JSON.parse((await bot.waitFor(/"event":"bot\.started"/)).trim()).url as string;
    expect((await fetch(`${url}/healthz`)).status).to.equal(200);
  });

  it('store:init refuses when only the last good copy is left (a lost file, not a first install)', async () => {
    await fs.writeFile(path.join(tmp.dir, 'store.json.bak'), '{}');
    const init = start('store/cli/storeInit.ts', [], botEnv(tmp.dir, { NODE_ENV: 'production' }));
    expect(await init.exited).to.equal(1);
    expect(init.stderr()).to.match(/lost file/);
    expect(existsSync(path.join(tmp.dir, 'store.json'))).to.equal(false);
  });

  it('a second process on the same data directory is refused while the first holds it', async () => {
    const holder = start('tests/durability/fixtures/burstWriter.ts', [tmp.dir, 'hold'], {});
    await holder.waitFor(/^ready$/, 60_000);
    const second = start('tests/durability/fixtures/burstWriter.ts', [tmp.dir, 'hold'], {});
    expect(await second.exited).to.equal(3);
    expect(second.stdout()).to.match(/^refused MDU-005 .*in use by another process \(pid \d+/m);
    // Once the holder is gone (even killed), the lock is stale and the directory can be opened.
    await stopChild(holder);
    const third = start('tests/durability/fixtures/burstWriter.ts', [tmp.dir, 'hold'], {});
    await third.waitFor(/^ready$/, 60_000);
  });
});
