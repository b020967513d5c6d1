/**
 * `npm run bench -- webchat` (issue 18): the website chat as the visitor sees it, in real headless
 * Chromium on loopback, the bot built and run as `npm start` runs it.
 *
 * - `webchat.answer_ms_*`: from the visitor pressing Enter to the bot's answer drawn in the page,
 *   over the WebSocket stream (the page's default) and polling (`?polling=1`, one poll a second,
 *   what the page did before);
 * - `webchat.volunteer_ms_*`: from the volunteer's send (console API) to the message drawn in the page;
 * - `webchat.idle_cpu_pct_*`: the bot's CPU (share of one core) with 400 chats open and idle,
 *   each a stream (or a poller at one request a second), clients in this process (not browsers:
 *   400 browser pages do not fit the machine; the server's side is the same).
 *
 * Not a test: figures only. Times are taken in the page: from the Enter key (a capturing
 * listener) or the volunteer's send (the same machine's wall clock) to the mutation that draws
 * the new bubble (a MutationObserver), so Playwright's own round trips are not counted.
 */
import { chromium, type Page } from 'playwright-core';
import WebSocket from 'ws';

declare const document: {
  querySelectorAll(selector: string): { length: number };
  querySelector(selector: string): { addEventListener(type: string, listener: (e: { key: string }) => void, options: object): void } | null;
  getElementById(id: string): unknown;
};
declare const performance: { now(): number };
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: unknown, options: object): void;
  disconnect(): void;
}

const SEND_BOX = '#webchat [data-id="webchat-sendbox-input"]';
const BOT_BUBBLES = '#webchat .webchat__bubble:not(.webchat__bubble--from-user)';
const QUESTIONS = [
  'Comment accéder à mon dossier médical ?',
  'Quels sont les horaires d’ouverture ?',
  'Qu’est-ce que la Maison des usagers ?',
  'Comment faire une réclamation ?',
  'Merci',
];

export interface WebchatBenchDeps {
  /** Starts the built bot on a fresh store with volunteers `bench0..`, in a permanence; resolves with its URL and pid. */
  startBot(): Promise<{ url: string; pid: number; chats: { conversationId: string; token: string }[]; stop(): Promise<void> }>;
  volunteerPassword: string;
  figure(name: string, value: number, unit: string, digits?: number): void;
  note(text: string): void;
  cpuMs(pid: number): number;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

async function openChat(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Ouvrir la discussion' }).click();
  await page.locator(BOT_BUBBLES).first().waitFor({ timeout: 60_000 });
  // The welcome may come in several messages: let them all arrive.
  await page.waitForTimeout(1500);
}

async function nextBubble(page: Page, before: number): Promise<void> {
  await page.waitForFunction(([selector, n]) => document.querySelectorAll(selector).length > n, [BOT_BUBBLES, before] as const, { polling: 'raf', timeout: 60_000 });
}

/**
 * Arms a watch in the page (resolved once armed), then returns how to read it: when a new bot
 * bubble is drawn, `[ms since the Enter key, or NaN if none, Date.now()]`.
 */
async function watchNextBubble(page: Page, before: number): Promise<() => Promise<[number, number]>> {
  await page.evaluate(
    ([selector, sendBox, n]) => {
      let enter = 0;
      document.querySelector(sendBox)?.addEventListener('keydown', (e) => e.key === 'Enter' && (enter = performance.now()), { capture: true, once: true });
      (globalThis as unknown as { __mduNext: Promise<[number, number]> }).__mduNext = new Promise<[number, number]>((resolve) => {
        const observer = new MutationObserver(() => {
          if (document.querySelectorAll(selector).length > n) {
            observer.disconnect();
            resolve([enter ? performance.now() - enter : NaN, Date.now()]);
          }
        });
        observer.observe(document.getElementById('webchat'), { childList: true, subtree: true });
      });
    },
    [BOT_BUBBLES, SEND_BOX, before] as const,
  );
  return () => page.evaluate(() => (globalThis as unknown as { __mduNext: Promise<[number, number]> }).__mduNext);
}

async function answers(page: Page, rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const before = await page.locator(BOT_BUBBLES).count();
    await page.locator(SEND_BOX).fill(QUESTIONS[i % QUESTIONS.length]!);
    const drawn = await watchNextBubble(page, before);
    await page.keyboard.press('Enter');
    const [ms] = await drawn();
    if (Number.isFinite(ms)) times.push(ms);
    // Let the rest of the answer (feedback buttons, a second message) arrive before the next question.
    await page.waitForTimeout(400);
  }
  return times;
}

