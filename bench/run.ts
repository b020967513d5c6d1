/**
 * `npm run bench`: every benchmark of BENCHMARKS.md, on loopback only, one summary line a figure
 * on standard output (`name=value unit`), progress on standard error. Two runs compare line by
 * line. Not a test: nothing here is timed against a limit.
 *
 *   npm run bench                      everything (about 3 minutes on 2 cores)
 *   npm run bench -- turns startup     only some parts: search, startup, turns, breakdown, memory, handoff, webchat
 *   BENCH_DURATION=30 npm run bench    longer throughput runs (seconds, default 15)
 *   BENCH_TURN_PAIRS=7 BENCH_PAIR_DURATION=10 npm run bench -- turns   the turn ratio as the median of 7 echo / full-bot
 *                                      pairs of 10 s runs (default 5 pairs of 8 s; runs alternated, see interleavedTurns)
 *   BENCH_PROFILE=1 npm run bench -- turns   also writes a CPU profile of the full bot (in $TMPDIR/mdu-bench-profiles)
 *   BENCH_HANDOFF_VISITORS=10 npm run bench -- handoff   the live handoff with 10 conversations at once (default 50)
 *   BENCH_NODE_OPTIONS="--max-semi-space-size=4" npm run bench -- turns memory   other V8 flags in place of the deployment's (turns.full_deployed, memory.deployed)
 *   BENCH_STORED_CONVERSATIONS=10000 npm run bench -- turns   start-up with that many stored conversations (default 50,000), lowdb and PostgreSQL
 *   npm run bench -- store             the embedded store at 50,000 and 200,000 conversations: heap per MB, prefix lookup, rewrites and the event loop
 *   npm run bench -- limits            the bot started on large stores with the deployed heap and 512 MB: runs, or refused (exit 78)
 *
 * `turns` runs the echo bot and the full bot alternately, several times, and gives the median of
 * the pairs' ratios with the lowest and highest, and for each run the share of the machine that
 * other processes took meanwhile: on a shared 2-core machine one run alone says little.
 * It also runs the bot on the PostgreSQL store (`turns.full_postgres`, against a server the
 * bench starts like the tests do: tests/helpers/postgresServer.ts; skipped without Debian's
 * postgresql package), with the server's CPU a turn beside the bot's.
 *
 * The bot runs as `npm start` runs it (`node dist/bot/main.js`, built first), in production mode
 * on a fresh store; the echo bot (bench/echoBot.ts) on the same CloudAdapter and restify.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type AutocannonRequest, type Result } from 'autocannon';
import { systemClock } from '../bot/clock.js';
import { VolunteerAccounts } from '../handoff/VolunteerAccounts.js';
import { loadKnowledge } from '../knowledge/loadKnowledge.js';
import { SafetyScreen } from '../safety/SafetyScreen.js';
import pg from 'pg';
import { LowdbStorage } from '../store/LowdbStorage.js';
import { copyToPostgres } from '../store/cli/copyToPostgres.js';
import { writeLargeStore } from '../tests/helpers/largeStore.js';
import { freshDatabase, postgresBinaries, postgresServer, POSTGRES_MISSING } from '../tests/helpers/postgresServer.js';
import { makeTempDir } from '../tests/helpers/tempDir.js';
import { BENCH_MESSAGES } from './messages.js';
import { benchWebchat } from './webchatBench.js';
import { DirectLineConversations } from '../directline/DirectLineConversations.js';
import { DirectLineTokens } from '../directline/DirectLineTokens.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONNECTIONS = 20;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 15);
const WARMUP_S = 3;
const TURNS_PER_CONVERSATION = 4;
/** Where BENCH_PROFILE=1 writes the bot's CPU profiles (open them in Chrome's DevTools, Performance). */
const PROFILE_DIR = path.join(tmpdir(), 'mdu-bench-profiles');
/** A Tuesday 15:00 in Paris: the example schedule has a permanence open (handoff scenario). */
const IN_PERMANENCE = '2026-11-24T15:00:00+01:00';

/** One figure a line, with the machine's load average (1 min) when it was taken: a busy machine's figures are not comparable. */
const figure = (name: string, value: number, unit: string, digits = 1) => console.log(`${name}=${value.toFixed(digits)} ${unit} [load ${loadavg()[0]!.toFixed(2)}]`);
const note = (text: string) => process.stderr.write(`# ${text}\n`);

// ---- processes ---------------------------------------------------------------------------------

