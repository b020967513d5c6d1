/**
 * The website chat page (`GET /`) and its assets (`/chat/*`): the page from `web/chat/`, with a
 * fresh CSP nonce on every response, and Web Chat's own UMD bundle served from this server (no
 * CDN). Every response carries the security headers; the page itself is never cached (its nonce
 * must not be reused).
 *
 * Content-Security-Policy, and why each part is what it is:
 * - `script-src 'nonce-…'`: only our two script elements run; no inline script, no eval.
 * - `style-src 'self' 'nonce-…' 'sha256-<empty>'`: our stylesheet, and the style elements Web Chat
 *   injects (emotion), which carry the same nonce because the page passes it to Web Chat (`nonce`
 *   prop). One injector inside Web Chat 4.18 (react-scroll-to-bottom's) does not get the nonce; it
 *   creates an *empty* style element and fills it through the CSSOM (`insertRule`, which CSP does
 *   not govern), so the hash of the empty string admits exactly that and no CSS text. No
 *   'unsafe-inline' (it would be ignored next to a nonce anyway). Inline `style` properties set
 *   from script (React) are not governed by CSP either.
 * - `connect-src 'self'` plus the Direct Line origin in Azure mode (https and wss).
 * - `img-src 'self' data: blob:` (Web Chat's icons are data URLs), `frame-ancestors 'none'`,
 *   `base-uri 'none'`, `form-action 'none'`, `object-src 'none'`, `default-src 'none'`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type restify from 'restify';
import type { Request, Response } from 'restify';

export interface ChatPageDeps {
  /** The folder of the page (`web/chat`). */
  pageDir: string;
  /** Days a conversation is kept: the notice says it. */
  /** How long a conversation with a volunteer is kept: the notice tells visitors. */
  retentionDays: number;
  /** The Direct Line base URL the page will talk to; its origin is allowed in connect-src when not our own. */
  directLineDomain: () => string | undefined;
}

interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer;
}

const ASSETS: Record<string, { file: string; type: string }> = {
  'chat.js': { file: 'chat.js', type: 'text/javascript; charset=utf-8' },
  'directLine.js': { file: 'directLine.js', type: 'text/javascript; charset=utf-8' },
  'chat.css': { file: 'chat.css', type: 'text/css; charset=utf-8' },
  'logo.svg': { file: 'logo.svg', type: 'image/svg+xml' },
};

export function registerChatPage(server: restify.Server, deps: ChatPageDeps): void {
  const bundle = webChatBundle();
  const template = readFileSync(path.join(deps.pageDir, 'index.html'), 'utf8').replaceAll('{{RETENTION_DAYS}}', String(deps.retentionDays));
  const cache = new Map<string, Asset>();
  const load = (name: string, file: string, type: string): Asset => {
    let asset = cache.get(name);
    if (!asset) {
      const body = readFileSync(file);
      asset = { type, body, gzip: gzipSync(body, { level: 9 }) };
      cache.set(name, asset);
    }
    return asset;
  };

  server.get('/', async (_req: Request, res: Response) => {
    const nonce = randomBytes(18).toString('base64');
    res.header('Content-Security-Policy', contentSecurityPolicy(nonce, deps.directLineDomain()));
    res.header('Cache-Control', 'no-store');
    res.header('Content-Type', 'text/html; charset=utf-8');
    res.sendRaw(200, template.replaceAll('{{NONCE}}', nonce));
  });

  server.get('/chat/:asset', async (req: Request, res: Response) => {
    const name = String(req.params.asset);
    let asset: Asset;
    if (name === 'webchat.js') {
      asset = load(name, bundle, 'text/javascript; charset=utf-8');
    } else if (Object.hasOwn(ASSETS, name)) {
      const known = ASSETS[name]!;
      asset = load(name, path.join(deps.pageDir, known.file), known.type);
    } else {
      res.status(404);
      res.json({ error: { code: 'not_found', message: 'Not found.' } });
      return;
    }
    res.header('Content-Type', asset.type);
    res.header('Cache-Control', 'public, max-age=3600');
    res.header('Vary', 'Accept-Encoding');
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      res.header('Content-Encoding', 'gzip');
      res.sendRaw(200, asset.gzip);
    } else {
      res.sendRaw(200, asset.body);
    }
  });
}

/** sha256 of the empty string: an empty style element, filled through the CSSOM (see above). */
const EMPTY_STYLE_HASH = 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

export function contentSecurityPolicy(nonce: string, directLineDomain: string | undefined): string {
  const connect = ["'self'"];
  const origin = directLineDomain ? new URL(directLineDomain).origin : undefined;
  if (origin?.startsWith('https://')) connect.push(origin, origin.replace(/^https:/, 'wss:'));
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}' '${EMPTY_STYLE_HASH}'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "media-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}


/** Web Chat's UMD bundle, from the installed package. */
function webChatBundle(): string {
  const require = createRequire(import.meta.url);
  // The package's exports map hides package.json and dist/; its CommonJS entry is lib/index.js.
  const entry = require.resolve('botframework-webchat');
  const file = path.join(path.dirname(entry), '..', 'dist', 'webchat.js');
  if (!existsSync(file)) throw new Error(`Web Chat's bundle is missing (${file}): run npm ci.`);
  return file;
}
