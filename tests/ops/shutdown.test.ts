/**
 * Graceful shutdown with a real process: the bot runs as a child (`bot/main.ts`, as `npm start`
 * runs it, through tsx so no build is needed), a burst of turns is in flight, the test sends it a
 * real SIGTERM, and then reads the store file the process left behind: every turn the bot
 * acknowledged (HTTP 200 with its replies) must be in it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'chai';
import { makeTempDir } from '../helpers/tempDir.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Outcome {
  conversationId: string;
  status: number | 'refused' | 'reset';
  topic?: string;
  /** When the response arrived, relative to the SIGTERM (negative: before it). */
  atMs: number;
}

/** One turn on its own connection (no keep-alive), so a refused connection is a clean "not accepted". */
function postTurn(url: string, body: object): Promise<{ status: number; json?: { activities?: { channelData?: { mdu?: { intent?: string; topic?: string } } }[] } } | 'refused' | 'reset'> {
  return new Promise((resolve) => {
    const payload = JSON.stringify(body);
    const req = http.request(`${url}/api/messages`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
      res.on('error', () => resolve('reset'));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'reset'));
    req.end(payload);
  });
}

function startChild(dataDir: string): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      MDU_NOW: '2026-11-24T15:00:00+01:00',
      SHUTDOWN_TIMEOUT_SECONDS: '15',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bot did not start:\n${stderr}`)), 90_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const started = /"event":"bot\.started","url":"([^"]+)"/.exec(stderr);
      if (started) {
        clearTimeout(timer);
        resolve({ child, url: started[1]!, stderr: () => stderr });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bot exited (${code}) before starting:\n${stderr}`));
    });
  });
}

const QUESTIONS = [
  { text: 'Comment obtenir mon dossier médical ?', locale: 'fr-FR' },
  { text: 'How can I get a copy of my medical records?', locale: 'en-US' },
  { text: 'je voudrais accéder à mon dossier médical', locale: 'fr-FR' },
];

describe('graceful shutdown on SIGTERM (a real child process)', function () {
  this.timeout(180_000);

  it('finishes the turns in flight, flushes the store, exits 0: every acknowledged turn is on disk', async () => {
    const tmp = makeTempDir('mdu-sigterm-');
    let child: ChildProcess | undefined;
    try {
      const started = await startChild(tmp.dir);
      child = started.child;
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child!.once('exit', (code, signal) => resolve({ code, signal })));

      const CONCURRENCY = 16;
      const KILL_AFTER = 60;
      const MAX_TURNS = 2000;
      const outcomes: Outcome[] = [];
      let next = 0;
      let acknowledged = 0;
      let killedAt: number | undefined;
      let stopped = false;
      const worker = async () => {
        while (!stopped && next < MAX_TURNS) {
          const i = next++;
          const q = QUESTIONS[i % QUESTIONS.length]!;
          const conversationId = `sigterm-${i}`;
          const result = await postTurn(started.url, {
            type: 'message',
            id: `a-${i}`,
            text: q.text,
            locale: q.locale,
            channelId: 'webchat',
            deliveryMode: 'expectReplies',
            serviceUrl: started.url,
            conversation: { id: conversationId },
            from: { id: `visitor-${i}`, role: 'user' },
            recipient: { id: 'mdu-bot', role: 'bot' },
          });
          const now = performance.now();
          const status = typeof result === 'string' ? result : result.status;
          const topic = typeof result === 'string' ? undefined : result.json?.activities?.find((a) => a.channelData?.mdu?.intent === 'answer')?.channelData?.mdu?.topic;
          outcomes.push({ conversationId, status, topic, atMs: killedAt === undefined ? -1 : now - killedAt });
          if (status === 200 && ++acknowledged === KILL_AFTER && killedAt === undefined) {
            killedAt = performance.now();
            child!.kill('SIGTERM');
          }
          if (killedAt !== undefined && status !== 200) stopped = true;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const exit = await exited;

      expect(exit, started.stderr()).to.deep.equal({ code: 0, signal: null });
      expect(started.stderr()).to.include('"event":"bot.stopping","signal":"SIGTERM"');
      expect(started.stderr()).to.include('"event":"bot.stopped"');

      const ok = outcomes.filter((o) => o.status === 200);
      expect(ok.length).to.be.at.least(KILL_AFTER);
      // Turns that were running when the signal came finished and were answered, not cut.
      expect(ok.filter((o) => o.atMs >= 0).length, 'turns answered after SIGTERM').to.be.at.least(1);
      // Anything refused was refused cleanly: connection refused, or 503 while draining.
      for (const o of outcomes) expect([200, 503, 'refused', 'reset']).to.include(o.status);

      // The store the process left: complete, unlocked, holding every acknowledged turn.
      expect(existsSync(path.join(tmp.dir, 'store.lock')), 'lock released').to.equal(false);
      const store = JSON.parse(readFileSync(path.join(tmp.dir, 'store.json'), 'utf8')) as {
        items: Record<string, { value: Record<string, unknown> }>;
      };
      for (const o of ok) {
        const state = store.items[`state/conversation/webchat/${o.conversationId}`];
        expect(state, `state of acknowledged ${o.conversationId}`).to.not.equal(undefined);
        expect((state!.value.conversation as { locale?: string } | undefined)?.locale).to.be.oneOf(['fr', 'en']);
      }
      // Each acknowledged answer was counted before it was acknowledged.
      const counters = (store.items['curation/counters']?.value.topics ?? {}) as Record<string, { asked: number }>;
      const answered = new Map<string, number>();
      for (const o of ok) if (o.topic) answered.set(o.topic, (answered.get(o.topic) ?? 0) + 1);
      expect(answered.size).to.be.greaterThan(0);
      for (const [topic, n] of answered) expect(counters[topic]?.asked ?? 0, topic).to.be.at.least(n);
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      tmp.cleanup();
    }
  });
});