interface Running {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Starts a server process and resolves once it logged its URL (`"url":"http://..."` on stderr). */
function startServer(args: string[], env: Record<string, string>, startedEvent: string): Promise<Running> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    // Generous: the development machines are shared, and a busy one starts slowly.
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start:\n${stderr}`)), 120_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (stderr.length > 1_000_000) stderr = stderr.slice(-100_000);
      const m = new RegExp(`"event":"${startedEvent.replace('.', '\\.')}"[^\\n]*?"url":"([^"]+)"`).exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve({
          child,
          url: m[1]!,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code}):\n${stderr}`));
    });
  });
}

async function freshStore(): Promise<{ dir: string; cleanup: () => void }> {
  const tmp = makeTempDir('mdu-bench-');
  const store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
  await store.close();
  return tmp;
}

const botEnv = (dataDir: string, extra: Record<string, string> = {}): Record<string, string> => ({
  NODE_ENV: 'production',
  PORT: '0',
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  LOG_LEVEL: 'info',
  ...extra,
});

const startBot = (dataDir: string, extra: Record<string, string> = {}, nodeArgs: string[] = []) =>
  startServer([...nodeArgs, 'dist/bot/main.js'], botEnv(dataDir, extra), 'bot.started');

/** CPU time the process has used (user + system), in ms: a figure the machine's other load barely moves. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  // After the command name: state is field 3, utime 14 and stime 15 (1-based), in clock ticks (100 a second on Linux).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  return kb / 1024;
}

// ---- load --------------------------------------------------------------------------------------

let conversationCounter = 0;

/**
 * One autocannon run. Each connection is a visitor holding a conversation of
 * TURNS_PER_CONVERSATION messages in a row, then starting a new one (a distinct conversation id).
 */
function turnLoad(url: string, prefix: string, options: { duration?: number; amount?: number }): Promise<Result> {
  const requests: AutocannonRequest[] = Array.from({ length: TURNS_PER_CONVERSATION }, (_, turn) => ({
    method: 'POST',
    path: '/api/messages',
    headers: { 'content-type': 'application/json' },
    setupRequest: (request, context) => {
      if (turn === 0) context.conversation = `${prefix}-${++conversationCounter}`;
      const conversation = String(context.conversation);
      const n = Number(conversation.slice(conversation.lastIndexOf('-') + 1));
      const message = BENCH_MESSAGES[(n * 7 + turn * 3) % BENCH_MESSAGES.length]!;
      return {
        ...request,
        body: JSON.stringify({
          type: 'message',
          id: `${conversation}-${turn}`,
          text: message.text,
          locale: message.locale,
          channelId: 'webchat',
          deliveryMode: 'expectReplies',
          serviceUrl: url,
          conversation: { id: conversation },
          from: { id: `visitor-${conversation}`, role: 'user' },
          recipient: { id: 'mdu-bot', role: 'bot' },
        }),
      };
    },
  }));
  return autocannon({ url, connections: CONNECTIONS, timeout: 30, requests, ...options });
}

interface TurnFigures {
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  cpuMsPerTurn: number;
  /** Share of the machine's CPU (all cores) used meanwhile by processes other than the bench and the server measured, %. */
  othersCpuPct: number;
}

/** Busy and total CPU time of the whole machine so far (every core), in clock ticks (`/proc/stat`). */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are the only time nobody ran.
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3]! - fields[4]!, total };
}

/** CPU time of this process (the load generator), in ms. */
const benchCpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function measureTurns(name: string, server: Running, options: { duration?: number; otherCpuMs?: () => number } = {}): Promise<TurnFigures> {
  const duration = options.duration ?? DURATION_S;
  note(`${name}: warm-up ${WARMUP_S} s`);
  await turnLoad(server.url, `${name}-warm`, { duration: WARMUP_S });
  note(`${name}: ${duration} s at ${CONNECTIONS} connections`);
  const cpuBefore = cpuMs(server.child.pid!);
  const otherBefore = options.otherCpuMs?.() ?? 0;
  const benchBefore = benchCpuMs();
  const machineBefore = machineTicks();
  const r = await turnLoad(server.url, name, { duration });
  const serverCpu = cpuMs(server.child.pid!) - cpuBefore;
  const machineAfter = machineTicks();
  // What the neighbours took while this ran: the machine's busy time less the server's and the load generator's.
  const busyMs = ((machineAfter.busy - machineBefore.busy) * 1000) / 100;
  const totalMs = ((machineAfter.total - machineBefore.total) * 1000) / 100;
  const othersCpuPct = Math.max(0, (100 * (busyMs - serverCpu - (benchCpuMs() - benchBefore) - (options.otherCpuMs ? options.otherCpuMs() - otherBefore : 0))) / totalMs);
  const cpuPerTurn = serverCpu / r.requests.total;
  if (options.otherCpuMs) figure(`turns.${name}.server_cpu_ms_per_turn`, (options.otherCpuMs() - otherBefore) / r.requests.total, 'ms CPU of the PostgreSQL server per turn', 3);
  const failures = r.errors + r.timeouts + r.non2xx;
  figure(`turns.${name}.rps`, r.requests.average, 'req/s');
  figure(`turns.${name}.p50_ms`, r.latency.p50, 'ms');
  figure(`turns.${name}.p99_ms`, r.latency.p99, 'ms');
  figure(`turns.${name}.failures`, failures, 'requests', 0);
  figure(`turns.${name}.cpu_ms_per_turn`, cpuPerTurn, 'ms CPU (user+system) per turn', 3);
  figure(`turns.${name}.others_cpu_pct`, othersCpuPct, '% of the machine used by other processes meanwhile');
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, failures, cpuMsPerTurn: cpuPerTurn, othersCpuPct };
}

/** BENCH_TURN_PAIRS: how many echo and full-bot runs, alternated, the turn ratios are the median of. */
const TURN_PAIRS = Number(process.env.BENCH_TURN_PAIRS ?? 5);
/** BENCH_PAIR_DURATION: seconds each run of a pair is measured (after its warm-up). */
const PAIR_DURATION_S = Number(process.env.BENCH_PAIR_DURATION ?? 8);

/**
 * A pair whose two runs saw the other processes take shares of the machine this far apart (in
 * points) compared a loaded run with a quiet one: its ratio says more of the neighbours than of the bot.
 */
const BALANCED_PAIR_POINTS = 15;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median run of several, figure by figure (each figure's own median: not one run's). */
function medianFigures(runs: readonly TurnFigures[]): TurnFigures {
  const of = (pick: (f: TurnFigures) => number): number => median(runs.map(pick));
  return { rps: of((f) => f.rps), p50: of((f) => f.p50), p99: of((f) => f.p99), failures: runs.reduce((n, f) => n + f.failures, 0), cpuMsPerTurn: of((f) => f.cpuMsPerTurn), othersCpuPct: of((f) => f.othersCpuPct) };
}

/**
 * Issue 15's turn budget, measured so that the machine's other tenants weigh on both sides: the
 * echo bot and the full bot run one after the other, TURN_PAIRS times, the first of each pair
 * alternating (echo first, then the full bot first, ...) so that a load that grows or fades
 * during the run favours neither. Each pair gives a ratio; the figures are their median, with the
 * lowest and highest, which say how far one run alone could be trusted. The full bot starts afresh
 * on a fresh store for each pair (as a single run would find it); the echo bot keeps running.
 */
async function interleavedTurns(): Promise<{ echo: TurnFigures; full: TurnFigures }> {
  const echoServer = await startServer(['--import', 'tsx', 'bench/echoBot.ts'], { PORT: '0', HOST: '127.0.0.1' }, 'echo.started');
  const echoRuns: TurnFigures[] = [];
  const fullRuns: TurnFigures[] = [];
  const ratios: number[] = [];
  const p99Ratios: number[] = [];
  const cpuRatios: number[] = [];
  let pairsMet = 0;
  /** The throughput ratios of the pairs whose two runs met about the same load from the neighbours. */
  const balanced: number[] = [];
  try {
    for (let pair = 1; pair <= TURN_PAIRS; pair++) {
      const [uptime1, uptime5, uptime15] = loadavg();
      note(`pair ${pair} of ${TURN_PAIRS}: load average ${uptime1!.toFixed(2)}, ${uptime5!.toFixed(2)}, ${uptime15!.toFixed(2)}`);
      const data = await freshStore();
      const bot = await startBot(data.dir);
      try {
        const runEcho = async () => echoRuns.push(await measureTurns(`pair${pair}.echo`, echoServer, { duration: PAIR_DURATION_S }));
        const runFull = async () => {
          fullRuns.push(await measureTurns(`pair${pair}.full`, bot, { duration: PAIR_DURATION_S }));
          figure(`turns.pair${pair}.full.store_kb`, statSync(path.join(data.dir, 'store.json')).size / 1024, 'KiB', 0);
        };
        if (pair % 2 === 1) {
          await runEcho();
          await runFull();
        } else {
          await runFull();
          await runEcho();
        }
      } finally {
        await bot.stop();
        data.cleanup();
      }
      const echo = echoRuns.at(-1)!;
      const full = fullRuns.at(-1)!;
      ratios.push((100 * full.rps) / echo.rps);
      p99Ratios.push(full.p99 / echo.p99);
      cpuRatios.push(full.cpuMsPerTurn / echo.cpuMsPerTurn);
      if (ratios.at(-1)! >= 60 && p99Ratios.at(-1)! <= 2) pairsMet++;
      if (Math.abs(full.othersCpuPct - echo.othersCpuPct) <= BALANCED_PAIR_POINTS) balanced.push(ratios.at(-1)!);
      figure(`turns.pair${pair}.ratio.throughput`, ratios.at(-1)!, '% of echo');
      figure(`turns.pair${pair}.ratio.p99`, p99Ratios.at(-1)!, 'x echo', 2);
    }
  } finally {
    await echoServer.stop();
  }
  const echo = medianFigures(echoRuns);
  const full = medianFigures(fullRuns);
  for (const [name, f] of [['echo', echo], ['full', full]] as const) {
    figure(`turns.${name}.rps`, f.rps, `req/s (median of ${TURN_PAIRS} runs)`);
    figure(`turns.${name}.p50_ms`, f.p50, 'ms (median)');
    figure(`turns.${name}.p99_ms`, f.p99, 'ms (median)');
    figure(`turns.${name}.failures`, f.failures, 'requests (all runs)', 0);
    figure(`turns.${name}.cpu_ms_per_turn`, f.cpuMsPerTurn, 'ms CPU (user+system) per turn (median)', 3);
  }
  figure('turns.ratio.throughput', median(ratios), `% of echo, median of ${TURN_PAIRS} pairs (target >= 60)`);
  figure('turns.ratio.throughput_min', Math.min(...ratios), '% of echo, lowest pair');
  figure('turns.ratio.throughput_max', Math.max(...ratios), '% of echo, highest pair');
  figure('turns.ratio.p99', median(p99Ratios), `x echo, median of ${TURN_PAIRS} pairs (target <= 2)`, 2);
  figure('turns.ratio.p99_min', Math.min(...p99Ratios), 'x echo, lowest pair', 2);
  figure('turns.ratio.p99_max', Math.max(...p99Ratios), 'x echo, highest pair', 2);
  // The same comparison by CPU cost, which other processes on the machine do not skew.
  figure('turns.ratio.cpu_per_turn', median(cpuRatios), 'x echo CPU per turn (median of pairs)', 2);
  if (balanced.length) figure('turns.ratio.throughput_balanced', median(balanced), `% of echo, median of the ${balanced.length} pairs whose runs met the same load from other processes (within ${BALANCED_PAIR_POINTS} points)`);
  figure('turns.ratio.pairs_meeting_target', pairsMet, `of ${TURN_PAIRS} pairs at >= 60 % and p99 <= 2x`, 0);
  figure('turns.others_cpu_pct', median([...echoRuns, ...fullRuns].map((f) => f.othersCpuPct)), '% of the machine used by other processes, median of the runs');
  return { echo, full };
}

async function benchTurns(): Promise<void> {
  const profileDir = PROFILE_DIR;
  const profileArgs = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  if (profileArgs.length) mkdirSync(profileDir, { recursive: true });
  const { echo: echoFigures, full } = await interleavedTurns();
  if (profileArgs.length) {
    // A run of its own: the profiler costs the bot CPU, so a profiled run would lower the pairs' ratios.
    const profiledData = await freshStore();
    const profiled = await startBot(profiledData.dir, {}, profileArgs);
    try {
      await measureTurns('full_profiled', profiled, { duration: PAIR_DURATION_S });
    } finally {
      await profiled.stop();
      profiledData.cleanup();
    }
  }
  // The same echo on the bot's own server and adapter seams, which skip work the stock one does on
  // every request: against it, what our turn costs.
  const seams = await startServer(['--import', 'tsx', 'bench/echoBot.ts'], { PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production', ECHO_ON: 'our-server' }, 'echo.started');
  let seamsFigures: TurnFigures;
  try {
    seamsFigures = await measureTurns('echo_our_server', seams, { duration: PAIR_DURATION_S });
  } finally {
    await seams.stop();
  }
  // The same bot with the deployment's V8 flags (smaller heap and young generation: more frequent
  // collections), so that the figure a hospital gets is on the page too. One run: read it beside
  // the echo runs' median and their spread.
  const deployedFlags = deployedNodeOptions();
  if (deployedFlags) {
    const deployedData = await freshStore();
    const deployedBot = await startBot(deployedData.dir, { NODE_OPTIONS: deployedFlags });
    try {
      const deployed = await measureTurns('full_deployed', deployedBot, { duration: PAIR_DURATION_S });
      figure('turns.ratio_deployed.throughput', (100 * deployed.rps) / echoFigures.rps, `% of the echo's median, the bot with NODE_OPTIONS=${deployedFlags}`);
      figure('turns.ratio_deployed.p99', deployed.p99 / echoFigures.p99, "x the echo's median", 2);
      figure('turns.ratio_deployed.cpu_per_turn', deployed.cpuMsPerTurn / echoFigures.cpuMsPerTurn, 'x echo CPU per turn', 2);
    } finally {
      await deployedBot.stop();
      deployedData.cleanup();
    }
  }
  // The same bot on the PostgreSQL store: what sharing the state between instances costs a turn.
  if (postgresBinaries()) {
    const db = await freshDatabase();
    const pgData = makeTempDir('mdu-bench-pg-');
    const pgBot = await startBot(pgData.dir, { DATABASE_URL: db.url });
    try {
      const onPostgres = await measureTurns('full_postgres', pgBot, { duration: PAIR_DURATION_S, otherCpuMs: () => postgresCpuMs() });
      figure('turns.ratio_postgres.throughput', (100 * onPostgres.rps) / full.rps, "% of the bot on lowdb (its median)");
      figure('turns.ratio_postgres.p99', onPostgres.p99 / full.p99, 'x the bot on lowdb', 2);
      figure('turns.ratio_postgres.cpu_per_turn', onPostgres.cpuMsPerTurn / full.cpuMsPerTurn, 'x the bot on lowdb, CPU per turn (the bot process only)', 2);
    } finally {
      await pgBot.stop();
      pgData.cleanup();
      await db.drop();
    }
  } else note(`turns.full_postgres skipped: ${POSTGRES_MISSING}`);
  await benchStoredStartup();
  figure('turns.ratio_our_server.throughput', (100 * full.rps) / seamsFigures.rps, '% of the echo on our server');
  figure('turns.ratio_our_server.p99', full.p99 / seamsFigures.p99, 'x the echo on our server', 2);
  figure('turns.ratio_our_server.cpu_per_turn', full.cpuMsPerTurn / seamsFigures.cpuMsPerTurn, 'x the echo on our server, CPU per turn', 2);
  if (profileArgs.length) note(`CPU profile written to ${profileDir}`);
}

