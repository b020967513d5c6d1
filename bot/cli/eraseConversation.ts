/**
 * The coordinator's erasure of one conversation, on a visitor's request made outside the chat
 * (by phone, by letter, at the MDU's desk):
 *
 *   npm run conversation:erase -- <conversationId>
 *
 * Removes what the store keeps about the conversation: the bot's state (every channel), the live
 * handoff's queue entry and transcript, the Direct Line history, the remembered activity ids.
 * The anonymised unanswered questions carry no conversation id, so they cannot be traced back
 * to it (they are purged after UNANSWERED_RETENTION_DAYS).
 *
 * The bot must be stopped first. While it runs it holds the store's lock and its copy of the data
 * in memory; a second writer would be overwritten by its next write. Rather than open a network
 * door for a rare, destructive action, the command refuses clearly while the bot runs (see
 * PRIVACY.md: stop the service, erase, start it; the visitor's own "effacer mes données" in the
 * chat works at any time).
 *
 * Exit codes: 0 erased (or nothing was kept), 1 usage or other error, 2 the bot is running.
 */
import { systemClock } from '../clock.js';
import { ConfigError, loadConfig } from '../config.js';
import { ErrorCodes, MduError } from '../errors.js';
import { CONVERSATION_STATE_PREFIX } from '../PrefixedConversationState.js';
import { DIRECT_LINE_CONVERSATION_PREFIX } from '../../directline/DirectLineConversations.js';
import { HANDOFF_CONVERSATION_PREFIX, HANDOFF_TRANSCRIPT_PREFIX, HandoffQueue } from '../../handoff/HandoffQueue.js';
import type { DocumentStore } from '../../store/LowdbStorage.js';
import { openStore } from '../openStore.js';
import { PROCESSED_ACTIVITIES_PREFIX } from '../../store/ProcessedActivities.js';

const USAGE = 'usage: npm run conversation:erase -- <conversationId>';

export interface ErasureReport {
  /** Keys removed, by kind. */
  removed: Record<string, string[]>;
  /** Other items that still mention the conversation id (kinds this command does not know): check them. */
  stillMentioning: string[];
}

/** Erases a conversation from an open store. Exported for tests. */
export async function eraseConversation(store: DocumentStore, conversationId: string): Promise<ErasureReport> {
  if (!/^[^/\s]{1,256}$/.test(conversationId)) throw new MduError(ErrorCodes.ACTIVITY_INVALID, `"${conversationId}" is not a conversation id. ${USAGE}`);
  const removed: Record<string, string[]> = {};
  const encoded = encodeURIComponent(conversationId);
  const endsWithId = (key: string) => key.endsWith(`/${conversationId}`) || key.endsWith(`/${encoded}`);

  // The handoff queue's own erasure (queue entry and transcript).
  const handoffKeys = [...(await store.keys(HANDOFF_CONVERSATION_PREFIX)), ...(await store.keys(HANDOFF_TRANSCRIPT_PREFIX))].filter(endsWithId);
  if (handoffKeys.length > 0) await new HandoffQueue(store, systemClock).erase(conversationId);
  removed.handoff = handoffKeys;

  for (const [kind, prefix] of [
    ['state', CONVERSATION_STATE_PREFIX],
    ['directLine', DIRECT_LINE_CONVERSATION_PREFIX],
    ['deliveries', PROCESSED_ACTIVITIES_PREFIX],
    ['handoff', HANDOFF_CONVERSATION_PREFIX],
    ['handoff', HANDOFF_TRANSCRIPT_PREFIX],
  ] as const) {
    const keys = (await store.keys(prefix)).filter(endsWithId);
    await store.delete(keys);
    removed[kind] = [...new Set([...(removed[kind] ?? []), ...keys])];
  }

  const all = await store.keys('');
  const items = await store.read(all);
  const stillMentioning = all.filter((key) => JSON.stringify(items[key]).includes(conversationId));
  await store.flush();
  return { removed, stillMentioning };
}

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.length !== 1 || args[0]!.startsWith('-')) {
    console.error(USAGE);
    return 1;
  }
  const conversationId = args[0]!;
  const config = loadConfig();
  let store: DocumentStore;
  try {
    // With DATABASE_URL the shared store, while the bots run (they hear of the erasure); else the data directory's, bot stopped.
    store = (await openStore({ ...config, production: true }, undefined, { listen: false })).store;
  } catch (error) {
    if (error instanceof MduError && error.code === ErrorCodes.STORE_LOCKED) {
      console.error(
        `The bot is running and holds the store (${error.message}).\n` +
          'Nothing was erased. Stop the bot (for example `systemctl stop mdu-front-desk`), run this command again, then start the bot.\n' +
          'A visitor can erase their own conversation from the chat at any time ("effacer mes données").',
      );
      return 2;
    }
    throw error;
  }
  try {
    const report = await eraseConversation(store, conversationId);
    const count = Object.values(report.removed).reduce((n, keys) => n + keys.length, 0);
    const detail = Object.entries(report.removed)
      .filter(([, keys]) => keys.length > 0)
      .map(([kind, keys]) => `${kind}: ${keys.length}`)
      .join(', ');
    console.log(count === 0 ? 'Nothing was kept about this conversation (already erased, purged, or never seen).' : `Erased ${count} item(s) (${detail}).`);
    if (report.stillMentioning.length > 0) {
      console.log(`Still mentioning this conversation, not erased (unknown kinds, check them): ${report.stillMentioning.join(', ')}`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

if (process.argv[1] && /eraseConversation\.(ts|js)$/.test(process.argv[1])) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof MduError || error instanceof ConfigError ? error.message : error);
      process.exit(1);
    },
  );
}