async function consoleApi(url: string, login: string, password: string) {
  let cookie = '';
  let csrf = '';
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/console/api${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(cookie ? { cookie } : {}), ...(csrf ? { 'x-csrf-token': csrf } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0]!;
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const signedIn = await call('POST', '/session', { login, password });
  csrf = String(signedIn.body.csrfToken);
  await call('POST', '/availability', { available: true });
  return call;
}

async function volunteerToVisitor(page: Page, url: string, password: string, rounds: number): Promise<number[]> {
  const call = await consoleApi(url, 'bench0', password);
  const before = await page.locator(BOT_BUBBLES).count();
  await page.locator(SEND_BOX).fill('Je voudrais parler à un bénévole');
  await page.keyboard.press('Enter');
  await nextBubble(page, before);
  let id: string | undefined;
  for (let i = 0; i < 200 && !id; i++) {
    const queue = (await call('GET', '/queue')).body.queue as { id: string }[] | undefined;
    id = queue?.[0]?.id;
    if (!id) await new Promise((r) => setTimeout(r, 50));
  }
  if (!id) throw new Error('the request never reached the queue');
  await call('POST', `/conversations/${id}/accept`);
  await page.waitForTimeout(1500);
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const count = await page.locator(BOT_BUBBLES).count();
    const drawn = await watchNextBubble(page, count);
    const started = Date.now();
    const sent = await call('POST', `/conversations/${id}/messages`, { text: `Message ${i} de la bénévole.` });
    if (sent.status >= 300) throw new Error(`send: ${sent.status}`);
    times.push((await drawn())[1] - started);
    await page.waitForTimeout(150);
  }
  await call('POST', `/conversations/${id}/end`);
  return times;
}

/** `count` chats open and idle against the bot, by stream or by polling; resolves a stop function. */
async function idleChats(url: string, chats: { conversationId: string; token: string }[], mode: 'stream' | 'polling'): Promise<() => void> {
  const sockets: WebSocket[] = [];
  let stopped = false;
  const pollers: Promise<void>[] = [];
  const domain = `${url}/v3/directline`;
  for (const chat of chats) {
    // What the page does on a reload: GET the conversation (a fresh streamUrl), then stream or poll.
    const started = (await (await fetch(`${domain}/conversations/${chat.conversationId}?watermark=`, { headers: { authorization: `Bearer ${chat.token}` } })).json()) as { conversationId: string; streamUrl: string };
    const issued = { domain, token: chat.token };
    if (mode === 'stream') {
      const socket = new WebSocket(started.streamUrl);
      socket.on('error', () => undefined);
      sockets.push(socket);
    } else {
      pollers.push(
        (async () => {
          let watermark = '';
          while (!stopped) {
            const response = await fetch(`${issued.domain}/conversations/${started.conversationId}/activities?watermark=${watermark}`, { headers: { authorization: `Bearer ${issued.token}` } }).catch(() => undefined);
            if (response?.ok) watermark = ((await response.json()) as { watermark: string }).watermark;
            await new Promise((r) => setTimeout(r, 1000));
          }
        })(),
      );
    }
  }
  return () => {
    stopped = true;
    for (const socket of sockets) socket.close();
  };
}

export async function benchWebchat(deps: WebchatBenchDeps): Promise<void> {
  const { figure, note } = deps;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    for (const mode of ['stream', 'polling'] as const) {
      const bot = await deps.startBot();
      try {
        note(`webchat (${mode}): the bot's answers, as the page draws them`);
        const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
        await openChat(page, mode === 'polling' ? `${bot.url}/?polling=1` : bot.url);
        const answerTimes = await answers(page, 30);
        figure(`webchat.answer_ms_p50_${mode}`, percentile(answerTimes, 50), 'ms', 0);
        figure(`webchat.answer_ms_p95_${mode}`, percentile(answerTimes, 95), 'ms', 0);
        note(`webchat (${mode}): volunteer → visitor`);
        const volunteerTimes = await volunteerToVisitor(page, bot.url, deps.volunteerPassword, 20);
        figure(`webchat.volunteer_ms_p50_${mode}`, percentile(volunteerTimes, 50), 'ms', 0);
        figure(`webchat.volunteer_ms_p95_${mode}`, percentile(volunteerTimes, 95), 'ms', 0);
        await page.context().close();

        note(`webchat (${mode}): 400 idle chats`);
        const stop = await idleChats(bot.url, bot.chats, mode);
        await new Promise((r) => setTimeout(r, 5000));
        const cpuBefore = deps.cpuMs(bot.pid);
        const windowMs = 30_000;
        await new Promise((r) => setTimeout(r, windowMs));
        figure(`webchat.idle_cpu_pct_400_${mode}`, ((deps.cpuMs(bot.pid) - cpuBefore) / windowMs) * 100, '% of a core');
        stop();
      } finally {
        await bot.stop();
      }
    }
  } finally {
    await browser.close();
  }
}
