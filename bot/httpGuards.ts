/**
 * Guards in front of the JSON routes: content type (415), body size (413), malformed JSON (400).
 * Error bodies say what is wrong in general words: never a stack, never the request's text.
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

function requireJsonContentType(req: Request, res: Response, next: Next): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    sendError(res, 415, 'unsupported_media_type', 'This route takes application/json.');
    return next(false);
  }
  next();
}

function parseJsonBody(req: Request, res: Response, next: Next): void {
  const raw = (req.body as Buffer | string | undefined)?.toString('utf8') ?? '';
  if (raw.trim() === '') {
    sendError(res, 400, 'empty_body', 'The request body is empty.');
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
  return [requireJsonContentType, restify.plugins.bodyReader({ maxBodySize: maxBytes }), parseJsonBody];
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
