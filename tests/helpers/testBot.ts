/**
 * Starts the real bot in this process (real CloudAdapter, real restify server on an ephemeral
 * loopback port, real lowdb file in a temporary folder), with a fixed clock.
 */
import type { Activity } from 'botbuilder';
import type { Clock } from '../../bot/clock.js';
import { loadConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/log.js';
import { startBot, type RunningBot } from '../../bot/main.js';
import { makeTempDir } from './tempDir.js';

export interface TestBot extends RunningBot {
  dataDir: string;
  /** Posts an activity with deliveryMode expectReplies and returns the bot's replies. */
  send(activity: Partial<Activity>): Promise<Partial<Activity>[]>;
  /** Sends a visitor's text in a conversation and returns the replies. */
  say(text: string, options?: { conversationId?: string; locale?: string; channelId?: string; value?: unknown }): Promise<Partial<Activity>[]>;
  stop(): Promise<void>;
}

/** `options.clock`: a clock the test moves itself (else `MDU_NOW`'s, running at real speed). */
export async function startTestBot(env: Record<string, string> = {}, options: { clock?: Clock } = {}): Promise<TestBot> {
  const tmp = makeTempDir('mdu-bot-');
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: tmp.dir,
    LOG_LEVEL: 'silent',
    MDU_NOW: '2026-11-24T15:00:00+01:00',
    // Every test client is 127.0.0.1: as many new chats as the whole server had before per-client limits.
    RATE_LIMIT_NEW_CONVERSATIONS_PER_CLIENT: '120',
    ...env,
  });
  const running = await startBot(config, createLogger(config.LOG_LEVEL), options);
  let counter = 0;
  const send = async (activity: Partial<Activity>): Promise<Partial<Activity>[]> => {
    const response = await fetch(`${running.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ deliveryMode: 'expectReplies', serviceUrl: running.url, ...activity }),
    });
    if (response.status !== 200) throw new Error(`POST /api/messages answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as { activities?: Partial<Activity>[] };
    return body.activities ?? [];
  };
  return {
    ...running,
    dataDir: tmp.dir,
    send,
    say: (text, options = {}) =>
      send({
        type: 'message',
        id: `act-${++counter}`,
        text,
        locale: options.locale,
        value: options.value,
        channelId: options.channelId ?? 'webchat',
        conversation: { id: options.conversationId ?? 'conv-test' },
        from: { id: 'visitor-1', role: 'user' },
        recipient: { id: 'mdu-bot', role: 'bot' },
      } as Partial<Activity>),
    async stop() {
      await running.close();
      tmp.cleanup();
    },
  };
}

/** The `channelData.mdu` of a reply. */
export function mduOf(activity: Partial<Activity> | undefined): { intent: string; topic?: string; confidence?: number; candidates?: string[]; locale: string } {
  const mdu = (activity?.channelData as { mdu?: unknown } | undefined)?.mdu;
  if (!mdu) throw new Error('reply without channelData.mdu');
  return mdu as { intent: string; topic?: string; confidence?: number; candidates?: string[]; locale: string };
}
