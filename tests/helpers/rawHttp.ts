/**
 * Raw HTTP requests for the attacking tests: any header (Content-Encoding, Transfer-Encoding), any
 * bytes, which `fetch` would refuse or rewrite.
 */
import http from 'node:http';
import { createGzip } from 'node:zlib';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as it is; with `chunked`, in pieces without a Content-Length. */
  body?: Buffer | string;
  chunked?: boolean;
}

/** One request on a fresh connection; resolves with the answer, rejects if the connection fails. */
export function rawRequest(baseUrl: string, path: string, options: RawRequest = {}): Promise<RawResponse> {
  const url = new URL(path, baseUrl);
  const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
  const headers: Record<string, string> = { ...options.headers };
  if (body && !options.chunked) headers['content-length'] = String(body.length);
  if (options.chunked) headers['transfer-encoding'] = headers['transfer-encoding'] ?? 'chunked';
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body && options.chunked) {
      for (let i = 0; i < body.length; i += 1024) req.write(body.subarray(i, i + 1024));
      req.end();
    } else req.end(body);
  });
}

/** The gzip of `prefix`, then `fill` repeated up to `inflatedBytes`, then `suffix`: a small body that inflates to a huge one. */
export async function gzipBomb(prefix: string, fill: string, inflatedBytes: number, suffix: string): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    gzip.once('end', resolve);
    gzip.once('error', reject);
  });
  const block = Buffer.from(fill.repeat(Math.ceil((1 << 20) / fill.length)).slice(0, 1 << 20));
  const write = (chunk: Buffer | string) => new Promise<void>((resolve) => (gzip.write(chunk) ? resolve() : gzip.once('drain', () => resolve())));
  await write(prefix);
  for (let sent = 0; sent < inflatedBytes; sent += block.length) await write(block);
  gzip.end(suffix);
  await ended;
  return Buffer.concat(out);
}
