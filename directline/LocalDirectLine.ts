/**
 * The bot's own Direct Line (local mode): what `botframework-directlinejs` and Web Chat need of
 * the Direct Line 3.0 service, with no Azure. The client posts and polls; the service forwards
 * each visitor activity to the bot over HTTP (`<serviceUrl>/api/messages`) with its own base URL
 * as `serviceUrl`, and the bot replies through the connector routes this server also serves.
 * Everything the client can read is kept in the store (see `DirectLineConversations`).
 */
import { z } from 'zod';
import { pseudonymise, type Logger } from '../bot/log.js';
import type { DocumentStore } from '../store/LowdbStorage.js';
import { DirectLineConversations, type ActivityFields, type DirectLineConversationsOptions } from './DirectLineConversations.js';
import { DirectLineTokens } from './DirectLineTokens.js';

/** A member of a conversation as Direct Line names it. */
export interface Account {
  id: string;
  name?: string;
  role?: string;
}

export interface LocalDirectLineOptions {
  store: DocumentStore;
  now: () => Date;
  log: Logger;
  /** The bot's base URL, as this process reaches it (its Direct Line service URL); known once listening. */
  serviceUrl: () => string | undefined;
  /** The bot as the client sees it. */
  bot?: Account;
  tokenLifetimeSeconds?: number;
  /** Longest visitor text the service takes (the bot has its own, smaller, kinder limit). */
  maxTextChars?: number;
  maxActivities?: number;
  pageSize?: number;
  /** How long to wait for the bot to take an activity. */
  forwardTimeoutMs?: number;
  /** What an unread conversation, and all of them, may hold (see `DirectLineConversations`). */
  bounds?: Pick<DirectLineConversationsOptions, 'maxUnread' | 'maxBytes' | 'maxAgeMs' | 'maxTotalBytes'>;
}

/** Why a visitor activity was refused; the routes turn it into a status and a public message. */
export class DirectLineRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DirectLineRefusal';
  }
}

const Locale = z.string().max(35).regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/);

/** A visitor's activity as a Direct Line client may post it: known fields only, bounded. */
function visitorActivitySchema(maxTextChars: number) {
  return z.object({
    type: z.enum(['message', 'typing', 'event']),
    from: z.object({ id: z.string().min(1).max(128), name: z.string().max(128).optional() }).optional(),
    text: z.string().max(maxTextChars).optional(),
    textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
    locale: Locale.optional(),
    localTimestamp: z.string().max(64).optional(),
    localTimezone: z.string().max(64).optional(),
    name: z.string().max(128).optional(),
    value: z.unknown().optional(),
    channelData: z.record(z.string(), z.unknown()).optional(),
    entities: z.array(z.record(z.string(), z.unknown())).max(16).optional(),
    // Uploads are off: an empty list is all a client may send.
    attachments: z.array(z.unknown()).max(0).optional(),
    replyToId: z.string().max(256).optional(),
  });
}

export const StartConversationBody = z
  .object({ user: z.object({ id: z.string().min(1).max(128).optional() }).optional(), locale: Locale.optional() })
  .optional();

export class LocalDirectLine {
  readonly bot: Account;
  private readonly visitorActivity: ReturnType<typeof visitorActivitySchema>;

  private constructor(
    private readonly options: LocalDirectLineOptions,
    readonly tokens: DirectLineTokens,
    readonly conversations: DirectLineConversations,
  ) {
    this.bot = options.bot ?? { id: 'mdu-front-desk', name: 'Maison des usagers', role: 'bot' };
    this.visitorActivity = visitorActivitySchema(options.maxTextChars ?? 16_000);
  }

  static async open(options: LocalDirectLineOptions): Promise<LocalDirectLine> {
    const tokens = await DirectLineTokens.open(options.store, { now: options.now, lifetimeSeconds: options.tokenLifetimeSeconds });
    const conversations = new DirectLineConversations(options.store, { now: options.now, maxActivities: options.maxActivities, pageSize: options.pageSize, ...options.bounds });
    return new LocalDirectLine(options, tokens, conversations);
  }

  /** A new conversation id and its token; nothing is stored until the client starts it. */
  newConversation(): { conversationId: string; token: string; expires_in: number } {
    const conversationId = DirectLineConversations.newConversationId();
    return { conversationId, ...this.tokens.mint(conversationId) };
  }

  /**
   * The client opens the conversation. The first time, the bot gets a `conversationUpdate`
   * adding the visitor and the bot, so it can greet. Returns whether it was the first time.
   */
  async start(conversationId: string, body: z.infer<typeof StartConversationBody>): Promise<boolean> {
    const { first, userId, locale } = await this.conversations.start(conversationId, { id: body?.user?.id, locale: body?.locale });
    if (first) {
      const user: Account = { id: userId, role: 'user' };
      await this.forward({
        type: 'conversationUpdate',
        id: `${conversationId}|start`,
        timestamp: this.options.now().toISOString(),
        membersAdded: [user, this.bot],
        from: user,
        locale,
        conversation: { id: conversationId },
      }).catch((error: unknown) => this.options.log.error('directline.start_forward_failed', error, { conversation: pseudonymise(conversationId) }));
    }
    return first;
  }