/** CPU time of the bench's PostgreSQL server: its postmaster and every backend it started. */
function postgresCpuMs(): number {
  const dataDir = path.join(postgresServer().socketDir, 'data');
  const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let total = cpuMs(postmaster);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      if (Number(fields[1]) === postmaster) total += cpuMs(Number(entry));
    } catch {
      // A backend that ended meanwhile.
    }
  }
  return total;
}

/** BENCH_STORED_CONVERSATIONS: how many stored conversations the start-up figure is taken with. */
const STORED_CONVERSATIONS = Number(process.env.BENCH_STORED_CONVERSATIONS ?? 50_000);

/**
 * Start-up (process start to a passing /healthz) with many stored conversations, on lowdb and on
 * PostgreSQL: the documents of one real conversation (a turn through the bot), copied under new
 * ids; the same documents copied into PostgreSQL with `store:copy-to-postgres`'s code.
 */
async function benchStoredStartup(): Promise<void> {
  const n = STORED_CONVERSATIONS;
  const data = await freshStore();
  try {
    // One real conversation: what a turn leaves in the store.
    const bot = await startBot(data.dir);
    const reply = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', id: 'tpl-1', text: 'Comment obtenir mon dossier médical ?', locale: 'fr-FR', channelId: 'webchat', deliveryMode: 'expectReplies', serviceUrl: bot.url, conversation: { id: 'tpl-conversation' }, from: { id: 'visitor-tpl', role: 'user' }, recipient: { id: 'mdu-bot', role: 'bot' } }),
    });
    if (reply.status !== 200) throw new Error(`the template turn answered ${reply.status}`);
    await bot.stop();
    const store = await LowdbStorage.open({ dataDir: data.dir, createIfMissing: false });
    const template = Object.entries(await store.read((await store.keys('')).filter((k) => k.includes('tpl-conversation'))));
    note(`start-up with ${n} stored conversations: ${template.length} documents each (${template.map(([k]) => k.split('/')[0]).join(', ')})`);
    for (let first = 0; first < n; first += 1000) {
      const batch: Record<string, unknown> = {};
      for (let i = first; i < Math.min(n, first + 1000); i++) {
        for (const [key, value] of template) {
          const { eTag: _eTag, ...fields } = value as Record<string, unknown>;
          void _eTag;
          batch[key.replace('tpl-conversation', `stored-${i}`)] = JSON.parse(JSON.stringify(fields).replaceAll('tpl-conversation', `stored-${i}`));
        }
      }
      await store.write(batch);
    }
    await store.close();
    figure(`startup.stored_${n}.lowdb_store_mb`, statSync(path.join(data.dir, 'store.json')).size / 1048576, 'MB');
    figure(`startup.stored_${n}.lowdb_median_ms`, await medianStartup(data.dir, {}), 'ms (process start to /healthz 200, median of 3)', 0);
    // With the deployment's heap flags: what a hospital's server does (and whether the store fits them).
    const deployedFlags = deployedNodeOptions();
    if (deployedFlags) figure(`startup.stored_${n}.lowdb_deployed_median_ms`, await medianStartup(data.dir, { NODE_OPTIONS: deployedFlags }), `ms, NODE_OPTIONS=${deployedFlags}`, 0);
    if (!postgresBinaries()) {
      note(`startup.stored_${n}.postgres skipped: ${POSTGRES_MISSING}`);
      return;
    }
    const db = await freshDatabase();
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      const { copied } = await copyToPostgres(data.dir, pool, { merge: false });
      note(`copied ${copied} documents into PostgreSQL`);
      const size = await pool.query<{ mb: number }>("SELECT pg_total_relation_size('mdu_items') / 1048576.0 AS mb");
      figure(`startup.stored_${n}.postgres_table_mb`, Number(size.rows[0]!.mb), 'MB');
      const pgData = makeTempDir('mdu-bench-pg-');
      try {
        figure(`startup.stored_${n}.postgres_median_ms`, await medianStartup(pgData.dir, { DATABASE_URL: db.url }), 'ms (process start to /healthz 200, median of 3)', 0);
      } finally {
        pgData.cleanup();
      }
    } finally {
      await pool.end();
      await db.drop();
    }
  } finally {
    data.cleanup();
  }
}

