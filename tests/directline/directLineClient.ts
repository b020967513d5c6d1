/**
 * `botframework-directlinejs` itself, in Node (XMLHttpRequest from `xhr2`, polling only), as the
 * tests' Direct Line client: it connects, collects what it receives, and posts.
 */
import { ConnectionStatus, DirectLine, type Activity, type DirectLineOptions } from 'botframework-directlinejs';
import XMLHttpRequest from 'xhr2';

Object.assign(globalThis, { XMLHttpRequest });

/** directlinejs reads a WebSocket class even when told not to use one. */
class NoWebSocket {
  constructor() {
    throw new Error('this Direct Line has no WebSocket: use webSocket: false');
  }
}

export type DlActivity = Activity & { channelData?: Record<string, unknown>; replyToId?: string; conversation?: { id: string } };

export interface IssuedToken {
  token: string;
  conversationId: string;
  expires_in: number;
  domain: string;
}

/** `POST /api/directline/token`, as the page does. */
export async function fetchToken(botUrl: string): Promise<IssuedToken> {
  const response = await fetch(`${botUrl}/api/directline/token`, { method: 'POST' });
  if (response.status !== 200) throw new Error(`token route answered ${response.status}`);
  return (await response.json()) as IssuedToken;
}

export class DirectLineClient {
  readonly received: DlActivity[] = [];
  readonly statuses: ConnectionStatus[] = [];
  readonly errors: unknown[] = [];
  private readonly listeners = new Set<() => void>();

  private constructor(readonly directLine: DirectLine) {
    // The streams error with "conversation ended" once `end()` is called: that is expected.
    directLine.activity$.subscribe(
      (activity) => {
        this.received.push(activity as DlActivity);
        for (const listener of this.listeners) listener();
      },
      (error: unknown) => this.errors.push(error),
    );
    directLine.connectionStatus$.subscribe(
      (status) => {
        this.statuses.push(status);
        for (const listener of this.listeners) listener();
      },
      (error: unknown) => this.errors.push(error),
    );
  }

  static connect(options: { domain: string; token: string; conversationId?: string; watermark?: string; locale?: string }): DirectLineClient {
    return new DirectLineClient(
      new DirectLine({
        domain: options.domain,
        token: options.token,
        conversationId: options.conversationId,
        watermark: options.watermark,
        webSocket: false,
        pollingInterval: 200,
        conversationStartProperties: options.locale ? { locale: options.locale } : undefined,
        // Node 20 has no WebSocket and our Direct Line has none either: polling only.
        WebSocket: NoWebSocket,
      } as DirectLineOptions),
    );
  }

  /** Resolves once `predicate` holds for what was received (or the connection status), rejects after `timeoutMs`. */
  waitFor<T>(predicate: (received: DlActivity[]) => T | undefined | false, timeoutMs = 60_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const result = predicate(this.received);
        if (result) {
          done();
          resolve(result);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out; received: ${JSON.stringify(this.received.map((a) => [a.type, a.from?.role, (a as { text?: string }).text?.slice(0, 40)]))}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** The bot's reply to the activity `id`. */
  replyTo(id: string, timeoutMs?: number): Promise<DlActivity> {
    return this.waitFor((received) => received.find((a) => a.replyToId === id && a.from?.role === 'bot' && a.type === 'message'), timeoutMs);
  }

  /** Posts an activity; resolves with the id the service gave it. */
  post(activity: Partial<DlActivity>): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.directLine.postActivity({ from: { id: 'visitor-1', role: 'user' }, ...activity } as Activity).subscribe(
        (id) => (id === 'retry' ? reject(new Error('post refused (retry)')) : resolve(id)),
        (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }

  say(text: string, extra: Partial<DlActivity> = {}): Promise<string> {
    return this.post({ type: 'message', text, ...extra } as Partial<DlActivity>);
  }

  end(): void {
    this.directLine.end();
  }
}

/** The `channelData.mdu` of an activity. */
export function mduOf(activity: DlActivity | undefined): { intent: string; topic?: string; locale?: string } | undefined {
  return (activity?.channelData as { mdu?: { intent: string; topic?: string; locale?: string } } | undefined)?.mdu;
}

/** Raw HTTP against the Direct Line routes (what directlinejs hides). */
export async function dl(method: string, url: string, token?: string, body?: unknown): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
