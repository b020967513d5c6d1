/**
 * The conversations of the local Direct Line, kept in the store (`directline/conversations/<id>`):
 * the activities the client has not read yet, numbered in order, so a watermark is simply the
 * number of the last activity read. They survive a restart, are purged with the other
 * conversation data after the retention time, and can be erased on the visitor's request.
 *
 * Privacy: message text is kept only until it is delivered. When the client asks for what comes
 * after watermark N, it has received everything up to N, and those activities are dropped: the
 * store holds no chat history, only what is still on its way.
 */
import { randomBytes } from 'node:crypto';
import { KeyedSerialiser } from '../bot/KeyedSerialiser.js';
import { ErrorCodes, MduError } from '../bot/errors.js';
import type { DocumentStore } from '../store/LowdbStorage.js';

/** Store prefix of the Direct Line conversations: retention purges and erasure go by it. */
export const DIRECT_LINE_CONVERSATION_PREFIX = 'directline/conversations/';

/** An activity as the bot or the client gives it: plain JSON fields. */
export type ActivityFields = { type?: string } & Record<string, unknown>;

/** An activity as the Direct Line client reads it. */
export type DirectLineActivity = ActivityFields & { id: string; timestamp: string; channelId: 'directline'; conversation: { id: string } };

interface StoredConversation {
  conversationId: string;
  createdAt: string;
  /** Set once the client has started the conversation (the bot got its conversationUpdate). */
  started: boolean;
  /** The user id the conversation was started for (from the start request, or generated). */
  userId: string;
  locale?: string;
  /** Number of the last activity appended (0 when none). */
  lastSeq: number;
  activities: DirectLineActivity[];
  erasedAt?: string;
}

export interface ConversationSummary {
  conversationId: string;
  started: boolean;
  userId: string;
  locale?: string;
  count: number;
}

export interface ActivityPage {
  activities: DirectLineActivity[];
  /** Always a string: the number of the last activity returned, or the one given when nothing is new. */
  watermark: string;
}

export class ConversationFullError extends Error {
  override readonly name = 'ConversationFullError';
}

export interface DirectLineConversationsOptions {
  now: () => Date;
  /** Visitor activities are refused once a conversation has had this many activities. */
  maxActivities?: number;
  /** How many activities one GET returns at most (the client pages on with the watermark). */
  pageSize?: number;
}

export class DirectLineConversations {
  private readonly serialiser = new KeyedSerialiser();
  /**
   * The store's eTag of each conversation as loaded: a save is conditional on it, so two instances
   * sharing the store (a visitor's message on one, a volunteer's reply sent from the other) never
   * overwrite each other's activities; the one refused loads again and redoes its change.
   */
  private readonly versions = new WeakMap<StoredConversation, string>();
  private readonly maxActivities: number;
  private readonly pageSize: number;

  constructor(
    private readonly store: DocumentStore,
    private readonly options: DirectLineConversationsOptions,
  ) {
    this.maxActivities = options.maxActivities ?? 500;
    this.pageSize = options.pageSize ?? 100;
  }

  /** A fresh, unguessable conversation id (URL-safe). */
  static newConversationId(): string {
    return randomBytes(18).toString('base64url');
  }

  async get(conversationId: string): Promise<ConversationSummary | undefined> {
    const c = await this.load(conversationId);
    return c && { conversationId: c.conversationId, started: c.started, userId: c.userId, locale: c.locale, count: c.activities.length };
  }

  /**
   * Marks the conversation started (creating it if needed). Returns true the first time only,
   * which is when the bot must get its `conversationUpdate`.
   */
  start(conversationId: string, user: { id?: string; locale?: string }): Promise<{ first: boolean; userId: string; locale?: string }> {
    return this.exclusive(conversationId, async () => {
      const existing = await this.load(conversationId);
      if (existing?.started) return { first: false, userId: existing.userId, locale: existing.locale };
      const conversation: StoredConversation = existing ?? {
        conversationId,
        createdAt: this.options.now().toISOString(),
        started: false,
        userId: user.id ?? `dl_${randomBytes(12).toString('base64url')}`,
        lastSeq: 0,
        activities: [],
      };
      conversation.started = true;
      if (user.locale) conversation.locale = user.locale;
      await this.save(conversation);
      return { first: true, userId: conversation.userId, locale: conversation.locale };
    });
  }