  /**
   * A visitor's activity: validated, echoed into the conversation (with the client's
   * `channelData.clientActivityID`), then handed to the bot. Typing is handed on, not kept.
   */
  async fromVisitor(conversationId: string, body: unknown): Promise<{ id: string }> {
    const parsed = this.visitorActivity.safeParse(body);
    if (!parsed.success) {
      const tooLong = parsed.error.issues.some((i) => i.path[0] === 'text' && i.code === 'too_big');
      const upload = parsed.error.issues.some((i) => i.path[0] === 'attachments');
      if (tooLong) throw new DirectLineRefusal(413, 'text_too_long', 'The message is too long.');
      if (upload) throw new DirectLineRefusal(400, 'uploads_off', 'This chat does not take files.');
      throw new DirectLineRefusal(400, 'invalid_activity', 'The body is not an activity this service takes.');
    }
    const summary = await this.conversations.get(conversationId);
    if (!summary) throw new DirectLineRefusal(404, 'conversation_not_found', 'The conversation does not exist.');
    const { from, attachments: _none, ...fields } = parsed.data;
    void _none;
    const visitor: Account = { id: from?.id ?? summary.userId, ...(from?.name ? { name: from.name } : {}), role: 'user' };
    const activity: ActivityFields = { ...fields, from: visitor };

    if (activity.type === 'typing') {
      await this.forward({ ...activity, id: `${conversationId}|typing`, timestamp: this.options.now().toISOString(), conversation: { id: conversationId } });
      return { id: `${conversationId}|typing` };
    }
    // A post the client retries (its answer was lost to a restart or the network) is taken once.
    const clientActivityId = (fields.channelData as { clientActivityID?: unknown } | undefined)?.clientActivityID;
    const already = await this.conversations.known(conversationId, typeof clientActivityId === 'string' ? clientActivityId : undefined);
    if (already) return { id: already };
    const stored = await this.conversations.append(conversationId, activity, 'visitor');
    if (!stored) throw new DirectLineRefusal(404, 'conversation_not_found', 'The conversation does not exist.');
    try {
      await this.forward({ ...activity, id: stored.id, timestamp: stored.timestamp, conversation: { id: conversationId } });
    } catch (error) {
      // The bot did not take it (refused, rate-limited, unreachable): the text is not kept.
      await this.conversations.remove(conversationId, stored.id).catch(() => undefined);
      throw error;
    }
    return { id: stored.id };
  }

  /** An activity the bot sends (or updates) through the connector routes. */
  async fromBot(conversationId: string, body: unknown, replyToId?: string): Promise<{ id: string } | undefined> {
    const activity = botActivity(body, this.bot, replyToId);
    const stored = await this.conversations.append(conversationId, activity, 'bot');
    return stored && { id: stored.id };
  }

  async updateFromBot(conversationId: string, activityId: string, body: unknown): Promise<{ id: string } | undefined> {
    const replaced = await this.conversations.replace(conversationId, activityId, botActivity(body, this.bot));
    return replaced ? { id: activityId } : undefined;
  }

  /** The visitor's "erase my data": the Direct Line history of the conversation goes. */
  async erase(conversationId: string): Promise<void> {
    await this.conversations.erase(conversationId);
  }

  /** Deletes conversations with no activity since `before`; returns how many. */
  purge(before: Date): Promise<number> {
    return this.conversations.purge(before);
  }

  /** Hands an activity to the bot as the Direct Line channel does: over HTTP, to its messaging endpoint. */
  private async forward(activity: ActivityFields): Promise<void> {
    const serviceUrl = this.options.serviceUrl();
    if (!serviceUrl) throw new DirectLineRefusal(503, 'not_ready', 'The service is starting.');
    const response = await fetch(`${serviceUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...activity, channelId: 'directline', serviceUrl, recipient: this.bot }),
      signal: AbortSignal.timeout(this.options.forwardTimeoutMs ?? 30_000),
    }).catch((error: unknown) => {
      this.options.log.error('directline.forward_failed', error);
      throw new DirectLineRefusal(502, 'bot_unreachable', 'The bot could not be reached.');
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) {
      this.options.log.warn('directline.bot_refused', { status: response.status, type: activity.type });
      throw new DirectLineRefusal(502, 'bot_error', 'The bot could not take the activity.');
    }
  }
}

const BotActivity = z.looseObject({ type: z.string().min(1).max(64) });

/** What the bot sends, as the client will read it: the connector's own fields left out. */
function botActivity(body: unknown, bot: Account, replyToId?: string): ActivityFields {
  const parsed = BotActivity.safeParse(body);
  if (!parsed.success) throw new DirectLineRefusal(400, 'invalid_activity', 'The body is not an activity.');
  const {
    serviceUrl: _serviceUrl,
    recipient: _recipient,
    conversation: _conversation,
    id: _id,
    timestamp: _timestamp,
    channelId: _channelId,
    deliveryMode: _deliveryMode,
    ...fields
  } = parsed.data as ActivityFields;
  void [_serviceUrl, _recipient, _conversation, _id, _timestamp, _channelId, _deliveryMode];
  const given = fields.from as Account | undefined;
  const from = typeof given?.id === 'string' ? { ...given, role: 'bot' } : bot;
  return { ...fields, from, ...(replyToId && !fields.replyToId ? { replyToId } : {}) };
}
