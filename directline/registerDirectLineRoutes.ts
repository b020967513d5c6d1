/**
 * The HTTP side of the website channel:
 *
 * - `POST /api/directline/token` (both modes): a token for the page (see `DirectLineTokenSource`).
 * - Local mode, the Direct Line 3.0 subset the client uses (the WebSocket stream is `DirectLineStreams`):
 *   `POST /v3/directline/conversations`, `GET /v3/directline/conversations/{id}`,
 *   `POST|GET /v3/directline/conversations/{id}/activities`, `POST /v3/directline/tokens/refresh`.
 * - Local mode, the connector routes the bot replies to (its service URL is this server):
 *   `POST /v3/conversations/{id}/activities[/{replyToId}]`, `PUT /v3/conversations/{id}/activities/{id}`.
 *   Like `/api/messages`, these are not for the internet: a reverse proxy publishes the page,
 *   the token route and `/v3/directline` only.
 *
 * Error bodies are `{ error: { code, message } }`, as the Direct Line service's, without internals.
 */
import type restify from 'restify';
import type { Request, Response } from 'restify';
import { jsonBody, rawBody, sendError } from '../bot/httpGuards.js';
import { pseudonymise, type Logger } from '../bot/log.js';
import { ConversationBacklogError, ConversationFullError, DirectLineStoreFullError } from './DirectLineConversations.js';
import type { DirectLineStreams } from './DirectLineStreams.js';
import type { TokenClaims } from './DirectLineTokens.js';
import { TokenUnavailableError, type DirectLineTokenSource } from './DirectLineTokenSource.js';
import { DirectLineRefusal, StartConversationBody, type LocalDirectLine } from './LocalDirectLine.js';
import type { NewConversationLimit } from '../bot/rateLimit.js';

export interface DirectLineRouteDeps {
  /** The bot's own Direct Line: present in local mode only. */
  local?: LocalDirectLine;
  /** Where the token route gets tokens; absent when neither mode can give one. */
  tokenSource?: DirectLineTokenSource;
  maxBodyBytes: number;
  log: Logger;
  /** Who may open a new chat (a token, or a start without one): per client, then for the whole server. */
  newConversations: NewConversationLimit;
  /** The WebSocket streams (local mode): start and reconnect answers carry a `streamUrl`. */
  streams?: DirectLineStreams;
}

const CONVERSATION_ID = /^[A-Za-z0-9_-]{1,128}$/;
const START_BODY_MAX_BYTES = 4096;

