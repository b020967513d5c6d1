/** A loopback server that records every request made to it: where a forged `serviceUrl` points. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorder {
  url: string;
  requests: { method: string; url: string }[];
  close(): Promise<void>;
}

export async function startRecorder(): Promise<Recorder> {
  const requests: { method: string; url: string }[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":"x"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
