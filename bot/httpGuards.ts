/**
 * Guards in front of the JSON routes: content encoding and content type (415), body size (413),
 * malformed JSON (400). Error bodies say what is wrong in general words: never a stack, never the
 * request's text.
 *
 * Request bodies are read as they come, never decompressed: every request naming a
 * `Content-Encoding` other than `identity` (or a transfer coding other than `chunked`) is refused
 * with 415 before anything reads it, on every route (`refuseEncodedBodies`, a `server.pre`). The
 * reverse proxy, the chat page, directlinejs, the console and Azure's channels never compress what
 * they send, and inflating would make the body limit count compressed bytes (a 243 KB gzip
 * inflates to 250 MB) and put a decompressor, with its own failures, in front of the routes.
 */
import restify, { type Next, type Request, type Response } from 'restify';

export interface HttpErrorBody {
  error: { code: string; message: string };
}

export function sendError(res: Response, status: number, code: string, message: string): void {
  if (res.headersSent) return;
  res.status(status);
  res.json({ error: { code, message } } satisfies HttpErrorBody);
}

/** The codings of a header (`Content-Encoding`, `Transfer-Encoding`), lower case, in order. */
function codingsOf(header: string | string[] | undefined): string[] {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/** Whether the request's body, if any, arrives as sent: no content coding but `identity`, no transfer coding but `chunked`. */
export function bodyIsUnencoded(req: Request): boolean {
  return codingsOf(req.headers['content-encoding']).every((c) => c === 'identity') && codingsOf(req.headers['transfer-encoding']).every((c) => c === 'chunked');
}

function refuseEncoding(res: Response): void {
  // RFC 9110, 15.5.16: a 415 for a content coding says which codings are accepted.
  res.header('Accept-Encoding', 'identity');
  // The body is never read: the connection is not reused for a next request.
  res.header('Connection', 'close');
  sendError(res, 415, 'unsupported_content_encoding', 'Request bodies are not accepted compressed: send them without Content-Encoding.');
}

/** A `server.pre` handler: 415 for every request with an encoded body, whatever the route, before any parsing. */
export function refuseEncodedBodies(req: Request, res: Response, next: Next): void {
  if (bodyIsUnencoded(req)) return next();
  refuseEncoding(res);
  next(false);
}

/**
 * Reads the body as it comes (no decompression), at most `maxBytes` of it: 413 past that, with
 * the rest read and dropped so the client gets the answer. `req.body` is the bytes.
 */
export function rawBody(maxBytes: number): restify.RequestHandler {
  return function readRawBody(req: Request, res: Response, next: Next): void {
    // Also here, should a route ever be mounted without the server's pre handler.
    if (!bodyIsUnencoded(req)) {
      refuseEncoding(res);
      return next(false);
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (proceed: boolean) => {
      if (settled) return;
      settled = true;
      req.removeListener('data', onData);
      if (!proceed) return next(false);
      if (received > maxBytes) {
        sendError(res, 413, 'payload_too_large', 'The request body is too large.');
        return next(false);
      }
      req.body = Buffer.concat(chunks, received);
      next();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBytes) chunks.push(chunk);
      else chunks.length = 0;
    };
    req.on('data', onData);
    req.once('end', () => settle(true));
    // A client that goes away half-way: nothing to answer, nothing kept.
    req.once('error', () => settle(false));
    req.once('aborted', () => settle(false));
    req.resume();
  };
}

function requireJsonContentType(req: Request, res: Response, next: Next): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    sendError(res, 415, 'unsupported_media_type', 'This route takes application/json.');
    return next(false);
  }
  next();
}

/**
 * How deep a JSON body may nest. Activities, card submissions and console requests nest a few
 * levels; a body nesting thousands (a 256 KB body can nest 130,000) would overflow the stack of
 * whatever walks it later (`JSON.stringify` when it is stored, the SDK's copies), as a 500.
 */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of arrays and objects in a JSON text (strings skipped), in one pass. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

function parseJsonBody(req: Request, res: Response, next: Next): void {
  const raw = (req.body as Buffer | string | undefined)?.toString('utf8') ?? '';
  if (raw.trim() === '') {
    sendError(res, 400, 'empty_body', 'The request body is empty.');
    return next(false);
  }
  if (jsonDepth(raw) > MAX_JSON_DEPTH) {
    sendError(res, 400, 'too_deep', `The request body nests more than ${MAX_JSON_DEPTH} levels.`);
    return next(false);
  }
  try {
    req.body = JSON.parse(raw) as unknown;
  } catch {
    sendError(res, 400, 'malformed_json', 'The request body is not valid JSON.');
    return next(false);
  }
  next();
}

/** The handler chain that reads a JSON body of at most `maxBytes`. */
export function jsonBody(maxBytes: number): restify.RequestHandler[] {
  return [requireJsonContentType, rawBody(maxBytes), parseJsonBody];
}

/**
 * Security headers on every response, pages, JSON and errors alike. Each is set when the response
 * starts and only if the route has not set its own (pages set their CSP with a nonce), so a route
 * never ends up with two policies.
 */
export const DEFAULT_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  // JSON and errors: nothing to load, nothing to frame. Pages replace it with their own.
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

export function securityHeaders(_req: Request, res: Response, next: Next): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
    // A page whose own policy lets someone frame it (the console, as a Teams tab: frame-ancestors
    // names Teams) must not also say DENY, which older browsers would obey instead.
    const policy = String(this.getHeader('Content-Security-Policy') ?? '');
    const framedByPolicy = /frame-ancestors (?!'none')/.test(policy);
    for (const [name, value] of Object.entries(DEFAULT_SECURITY_HEADERS)) {
      if (name === 'X-Frame-Options' && framedByPolicy) continue;
      if (!this.headersSent && this.getHeader(name) === undefined) this.setHeader(name, value);
    }
    return writeHead.apply(this, args);
  } as Response['writeHead'];
  next();
}

/**
 * The Bot Framework adapter answers its own failures with the error's message as the body
 * (an authentication error names the token's claims; a failure outside the turn, whatever it
 * says). This replaces such a text body of a 4xx/5xx with a plain `{ error }`.
 */
export function hideErrorDetails(res: Response): void {
  const send = res.send.bind(res) as (...args: unknown[]) => unknown;
  (res as unknown as { send: (...args: unknown[]) => unknown }).send = (...args: unknown[]) => {
    const status = typeof args[0] === 'number' ? args[0] : res.statusCode;
    const body = typeof args[0] === 'number' ? args[1] : args[0];
    // Invoke responses (objects) are the bot's own answers to Teams; only the adapter's texts go.
    if (status < 400 || (typeof body !== 'string' && !(body instanceof Error))) return send(...args);
    if (typeof args[0] === 'number') res.status(status);
    const code = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status >= 500 ? 'internal' : 'bad_request';
    const message = status === 401 ? 'A valid Bot Framework token is required.' : status >= 500 ? 'The message could not be processed.' : 'The request was refused.';
    return send({ error: { code, message } } satisfies HttpErrorBody);
  };
}
