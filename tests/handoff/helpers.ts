/**
 * Test helpers for the live handoff: a loopback stand-in for the Bot Framework connector (what the
 * bot sends proactively lands here), and a volunteer's console client over the real HTTP API.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import type { Clock } from '../../bot/clock.js';
import { createLogger } from '../../bot/log.js';
import type { ConsoleSessions } from '../../handoff/ConsoleSessions.js';
import { HandoffDesk, type ConsoleConversation, type ConsoleView, type ProactiveSender } from '../../handoff/HandoffDesk.js';
import type { HandoffQueue } from '../../handoff/HandoffQueue.js';
import { ScheduleTexts } from '../../schedule/describeSchedule.js';
import { PermanenceSchedule } from '../../schedule/PermanenceSchedule.js';

/**
 * Stands in for the adapter's proactive sends: records what the desk sends, per conversation, in
 * order. A conversation in `hold` waits (a slow channel) until `release()`.
 */
export class RecordingSender implements ProactiveSender {
  readonly sent: { conversationId: string; activity: Partial<Activity> }[] = [];
  readonly hold = new Set<string>();
  private readonly waiting: (() => void)[] = [];

  async continueConversationAsync(_botAppId: string, reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const conversationId = reference.conversation!.id;
    if (this.hold.has(conversationId)) await new Promise<void>((resolve) => this.waiting.push(resolve));
    const context = {
      sendActivities: async (activities: Partial<Activity>[]) => {
        for (const activity of activities) this.sent.push({ conversationId, activity });
        return activities.map(() => ({ id: 'x' }));
      },
    } as unknown as TurnContext;
    await logic(context);
  }

  release(): void {
    this.hold.clear();
    for (const go of this.waiting.splice(0)) go();
  }

  to(conversationId: string): Partial<Activity>[] {
    return this.sent.filter((s) => s.conversationId === conversationId).map((s) => s.activity);
  }

  texts(conversationId: string): string[] {
    return this.to(conversationId)
      .filter((a) => a.type === 'message')
      .map((a) => a.text ?? '');
  }
}

/**
 * A desk on the example schedule (UNAFAM on Tuesdays 14:00-17:00), with the test settings: 10 min
 * to accept, 15 min of inactivity, two conversations a volunteer, a sweep every second.
 */
export function makeTestDesk(parts: { queue: HandoffQueue; sessions: ConsoleSessions; clock: Clock; proactive: ProactiveSender }): HandoffDesk {
  const schedule = PermanenceSchedule.fromFile(path.resolve('knowledge/schedule.yaml'));
  return new HandoffDesk({
    ...parts,
    schedule,
    scheduleTexts: new ScheduleTexts(schedule, { showExample: true }),
    log: createLogger('silent'),
    botAppId: '',
    canReach: () => true,
    settings: { acceptTimeoutMs: 10 * 60_000, inactivityMs: 15 * 60_000, maxPerVolunteer: 2, sweepMs: 1000 },
  });
}

/** A recorded activity and the conversation it was sent to. */
export interface Sent {
  conversationId: string;
  activity: Partial<Activity>;
}

/**
 * Shaped like the connector API: `POST /v3/conversations/{id}/activities[/{replyToId}]` answers
 * `{ id }`. Everything the bot sends proactively is recorded, in order.
 */
export class ConnectorRecorder {
  readonly sent: Sent[] = [];
  /** Requests that were not shaped like the connector API. */
  readonly refused: string[] = [];
  private readonly waiters = new Set<() => void>();
  private server!: http.Server;
  url = '';