/** Median of three start-ups of the production bot on a data directory (and settings), to /healthz 200. */
async function medianStartup(dataDir: string, extra: Record<string, string>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const t0 = performance.now();
    const child = spawn(process.execPath, ['dist/bot/main.js'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...botEnv(dataDir, { PORT: String(port), LOG_LEVEL: 'warn', ...extra }) }, stdio: 'ignore' });
    try {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`the bot exited (${child.exitCode}) while starting`);
        const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
        if (ok) break;
        await sleep(5);
      }
      times.push(performance.now() - t0);
    } finally {
      await new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      });
    }
  }
  note(`start-ups: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  return times.sort((a, b) => a - b)[1]!;
}

// ---- start-up and memory ----------------------------------------------------------------------

async function benchStartup(): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const data = await freshStore();
    const port = await freePort();
    const t0 = performance.now();
    const child = spawn(process.execPath, ['dist/bot/main.js'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...botEnv(data.dir, { PORT: String(port), LOG_LEVEL: 'warn' }) }, stdio: 'ignore' });
    try {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`the bot exited (${child.exitCode}) while starting`);
        const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
        if (ok) break;
        await sleep(5);
      }
      times.push(performance.now() - t0);
    } finally {
      await new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      });
      data.cleanup();
    }
  }
  times.sort((a, b) => a - b);
  note(`start-up times: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  figure('startup.healthz_median_ms', times[2]!, 'ms (target <= 2000)', 0);
  figure('startup.healthz_max_ms', times[4]!, 'ms', 0);
}

