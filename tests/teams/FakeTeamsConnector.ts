/**
 * A loopback stand-in for the Bot Framework connector as Teams serves it: what the bot sends on
 * its own (proactive messages, card updates, new personal chats) lands here, shaped exactly like
 * the connector API:
 *
 *   POST /v3/conversations                               -> { id, activityId? }   (new conversation)
 *   POST /v3/conversations/{id}/activities[/{replyTo}]   -> { id }                (send, reply)
 *   PUT  /v3/conversations/{id}/activities/{activityId}  -> { id }                (update a card)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity, ConversationParameters } from 'botbuilder';

export interface ConnectorCall {
  method: 'POST' | 'PUT';
  kind: 'send' | 'update' | 'create';
  conversationId: string;
  activityId?: string;
  /** The id this connector gave what was sent. */
  givenId: string;
  activity?: Partial<Activity>;
  parameters?: ConversationParameters;
}

export class FakeTeamsConnector {
  readonly calls: ConnectorCall[] = [];
  readonly refused: string[] = [];
  private server!: http.Server;
  private counter = 0;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += String(chunk)));
      req.on('end', () => {
        const path = (req.url ?? '').split('?')[0]!;
        const send = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
        const json = body ? (JSON.parse(body) as Record<string, unknown>) : {};
        let answer: Record<string, unknown> | undefined;
        if (req.method === 'POST' && path === '/v3/conversations') {
          const id = `a:personal-${++this.counter}`;
          this.calls.push({ method: 'POST', kind: 'create', conversationId: id, givenId: id, parameters: json as unknown as ConversationParameters });
          answer = { id };
        } else if (send && (req.method === 'POST' || req.method === 'PUT')) {
          const conversationId = decodeURIComponent(send[1]!);
          const activityId = send[2] ? decodeURIComponent(send[2]) : undefined;
          const givenId = req.method === 'PUT' ? activityId! : `msg-${++this.counter}`;
          this.calls.push({ method: req.method, kind: req.method === 'PUT' ? 'update' : 'send', conversationId, activityId, givenId, activity: json as Partial<Activity> });
          answer = { id: givenId };
        }
        if (!answer) {
          this.refused.push(`${req.method} ${req.url}`);
          res.writeHead(404);
          res.end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  sentTo(conversationId: string): Partial<Activity>[] {
    return this.calls.filter((c) => c.kind === 'send' && c.conversationId === conversationId).map((c) => c.activity!);
  }

  updates(conversationId?: string): ConnectorCall[] {
    return this.calls.filter((c) => c.kind === 'update' && (!conversationId || c.conversationId === conversationId));
  }

  /** Waits until a call matches (proactive sends happen after the turn that caused them). */
  async waitFor(predicate: (call: ConnectorCall) => boolean, timeoutMs = 60_000): Promise<ConnectorCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.calls.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no matching connector call within ${timeoutMs} ms; calls: ${JSON.stringify(this.calls.map((c) => [c.kind, c.conversationId, c.activity?.text?.slice(0, 60) ?? c.activity?.attachments?.length]))}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