  async start(): Promise<this> {
    let counter = 0;
    this.server = http.createServer((req, res) => {
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
      let body = '';
      req.on('data', (chunk) => (body += String(chunk)));
      req.on('end', () => {
        if (req.method !== 'POST' || !match) {
          this.refused.push(`${req.method} ${req.url}`);
          res.writeHead(404);
          res.end();
          return;
        }
        this.sent.push({ conversationId: decodeURIComponent(match[1]!), activity: JSON.parse(body) as Partial<Activity> });
        for (const wake of this.waiters) wake();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `sent-${++counter}` }));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Activities sent to one conversation (messages and events), in order. */
  to(conversationId: string): Partial<Activity>[] {
    return this.sent.filter((s) => s.conversationId === conversationId).map((s) => s.activity);
  }

  /** Waits until an activity sent to the conversation matches, and returns it. */
  async waitFor(conversationId: string, predicate: (a: Partial<Activity>) => boolean, timeoutMs = 60_000, after = 0): Promise<Partial<Activity>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.to(conversationId).slice(after).find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`nothing matching was sent to ${conversationId} within ${timeoutMs} ms; sent: ${JSON.stringify(this.to(conversationId).map((a) => [a.type, a.text?.slice(0, 80)]))}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }
}

export interface ApiResult<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** A volunteer using the console's HTTP API with its cookie and CSRF token, as the page does. */
export class ConsoleClient {
  cookie = '';
  csrf = '';
  constructor(readonly baseUrl: string) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResult<T>> {
    const response = await fetch(`${this.baseUrl}/console/api${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  async signIn(login: string, password: string): Promise<ApiResult> {
    const result = await this.call('POST', '/session', { login, password });
    if (result.status === 200) this.csrf = String(result.body.csrfToken);
    return result;
  }

  available(available = true, displayName?: string): Promise<ApiResult> {
    return this.call('POST', '/availability', { available, ...(displayName ? { displayName } : {}) });
  }

  queue(): Promise<ApiResult<ConsoleViewShape>> {
    return this.call<ConsoleViewShape>('GET', '/queue');
  }

  /** Waits until the queue holds a request matching, and returns its id. */
  async waitForQueued(predicate: (c: ConsoleConversationShape) => boolean = () => true, timeoutMs = 60_000): Promise<ConsoleConversationShape> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.queue();
      const found = view.body.queue?.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching request in the queue: ${JSON.stringify(view.body)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  accept(id: string): Promise<ApiResult> {
    return this.call('POST', `/conversations/${encodeURIComponent(id)}/accept`);
  }
  send(id: string, text: string): Promise<ApiResult> {
    return this.call('POST', `/conversations/${encodeURIComponent(id)}/messages`, { text });
  }
  typing(id: string): Promise<ApiResult> {
    return this.call('POST', `/conversations/${encodeURIComponent(id)}/typing`);
  }
  end(id: string): Promise<ApiResult> {
    return this.call('POST', `/conversations/${encodeURIComponent(id)}/end`);
  }
  conversation(id: string): Promise<ApiResult<ConsoleConversationShape>> {
    return this.call<ConsoleConversationShape>('GET', `/conversations/${encodeURIComponent(id)}`);
  }
}

/** What the console API answers: the desk's own types, so the tests read what the console reads. */
export type ConsoleConversationShape = ConsoleConversation;
export type ConsoleViewShape = ConsoleView;

/** Reads a Server-Sent Events stream, collecting its events. */
export class EventStream {
  readonly events: { event: string; data: unknown }[] = [];
  private readonly controller = new AbortController();
  private done: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly cookie: string,
    /** Other headers (a bearer token instead of the cookie). */
    private readonly headers: Record<string, string> = {},
  ) {}

  async open(): Promise<number> {
    const response = await fetch(this.url, { headers: { ...(this.cookie ? { cookie: this.cookie } : {}), accept: 'text/event-stream', ...this.headers }, signal: this.controller.signal });
    if (!response.ok || !response.body) return response.status;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    this.done = (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) this.events.push({ event, data: JSON.parse(data) });
          }
        }
      } catch {
        // aborted
      }
    })();
    return response.status;
  }

  async waitFor(predicate: (e: { event: string; data: unknown }) => boolean, timeoutMs = 60_000): Promise<{ event: string; data: unknown }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching event: ${JSON.stringify(this.events.map((e) => e.event))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.done;
  }
}

/** `channelData.mdu` of an activity (handoff details included). */
export function mdu(activity: Partial<Activity> | undefined): { intent: string; locale: string; topic?: string; easyRead?: boolean; handoff?: { status: string; position?: number; waitMinutes?: number; volunteerName?: string } } {
  const data = (activity?.channelData as { mdu?: unknown } | undefined)?.mdu;
  if (!data) throw new Error(`activity without channelData.mdu: ${JSON.stringify(activity)}`);
  return data as ReturnType<typeof mdu>;
}

/** Only the messages among activities. */
export function messagesOf(activities: Partial<Activity>[]): Partial<Activity>[] {
  return activities.filter((a) => a.type === 'message');
}
