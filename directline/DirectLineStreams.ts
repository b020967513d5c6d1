/**
 * The WebSocket stream of the local Direct Line, as the Azure service serves it: the `streamUrl`
 * given by `POST /conversations` and `GET /conversations/{id}` reads
 * `ws(s)://<host>/v3/directline/conversations/{id}/stream?watermark=N&t=<stream token>`; the
 * server sends activity sets (`{"activities":[...],"watermark":"N"}`, the shape a poll answers)
 * as activities arrive, and an empty message now and then so both sides notice a dead
 * connection. What the client sends is ignored (directlinejs sends empty pings), as Azure does.
 *
 * Opening the stream at watermark N acknowledges 1..N, as a poll does. While it is open, a
 * WebSocket ping follows each push: the pong comes back only after the browser has read every
 * frame sent before the ping (one ordered connection), so it acknowledges what was pushed.
 *
 * Built on `ws` (pinned): `noServer`, attached to the HTTP server's `upgrade` event for the stream
 * path only; a bounded frame size; no compression (no zip bombs, no CPU for 400 idle chats).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { pseudonymise, type Logger } from '../bot/log.js';
import type { LocalDirectLine } from './LocalDirectLine.js';

export interface DirectLineStreamsOptions {
  directLine: LocalDirectLine;
  log: Logger;
  /** `<public base URL>/v3/directline`: the stream URL is built on it (http → ws, https → wss). */
  domain: () => string;
  /** An empty message and a ping this often (ms). */
  heartbeatMs?: number;
  /** Streams open at once, in all (beyond: 503). */
  maxStreams?: number;
  /** Streams open at once on one conversation (beyond: the oldest is closed). */
  maxStreamsPerConversation?: number;
}

const STREAM_PATH = /^\/v3\/directline\/conversations\/([A-Za-z0-9_-]{1,128})\/stream$/;

interface Stream {
  conversationId: string;
  socket: WebSocket;
  /** The last activity number sent on this stream. */
  sent: number;
  /** Watermarks sent before each ping still waiting for its pong, oldest first. */
  pings: number[];
  alive: boolean;
  pushing: Promise<void>;
  again: boolean;
}

export class DirectLineStreams {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false, clientTracking: false });
  private readonly byConversation = new Map<string, Set<Stream>>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private count = 0;
  private closing = false;

  constructor(private readonly options: DirectLineStreamsOptions) {
    this.unsubscribe = options.directLine.conversations.subscribe((conversationId) => {
      for (const stream of this.byConversation.get(conversationId) ?? []) this.push(stream);
    });
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  /** The stream URL of a conversation, from watermark `watermark`, with a fresh stream token. */
  streamUrl(conversationId: string, watermark?: string): string {
    const base = this.options.domain().replace(/^http/, 'ws');
    const token = this.options.directLine.tokens.mintStream(conversationId);
    const mark = watermark && /^\d{1,9}$/.test(watermark) ? watermark : '-';
    return `${base}/conversations/${encodeURIComponent(conversationId)}/stream?watermark=${mark}&t=${encodeURIComponent(token)}`;
  }

  /** Serves the stream path on `httpServer`'s upgrades; other upgrades are refused. */
  attach(httpServer: Server): void {
    httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      void this.upgrade(req, socket, head).catch((error: unknown) => {
        this.options.log.error('directline.stream_failed', error);
        refuse(socket, 500);
      });
    });
  }

  /** Streams open now (for tests and metrics). */
  get open(): number {
    return this.count;
  }

  /** Closes every stream ("going away": clients reconnect) and stops the heartbeat. */
  close(): void {
    this.closing = true;
    clearInterval(this.heartbeat);
    this.unsubscribe();
    for (const streams of this.byConversation.values()) for (const stream of streams) stream.socket.close(1001, 'going away');
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = STREAM_PATH.exec(url.pathname);
    if (!match || req.method !== 'GET') return refuse(socket, 404);
    if (this.closing) return refuse(socket, 503);
    const conversationId = match[1]!;
    // The stream token of the URL (browsers cannot set headers on a WebSocket), or a bearer token.
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const check = this.options.directLine.tokens.verify(url.searchParams.get('t') ?? bearer);
    if (!check.ok) return refuse(socket, 403);
    if (check.claims.conversationId !== conversationId) return refuse(socket, 403);
    const raw = url.searchParams.get('watermark') ?? '';
    if (raw !== '' && raw !== '-' && !/^\d{1,9}$/.test(raw)) return refuse(socket, 400);
    const watermark = /^\d+$/.test(raw) ? Number(raw) : 0;
    if (!(await this.options.directLine.conversations.get(conversationId))?.started) return refuse(socket, 404);
    if (this.count >= (this.options.maxStreams ?? 5000)) return refuse(socket, 503);

    await this.options.directLine.conversations.acknowledge(conversationId, watermark);
    this.server.handleUpgrade(req, socket, head, (ws) => this.opened(conversationId, ws, watermark));
  }

  private opened(conversationId: string, socket: WebSocket, watermark: number): void {
    const stream: Stream = { conversationId, socket, sent: watermark, pings: [], alive: true, pushing: Promise.resolve(), again: false };
    let streams = this.byConversation.get(conversationId);
    if (!streams) this.byConversation.set(conversationId, (streams = new Set()));
    const limit = this.options.maxStreamsPerConversation ?? 4;
    for (const old of [...streams].slice(0, Math.max(0, streams.size - limit + 1))) old.socket.close(4000, 'replaced');
    streams.add(stream);
    this.count++;
    socket.on('message', () => undefined);
    socket.on('pong', () => {
      stream.alive = true;
      const acknowledged = stream.pings.shift();
      if (acknowledged !== undefined) void this.options.directLine.conversations.acknowledge(conversationId, acknowledged).catch(() => undefined);
    });
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      this.count--;
      streams!.delete(stream);
      if (streams!.size === 0) this.byConversation.delete(conversationId);
    });
    this.push(stream);
  }

  /** Sends what the stream has not sent yet; pushes asked for meanwhile run once after. */
  private push(stream: Stream): void {
    if (stream.again) return;
    stream.again = true;
    stream.pushing = stream.pushing.then(async () => {
      stream.again = false;
      try {
        for (;;) {
          if (stream.socket.readyState !== stream.socket.OPEN) return;
          const page = await this.options.directLine.conversations.peek(stream.conversationId, stream.sent);
          if (!page || page.activities.length === 0) return;
          stream.sent = Number(page.watermark);
          stream.socket.send(JSON.stringify(page));
          stream.pings.push(stream.sent);
          stream.socket.ping();
        }
      } catch (error) {
        this.options.log.error('directline.stream_push_failed', error, { conversation: pseudonymise(stream.conversationId) });
        stream.socket.terminate();
      }
    });
  }

  /** Every stream gets an empty message and a ping; one that did not answer the last ping is closed. */
  private beat(): void {
    for (const streams of this.byConversation.values()) {
      for (const stream of streams) {
        if (!stream.alive) {
          stream.socket.terminate();
          continue;
        }
        stream.alive = false;
        stream.socket.send('');
        stream.pings.push(stream.sent);
        stream.socket.ping();
      }
    }
  }
}

function refuse(socket: Duplex, status: number): void {
  const reason = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' }[status] ?? 'Error';
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  else socket.destroy();
}