/** The V8 options the deployment files run the bot with (the systemd unit is the reference). */
function deployedNodeOptions(): string {
  // BENCH_NODE_OPTIONS tries other flags in place of the deployment's, before changing them there.
  if (process.env.BENCH_NODE_OPTIONS) return process.env.BENCH_NODE_OPTIONS;
  const unit = readFileSync(path.join(ROOT, 'deployment/systemd/mdu-front-desk.service'), 'utf8');
  return /^Environment="?NODE_OPTIONS=([^"\n]*)"?$/m.exec(unit)?.[1]?.trim() ?? '';
}

/** Total size of what a heap snapshot holds: the live heap after the full GC the snapshot makes. */
async function liveHeapMb(pid: number, dir: string): Promise<number> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 600; i++) {
    await sleep(100);
    const file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!file) continue;
    // Written when its size stops changing.
    const size = statSync(path.join(dir, file)).size;
    await sleep(500);
    if (statSync(path.join(dir, file)).size !== size || size === 0) continue;
    const snapshot = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { snapshot: { meta: { node_fields: string[] } }; nodes: number[] };
    rmSync(path.join(dir, file));
    const fields = snapshot.snapshot.meta.node_fields;
    const sizeAt = fields.indexOf('self_size');
    let total = 0;
    for (let n = sizeAt; n < snapshot.nodes.length; n += fields.length) total += snapshot.nodes[n]!;
    return total / 1048576;
  }
  throw new Error('no heap snapshot');
}

