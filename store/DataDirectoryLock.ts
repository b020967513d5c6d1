/**
 * One process a data directory, with a lock the kernel holds for the life of the process.
 *
 * On Linux (every deployment) the lock is a Unix socket bound in the abstract namespace under a
 * name made of the directory's device and inode and a random id kept in the directory
 * (`store.lock.id`, readable by the bot's account only, so no other local user can take the name
 * first). `bind` is atomic: of any number of processes starting at the same instant, one gets the
 * name and the others EADDRINUSE. The kernel releases the name when the process ends, however it
 * ends (`kill -9` included): there is no stale lock to take over, so no take-over to race, and no
 * pid that could since belong to an unrelated process. Node has no `flock`, and the npm packages
 * that offer it are native addons, which `ignore-scripts` (see SECURITY.md) does not build.
 *
 * `store.lock` beside it only tells a person which pid holds the directory; nothing reads it to
 * decide anything on Linux.
 *
 * Elsewhere (developers' macOS), the lock is `store.lock` created exclusively with the owner's pid,
 * taken over when that pid is gone: good enough for one developer, not race-free. Limits: the
 * abstract namespace belongs to a network namespace; two containers with their own networks
 * sharing one volume are not kept apart (nor were they by pids, which differ per container).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ErrorCodes, MduError } from '../bot/errors.js';

const ID = /^[0-9a-f]{32}$/;

export class DataDirectoryLock {
  private released = false;

  private constructor(
    private readonly infoFile: string,
    private readonly server: net.Server | null,
  ) {}

  /** Takes the data directory's lock, or throws `STORE_LOCKED` naming the holder's pid when known. */
  static async acquire(dataDir: string, options: { kernel?: boolean } = {}): Promise<DataDirectoryLock> {
    const infoFile = path.join(dataDir, 'store.lock');
    if (!(options.kernel ?? process.platform === 'linux')) {
      await acquirePidFile(infoFile);
      return new DataDirectoryLock(infoFile, null);
    }
    const { dev, ino } = await fs.stat(dataDir);
    const name = `\0mdu-front-desk-store-${await lockId(dataDir)}-${dev}-${ino}`;
    const server = net.createServer((socket) => socket.destroy());
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ path: name, exclusive: true }, () => {
          server.removeListener('error', reject);
          resolve();
        });
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      const holder = Number.parseInt(await fs.readFile(infoFile, 'utf8').catch(() => ''), 10);
      throw new MduError(
        ErrorCodes.STORE_LOCKED,
        `The data directory is in use by another process (${Number.isInteger(holder) && holder > 0 ? `pid ${holder}, ` : ''}lock ${infoFile}). Two bots must not share one store.`,
      );
    }
    // The lock must not keep the process alive on its own.
    server.unref();
    await fs.writeFile(infoFile, `${process.pid}\n`, { mode: 0o600 });
    return new DataDirectoryLock(infoFile, server);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    // The pid file first: once the name is free, the next holder writes its own.
    await fs.rm(this.infoFile, { force: true });
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

/**
 * The directory's random id, made once. Two first starts at the same instant each write a
 * candidate and link it into place: `link` is atomic, one wins, both read the winner's.
 */
async function lockId(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'store.lock.id');
  const read = async () => (await fs.readFile(file, 'utf8')).trim();
  try {
    const id = await read();
    if (ID.test(id)) return id;
    throw new MduError(ErrorCodes.STORE_CORRUPT, `${file} is damaged (not 32 hexadecimal digits). Stop every bot on this directory, delete the file, and start again.`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const candidate = path.join(dataDir, `.store.lock.id.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.writeFile(candidate, `${randomBytes(16).toString('hex')}\n`, { mode: 0o600, flush: true });
    await fs.link(candidate, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await fs.rm(candidate, { force: true });
  }
  return read();
}

/** The pid-file lock for systems without the abstract socket namespace (see the file's comment). */
async function acquirePidFile(lockFile: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(lockFile, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await fs.readFile(lockFile, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new MduError(ErrorCodes.STORE_LOCKED, `The data directory is in use by another process (pid ${owner}, lock ${lockFile}). Two bots must not share one store.`);
      }
      await fs.rm(lockFile, { force: true });
    }
  }
  throw new MduError(ErrorCodes.STORE_LOCKED, `Could not take the lock ${lockFile}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
