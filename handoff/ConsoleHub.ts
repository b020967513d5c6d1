/**
 * The consoles' live feed (Server-Sent Events). Each open console gets, on connection and after
 * every change it can see, a `state` event with its whole view (queue, its conversations), and
 * short `alert` events for what deserves a sound: a new request, a crisis, a visitor's message in
 * one of its conversations, a conversation closed by the visitor or by inactivity. Alerts go out at
 * once; views are rebuilt only for the consoles a change concerns (a live conversation: its
 * holder's; the queue or who is available: everyone's), and changes close together share a push.
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
  /** Views to push: everyone's, and/or those of some volunteers (logins). */
  private dirtyAll = false;
  private readonly dirty = new Set<string>();
  private pending: NodeJS.Immediate | undefined;
  /** The push being built and sent: one at a time, what changes meanwhile goes in the next. */
  private pushing: Promise<void> | undefined;
  private closed = false;
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
    await this.pushStates([client]);
    // A console coming (back) changes who is available: others' views change too.
    this.schedulePush();
  }

  /** Ends every stream (shutdown). */
  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.cancelPending();
    this.unsubscribe();
    for (const client of this.clients) client.res.end();
    this.clients.clear();
  }

  /**
   * Pushes fresh views soon: to the consoles of one volunteer (`login`), or to every console.
   * Changes that come while a push is being built are gathered into the next one, so under load
   * each console gets at most one view per round instead of one per change.
   */
  schedulePush(login?: string): void {
    if (this.closed) return;
    if (login === undefined) this.dirtyAll = true;
    else this.dirty.add(login);
    // While a push runs, its end starts the next one.
    if (this.pending || this.pushing) return;
    this.pending = setImmediate(() => void this.flush());
  }

  /** Resolves once no push is waiting or being sent (tests). */
  async idle(): Promise<void> {
    while (this.pending || this.pushing) {
      if (this.pushing) await this.pushing;
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
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
        this.schedulePush();
        break;
      case 'visitor_message':
        for (const client of this.clients) {
          const crisis = event.flags.includes('crisis');
          if (event.login ? client.session.login === event.login : crisis && client.session.available) {
            this.send(client, 'alert', { kind: crisis ? 'crisis' : event.flags.includes('medical') ? 'medical' : 'message', id: event.handoffId });
          }
        }
        // Live: only the holder sees this conversation; queued: everyone sees the queue.
        this.schedulePush(event.login);
        break;
      case 'closed':
        for (const client of this.clients) if (event.login && client.session.login === event.login) this.send(client, 'alert', { kind: 'closed', id: event.handoffId, reason: event.reason });
        this.schedulePush(event.login);
        break;
      case 'changed':
        this.schedulePush();
        break;
      case 'live_changed':
        this.schedulePush(event.login);
        break;
    }
  }

  private async flush(): Promise<void> {
    this.pending = undefined;
    const all = this.dirtyAll;
    const logins = new Set(this.dirty);
    this.dirtyAll = false;
    this.dirty.clear();
    const targets = [...this.clients].filter((client) => all || logins.has(client.session.login));
    this.pushing = this.pushStates(targets);
    try {
      await this.pushing;
    } finally {
      this.pushing = undefined;
      if (!this.closed && (this.dirtyAll || this.dirty.size > 0)) this.pending = setImmediate(() => void this.flush());
    }
  }

  /** Sends each console its view; the views' common part is built once (`HandoffDesk.views`). */
  private async pushStates(targets: Client[]): Promise<void> {
    try {
      const live: Client[] = [];
      for (const client of targets) {
        const session = await this.sessions.byId(client.session.id);
        if (!session) {
          // Signed out, expired or the account removed: the console must sign in again.
          this.send(client, 'signed_out', {});
          client.res.end();
          this.clients.delete(client);
          continue;
        }
        client.session = session;
        live.push(client);
      }
      const views = await this.desk.views(live.map(({ session }) => ({ login: session.login, displayName: session.displayName, available: session.available })));
      live.forEach((client, i) => this.send(client, 'state', views[i]));
    } catch (error) {
      this.log.error('console.push_failed', error);
    }
  }

  private cancelPending(): void {
    if (this.pending) clearImmediate(this.pending);
    this.pending = undefined;
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