  /**
   * Appends an activity, giving it its id (`<conversationId>|0000001`), timestamp and channel.
   * `from: 'visitor'` activities are refused once the conversation is full; the bot's replies
   * are always kept (the oldest activities make room).
   */
  append(conversationId: string, activity: ActivityFields, from: 'visitor' | 'bot'): Promise<DirectLineActivity | undefined> {
    return this.exclusive(conversationId, async () => {
      const conversation = await this.load(conversationId);
      if (!conversation) return undefined;
      if (from === 'visitor' && conversation.lastSeq >= this.maxActivities) {
        throw new ConversationFullError('The conversation holds the most activities allowed.');
      }
      const seq = conversation.lastSeq + 1;
      const stored: DirectLineActivity = {
        ...activity,
        id: `${conversationId}|${String(seq).padStart(7, '0')}`,
        timestamp: this.options.now().toISOString(),
        channelId: 'directline',
        conversation: { id: conversationId },
      };
      conversation.lastSeq = seq;
      conversation.activities.push(stored);
      const overflow = conversation.activities.length - Math.ceil(this.maxActivities * 1.2);
      if (overflow > 0) conversation.activities.splice(0, overflow);
      await this.save(conversation);
      return stored;
    });
  }

  /** Replaces a stored activity (the connector's update). Clients that already read it keep their copy. */
  replace(conversationId: string, activityId: string, activity: ActivityFields): Promise<boolean> {
    return this.exclusive(conversationId, async () => {
      const conversation = await this.load(conversationId);
      const index = conversation?.activities.findIndex((a) => a.id === activityId) ?? -1;
      if (!conversation || index < 0) return false;
      const old = conversation.activities[index]!;
      conversation.activities[index] = { ...activity, id: old.id, timestamp: old.timestamp, channelId: 'directline', conversation: { id: conversationId } };
      await this.save(conversation);
      return true;
    });
  }

  /**
   * The activities after `watermark` (all when empty), at most one page. Asking past N
   * acknowledges 1..N: those are dropped from the store.
   */
  since(conversationId: string, watermark: number): Promise<ActivityPage | undefined> {
    return this.exclusive(conversationId, async () => {
      const conversation = await this.load(conversationId);
      if (!conversation) return undefined;
      const delivered = conversation.activities.filter((a) => seqOf(a.id) <= watermark).length;
      if (delivered > 0) {
        conversation.activities = conversation.activities.filter((a) => seqOf(a.id) > watermark);
        await this.save(conversation);
      }
      const newer = conversation.activities.slice(0, this.pageSize);
      const last = newer.at(-1);
      return { activities: newer, watermark: String(last ? seqOf(last.id) : Math.min(watermark, conversation.lastSeq)) };
    });
  }

  /**
   * The visitor's "erase my data": drops every activity of the conversation. The conversation
   * itself stays (empty), so the client and the bot can go on, and the numbering continues.
   */
  erase(conversationId: string): Promise<boolean> {
    return this.exclusive(conversationId, async () => {
      const conversation = await this.load(conversationId);
      if (!conversation) return false;
      conversation.activities = [];
      conversation.erasedAt = this.options.now().toISOString();
      await this.save(conversation);
      return true;
    });
  }

  /** Deletes the conversations with no activity since `before`. Returns how many. */
  purge(before: Date): Promise<number> {
    return this.store.purge(DIRECT_LINE_CONVERSATION_PREFIX, before);
  }

  /** Changes of one conversation run one at a time in this process, and again if another instance changed it first. */
  private exclusive<T>(conversationId: string, task: () => Promise<T>): Promise<T> {
    return this.serialiser.run(conversationId, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await task();
        } catch (error) {
          if (!(error instanceof MduError && error.code === ErrorCodes.STORE_ETAG_CONFLICT) || attempt >= 20) throw error;
        }
      }
    });
  }

  private async load(conversationId: string): Promise<StoredConversation | undefined> {
    const key = keyOf(conversationId);
    const items = await this.store.read([key]);
    const item = items[key] as (StoredConversation & { eTag?: string }) | undefined;
    if (!item) return undefined;
    const { eTag, ...conversation } = item;
    if (eTag) this.versions.set(conversation, eTag);
    return conversation;
  }

  private async save(conversation: StoredConversation): Promise<void> {
    // Over the version loaded (a new conversation: whatever is there), see `versions`.
    await this.store.write({ [keyOf(conversation.conversationId)]: { ...conversation, eTag: this.versions.get(conversation) ?? '*' } });
  }
}

function keyOf(conversationId: string): string {
  return DIRECT_LINE_CONVERSATION_PREFIX + conversationId;
}

function seqOf(activityId: string): number {
  return Number.parseInt(activityId.slice(activityId.lastIndexOf('|') + 1), 10);
}
