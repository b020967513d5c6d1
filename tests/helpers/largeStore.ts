/**
 * A data directory holding many stored conversations, written straight as a store file (what the
 * embedded store would have written after that many conversations): for the limits of the embedded
 * store, its refusal of a store too large for the heap, and the duty check on a large store.
 *
 * Each conversation is what one answered web chat turn leaves (measured on the bot: its dialog
 * state and its delivery record, ~260 bytes of JSON), with ids of its own.
 */
import { openSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';

/** The documents one answered turn leaves, for conversation `id` at `at` (ms). */
function conversationItems(id: string, at: number, eTag: number): string {
  const updatedAt = new Date(at).toISOString();
  return (
    `"state/conversation/webchat/${id}":{"eTag":"${eTag}","updatedAt":"${updatedAt}","value":{"conversation":{"locale":"fr","lastTopic":"rights.record"}}},` +
    `"dedupe/webchat/${id}":{"eTag":"${eTag + 1}","updatedAt":"${updatedAt}","value":{"ids":[["m-${id}-1",${at}],["m-${id}-2",${at + 1000}]]}}`
  );
}

/**
 * Writes `store.json` in `dataDir` with `conversations` stored conversations (two documents each),
 * last written around `now`. Returns the file's path.
 */
export function writeLargeStore(dataDir: string, conversations: number, now = Date.now()): string {
  const file = path.join(dataDir, 'store.json');
  const fd = openSync(file, 'w', 0o600);
  try {
    writeSync(fd, `{"format":"mdu-store","version":1,"nextETag":${2 * conversations + 1},"journalSeq":0,"items":{`);
    let chunk: string[] = [];
    for (let i = 0; i < conversations; i++) {
      chunk.push(conversationItems(`stored-${i.toString(36)}-${(i * 2654435761) % 1e9}`, now - (conversations - i) * 1000, 2 * i + 1));
      if (chunk.length === 5000) {
        writeSync(fd, (i >= 5000 ? ',' : '') + chunk.join(','));
        chunk = [];
      }
    }
    if (chunk.length > 0) writeSync(fd, (conversations > chunk.length ? ',' : '') + chunk.join(','));
    writeSync(fd, '}}');
  } finally {
    closeSync(fd);
  }
  return file;
}
