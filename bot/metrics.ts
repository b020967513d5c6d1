/**
 * Operations: what a supervisor (Prometheus, a load balancer, systemd) may know about the bot, and
 * nothing more.
 *
 * - `BotMetrics`: counters and a histogram rendered in the Prometheus text format. Labels are
 *   drawn from fixed sets (intents, handoff statuses, activity kinds) or from the knowledge base's
 *   own topic ids: never message text, never a conversation, user or volunteer id.
 * - `TurnTracker`: the turns running now, so a shutdown can wait for them.
 * - `OperationsMiddleware`: the one place that times turns and reads `channelData.mdu` of the
 *   messages the bot sends (`context.onSendActivities`); registered on the adapter by `main.ts`.
 * - `operationsRoutes`: `GET /readyz`, `GET /metrics`, and the guard that refuses new requests
 *   while the bot drains before it stops.
 *
 * Who may read `/metrics`: with `METRICS_TOKEN` set, a caller presenting
 * `Authorization: Bearer <METRICS_TOKEN>`; without it, only a caller on loopback whose request
 * carries no proxy header (a reverse proxy on the same host adds `X-Forwarded-For`, so a
 * misconfigured proxy that publishes `/metrics` still gets 403).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Activity, Middleware, TurnContext } from 'botbuilder';
import type restify from 'restify';
import type { Next, Request, Response } from 'restify';
import { sendError } from './httpGuards.js';

/** The intents of `channelData.mdu.intent` (shared/contract.md); anything else counts as `other`. */
export const INTENTS = ['answer', 'clarify', 'fallback', 'medical', 'crisis', 'handoff', 'welcome', 'smalltalk'] as const;

/**
 * What happened to live handoff requests, as counted by `mdu_handoffs_total{status}`: requests and
 * closings by reason (the desk reports no separate acceptance event; `mdu_handoff_live` shows the
 * conversations held now, and `closed_ended_*` / `closed_inactivity` are the ones that were taken).
 */
export const HANDOFF_STATUSES = [
  'requested',
  'closed_cancelled',
  'closed_timeout',
  'closed_unavailable',
  'closed_ended_by_volunteer',
  'closed_ended_by_visitor',
  'closed_inactivity',
  'closed_erased',
  'closed_other',
] as const;
export type HandoffStatusLabel = (typeof HANDOFF_STATUSES)[number];

/** Turn latency buckets, in seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

const TOPIC_ID = /^[a-z][a-z0-9_-]{0,30}(\.[a-z0-9_-]{1,30}){0,3}$/;

type TurnKind = 'message' | 'conversation_update' | 'invoke' | 'event' | 'other';

/** A gauge read when `/metrics` is scraped (e.g. the handoff queue's length). */
export type GaugeSource = () => number | Promise<number>;

class Histogram {
  readonly counts = LATENCY_BUCKETS.map(() => 0);
  sum = 0;
  count = 0;

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (value <= LATENCY_BUCKETS[i]!) this.counts[i]!++;
  }
}

export class BotMetrics {
  private readonly intents = new Map<string, number>(INTENTS.map((i) => [i, 0]));
  private readonly topics = new Map<string, number>();
  private readonly turns = new Map<TurnKind, number>();
  private turnErrors = 0;
  private readonly latency = new Histogram();
  private readonly handoffs = new Map<HandoffStatusLabel, number>(HANDOFF_STATUSES.map((s) => [s, 0]));
  private readonly gauges = new Map<string, { help: string; read: GaugeSource }>();
  private readonly startedAt = Date.now();

  /**
   * @param knownTopics the knowledge base's topic ids: only these become label values (a topic id
   *   that is not in the base counts as `other`, so a label can never carry anything else).
   * @param tracker where `mdu_turns_in_flight` is read.
   */
  constructor(
    private readonly knownTopics: ReadonlySet<string> = new Set(),
    private readonly tracker?: TurnTracker,
  ) {}

  /** Counts one message the bot sent, from its `channelData.mdu`. */
  countReply(activity: Partial<Activity>): void {
    if (activity.type !== 'message') return;
    const mdu = (activity.channelData as { mdu?: { intent?: unknown; topic?: unknown } } | undefined)?.mdu;
    const intent = typeof mdu?.intent === 'string' && (INTENTS as readonly string[]).includes(mdu.intent) ? mdu.intent : 'other';
    this.intents.set(intent, (this.intents.get(intent) ?? 0) + 1);
    if (intent === 'answer' && typeof mdu?.topic === 'string') {
      const topic = this.knownTopics.has(mdu.topic) && TOPIC_ID.test(mdu.topic) ? mdu.topic : 'other';
      this.topics.set(topic, (this.topics.get(topic) ?? 0) + 1);
    }
  }

  /** Records one turn (any activity the adapter ran through the bot, proactive ones included). */
  observeTurn(activityType: string | undefined, seconds: number, failed: boolean): void {
    const kind = turnKind(activityType);
    this.turns.set(kind, (this.turns.get(kind) ?? 0) + 1);
    if (failed) this.turnErrors++;
    this.latency.observe(seconds);
  }

