/**
 * The conversations of the local Direct Line, kept in the store (`directline/conversations/<id>`):
 * the activities the client has not read yet, numbered in order, so a watermark is simply the
 * number of the last activity read. They survive a restart, are purged with the other
 * conversation data after the retention time, and can be erased on the visitor's request.
 *
 * Privacy: message text is kept only until it is delivered. When the client asks for what comes
 * after watermark N (a poll, a stream opened at N, or a stream's ping answered after a push), it
 * has received everything up to N, and those activities are dropped: the store holds no chat
 * history, only what is still on its way. One exception: during a live handoff, its exchange
 * stays until the handoff closes (the volunteer's transcript keeps the same messages anyway), so a
 * reloaded page can show it again.
 *
 * Bounds (issue 14, item 5): a conversation keeps at most `maxUnread` unread activities and
 * `maxBytes` bytes, none older than `maxAgeMs`; all conversations together at most
 * `maxTotalBytes`. A visitor's post beyond is refused (429, 503), so no client can grow the store
 * by posting without reading; the bot's replies always get through (the oldest make room).
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
  /** The timestamp of the last activity appended: the next one is never earlier. */
  lastTimestamp?: string;
  /** The highest watermark a client acknowledged (activities up to it reached it). */
  acked?: number;
  /**
   * While a live handoff is in progress: the number of its first activity. From there on,
   * activities stay after delivery (the same exchange the volunteer's transcript keeps), so a
   * reloaded page shows the live exchange again; they go once the handoff closes.
   */
  keepFrom?: number;
  /** The last client activity ids (`channelData.clientActivityID`) with the id each was given: a retried post is not taken twice. */
  recentClientIds?: [string, string][];
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

/** What a client has not read yet is as much as one conversation may hold: it must read first (429). */
export class ConversationBacklogError extends Error {
  override readonly name = 'ConversationBacklogError';
}

/** Unread activities of all conversations together reach the service's ceiling (503). */
export class DirectLineStoreFullError extends Error {
  override readonly name = 'DirectLineStoreFullError';
}

export interface DirectLineConversationsOptions {
  now: () => Date;
  /** Visitor activities are refused once a conversation has had this many activities. */
  maxActivities?: number;
  /** How many activities one GET returns at most (the client pages on with the watermark). */
  pageSize?: number;
  /** Most activities a conversation keeps unread (kept ones of a live handoff included); visitors are refused beyond. */
  maxUnread?: number;
  /** Most bytes (JSON) a conversation keeps; visitors are refused beyond, the bot's oldest activities make room. */
  maxBytes?: number;
  /** Unread activities older than this are dropped (ms). */
  maxAgeMs?: number;
  /** Most bytes all conversations together keep; visitors are refused beyond (503). */
  maxTotalBytes?: number;
}

/** Called after an activity is appended (streams push it at once). */
export type AppendListener = (conversationId: string, lastSeq: number) => void;

