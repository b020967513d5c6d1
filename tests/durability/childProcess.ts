/** Real child processes for the durability and privacy tests: spawn, read lines, wait, kill. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Child {
  process: ChildProcessWithoutNullStreams;
  /** Everything printed so far, stdout and stderr. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout or stderr line matching, or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** Runs a TypeScript file with node and tsx's loader: one process, so a kill reaches the code itself. */
export function runTs(file: string, args: string[] = [], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(REPO, file), ...args], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const scan = () => {
    for (const w of [...waiters]) {
      const line = `${out}\n${err}`.split('\n').find((l) => w.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout.setEncoding('utf8').on('data', (d: string) => ((out += d), scan()));
  child.stderr.setEncoding('utf8').on('data', (d: string) => ((err += d), scan()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}\nstdout:\n${out.slice(-2000)}\nstderr:\n${err.slice(-2000)}`)), timeoutMs);
        const w = {
          pattern,
          resolve: (line: string) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        waiters.push(w);
        void exited.then(() => setTimeout(() => {
          if (waiters.includes(w)) {
            waiters.splice(waiters.indexOf(w), 1);
            clearTimeout(timer);
            reject(new Error(`the process exited before ${pattern}\nstdout:\n${out.slice(-2000)}\nstderr:\n${err.slice(-2000)}`));
          }
        }, 50));
        scan();
      });
    },
  };
}

/** Stops a child if it still runs (SIGKILL), and waits for it. */
export async function stopChild(child: Child | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!child) return;
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill(signal);
  await child.exited;
}
