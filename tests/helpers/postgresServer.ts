/**
 * A real PostgreSQL server for the tests (never a mock): Debian's `postgresql` package, an
 * `initdb` in a temporary folder, listening only on a unix socket in that folder (no port to
 * collide with), run as the `postgres` user when the tests run as root (the server refuses root).
 *
 * One server for the whole mocha run, started on first use and stopped at exit; each caller gets
 * a fresh database (`freshDatabase`). When the binaries are absent, `postgresBinaries()` is
 * undefined and the callers skip with a message saying how to install them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const POSTGRES_MISSING = 'PostgreSQL binaries not found (initdb, pg_ctl): install Debian\'s postgresql package (apt-get install postgresql), as .ci/run does';

/** The folder of initdb and pg_ctl, or undefined. */
export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')) && existsSync(path.join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && path.join(root, versions[0], 'bin');
}

export interface PostgresServer {
  /** The folder of its socket. */
  socketDir: string;
  /** A URL of database `name` on this server. */
  url(name: string): string;
  /** Stops the server and removes its folder. */
  stop(): void;
  /** Stops the server, keeping its data (`resume` starts it again): an outage, for the tests of one. */
  pause(): void;
  resume(): void;
}

let running: PostgresServer | undefined;

/** The run's server, started on first call. */
export function postgresServer(): PostgresServer {
  if (running) return running;
  const server = startPostgresServer();
  const stop = server.stop;
  server.stop = () => {
    try {
      stop();
    } finally {
      running = undefined;
    }
  };
  running = server;
  process.once('exit', () => running?.stop());
  return server;
}

/**
 * A server of the caller's own, apart from the run's (which the other tests share): for a test
 * that stops it (`pause`) and starts it again. The caller stops it; so does the process's exit.
 */
export function startPostgresServer(): PostgresServer {
  const bin = postgresBinaries();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mdu-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args]] : [path.join(bin, command), args];
    const result = spawnSync(file, argv, { encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout}`);
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  // Durability is PostgreSQL's business, not these tests': fsync off keeps a shared 2-core machine usable.
  const options = `-k ${dir} -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', '-t', '120', 'start']);
  start();
  let up = true;
  let removed = false;
  const server: PostgresServer = {
    socketDir: dir,
    url: (name) => `postgresql://postgres@localhost/${name}?host=${encodeURIComponent(dir)}`,
    stop() {
      if (removed) return;
      removed = true;
      try {
        if (up) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '60', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    pause() {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '60', 'stop']);
      up = false;
    },
    resume() {
      start();
      up = true;
    },
  };
  process.once('exit', () => server.stop());
  return server;
}

let databases = 0;

/** A new, empty database on the run's server: its URL and the way to drop it. */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = postgresServer();
  const name = `mdu_test_${process.pid}_${++databases}`;
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: server.url(name),
    drop: async () => {
      const client = new pg.Client({ connectionString: server.url('postgres') });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