/** A clientActivityID is remembered for this many posts of the conversation. */
const RECENT_CLIENT_IDS = 32;

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
  private readonly maxUnread: number;
  private readonly maxBytes: number;
  private readonly maxAgeMs: number;
  private readonly maxTotalBytes: number;
  private readonly listeners = new Set<AppendListener>();
  /** Bytes each conversation keeps, for the service-wide ceiling (learnt as conversations are read). */
  private readonly bytesOf = new Map<string, number>();
  private totalBytes = 0;
  private counted = false;

  constructor(
    private readonly store: DocumentStore,
    private readonly options: DirectLineConversationsOptions,
  ) {
    this.maxActivities = options.maxActivities ?? 500;
    this.pageSize = options.pageSize ?? 100;
    this.maxUnread = options.maxUnread ?? 100;
    this.maxBytes = options.maxBytes ?? 256 * 1024;
    this.maxAgeMs = options.maxAgeMs ?? 24 * 3_600_000;
    this.maxTotalBytes = options.maxTotalBytes ?? 64 * 1024 * 1024;
  }

  /** A fresh, unguessable conversation id (URL-safe). */
  static newConversationId(): string {
    return randomBytes(18).toString('base64url');
  }

  /** Hears every append (returns the way to stop). */
  subscribe(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Bytes all conversations keep now (for tests and metrics). */
  async keptBytes(): Promise<number> {
    await this.countAll();
    return this.totalBytes;
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

  /** The id already given to a client activity (a retried post), if any. */
  async known(conversationId: string, clientActivityId: string | undefined): Promise<string | undefined> {
    if (!clientActivityId) return undefined;
    const conversation = await this.load(conversationId);
    return conversation?.recentClientIds?.find(([client]) => client === clientActivityId)?.[1];
  }

  /**
   * Appends an activity, giving it its id (`<conversationId>|0000001`), timestamp and channel.
   * `from: 'visitor'` activities are refused once the conversation is full, once its unread
   * activities reach the bounds (count, bytes), or when the service holds all it may; the bot's
   * replies are always kept (the oldest activities make room).
   */
  append(conversationId: string, activity: ActivityFields, from: 'visitor' | 'bot'): Promise<DirectLineActivity | undefined> {
    return this.exclusive(conversationId, async () => {
      const conversation = await this.load(conversationId);
      if (!conversation) return undefined;
      const seq = conversation.lastSeq + 1;
      // Web Chat orders activities by timestamp: a clock that went back (a restart on a fixed
      // test clock, an NTP step) must not put new activities above older ones.
      const now = this.options.now().getTime();
      const last = conversation.lastTimestamp ? Date.parse(conversation.lastTimestamp) : 0;
      const timestamp = new Date(Math.max(now, last + 1)).toISOString();
      conversation.lastTimestamp = timestamp;
      const stored: DirectLineActivity = {
        ...activity,
        id: `${conversationId}|${String(seq).padStart(7, '0')}`,
        timestamp,
        channelId: 'directline',
        conversation: { id: conversationId },
      };
      const size = sizeOf(stored);
      if (from === 'visitor') {
        if (conversation.lastSeq >= this.maxActivities) throw new ConversationFullError('The conversation holds the most activities allowed.');
        const unread = conversation.activities.filter((a) => seqOf(a.id) > (conversation.acked ?? 0));
        if (unread.length >= this.maxUnread || bytesOf({ activities: unread }) + size > this.maxBytes) {
          throw new ConversationBacklogError('The conversation holds as much unread as it may.');
        }
        await this.countAll();
        if (this.totalBytes + size > this.maxTotalBytes) throw new DirectLineStoreFullError('The service holds as much as it may.');
        const clientId = clientActivityIdOf(activity);
        if (clientId) conversation.recentClientIds = [...(conversation.recentClientIds ?? []), [clientId, stored.id] as [string, string]].slice(-RECENT_CLIENT_IDS);
      } else {
        followHandoff(conversation, stored, seq);
      }
      conversation.lastSeq = seq;
      conversation.activities.push(stored);
      // The bot's replies always get through: the oldest activities make room.
      while (conversation.activities.length > 1 && (conversation.activities.length > this.maxUnread + 20 || bytesOf(conversation) > this.maxBytes)) conversation.activities.shift();
      await this.save(conversation);
      this.emit(conversationId, seq);
      return stored;
    });
  }

  /** Takes back a visitor activity the bot did not take (it is not kept when the post failed). */
  remove(conversationId: string, activityId: string): Promise<boolean> {
    return this.exclusive(conversationId, async () => {
      const conversation = await this.load(conversationId);
      if (!conversation) return false;
      const before = conversation.activities.length;
      conversation.activities = conversation.activities.filter((a) => a.id !== activityId);
      conversation.recentClientIds = conversation.recentClientIds?.filter(([, id]) => id !== activityId);
      if (conversation.activities.length === before) return false;
      await this.save(conversation);
      return true;
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
      this.emit(conversationId, conversation.lastSeq);
      return true;
    });
  }

  /**
   * The activities after `watermark` (all when empty), at most one page. Asking past N
   * acknowledges 1..N: those are dropped from the store.
   */
  async since(conversationId: string, watermark: number): Promise<ActivityPage | undefined> {
    if (!(await this.acknowledge(conversationId, watermark))) return undefined;
    return this.peek(conversationId, watermark);
  }

  /** The activities after `watermark`, at most one page, acknowledging nothing (a stream's push). */
  async peek(conversationId: string, watermark: number): Promise<ActivityPage | undefined> {
    const conversation = await this.load(conversationId);
    if (!conversation) return undefined;
    const newer = conversation.activities.filter((a) => seqOf(a.id) > watermark).slice(0, this.pageSize);
    const last = newer.at(-1);
    return { activities: newer, watermark: String(last ? seqOf(last.id) : Math.min(watermark, conversation.lastSeq)) };
  }

  /**
   * A client has received everything up to `watermark`: those activities are dropped, except
   * the exchange of a live handoff (kept until it closes). False when the conversation is unknown.
   */
  acknowledge(conversationId: string, watermark: number): Promise<boolean> {
    return this.exclusive(conversationId, async () => {
      const conversation = await this.load(conversationId);
      if (!conversation) return false;
      const acked = Math.min(Math.max(conversation.acked ?? 0, watermark), conversation.lastSeq);
      const kept = conversation.activities.filter((a) => keeps(conversation, a, acked));
      if (kept.length !== conversation.activities.length || acked !== (conversation.acked ?? 0)) {
        conversation.activities = kept;
        conversation.acked = acked;
        await this.save(conversation);
      }
      return true;
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
      conversation.recentClientIds = [];
      delete conversation.keepFrom;
      conversation.erasedAt = this.options.now().toISOString();
      await this.save(conversation);
      return true;
    });
  }

  /** Deletes the conversations with no activity since `before`, and unread activities older than the age bound. Returns how many conversations went. */
  async purge(before: Date): Promise<number> {
    const gone = await this.store.purge(DIRECT_LINE_CONVERSATION_PREFIX, before);
    if (gone > 0) {
      const keys = new Set(await this.store.keys(DIRECT_LINE_CONVERSATION_PREFIX));
      for (const id of [...this.bytesOf.keys()]) if (!keys.has(keyOf(id))) this.track(id, 0);
    }
    for (const key of await this.store.keys(DIRECT_LINE_CONVERSATION_PREFIX)) {
      const id = key.slice(DIRECT_LINE_CONVERSATION_PREFIX.length);
      // Loading drops what is too old; saving makes it so on disk.
      await this.exclusive(id, async () => {
        const raw = (await this.store.read([key]))[key] as StoredConversation | undefined;
        const conversation = await this.load(id);
        if (raw && conversation && Array.isArray(raw.activities) && raw.activities.length !== conversation.activities.length) await this.save(conversation);
      });
    }
    return gone;
  }

  private emit(conversationId: string, lastSeq: number): void {
    for (const listener of this.listeners) {
      try {
        listener(conversationId, lastSeq);
      } catch {
        // A listener's failure is its own (a closed stream); the append stands.
      }
    }
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
    // Unread activities older than the age bound are no longer anyone's to read.
    const oldest = this.options.now().getTime() - this.maxAgeMs;
    conversation.activities = (Array.isArray(conversation.activities) ? conversation.activities : []).filter((a) => Date.parse(a.timestamp) >= oldest);
    return conversation;
  }

  private async save(conversation: StoredConversation): Promise<void> {
    // Over the version loaded (a new conversation: whatever is there), see `versions`.
    await this.store.write({ [keyOf(conversation.conversationId)]: { ...conversation, eTag: this.versions.get(conversation) ?? '*' } });
    this.track(conversation.conversationId, bytesOf(conversation));
  }

  private track(conversationId: string, bytes: number): void {
    this.totalBytes += bytes - (this.bytesOf.get(conversationId) ?? 0);
    if (bytes > 0) this.bytesOf.set(conversationId, bytes);
    else this.bytesOf.delete(conversationId);
  }

  /** Learns, once, what every stored conversation holds (the ceiling counts them all). */
  private async countAll(): Promise<void> {
    if (this.counted) return;
    this.counted = true;
    const keys = await this.store.keys(DIRECT_LINE_CONVERSATION_PREFIX);
    const items = await this.store.read(keys);
    for (const [key, item] of Object.entries(items)) {
      const id = key.slice(DIRECT_LINE_CONVERSATION_PREFIX.length);
      if (!this.bytesOf.has(id)) this.track(id, bytesOf(item as StoredConversation));
    }
  }
}

/** A conversation's handoff, as the bot's messages tell it: keeping starts when one is queued or live, stops when it closes. */
function followHandoff(conversation: StoredConversation, activity: DirectLineActivity, seq: number): void {
  const status = (activity.channelData as { mdu?: { handoff?: { status?: unknown } } } | undefined)?.mdu?.handoff?.status;
  if (typeof status !== 'string' || activity.type === 'typing') return;
  if (status === 'queued' || status === 'waiting' || status === 'live') conversation.keepFrom ??= seq;
  else delete conversation.keepFrom;
}

/** Whether an activity stays in the store once the client acknowledged `acked`. */
function keeps(conversation: StoredConversation, activity: DirectLineActivity, acked: number): boolean {
  const seq = seqOf(activity.id);
  return seq > acked || (conversation.keepFrom !== undefined && seq >= conversation.keepFrom);
}

function clientActivityIdOf(activity: ActivityFields): string | undefined {
  const id = (activity.channelData as { clientActivityID?: unknown } | undefined)?.clientActivityID;
  return typeof id === 'string' && id.length > 0 && id.length <= 128 ? id : undefined;
}

function sizeOf(activity: DirectLineActivity): number {
  return Buffer.byteLength(JSON.stringify(activity));
}

function bytesOf(conversation: Pick<StoredConversation, 'activities'>): number {
  return (Array.isArray(conversation.activities) ? conversation.activities : []).reduce((sum, a) => sum + sizeOf(a), 0);
}

function keyOf(conversationId: string): string {
  return DIRECT_LINE_CONVERSATION_PREFIX + conversationId;
}

function seqOf(activityId: string): number {
  return Number.parseInt(activityId.slice(activityId.lastIndexOf('|') + 1), 10);
}
