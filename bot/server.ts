/**
 * The HTTP server: a configured restify server, not yet listening (`makeServer`), so tests and
 * the composition root decide where it listens.
 */
import restify, { type Request, type Response } from 'restify';
import { CloudAdapter, type Activity, type ActivityHandler, type InvokeResponse, type TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import { ErrorCodes, MduError } from './errors.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { pseudonymise } from './log.js';
import { hideErrorDetails, jsonBody, refuseEncodedBodies, securityHeaders, sendError } from './httpGuards.js';
import { RateLimit, allowActivity, publicRoutesLimit, type RateCounterFactory } from './rateLimit.js';
import type { ServiceUrlPolicy } from './ServiceUrlGuard.js';

export interface Readiness {
  ready: boolean;
  details: Record<string, string | number | boolean>;
}

/** The SDK's adapter, with the turn itself open to the server (its own `process` validates again, see below). */
export class BotAdapter extends CloudAdapter {
  /** Authenticates the request and runs the turn; the status and body to answer with (replies, under `expectReplies`). */
  runTurn(authorization: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authorization, activity, logic);
  }
}

export interface ServerDeps {
  config: Config;
  adapter: BotAdapter;
  bot: ActivityHandler;
  log: Logger;
  serviceUrls: ServiceUrlPolicy;
  readiness: () => Readiness;
  /** Other route groups (Direct Line, pages, console) register themselves here. */
  routes?: ((server: restify.Server) => void)[];
  /** The rate counters (default: in memory; several instances share theirs, see bot/main.ts). */
  rateCounters?: RateCounterFactory;
}

export function makeServer(deps: ServerDeps): restify.Server {
  const { config, adapter, bot, log } = deps;
  const server = restify.createServer({ name: 'mdu-front-desk', handleUncaughtExceptions: false });
  server.pre(restify.plugins.pre.sanitizePath());
  server.pre(securityHeaders);
  // Before the rate limits, the router and any body reader: compressed bodies are never read (httpGuards.ts).
  server.pre(refuseEncodedBodies);
  const windowMs = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
  const counter: RateCounterFactory = deps.rateCounters ?? ((_door, options) => new RateLimit(options));
  server.pre(publicRoutesLimit(counter('public', { limit: config.RATE_LIMIT_PUBLIC, windowMs }), config.TRUST_PROXY));
  const activityLimit = counter('messages', { limit: config.RATE_LIMIT_MESSAGES, windowMs });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.on('restifyError', (req: Request, res: Response, error: Error & { statusCode?: number }, callback: () => void) => {
    // restify's own errors (413, 404, 405...) and whatever a handler threw, with a body that names
    // no internals. An error without a status gets one: restify would otherwise answer with a new
    // error whose body is the thrown one's text (a file path, `ENOSPC`...).
    const storeFull = error instanceof MduError && error.code === ErrorCodes.STORE_WRITE_FAILED;
    const status = storeFull ? 503 : typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (typeof error.statusCode !== 'number' || storeFull) error.statusCode = status;
    if (status >= 500) log.error('http.error', error, { route: req.getRoute()?.path?.toString() ?? '-' });
    // The store cannot write (a full disk): nothing was saved, and it may work again shortly.
    if (storeFull) res.header('Retry-After', '5');
    (error as unknown as { toJSON: () => unknown }).toJSON = () => ({
      error: storeFull
        ? { code: 'unavailable', message: 'Nothing could be saved just now; nothing was done. Try again in a moment.' }
        : { code: status >= 500 ? 'internal' : error.name.replace(/Error$/, '').toLowerCase() || 'error', message: status >= 500 ? 'Internal error.' : publicMessage(status) },
    });
    callback();
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    const readiness = deps.readiness();
    res.status(readiness.ready ? 200 : 503);
    res.json({ status: readiness.ready ? 'ok' : 'starting', ...readiness.details });
  });

  server.post('/api/messages', ...jsonBody(config.MAX_BODY_BYTES), async (req: Request, res: Response) => {
    const activity = req.body as Partial<Activity> | null;
    if (!isActivityShaped(activity)) {
      sendError(res, 400, 'invalid_activity', 'The body is not a Bot Framework activity (type, channelId, conversation.id and serviceUrl are required).');
      return;
    }
    // An invoke names what it asks for: without a name the SDK would answer 501 (not implemented).
    if (activity.type === 'invoke' && (typeof activity.name !== 'string' || activity.name.trim() === '')) {
      sendError(res, 400, 'invalid_activity', 'An invoke activity needs a name.');
      return;
    }
    if (!(await allowActivity(activityLimit, req, res, config.TRUST_PROXY))) return;
    if (config.localMode && activity.deliveryMode !== 'expectReplies' && !deps.serviceUrls.allows(activity.serviceUrl)) {
      log.warn('messages.service_url_refused', { channel: activity.channelId, conversation: pseudonymise(activity.conversation?.id) });
      sendError(res, 403, 'service_url_refused', 'In local mode the bot only replies to its own Direct Line and to the allowed service URLs.');
      return;
    }
    // What the SDK's `adapter.process` does, without the zod schemas it builds and checks on every
    // request: the body was checked above; the turn runs, and its status and body are the response.
    hideErrorDetails(res);
    let response: InvokeResponse | undefined;
    try {
      response = await adapter.runTurn(authorizationOf(req), withDates(activity as Activity), (context) => bot.run(context));
    } catch (error) {
      if (error instanceof AuthenticationError) {
        log.warn('messages.unauthorised', { channel: activity.channelId });
        sendError(res, 401, 'unauthorized', 'A valid Bot Framework token is required.');
        return;
      }
      log.error('messages.process_failed', error, { channel: activity.channelId });
      sendError(res, 500, 'internal', 'The message could not be processed.');
      return;
    }
    res.status(response?.status ?? 200);
    if (response?.body) res.send(response.body);
    res.end();
  });

  for (const register of deps.routes ?? []) register(server);
  return server;
}

function authorizationOf(req: Request): string {
  const header = req.headers.authorization;
  return typeof header === 'string' ? header : '';
}

/** As the SDK's `process` does before a turn: the activity's times as dates, their texts kept beside them. */
function withDates(activity: Activity): Activity {
  const a = activity as Activity & Record<string, unknown>;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    const value = a[field];
    if (typeof value === 'string') {
      a[raw] = value;
      a[field] = new Date(value) as never;
    }
  }
  return activity;
}

function isActivityShaped(a: Partial<Activity> | null): a is Partial<Activity> & { type: string; channelId: string; serviceUrl: string; conversation: { id: string } } {
  return (
    typeof a === 'object' &&
    a !== null &&
    !Array.isArray(a) &&
    typeof a.type === 'string' &&
    a.type.length > 0 &&
    typeof a.channelId === 'string' &&
    typeof a.serviceUrl === 'string' &&
    typeof a.conversation === 'object' &&
    a.conversation !== null &&
    typeof a.conversation.id === 'string' &&
    a.conversation.id.length > 0
  );
}

function publicMessage(status: number): string {
  switch (status) {
    case 404:
      return 'Not found.';
    case 405:
      return 'Method not allowed.';
    case 413:
      return 'The request body is too large.';
    case 415:
      return 'Unsupported media type.';
    case 429:
      return 'Too many requests.';
    default:
      return 'Bad request.';
  }
}

/** Starts listening; resolves with the base URL. */
export function listen(server: restify.Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      const address = server.address();
      resolve(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}`);
    });
  });
}