export function registerDirectLineRoutes(server: restify.Server, deps: DirectLineRouteDeps): void {
  const { local, tokenSource, log } = deps;
  let ceilingLogged = 0;
  const newConversationAllowed = (req: Request, res: Response): boolean => {
    const verdict = deps.newConversations.take(req);
    if (verdict.ok) return true;
    // The server's ceiling reached: many clients at once, worth an operator's look (once a window).
    if (verdict.scope === 'server' && Date.now() - ceilingLogged > 60_000) {
      ceilingLogged = Date.now();
      log.warn('directline.new_conversations_ceiling', { retryAfterSeconds: verdict.retryAfterSeconds });
    }
    res.header('Retry-After', String(verdict.retryAfterSeconds));
    sendError(res, 429, 'too_many_requests', 'Too many new conversations; try again shortly.');
    return false;
  };

  server.post('/api/directline/token', async (req: Request, res: Response) => {
    noStore(res);
    if (!tokenSource) {
      sendError(res, 503, 'direct_line_not_configured', 'The website chat is not configured on this server.');
      return;
    }
    if (!newConversationAllowed(req, res)) return;
    try {
      res.json(await tokenSource.issue());
    } catch (error) {
      log.error('directline.token_failed', error, { mode: tokenSource.mode });
      if (error instanceof TokenUnavailableError) sendError(res, 502, 'direct_line_unavailable', 'The chat service is unavailable; try again later.');
      else sendError(res, 500, 'internal', 'The token could not be issued.');
    }
  });

  if (!local) return;

  /** The token's claims, or an error answer (401 without a token, 403 for a bad, expired or foreign one). */
  const authorise = (req: Request, res: Response, conversationId?: string): TokenClaims | undefined => {
    const token = bearerOf(req);
    if (!token) {
      sendError(res, 401, 'missing_token', 'An Authorization: Bearer token is required.');
      return undefined;
    }
    const check = local.tokens.verify(token);
    if (!check.ok || check.claims.stream) {
      if (!check.ok && check.reason === 'expired') sendError(res, 403, 'token_expired', 'The token has expired.');
      else sendError(res, 403, 'invalid_token', 'The token is not valid.');
      return undefined;
    }
    if (conversationId !== undefined && check.claims.conversationId !== conversationId) {
      sendError(res, 403, 'forbidden', 'The token does not give access to this conversation.');
      return undefined;
    }
    return check.claims;
  };

  const refused = (res: Response, error: unknown, conversationId: string) => {
    if (error instanceof DirectLineRefusal) return sendError(res, error.status, error.code, error.message);
    if (error instanceof ConversationFullError) return sendError(res, 409, 'conversation_full', 'This conversation is full; please start a new one.');
    if (error instanceof ConversationBacklogError) {
      res.header('Retry-After', '5');
      return sendError(res, 429, 'backlog_full', 'Read the activities waiting before posting more.');
    }
    if (error instanceof DirectLineStoreFullError) {
      res.header('Retry-After', '30');
      return sendError(res, 503, 'service_full', 'The service is busy; try again shortly.');
    }
    log.error('directline.failed', error, { conversation: pseudonymise(conversationId) });
    sendError(res, 500, 'internal', 'The request could not be processed.');
  };

  server.post('/v3/directline/conversations', rawBody(START_BODY_MAX_BYTES), async (req: Request, res: Response) => {
    noStore(res);
    const body = StartConversationBody.safeParse(optionalJson(req));
    if (!body.success) return sendError(res, 400, 'invalid_body', 'The body is not a conversation start request.');
    let conversation: { conversationId: string; token: string; expires_in: number };
    if (req.headers.authorization) {
      const claims = authorise(req, res);
      if (!claims) return;
      conversation = { conversationId: claims.conversationId, token: bearerOf(req)!, expires_in: local.tokens.secondsLeft(claims) };
    } else {
      if (!newConversationAllowed(req, res)) return;
      conversation = local.newConversation();
    }
    try {
      const first = await local.start(conversation.conversationId, body.data);
      res.status(first ? 201 : 200);
      res.json({ ...conversation, ...(deps.streams ? { streamUrl: deps.streams.streamUrl(conversation.conversationId) } : {}) });
    } catch (error) {
      refused(res, error, conversation.conversationId);
    }
  });

  server.get('/v3/directline/conversations/:conversationId', async (req: Request, res: Response) => {
    noStore(res);
    const conversationId = String(req.params.conversationId);
    const claims = authorise(req, res, conversationId);
    if (!claims) return;
    if (!(await local.conversations.get(conversationId))?.started) return sendError(res, 404, 'conversation_not_found', 'The conversation does not exist.');
    const watermark = (req.query as Record<string, unknown> | undefined)?.watermark;
    res.json({
      conversationId,
      token: bearerOf(req),
      expires_in: local.tokens.secondsLeft(claims),
      ...(deps.streams ? { streamUrl: deps.streams.streamUrl(conversationId, typeof watermark === 'string' ? watermark : undefined) } : {}),
    });
  });

  server.post('/v3/directline/conversations/:conversationId/activities', ...jsonBody(deps.maxBodyBytes), async (req: Request, res: Response) => {
    noStore(res);
    const conversationId = String(req.params.conversationId);
    if (!authorise(req, res, conversationId)) return;
    try {
      res.json(await local.fromVisitor(conversationId, req.body));
    } catch (error) {
      refused(res, error, conversationId);
    }
  });

  server.get('/v3/directline/conversations/:conversationId/activities', async (req: Request, res: Response) => {
    noStore(res);
    const conversationId = String(req.params.conversationId);
    if (!authorise(req, res, conversationId)) return;
    const raw = (req.query as Record<string, unknown> | undefined)?.watermark;
    const watermark = raw === undefined || raw === '' ? 0 : typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
    if (Number.isNaN(watermark)) return sendError(res, 400, 'invalid_watermark', 'The watermark is not one this service gave.');
    const page = await local.conversations.since(conversationId, watermark);
    if (!page) return sendError(res, 404, 'conversation_not_found', 'The conversation does not exist.');
    res.json(page);
  });

  server.post('/v3/directline/conversations/:conversationId/upload', async (_req: Request, res: Response) => {
    sendError(res, 400, 'uploads_off', 'This chat does not take files.');
  });

  server.post('/v3/directline/tokens/refresh', async (req: Request, res: Response) => {
    noStore(res);
    const claims = authorise(req, res);
    if (!claims) return;
    res.json({ conversationId: claims.conversationId, ...local.tokens.mint(claims.conversationId) });
  });

  // The connector side: the bot's replies (its service URL is this server).
  const fromBot = async (req: Request, res: Response) => {
    const conversationId = String(req.params.conversationId);
    if (!CONVERSATION_ID.test(conversationId)) return sendError(res, 404, 'conversation_not_found', 'The conversation does not exist.');
    try {
      const replyToId = req.params.activityId === undefined ? undefined : String(req.params.activityId);
      const result = await local.fromBot(conversationId, req.body, replyToId);
      if (!result) return sendError(res, 404, 'conversation_not_found', 'The conversation does not exist.');
      res.json(result);
    } catch (error) {
      refused(res, error, conversationId);
    }
  };
  server.post('/v3/conversations/:conversationId/activities', ...jsonBody(deps.maxBodyBytes), fromBot);
  server.post('/v3/conversations/:conversationId/activities/:activityId', ...jsonBody(deps.maxBodyBytes), fromBot);
  server.put('/v3/conversations/:conversationId/activities/:activityId', ...jsonBody(deps.maxBodyBytes), async (req: Request, res: Response) => {
    const conversationId = String(req.params.conversationId);
    try {
      const result = await local.updateFromBot(conversationId, String(req.params.activityId), req.body);
      if (!result) return sendError(res, 404, 'activity_not_found', 'The activity does not exist.');
      res.json(result);
    } catch (error) {
      refused(res, error, conversationId);
    }
  });
}

function bearerOf(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** The body as JSON when there is one (directlinejs sends `{"user":{}}` or nothing). */
function optionalJson(req: Request): unknown {
  const raw = (req.body as Buffer | string | undefined)?.toString('utf8').trim() ?? '';
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}

function noStore(res: Response): void {
  res.header('Cache-Control', 'no-store');
}

