/**
 * The bot as a real child process (`node --import tsx bot/main.ts`), for end-to-end tests: it can
 * be killed with SIGKILL and started again on the same port and data directory. And a visitor
 * using the bot's own Direct Line over HTTP, as Web Chat does (polling).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Activity } from 'botbuilder';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A free loopback port (so a restarted bot listens where the first did). */
export { freePort } from '../helpers/freePort.js';

export class BotProcess {
  private child: ChildProcess | undefined;
  url = '';
  /** Log lines (JSON) the bot wrote. */
  readonly logs: string[] = [];

  constructor(private readonly env: Record<string, string>) {}

  async start(timeoutMs = 90_000): Promise<string> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...this.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    let buffer = '';
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the bot did not start within ${timeoutMs} ms:\n${this.logs.slice(-20).join('\n')}`)), timeoutMs);
      child.stderr!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let cut: number;
        while ((cut = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 1);
          this.logs.push(line);
          if (line.includes('"event":"bot.started"')) {
            this.url = (JSON.parse(line) as { url: string }).url;
            clearTimeout(timer);
            resolve(this.url);
          }
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the bot exited (${code}) before starting:\n${this.logs.slice(-20).join('\n')}`));
      });
    });
  }

  /** `kill -9`: no chance to flush or clean anything. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const exited = once(child, 'exit');
    const timeout = new Promise((resolve) => setTimeout(resolve, 5000));
    await Promise.race([exited, timeout]);
    if (child.exitCode === null && child.signalCode === null) await this.kill9();
  }
}

/** Runs `npm run volunteer:add`'s script with the password on standard input. */
export async function addVolunteer(env: Record<string, string>, login: string, name: string, password: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'handoff/cli/volunteerAdd.ts', login, '--name', name], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  child.stdin!.end(`${password}\n`);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

/** A visitor on the website: the bot's own Direct Line, polling like Web Chat. */
export class DirectLineVisitor {
  token = '';
  conversationId = '';
  domain = '';
  private watermark = 0;
  readonly received: Partial<Activity>[] = [];

  constructor(
    private baseUrl: string,
    private readonly locale: string,
  ) {}

  /** After a restart on the same port nothing changes; this is for a different address. */
  rebase(baseUrl: string): void {
    this.domain = this.domain.replace(this.baseUrl, baseUrl);
    this.baseUrl = baseUrl;
  }

  async start(): Promise<void> {
    const tokenResponse = await fetch(`${this.baseUrl}/api/directline/token`, { method: 'POST' });
    if (!tokenResponse.ok) throw new Error(`token: ${tokenResponse.status} ${await tokenResponse.text()}`);
    const issued = (await tokenResponse.json()) as { token: string; conversationId: string; domain?: string };
    this.token = issued.token;
    this.conversationId = issued.conversationId;
    this.domain = issued.domain ?? `${this.baseUrl}/v3/directline`;
    const started = await fetch(`${this.domain}/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ locale: this.locale }),
    });
    if (started.status !== 201 && started.status !== 200) throw new Error(`start: ${started.status} ${await started.text()}`);
  }

  /** Sends a message (or a button's value); returns once the bot has taken it. */
  async say(text: string, value?: unknown): Promise<void> {
    const response = await fetch(`${this.domain}/conversations/${encodeURIComponent(this.conversationId)}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', from: { id: 'visitor' }, text, locale: this.locale, ...(value !== undefined ? { value } : {}) }),
    });
    if (!response.ok) throw new Error(`send: ${response.status} ${await response.text()}`);
  }

  /** Fetches what is new; returns the bot's activities since the last poll. */
  async poll(): Promise<Partial<Activity>[]> {
    const response = await fetch(`${this.domain}/conversations/${encodeURIComponent(this.conversationId)}/activities?watermark=${this.watermark}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (!response.ok) throw new Error(`poll: ${response.status} ${await response.text()}`);
    const page = (await response.json()) as { activities: Partial<Activity>[]; watermark: string };
    this.watermark = Number(page.watermark);
    const fromBot = page.activities.filter((a) => a.from?.role === 'bot' || (a.from?.id !== 'visitor' && a.from?.role !== 'user'));
    this.received.push(...fromBot);
    return fromBot;
  }

  /** Polls until a bot activity matches (looking at everything received since `after`). */
  async waitFor(predicate: (a: Partial<Activity>) => boolean, timeoutMs = 8000, after = 0): Promise<Partial<Activity>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.poll();
      const found = this.received.slice(after).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`nothing matching reached the visitor within ${timeoutMs} ms; received: ${JSON.stringify(this.received.map((a) => [a.type, a.text?.slice(0, 70)]))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** How many bot activities were received so far (a mark for `waitFor`). */
  get mark(): number {
    return this.received.length;
  }
}
