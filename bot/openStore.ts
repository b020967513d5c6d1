/**
 * Which store the bot (and its commands) use, decided here from the configuration and nowhere
 * else: PostgreSQL when DATABASE_URL is set (several instances may share it), else the embedded
 * lowdb store in DATA_DIR, exactly as before.
 */
import { DIRECT_LINE_CONVERSATION_PREFIX } from '../directline/DirectLineConversations.js';
import { SESSION_PREFIX } from '../handoff/ConsoleSessions.js';
import { HANDOFF_CONVERSATION_PREFIX } from '../handoff/HandoffQueue.js';
import { LowdbStorage, type DocumentStore } from '../store/LowdbStorage.js';
import { assertStoreFitsHeap } from '../store/StoreHeapBudget.js';
import { LocalCoordination, type StoreCoordination } from '../store/StoreCoordination.js';
import type { Config } from './config.js';
import type { RateCounterFactory } from './rateLimit.js';

export interface OpenedStore {
  store: DocumentStore;
  coordination: StoreCoordination;
  kind: 'lowdb' | 'postgres';
  /** Rate counters shared by the instances (PostgreSQL); undefined: each instance counts in memory. */
  rateCounters?: (nowMs: () => number) => RateCounterFactory;
  /** Deletes the shared rate windows started before a date (the retention run). */
  purgeRateWindows?: (before: Date) => Promise<number>;
}

/**
 * The store the configuration names, chosen here and nowhere else: PostgreSQL when DATABASE_URL is
 * set (several instances may share it), else the embedded lowdb store in DATA_DIR, as always.
 */
export async function openStore(config: Config, now: () => Date = () => new Date(), options: { listen?: boolean } = {}): Promise<OpenedStore> {
  if (!config.DATABASE_URL) {
    // Refused before it is read: a store larger than the heap would abort start-up out of memory, again and again.
    await assertStoreFitsHeap(config.dataDir);
    return { store: await LowdbStorage.open({ dataDir: config.dataDir, createIfMissing: !config.production, now }), coordination: new LocalCoordination(), kind: 'lowdb' };
  }
  // Loaded only when asked for: the embedded store's start-up does not pay for the PostgreSQL driver.
  const [{ PostgresStorage }, { PostgresRateLimit }, { postgresPoolConfig }] = await Promise.all([
    import('../store/postgres/PostgresStorage.js'),
    import('../store/postgres/PostgresRateLimit.js'),
    import('../store/postgres/poolConfig.js'),
  ]);
  const store = await PostgresStorage.open({
    pool: postgresPoolConfig(config),
    migrate: config.DATABASE_MIGRATE,
    now,
    // What other instances must hear about at once: the queue, who is on duty, Direct Line conversations.
    notifyPrefixes: [HANDOFF_CONVERSATION_PREFIX, SESSION_PREFIX, DIRECT_LINE_CONVERSATION_PREFIX],
    listen: options.listen,
  });
  return {
    store,
    coordination: store,
    kind: 'postgres',
    rateCounters: (nowMs) => (door, limits) => new PostgresRateLimit(store.pool, { ...limits, door, nowMs }),
    purgeRateWindows: (before) => PostgresRateLimit.purge(store.pool, before),
  };
}