async function memoryRun(label: string, nodeOptions: string, snapshots: boolean): Promise<void> {
  const data = await freshStore();
  const diag = makeTempDir('mdu-bench-heap-');
  const nodeArgs = snapshots ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${diag.dir}`] : [];
  const bot = await startBot(data.dir, nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}, nodeArgs);
  const pid = bot.child.pid!;
  try {
    if (!snapshots) figure(`memory.${label}.rss_at_start_mb`, rssMb(pid), 'MB');
    const samples: number[] = [];
    const live: number[] = [];
    for (let k = 1; k <= 10; k++) {
      const r = await turnLoad(bot.url, `mem-${label}`, { amount: 1000 });
      if (r.errors + r.non2xx + r.timeouts > 0) note(`memory run: ${r.errors + r.non2xx + r.timeouts} failed requests in batch ${k}`);
      samples.push(rssMb(pid));
      note(`${label}: after ${k * 1000} turns: RSS ${samples.at(-1)!.toFixed(1)} MB`);
      if (snapshots && (k === 1 || k === 10)) live.push(await liveHeapMb(pid, diag.dir));
    }
    // Least-squares slope over the ten samples, in MB per 1,000 turns.
    const xs = samples.map((_, i) => i + 1);
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = samples.reduce((a, b) => a + b) / samples.length;
    const slope = xs.reduce((s, x, i) => s + (x - mx) * (samples[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    if (snapshots) {
      figure(`memory.${label}.live_heap_after_1000_turns_mb`, live[0]!, 'MB (after a full GC)');
      figure(`memory.${label}.live_heap_after_10000_turns_mb`, live[1]!, 'MB (after a full GC)');
      figure(`memory.${label}.live_heap_slope_mb_per_1000_turns`, (live[1]! - live[0]!) / 9, 'MB/1000 turns', 2);
      return;
    }
    figure(`memory.${label}.rss_after_1000_turns_mb`, samples[0]!, 'MB');
    figure(`memory.${label}.rss_after_10000_turns_mb`, samples.at(-1)!, 'MB (target <= 200)');
    figure(`memory.${label}.rss_max_mb`, Math.max(...samples), 'MB');
    figure(`memory.${label}.rss_slope_mb_per_1000_turns`, slope, 'MB/1000 turns', 2);
    figure(`memory.${label}.store_kb_after_10000_turns`, statSync(path.join(data.dir, 'store.json')).size / 1024, 'KiB', 0);
  } finally {
    await bot.stop();
    data.cleanup();
    diag.cleanup();
  }
}

async function benchMemory(): Promise<void> {
  // As `npm start` runs it (V8's default heap sizing); as the deployment files run it (NODE_OPTIONS
  // of the systemd unit, the image and Azure); and the live heap after full GCs (heap snapshots,
  // in a run of their own: taking one inflates the resident memory of the process).
  if (process.env.BENCH_MEMORY_DEPLOYED_ONLY !== '1') await memoryRun('default', '', false);
  const deployed = deployedNodeOptions();
  if (deployed) {
    note(`as deployed: NODE_OPTIONS=${deployed}`);
    await memoryRun('deployed', deployed, false);
  }
  await memoryRun('heap', '', true);
}

// ---- knowledge search (the search engineer's benchmark) ---------------------------------------

function benchSearch(): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/searchBench.ts'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    note(`bench/searchBench.ts failed (${result.status}):\n${result.stderr}`);
    return;
  }
  for (const line of result.stdout.split('\n')) {
    const m = /^([\w.]+)=([-\d.]+)(?:\s+(.*))?$/.exec(line.trim());
    if (!m) continue;
    const unit = m[3] ?? (m[1]!.endsWith('_ms') ? 'ms' : m[1]!.endsWith('.topics') ? 'topics' : '');
    console.log(`${m[1]}=${m[2]}${unit ? ` ${unit}` : ''}`);
  }
}

/**
 * Where a turn's time goes, measured in process: the safety screen on every message (it runs on
 * each one, before anything else). The search has its own benchmark (bench/searchBench.ts).
 */
function benchBreakdown(): void {
  const lexicons = path.join(ROOT, 'safety/lexicons');
  const ordinaryMessages = loadKnowledge(path.join(ROOT, 'knowledge')).topics.flatMap((t) => [...t.questions.fr, ...t.questions.en]);
  const timesOf = (screen: SafetyScreen): number[] => {
    for (const m of BENCH_MESSAGES) screen.assess(m.text); // warm-up
    const times: number[] = [];
    for (let round = 0; round < 20; round++) {
      for (const m of BENCH_MESSAGES) {
        const t0 = performance.now();
        screen.assess(m.text);
        times.push(performance.now() - t0);
      }
    }
    return times.sort((a, b) => a - b);
  };
  const report = (name: string, times: number[]) => {
    figure(`breakdown.${name}_median_ms`, times[Math.floor(times.length / 2)]!, 'ms', 3);
    figure(`breakdown.${name}_p99_ms`, times[Math.floor(times.length * 0.99)]!, 'ms', 3);
    figure(`breakdown.${name}_mean_ms`, times.reduce((a, b) => a + b, 0) / times.length, 'ms', 3);
  };
  // As the bot runs it (prefilter keyed on the knowledge base's questions), and trying every rule.
  report('safety_assess', timesOf(SafetyScreen.fromDirectory(lexicons, { ordinaryMessages })));
  report('safety_every_rule', timesOf(SafetyScreen.fromDirectory(lexicons, { prefilter: false })));
}

// ---- live handoff under load ------------------------------------------------------------------

/** BENCH_HANDOFF_VISITORS: fewer (or more) conversations at once, to see how relay latency follows the load. */
const VISITORS = Number(process.env.BENCH_HANDOFF_VISITORS ?? 50);
const VOLUNTEERS = 10;
const EXCHANGES = 10;

interface Console {
  login: string;
  token: string;
  handoffs: string[];
}

async function benchHandoff(): Promise<void> {
  const data = makeTempDir('mdu-bench-handoff-');
  // Volunteer accounts written before the bot starts (what `npm run volunteer:add` does).
  const store = await LowdbStorage.open({ dataDir: data.dir, createIfMissing: true });
  const accounts = new VolunteerAccounts(store, systemClock, { maxFailures: 5, lockoutMs: 60_000 });
  const password = 'bench-password-0123';
  for (let v = 0; v < VOLUNTEERS; v++) await accounts.add(`bench${v}`, `Bénévole ${v}`, password);
  await store.close();

  // Where the visitors' channel receives what volunteers send (the desk's proactive messages).
  const sink = await startSink();
  const profileDir = PROFILE_DIR;
  if (process.env.BENCH_PROFILE) mkdirSync(profileDir, { recursive: true });
  const bot = await startServer(
    [...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), 'dist/bot/main.js'],
    { ...botEnv(data.dir), NODE_ENV: 'development', MDU_NOW: IN_PERMANENCE, SERVICE_URL_ALLOWLIST: sink.url, HANDOFF_MAX_CONVERSATIONS_PER_VOLUNTEER: String(Math.ceil(VISITORS / VOLUNTEERS)) },
    'bot.started',
  );
  const streams: http.ClientRequest[] = [];
  try {
    const api = async (method: string, p: string, token: string | undefined, body?: unknown) => {
      const response = await fetch(`${bot.url}${p}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    };

    // 1. Ten volunteers sign in, become available and open their live feed.
    const consoles: Console[] = [];
    const alerts = new Map<string, (at: number) => void>();
    // What the volunteer reads comes in `state` events (the alert only rings): when the holder's view shows message k.
    const shown = new Map<string, { k: number; resolve: (at: number) => void }>();
    for (let v = 0; v < VOLUNTEERS; v++) {
      const session = await api('POST', '/console/api/session', undefined, { login: `bench${v}`, password, client: 'bearer' });
      if (session.status !== 200) throw new Error(`sign-in answered ${session.status}`);
      const token = String(session.json.token);
      const available = await api('POST', '/console/api/availability', token, { available: true });
      if (available.status !== 200) throw new Error(`availability answered ${available.status}`);
      consoles.push({ login: `bench${v}`, token, handoffs: [] });
      streams.push(openEvents(bot.url, token, (event, payload, at) => {
        if (event === 'state') {
          for (const conversation of (payload as { mine?: { id: string; messages: { from: string; text: string }[] }[] }).mine ?? []) {
            const waiting = shown.get(conversation.id);
            if (waiting && conversation.messages.some((m) => m.from === 'visitor' && m.text.startsWith(`Message ${waiting.k} :`))) {
              shown.delete(conversation.id);
              waiting.resolve(at);
            }
          }
          return;
        }
        if (event !== 'alert') return;
        const alert = payload as { kind: string; id: string };
        if (alert.kind === 'message' || alert.kind === 'medical' || alert.kind === 'crisis') alerts.get(alert.id)?.(at);
      }));
    }
    await sleep(200);

    // 2. Fifty visitors ask for a person at once.
    const visitorIds = Array.from({ length: VISITORS }, (_, i) => `handoff-visitor-${i}`);
    const say = async (conversationId: string, text: string, n: number) => {
      const response = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          id: `${conversationId}-${n}`,
          text,
          locale: 'fr-FR',
          channelId: 'webchat',
          deliveryMode: 'expectReplies',
          serviceUrl: sink.url,
          conversation: { id: conversationId },
          from: { id: `user-${conversationId}`, role: 'user' },
          recipient: { id: 'mdu-bot', role: 'bot' },
        }),
      });
      if (response.status !== 200) throw new Error(`a visitor's turn answered ${response.status}`);
      return (await response.json()) as { activities?: { channelData?: { mdu?: { handoff?: { status?: string } } } }[] };
    };
    const t0 = performance.now();
    const requested = await Promise.all(visitorIds.map((id) => say(id, 'Je voudrais parler à un bénévole', 0)));
    figure('handoff.request_50_visitors_ms', performance.now() - t0, 'ms', 0);
    const queued = requested.filter((r) => r.activities?.some((a) => a.channelData?.mdu?.handoff?.status === 'queued')).length;
    figure('handoff.queued', queued, 'visitors', 0);

    // 3. Each volunteer takes five, all volunteers at once.
    const queue = await api('GET', '/console/api/queue', consoles[0]!.token);
    const ids = (queue.json.queue as { id: string }[]).map((q) => q.id);
    const perVolunteer = Math.ceil(VISITORS / VOLUNTEERS);
    const t1 = performance.now();
    const accepted = await Promise.all(
      consoles.map(async (c, v) => {
        let n = 0;
        for (const id of ids.slice(v * perVolunteer, (v + 1) * perVolunteer)) {
          const r = await api('POST', `/console/api/conversations/${id}/accept`, c.token);
          if (r.status === 200) {
            c.handoffs.push(id);
            n++;
          }
        }
        return n;
      }),
    );
    figure('handoff.accept_all_ms', performance.now() - t1, 'ms', 0);
    figure('handoff.accepted', accepted.reduce((a, b) => a + b, 0), 'conversations', 0);

    // Which visitor is behind which handoff: each visitor says who they are once; the volunteer reads it.
    const holder = new Map<string, Console>();
    for (const c of consoles) for (const id of c.handoffs) holder.set(id, c);
    const handoffOf = new Map<string, string>();
    await Promise.all(visitorIds.map((id, i) => say(id, `Bonjour, je suis la personne ${i}`, 1)));
    await sleep(300);
    for (const [handoffId, c] of holder) {
      const conversation = await api('GET', `/console/api/conversations/${handoffId}`, c.token);
      const messages = (conversation.json.messages ?? []) as { from: string; text: string }[];
      const who = messages.map((m) => /je suis la personne (\d+)/.exec(m.text)?.[1]).find((x) => x !== undefined);
      if (who !== undefined) handoffOf.set(visitorIds[Number(who)]!, handoffId);
    }

    // 4. Fifty conversations, ten exchanges each, all at once: visitor -> volunteer (measured at the
    //    volunteer's live feed), volunteer -> visitor (measured at the visitor's channel).
    const toVolunteer: number[] = [];
    const toVolunteerView: number[] = [];
    const toVisitor: number[] = [];
    const cpuBefore = cpuMs(bot.child.pid!);
    const clientCpuBefore = process.cpuUsage();
    const relaysStarted = performance.now();
    await Promise.all(
      visitorIds.map(async (visitorId) => {
        const handoffId = handoffOf.get(visitorId);
        const c = handoffId && holder.get(handoffId);
        if (!handoffId || !c) return;
        for (let k = 0; k < EXCHANGES; k++) {
          const seen = new Promise<number>((resolve) => alerts.set(handoffId, resolve));
          const inView = new Promise<number>((resolve) => shown.set(handoffId, { k, resolve }));
          const sent = performance.now();
          await say(visitorId, `Message ${k} : est-ce que vous pouvez m'expliquer comment ça se passe ?`, k + 2);
          toVolunteer.push((await withTimeout(seen, 10_000)) - sent);
          // The volunteer answers once they can read it.
          toVolunteerView.push((await withTimeout(inView, 10_000)) - sent);
          const marker = `[r:${visitorId}:${k}]`;
          const delivered = sink.waitFor(visitorId, marker);
          const replied = performance.now();
          const r = await api('POST', `/console/api/conversations/${handoffId}/messages`, c.token, { text: `Bien sûr, je vous explique. ${marker}` });
          if (r.status !== 201) throw new Error(`a volunteer's message answered ${r.status}`);
          toVisitor.push((await withTimeout(delivered, 10_000)) - replied);
        }
      }),
    );
    const relaysMs = performance.now() - relaysStarted;
    const cpuPerExchange = (cpuMs(bot.child.pid!) - cpuBefore) / toVisitor.length;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const clientCpuPerExchange = (clientCpu.user + clientCpu.system) / 1000 / toVisitor.length;
    const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
    figure('handoff.relays_measured', toVolunteer.length, 'messages each way', 0);
    figure('handoff.relays_wall_ms', relaysMs, 'ms for all exchanges', 0);
    // CPU of the bot (user + system) per exchange (a visitor's message and a volunteer's reply, with the console pushes): what the machine's other load barely moves.
    figure('handoff.bot_cpu_ms_per_exchange', cpuPerExchange, 'ms CPU', 2);
    // This process plays the 50 visitors, the 10 consoles and the visitors' channel, on the same cores.
    figure('handoff.bench_client_cpu_ms_per_exchange', clientCpuPerExchange, 'ms CPU', 2);
    figure('handoff.visitor_to_volunteer_p50_ms', pct(toVolunteer, 0.5), 'ms');
    figure('handoff.visitor_to_volunteer_p99_ms', pct(toVolunteer, 0.99), 'ms');
    figure('handoff.visitor_to_volunteer_view_p50_ms', pct(toVolunteerView, 0.5), 'ms (the text in the holder\'s console view)');
    figure('handoff.visitor_to_volunteer_view_p99_ms', pct(toVolunteerView, 0.99), 'ms (the text in the holder\'s console view)');
    figure('handoff.volunteer_to_visitor_p50_ms', pct(toVisitor, 0.5), 'ms');
    figure('handoff.volunteer_to_visitor_p99_ms', pct(toVisitor, 0.99), 'ms');
  } finally {
    for (const s of streams) s.destroy();
    await bot.stop();
    await sink.close();
    data.cleanup();
  }
}

