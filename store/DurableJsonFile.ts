/**
 * A lowdb adapter that writes durably: temporary file, fsync, rename, fsync of the folder.
 * The previous good file is kept as `<file>.bak` (a hard link, so keeping it costs no copy), except
 * after a removal, when the copy is the new file itself (`writeReplacingBackup`).
 */
import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import type { Adapter } from 'lowdb';

export class CorruptFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} cannot be read (${reason})`);
    this.name = 'CorruptFileError';
  }
}

export class DurableJsonFile<T> implements Adapter<T> {
  /**
   * @param serialize how data becomes the file's text: one string, or UTF-8 pieces written in
   *   order (or a promise of them, for text made in slices: what it holds must be taken at the
   *   call); `JSON.stringify` unless given (the store passes one that reuses the encoded text of
   *   unchanged items, see `LowdbStorage`).
   */
  constructor(
    readonly file: string,
    private readonly validate: (raw: unknown) => T,
    private readonly serialize: (data: T) => string | readonly Buffer[] | Promise<readonly Buffer[]> = (data) => JSON.stringify(data),
  ) {}

  get backupFile(): string {
    return `${this.file}.bak`;
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new CorruptFileError(this.file, text.length === 0 ? 'empty file' : 'not valid JSON, perhaps truncated');
    }
    try {
      return this.validate(raw);
    } catch (error) {
      throw new CorruptFileError(this.file, (error as Error).message);
    }
  }

  async write(data: T): Promise<void> {
    await this.writeFile(data, false);
  }

  /**
   * Writes as `write` does, but the last good copy becomes this new version instead of the
   * previous one: after an erasure or a purge the previous version holds what was removed, and no
   * copy of it may stay on disk. The old copy goes first, so a crash in between leaves the store
   * file (the erasure not yet acknowledged) and no copy, never a copy of removed data.
   */
  async writeReplacingBackup(data: T): Promise<void> {
    await this.writeFile(data, true);
  }

  private async writeFile(data: T, replaceBackup: boolean): Promise<void> {
    const dir = path.dirname(this.file);
    const tmp = path.join(dir, `.${path.basename(this.file)}.${process.pid}.tmp`);
    // Called before anything is awaited: the file holds the data as it is now.
    const text = await this.serialize(data);
    try {
      const handle = await fs.open(tmp, 'w', 0o600);
      try {
        if (typeof text === 'string') await handle.writeFile(text);
        else {
          const expected = text.reduce((n, b) => n + b.length, 0);
          const { bytesWritten } = await handle.writev(text as Buffer[]);
          // Never rename a short file over the good one.
          if (bytesWritten !== expected) throw Object.assign(new Error(`short write to ${tmp}: ${bytesWritten} of ${expected} bytes`), { code: 'ENOSPC' });
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (replaceBackup) await fs.rm(this.backupFile, { force: true });
      else await this.keepBackup();
      await fs.rename(tmp, this.file);
    } catch (error) {
      // A full disk leaves no half-written temporary file behind.
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw error;
    }
    // The new file is written: a copy that cannot be made now is made by the next rewrite.
    if (replaceBackup) await fs.link(this.file, this.backupFile).catch(() => undefined);
    await syncDirectory(dir);
  }

  private async keepBackup(): Promise<void> {
    try {
      await fs.access(this.file, fsConstants.F_OK);
    } catch {
      return;
    }
    await fs.rm(this.backupFile, { force: true });
    await fs.link(this.file, this.backupFile);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
