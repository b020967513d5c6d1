/**
 * The smallest WebSocket client the Playground test needs (Node 20 has no global WebSocket):
 * the HTTP upgrade, then text frames from the server (unmasked), reassembled from fragments.
 * The client sends nothing but the closing of the socket.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';

export interface TextStream {
  messages: string[];
  close(): void;
}

export function openTextStream(url: string, onMessage: (text: string) => void = () => undefined): Promise<TextStream> {
  return new Promise((resolve, reject) => {
    const request = http.request(url.replace(/^ws:/, "http:"), {
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64') },
    });
    request.on('error', reject);
    request.on('response', (response) => reject(new Error(`no upgrade: HTTP ${response.statusCode}`)));
    request.on('upgrade', (_response, socket: Socket, head: Buffer) => {
      const messages: string[] = [];
      let buffer = head;
      let fragments: Buffer[] = [];
      const drain = () => {
        for (;;) {
          if (buffer.length < 2) return;
          const fin = (buffer[0]! & 0x80) !== 0;
          const opcode = buffer[0]! & 0x0f;
          let length = buffer[1]! & 0x7f;
          let at = 2;
          if (length === 126) {
            if (buffer.length < 4) return;
            length = buffer.readUInt16BE(2);
            at = 4;
          } else if (length === 127) {
            if (buffer.length < 10) return;
            length = Number(buffer.readBigUInt64BE(2));
            at = 10;
          }
          if (buffer.length < at + length) return;
          const payload = buffer.subarray(at, at + length);
          buffer = buffer.subarray(at + length);
          if (opcode === 0x8) {
            socket.end();
            return;
          }
          if (opcode === 0x1 || opcode === 0x0) {
            fragments.push(Buffer.from(payload));
            if (fin) {
              const text = Buffer.concat(fragments).toString('utf8');
              fragments = [];
              messages.push(text);
              onMessage(text);
            }
          }
        }
      };
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        drain();
      });
      socket.on('error', () => undefined);
      drain();
      resolve({ messages, close: () => socket.destroy() });
    });
    request.end();
  });
}
