/**
 * Remembers which activities of a conversation were already handled, so an activity delivered
 * twice (a channel retrying after a slow answer or a lost connection: Teams, Direct Line) is
 * handled once. The retry gets an empty success and no second reply.
 *
 * Bounded: at most `perConversation` ids a conversation, kept `ttlMs`; at most
 * `conversationsInMemory` conversations cached in memory (the least recently used go first).
 * Persisted in the store (`dedupe/<channel>/<conversation>`), so a retry storm across a restart
 * is still recognised; the documents hold activity ids and times only, and are purged with
 * `purge` after the time to live.
 *
 * The bot uses it on a shared store (several instances: `shared`). On the embedded store it keeps
 * the ids in the conversation's own state instead (`bot/DeliveriesInState.ts`: one document
 * written a turn, not two); this class then only erases and purges the documents of earlier versions.
 */
import type { DocumentStore } from './LowdbStorage.js';

/** Store prefix of the remembered activity ids. */
export const PROCESSED_ACTIVITIES_PREFIX = 'dedupe/';

export interface ProcessedActivitiesOptions {
  now: () => Date;
  /** How long an activity id is remembered. Default: one day. */
  ttlMs?: number;
  /** How many ids a conversation remembers. Default: 100. */
  perConversation?: number;
  /** How many conversations are cached in memory. Default: 5000. */
  conversationsInMemory?: number;
  /**
   * Several instances share the store: a retry may reach another instance than the first delivery,
   * so nothing is cached and each id is recorded by compare-and-set before the turn goes on (the
   * first of two instances to record it handles it). Default false.
   */
  shared?: boolean;
}

/** What identifies a delivery: where it comes from and its id. */
export interface Delivery {
  type?: string;
  id?: string;
  channelId?: string;
  conversation?: { id?: string };
}

type Seen = Map<string, number>;

/** How long an activity id is remembered, by default: one day. */
export const DELIVERY_TTL_MS = 24 * 60 * 60 * 1000;
/** How many ids a conversation remembers, by default. */
export const DELIVERIES_PER_CONVERSATION = 100;

/**
 * Records `id` delivered at `now` among a conversation's remembered ids (in the order they came):
 * false when it was seen within `ttlMs`; otherwise true, with the oldest and the expired ids let go.
 */
export function recordDelivery(seen: Seen, id: string, now: number, ttlMs: number, perConversation: number): boolean {
  const at = seen.get(id);
  if (at !== undefined && now - at < ttlMs) return false;
  seen.delete(id);
  seen.set(id, now);
  for (const [oldId, oldAt] of seen) {
    if (seen.size <= perConversation && now - oldAt < ttlMs) break;
    seen.delete(oldId);
  }
  return true;
}

/** Remembered ids as kept in a document (`[id, time]` pairs, oldest first), whatever shape was read. */
export function seenOfEntries(entries: unknown): Seen {
  return new Map(Array.isArray(entries) ? entries.filter(isEntry) : []);
}

export class ProcessedActivities {
  private readonly cache = new Map<string, Seen>();
  private readonly loading = new Map<string, Promise<Seen>>();
  private readonly ttlMs: number;
  private readonly perConversation: number;
  private readonly conversationsInMemory: number;
  private lastWrite: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: DocumentStore,
    private readonly options: ProcessedActivitiesOptions,
  ) {
    this.ttlMs = options.ttlMs ?? DELIVERY_TTL_MS;
    this.perConversation = options.perConversation ?? DELIVERIES_PER_CONVERSATION;
    this.conversationsInMemory = options.conversationsInMemory ?? 5000;
  }

  /**
   * Records a delivery; true the first time, false for a repeat. Activities without an id,
   * `typing` (not kept, and Direct Line reuses its id) and `invoke` (whose caller waits for a
   * response body) always count as first deliveries.
   *
   * Call it where the conversation's turns are serialised. The id is marked in memory before this
   * resolves; its copy on disk joins the store's next group commit (which the turn's own state
   * write waits for), so a turn costs no extra flush.
   */
  async firstDelivery(activity: Delivery): Promise<boolean> {
    const { id, type, channelId } = activity;
    const conversationId = activity.conversation?.id;
    if (!id || !channelId || !conversationId || type === 'typing' || type === 'invoke') return true;
    const key = `${PROCESSED_ACTIVITIES_PREFIX}${channelId}/${conversationId}`;
    if (this.options.shared && this.store.compareAndSet) return this.firstDeliveryShared(key, id);
    const seen = await this.seenOf(key);
    if (!recordDelivery(seen, id, this.options.now().getTime(), this.ttlMs, this.perConversation)) return false;
    // Not awaited: the store applies the change at once and flushes it with the turn's state.
    this.lastWrite = this.store.write({ [key]: { ids: [...seen], eTag: '*' } }).catch(() => undefined);
    return true;
  }

  /** `firstDelivery` on a shared store: read, add, compare-and-set; again if another instance wrote meanwhile. */
  private async firstDeliveryShared(key: string, id: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const item = (await this.store.read([key]))[key] as { ids?: unknown; eTag?: string } | undefined;
      const seen = seenOfEntries(item?.ids);
      if (!recordDelivery(seen, id, this.options.now().getTime(), this.ttlMs, this.perConversation)) return false;
      if ((await this.store.compareAndSet!(key, item?.eTag ?? null, { ids: [...seen] })) !== null) return true;
      // Past a few rounds of contention the turn goes on: a repeat answered twice beats a turn refused.
      if (attempt >= 5) return true;
    }
  }

  /** Resolves when the last id recorded is on disk. */
  flush(): Promise<void> {
    return this.lastWrite;
  }

  /** Forgets the ids of a conversation (erasure). */
  async erase(channelId: string, conversationId: string): Promise<void> {
    const key = `${PROCESSED_ACTIVITIES_PREFIX}${channelId}/${conversationId}`;
    this.cache.delete(key);
    await this.store.delete([key]);
  }

  /** Deletes the documents last written before `before` (and their cached copies). Returns how many. */
  async purge(before: Date): Promise<number> {
    const limit = before.getTime();
    for (const [key, seen] of this.cache) {
      const newest = Math.max(0, ...seen.values());
      if (newest < limit) this.cache.delete(key);
    }
    return this.store.purge(PROCESSED_ACTIVITIES_PREFIX, before);
  }

  private async seenOf(key: string): Promise<Seen> {
    const cached = this.cache.get(key);
    if (cached) {
      // Least recently used order: a hit moves to the end.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    let loading = this.loading.get(key);
    if (!loading) {
      loading = this.store.read([key]).then((items) => {
        const seen = seenOfEntries((items[key] as { ids?: unknown } | undefined)?.ids);
        this.cache.set(key, seen);
        while (this.cache.size > this.conversationsInMemory) this.cache.delete(this.cache.keys().next().value!);
        return seen;
      });
      this.loading.set(key, loading);
      void loading.finally(() => this.loading.delete(key)).catch(() => undefined);
    }
    return loading;
  }
}

function isEntry(entry: unknown): entry is [string, number] {
  return Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && typeof entry[1] === 'number';
}