/** A stand-in for the visitors' channel: takes the connector calls the bot makes and remembers when. */
async function startSink(): Promise<{ url: string; waitFor(conversationId: string, marker: string): Promise<number>; close(): Promise<void> }> {
  const waiting = new Map<string, (at: number) => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      try {
        const activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type?: string; text?: string };
        const conversation = decodeURIComponent(/\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '')?.[1] ?? '');
        const marker = /\[r:[^\]]+\]/.exec(activity.text ?? '')?.[0];
        if (activity.type === 'message' && marker) waiting.get(`${conversation} ${marker}`)?.(at);
      } catch {
        // not JSON: ignored
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `sink-${Math.random().toString(36).slice(2)}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    waitFor: (conversationId, marker) => new Promise((resolve) => waiting.set(`${conversationId} ${marker}`, resolve)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The console's live feed (Server-Sent Events), parsed. */
function openEvents(base: string, token: string, onEvent: (event: string, data: unknown, at: number) => void): http.ClientRequest {
  const req = http.get(`${base}/console/api/events`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res) => {
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      // When the bytes arrived, before this process spends time parsing them.
      const at = performance.now();
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) onEvent(event, JSON.parse(data), at);
      }
    });
    res.on('error', () => undefined);
  });
  req.on('error', () => undefined);
  return req;
}

// ---- helpers -----------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function main(): Promise<void> {
  const wanted = new Set(process.argv.slice(2));
  const run = (part: string) => wanted.size === 0 || wanted.has(part);
  note('building (npm run build)');
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const os = await import('node:os');
  note(`node ${process.version}, ${os.cpus().length} cores`);
  // The machine's load when the run started: figures from a busy machine are not comparable.
  figure('machine.loadavg_1m_at_start', os.loadavg()[0]!, 'runnable tasks', 2);
  if (run('search')) benchSearch();
  if (run('startup')) await benchStartup();
  if (run('turns')) await benchTurns();
  if (run('breakdown')) benchBreakdown();
  if (run('memory')) await benchMemory();
  if (run('handoff')) await benchHandoff();
  if (run('webchat')) await benchWebchatPart();
  // Not in a plain `npm run bench` (several minutes of large files): asked for by name.
  if (wanted.has('store')) benchStore();
  if (wanted.has('limits')) await benchLimits();
}

// ---- the embedded store at size (issue 19) ---------------------------------------------------

/** bench/storeBench.ts in a process of its own per size: the store's heap, lookups and rewrites. */
function benchStore(): void {
  for (const n of [50_000, 200_000]) {
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/storeBench.ts', String(n)], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
    if (child.status !== 0) throw new Error(`bench/storeBench.ts ${n} failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
    const p = `store.stored_${n}`;
    figure(`${p}.file_mb`, r.fileMb!, 'MB');
    figure(`${p}.open_ms`, r.openMs!, 'ms (read, parse, validate, index)', 0);
    figure(`${p}.heap_held_per_file_mb`, r.heldMbPerFileMb!, 'MB of heap per MB of file, once open', 2);
    figure(`${p}.heap_open_peak_per_file_mb`, r.openPeakMbPerFileMb!, 'MB of heap per MB of file, at the peak of opening', 2);
    figure(`${p}.session_lookup_us`, r.sessionLookupUs!, 'µs for keys("handoff/session/"): the duty check', 2);
    figure(`${p}.first_rewrite_ms`, r.firstRewriteMs!, 'ms, the first rewrite after open (every item\'s text made)', 0);
    figure(`${p}.first_rewrite_max_loop_block_ms`, r.firstRewriteMaxLoopBlockMs!, 'ms, longest event-loop wait meanwhile', 0);
    figure(`${p}.later_rewrite_ms`, r.laterRewriteMs!, 'ms, a later rewrite (one item changed)', 0);
    figure(`${p}.later_rewrite_max_loop_block_ms`, r.laterRewriteMaxLoopBlockMs!, 'ms, longest event-loop wait meanwhile', 0);
  }
}

