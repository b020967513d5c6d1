/**
 * The consoles' live feed (Server-Sent Events). Each open console gets, on connection and after
 * every change, a `state` event with its whole view (queue, its conversations), and short `alert`
 * events for what deserves a sound: a new request, a crisis, a visitor's message in one of its
 * conversations, a conversation closed by the visitor or by inactivity.
 *
 * An open stream is what keeps a volunteer "present" (see `ConsoleSessions`): a comment line
 * every `heartbeatMs` keeps proxies from closing it and renews presence.
 */
import type { ServerResponse } from 'node:http';
import type { Logger } from '../bot/log.js';
import type { ConsoleSessions, Session } from './ConsoleSessions.js';
import type { DeskEvent, HandoffDesk } from './HandoffDesk.js';

interface Client {
  session: Session;
  res: ServerResponse;
}

export class ConsoleHub {
  private readonly clients = new Set<Client>();
  private pending: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly desk: HandoffDesk,
    private readonly sessions: ConsoleSessions,
    private readonly log: Logger,
    heartbeatMs = 20_000,
  ) {
    this.unsubscribe = desk.subscribe((event) => this.onDeskEvent(event));
    this.heartbeat = setInterval(() => void this.beat(), heartbeatMs);
    this.heartbeat.unref();
  }

  get connected(): number {
    return this.clients.size;
  }

  /** Takes over a response as an event stream for a signed-in volunteer. */
  async attach(session: Session, res: ServerResponse, onClose: (listener: () => void) => void): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    const client: Client = { session, res };
    this.clients.add(client);
    this.sessions.touch(session.login);
    onClose(() => {
      this.clients.delete(client);
    });
    await this.pushState(client);
    // A console coming (back) changes who is available: others' views change too.
    this.schedulePush();
  }

  /** Ends every stream (shutdown). */
  close(): void {
    clearInterval(this.heartbeat);
    if (this.pending) clearTimeout(this.pending);
    this.unsubscribe();
    for (const client of this.clients) client.res.end();
    this.clients.clear();
  }

  /** Pushes fresh views to every console soon (changes close together are sent once). */
  schedulePush(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      for (const client of this.clients) void this.pushState(client);
    }, 25);
  }

  /** Ends the streams of one session (sign-out). */
  disconnect(sessionId: string): void {
    for (const client of this.clients) {
      if (client.session.id === sessionId) {
        client.res.end();
        this.clients.delete(client);
      }
    }
  }

  private onDeskEvent(event: DeskEvent): void {
    switch (event.type) {
      case 'request':
        for (const client of this.clients) if (client.session.available) this.send(client, 'alert', { kind: event.crisis ? 'crisis' : 'request', id: event.handoffId });
        break;
      case 'visitor_message':
        for (const client of this.clients) {
          const crisis = event.flags.includes('crisis');
          if (event.login ? client.session.login === event.login : crisis && client.session.available) {
            this.send(client, 'alert', { kind: crisis ? 'crisis' : event.flags.includes('medical') ? 'medical' : 'message', id: event.handoffId });
          }
        }
        break;
      case 'closed':
        for (const client of this.clients) if (event.login && client.session.login === event.login) this.send(client, 'alert', { kind: 'closed', id: event.handoffId, reason: event.reason });
        break;
      case 'changed':
        break;
    }
    this.schedulePush();
  }

  private async pushState(client: Client): Promise<void> {
    try {
      const session = await this.sessions.byId(client.session.id);
      if (!session) {
        // Signed out or expired: the console must sign in again.
        this.send(client, 'signed_out', {});
        client.res.end();
        this.clients.delete(client);
        return;
      }
      client.session = session;
      const view = await this.desk.view({ login: client.session.login, displayName: client.session.displayName, available: client.session.available });
      this.send(client, 'state', view);
    } catch (error) {
      this.log.error('console.push_failed', error);
    }
  }

  private send(client: Client, event: string, data: unknown): void {
    if (client.res.writableEnded) {
      this.clients.delete(client);
      return;
    }
    client.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private async beat(): Promise<void> {
    for (const client of this.clients) {
      this.sessions.touch(client.session.login);
      if (!client.res.writableEnded) client.res.write(': ping\n\n');
    }
    // Re-reading the sessions ends the streams of expired ones.
    this.schedulePush();
  }
}