  countHandoff(status: HandoffStatusLabel): void {
    this.handoffs.set(status, (this.handoffs.get(status) ?? 0) + 1);
  }

  /**
   * Counts a handoff desk event (`HandoffDesk.subscribe`): a request, or a closing with its
   * reason. Events it does not know are ignored.
   */
  countHandoffEvent(event: { type: string; reason?: string }): void {
    if (event.type === 'request') this.countHandoff('requested');
    else if (event.type === 'closed') {
      const label = `closed_${event.reason ?? 'other'}`;
      this.countHandoff((HANDOFF_STATUSES as readonly string[]).includes(label) ? (label as HandoffStatusLabel) : 'closed_other');
    }
  }

  /**
   * Registers a gauge read at scrape time. `name` is a Prometheus metric name chosen by the code
   * (e.g. `mdu_handoff_queue_length`), never data.
   */
  gauge(name: string, help: string, read: GaugeSource): void {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid metric name ${name}`);
    this.gauges.set(name, { help, read });
  }

  /** The Prometheus text exposition (version 0.0.4). */
  async render(): Promise<string> {
    const out: string[] = [];
    const family = (name: string, type: 'counter' | 'gauge' | 'histogram', help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

    family('mdu_replies_total', 'counter', 'Messages the bot sent, by channelData.mdu.intent.');
    for (const [intent, n] of sorted(this.intents)) out.push(`mdu_replies_total{intent="${intent}"} ${n}`);

    family('mdu_answers_total', 'counter', 'Knowledge-base answers sent, by topic id.');
    for (const [topic, n] of sorted(this.topics)) out.push(`mdu_answers_total{topic="${topic}"} ${n}`);

    family('mdu_turns_total', 'counter', 'Turns the adapter ran through the bot, by activity kind.');
    for (const [kind, n] of sorted(this.turns)) out.push(`mdu_turns_total{kind="${kind}"} ${n}`);

    family('mdu_turn_errors_total', 'counter', 'Turns that ended in an error (see the logs, event turn.failed).');
    out.push(`mdu_turn_errors_total ${this.turnErrors}`);

    family('mdu_turn_duration_seconds', 'histogram', 'Time from the start of a turn to its end, state saved.');
    LATENCY_BUCKETS.forEach((le, i) => out.push(`mdu_turn_duration_seconds_bucket{le="${le}"} ${this.latency.counts[i]}`));
    out.push(`mdu_turn_duration_seconds_bucket{le="+Inf"} ${this.latency.count}`);
    out.push(`mdu_turn_duration_seconds_sum ${round(this.latency.sum)}`);
    out.push(`mdu_turn_duration_seconds_count ${this.latency.count}`);

    family('mdu_turns_in_flight', 'gauge', 'Turns running now.');
    out.push(`mdu_turns_in_flight ${this.tracker?.inFlight ?? 0}`);

    family('mdu_handoffs_total', 'counter', 'Live handoff requests, acceptances and closings (by reason).');
    for (const [status, n] of sorted(this.handoffs)) out.push(`mdu_handoffs_total{status="${status}"} ${n}`);

    for (const [name, gauge] of [...this.gauges].sort(([a], [b]) => a.localeCompare(b))) {
      let value: number;
      try {
        value = await gauge.read();
      } catch {
        continue;
      }
      if (!Number.isFinite(value)) continue;
      family(name, 'gauge', gauge.help);
      out.push(`${name} ${value}`);
    }

    const memory = process.memoryUsage();
    family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.');
    out.push(`process_resident_memory_bytes ${memory.rss}`);
    family('nodejs_heap_used_bytes', 'gauge', 'V8 heap used, in bytes.');
    out.push(`nodejs_heap_used_bytes ${memory.heapUsed}`);
    family('nodejs_heap_total_bytes', 'gauge', 'V8 heap allocated, in bytes.');
    out.push(`nodejs_heap_total_bytes ${memory.heapTotal}`);
    family('process_start_time_seconds', 'gauge', 'Start time of the process since the Unix epoch, in seconds.');
    out.push(`process_start_time_seconds ${Math.floor(this.startedAt / 1000)}`);
    return out.join('\n') + '\n';
  }
}

function turnKind(type: string | undefined): TurnKind {
  switch (type) {
    case 'message':
      return 'message';
    case 'conversationUpdate':
      return 'conversation_update';
    case 'invoke':
      return 'invoke';
    case 'event':
      return 'event';
    default:
      return 'other';
  }
}

function sorted<K extends string>(map: Map<K, number>): [K, number][] {
  return [...map].sort(([a], [b]) => a.localeCompare(b));
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** The turns running now; a shutdown waits for them. */
export class TurnTracker {
  private running = 0;
  private waiters: (() => void)[] = [];

  get inFlight(): number {
    return this.running;
  }

  /** Marks a turn as started; call the returned function once it has ended. */
  begin(): () => void {
    this.running++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.running--;
      if (this.running === 0) for (const wake of this.waiters.splice(0)) wake();
    };
  }

  /** Resolves true once no turn is running, or false after `timeoutMs` if some still are. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(wake);
    });
  }
}

/** Times every turn, tracks it while it runs, and counts the intents of the messages it sends. */
export class OperationsMiddleware implements Middleware {
  constructor(
    private readonly metrics: BotMetrics,
    private readonly tracker: TurnTracker,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const end = this.tracker.begin();
    const started = performance.now();
    context.onSendActivities(async (_context, activities, nextSend) => {
      for (const activity of activities) this.metrics.countReply(activity);
      return nextSend();
    });
    let failed = false;
    try {
      await next();
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      this.metrics.observeTurn(context.activity.type, (performance.now() - started) / 1000, failed);
      end();
    }
  }
}

export type LifecyclePhase = 'starting' | 'ready' | 'draining' | 'stopped';

export interface OperationsRouteDeps {
  metrics: BotMetrics;
  /** Where the bot is in its life: `/readyz` answers 200 only when `ready`. */
  phase: () => LifecyclePhase;
  /** Whether the store can write now: `/readyz` answers 503 while it cannot (a full disk). */
  storeWritable?: () => boolean;
  /**
   * Asks the store whether it answers (PostgreSQL: `SELECT 1` with a short timeout): `/readyz`
   * answers 503 with the reason when it does not. Absent: open is ready (the embedded store).
   */
  storeProbe?: () => Promise<void>;
  /** Details `/readyz` shows (counts and states only). */
  details?: () => Record<string, string | number | boolean>;
  /** `METRICS_TOKEN`: when set, `/metrics` needs `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /**
   * Requests admitted before draining are tracked until their response is sent: a turn whose
   * request was accepted but has not reached the adapter yet must still finish before the store
   * closes (else it would be answered without its state saved).
   */
  requests?: TurnTracker;
}

/** Probes and long-lived streams (the console's server-sent events) are not work to wait for. */
const UNTRACKED = /^\/(?:healthz|readyz|metrics)$|\/events$/;

/** Registers `/readyz`, `/metrics` and the drain guard (a `routes` entry of `makeServer`). */
export function operationsRoutes(deps: OperationsRouteDeps): (server: restify.Server) => void {
  return (server) => {
    // While draining, new requests (also on kept-alive connections) are refused and their
    // connection closed; turns already running finish. Liveness keeps answering.
    server.pre((req: Request, res: Response, next: Next) => {
      // Stopped counts too: once the store is closed, a request on a kept-alive connection must be
      // refused, not run a turn that cannot save.
      const stopping = deps.phase() === 'draining' || deps.phase() === 'stopped';
      if (!stopping || req.path() === '/healthz' || req.path() === '/readyz') {
        if (deps.requests && !stopping && !UNTRACKED.test(req.path())) {
          const end = deps.requests.begin();
          res.once('finish', end);
          res.once('close', end);
        }
        return next();
      }
      res.header('Connection', 'close');
      res.header('Retry-After', '5');
      sendError(res, 503, 'stopping', 'The service is restarting; try again in a moment.');
      return next(false);
    });

    server.get('/readyz', async (_req: Request, res: Response) => {
      const phase = deps.phase();
      const writable = deps.storeWritable?.() ?? true;
      let store = writable ? 'writable' : 'not_writable';
      let reason: string | undefined;
      if (phase === 'ready' && writable && deps.storeProbe) {
        try {
          await deps.storeProbe();
        } catch (error) {
          store = 'unreachable';
          reason = error instanceof Error ? error.message : String(error);
        }
      }
      res.header('Cache-Control', 'no-store');
      res.status(phase === 'ready' && store === 'writable' ? 200 : 503);
      res.json({ status: phase, store, ...(reason ? { reason } : {}), ...(deps.details?.() ?? {}) });
    });

    server.get('/metrics', async (req: Request, res: Response) => {
      const verdict = metricsAccess(req, deps.metricsToken);
      if (verdict !== 'allowed') {
        if (verdict === 'token_required') res.header('WWW-Authenticate', 'Bearer realm="metrics"');
        sendError(res, verdict === 'token_required' ? 401 : 403, 'forbidden', 'Metrics are for the operators.');
        return;
      }
      res.header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
      res.header('Cache-Control', 'no-store');
      res.sendRaw(200, await deps.metrics.render());
    });
  };
}

const PROXY_HEADERS = ['x-forwarded-for', 'x-real-ip', 'forwarded', 'x-forwarded-host'];
const LOOPBACK_ADDRESS = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** Who may read `/metrics` (see the file's comment). */
export function metricsAccess(req: Request, token: string | undefined): 'allowed' | 'token_required' | 'forbidden' {
  if (token) {
    const given = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() ?? '';
    const digest = (s: string) => createHash('sha256').update(s).digest();
    return given && timingSafeEqual(digest(given), digest(token)) ? 'allowed' : 'token_required';
  }
  const remote = req.socket?.remoteAddress ?? '';
  if (!LOOPBACK_ADDRESS.test(remote)) return 'forbidden';
  if (PROXY_HEADERS.some((h) => req.headers[h] !== undefined)) return 'forbidden';
  return 'allowed';
}