/**
 * The production bot started on stores of N conversations with a heap flag: `ran` (healthz 200,
 * a turn answered, a clean stop), `refused` (exit 78, MDU-015) or `oom` (V8 aborted).
 */
async function benchLimits(): Promise<void> {
  const deployedHeap = /--max-old-space-size=(\d+)/.exec(deployedNodeOptions())?.[1] ?? '192';
  const plan: [string, number[]][] = [
    [deployedHeap, [50_000, 80_000, 90_000, 110_000]],
    ['512', [200_000, 215_000, 230_000]],
  ];
  for (const [heap, sizes] of plan) {
    for (const n of sizes) {
      const data = makeTempDir('mdu-bench-limits-');
      try {
        const fileMb = statSync(writeLargeStore(data.dir, n)).size / 1048576;
        const outcome = await startOn(data.dir, `--max-old-space-size=${heap} --max-semi-space-size=8`);
        note(`limits: heap ${heap} MB, ${n} conversations (${fileMb.toFixed(1)} MB): ${outcome.result}${outcome.startMs ? ` in ${outcome.startMs.toFixed(0)} ms` : ''}`);
        figure(`limits.heap_${heap}.stored_${n}`, outcome.result === 'ran' ? 1 : 0, `(1 ran, 0 not: ${outcome.result}; ${fileMb.toFixed(1)} MB of store${outcome.startMs ? `, start-up ${outcome.startMs.toFixed(0)} ms` : ''})`, 0);
      } finally {
        data.cleanup();
      }
    }
  }
}

async function startOn(dataDir: string, nodeOptions: string): Promise<{ result: 'ran' | 'refused' | 'oom' | 'failed'; startMs?: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['dist/bot/main.js'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...botEnv(dataDir, { PORT: String(port), LOG_LEVEL: 'warn', NODE_OPTIONS: nodeOptions }) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d.slice(-4000)));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let up = false;
  while (child.exitCode === null && child.signalCode === null && performance.now() - t0 < 300_000) {
    up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
    if (up) break;
    await sleep(50);
  }
  const startMs = performance.now() - t0;
  if (!up) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    const code = await exited;
    return { result: code === 78 ? 'refused' : /heap out of memory|Allocation failed/.test(err) ? 'oom' : 'failed' };
  }
  const reply = await fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', id: 'limits-1', text: 'Comment obtenir mon dossier médical ?', locale: 'fr-FR', channelId: 'webchat', deliveryMode: 'expectReplies', serviceUrl: `http://127.0.0.1:${port}`, conversation: { id: 'limits-conversation' }, from: { id: 'visitor-limits', role: 'user' }, recipient: { id: 'mdu-bot', role: 'bot' } }),
  }).catch(() => undefined);
  child.kill('SIGTERM');
  const code = await exited;
  if (reply?.status === 200 && code === 0) return { result: 'ran', startMs };
  return { result: /heap out of memory|Allocation failed/.test(err) ? 'oom' : 'failed', startMs };
}

/** The website chat in Chromium (bench/webchatBench.ts): a fresh store with one volunteer, in a permanence. */
async function benchWebchatPart(): Promise<void> {
  const password = 'bench-password-0123';
  await benchWebchat({
    volunteerPassword: password,
    figure,
    note,
    cpuMs,
    startBot: async () => {
      const data = makeTempDir('mdu-bench-webchat-');
      const store = await LowdbStorage.open({ dataDir: data.dir, createIfMissing: true });
      await new VolunteerAccounts(store, systemClock, { maxFailures: 5, lockoutMs: 60_000 }).add('bench0', 'Bénévole 0', password);
      // The idle chats' conversations, started beforehand: the token route's limit (new conversations a minute) is not what is measured.
      const tokens = await DirectLineTokens.open(store, { now: () => new Date(), lifetimeSeconds: 3600 });
      const conversations = new DirectLineConversations(store, { now: () => new Date() });
      const chats: { conversationId: string; token: string }[] = [];
      for (let i = 0; i < 400; i++) {
        const conversationId = DirectLineConversations.newConversationId();
        await conversations.start(conversationId, { locale: 'fr-FR' });
        chats.push({ conversationId, token: tokens.mint(conversationId).token });
      }
      await store.close();
      const bot = await startServer(['dist/bot/main.js'], { ...botEnv(data.dir), NODE_ENV: 'development', MDU_NOW: IN_PERMANENCE, RATE_LIMIT_PUBLIC: '1000000', RATE_LIMIT_MESSAGES: '100000' }, 'bot.started');
      return {
        url: bot.url,
        pid: bot.child.pid!,
        chats,
        stop: async () => {
          await bot.stop();
          data.cleanup();
        },
      };
    },
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
