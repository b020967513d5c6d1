/**
 * What curators get from visitors' use of the knowledge base: counters per topic (asked, helpful,
 * not helpful), and the questions nothing answered, anonymised and kept for a bounded time.
 * No conversation id is stored with either: an unanswered question carries only a one-way hash
 * of its conversation's id (`from`), so the visitor's "erase my data" can find and delete the
 * questions of their conversation; nobody without the id can tie a question to anyone.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { DocumentStore } from '../store/LowdbStorage.js';
import type { Locale } from './schema.js';
import { redactPersonalData } from './redact.js';

export interface TopicCounters {
  asked: number;
  helpful: number;
  notHelpful: number;
}
export interface UnansweredQuestion {
  text: string;
  locale: Locale;
  at: string;
}

const COUNTERS_KEY = 'curation/counters';
const UNANSWERED_PREFIX = 'curation/unanswered/';
const MAX_KEPT_CHARS = 300;

export class CurationStore {
  /** Counter changes not yet in a write, per topic. */
  private pending = new Map<string, TopicCounters>();
  /** The write that will carry the changes made from now on (not started yet), if any. */
  private nextWrite: Promise<void> | null = null;
  private lastWrite: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: DocumentStore,
    private readonly now: () => Date,
  ) {}

  async countAsked(topicId: string): Promise<void> {
    await this.updateCounters(topicId, (c) => c.asked++);
  }

  async countFeedback(topicId: string, helpful: boolean): Promise<void> {
    await this.updateCounters(topicId, (c) => (helpful ? c.helpful++ : c.notHelpful++));
  }

  async counters(): Promise<Record<string, TopicCounters>> {
    const doc = (await this.store.read([COUNTERS_KEY]))[COUNTERS_KEY] as { topics?: Record<string, TopicCounters> } | undefined;
    return doc?.topics ?? {};
  }

  async keepUnanswered(text: string, locale: Locale, conversationId?: string): Promise<void> {
    const redacted = redactPersonalData(text).slice(0, MAX_KEPT_CHARS);
    if (redacted.length < 3) return;
    const entry: UnansweredQuestion & { from?: string } = { text: redacted, locale, at: this.now().toISOString(), ...(conversationId ? { from: conversationHash(conversationId) } : {}) };
    await this.store.write({ [`${UNANSWERED_PREFIX}${randomUUID()}`]: entry });
  }

  /** The visitor's "erase my data": the unanswered questions of their conversation go too. Returns how many. */
  async eraseConversation(conversationId: string): Promise<number> {
    const from = conversationHash(conversationId);
    const items = await this.store.read(await this.store.keys(UNANSWERED_PREFIX));
    const mine = Object.entries(items).filter(([, item]) => (item as { from?: unknown }).from === from).map(([key]) => key);
    if (mine.length > 0) await this.store.delete(mine);
    return mine.length;
  }

  async unanswered(): Promise<UnansweredQuestion[]> {
    const keys = await this.store.keys(UNANSWERED_PREFIX);
    const items = await this.store.read(keys);
    return Object.values(items)
      .map(({ text, locale, at }) => ({ text, locale, at }) as UnansweredQuestion)
      .sort((a, b) => a.at.localeCompare(b.at));
  }

  /** Deletes unanswered questions older than the retention time. */
  async purge(retentionDays: number): Promise<number> {
    return this.store.purge(UNANSWERED_PREFIX, new Date(this.now().getTime() - retentionDays * 86_400_000));
  }

  /**
   * Counters of every topic live in one document, and answers come many at a time: each change
   * joins the next write of that document, writes run one after another, and a change is
   * confirmed once the write holding it is on disk. No change is lost to a concurrent turn.
   */
  private updateCounters(topicId: string, change: (c: TopicCounters) => void): Promise<void> {
    const delta = this.pending.get(topicId) ?? { asked: 0, helpful: 0, notHelpful: 0 };
    change(delta);
    this.pending.set(topicId, delta);
    if (!this.nextWrite) {
      const write = this.lastWrite.then(() => {
        this.nextWrite = null;
        return this.writeCounters();
      });
      this.nextWrite = write;
      this.lastWrite = write.catch(() => undefined);
    }
    return this.nextWrite;
  }

  private async writeCounters(): Promise<void> {
    const deltas = this.pending;
    this.pending = new Map();
    try {
      // Read-modify-write with the eTag: another process (a curator's tool) may write in between.
      for (let attempt = 0; ; attempt++) {
        const doc = ((await this.store.read([COUNTERS_KEY]))[COUNTERS_KEY] ?? { topics: {} }) as { topics: Record<string, TopicCounters>; eTag?: string };
        for (const [topicId, delta] of deltas) addTo((doc.topics[topicId] ??= { asked: 0, helpful: 0, notHelpful: 0 }), delta);
        try {
          if (doc.eTag === undefined && this.store.compareAndSet) {
            // The first counts: only if no other instance created the document meanwhile (else read it and add again).
            if ((await this.store.compareAndSet(COUNTERS_KEY, null, { topics: doc.topics })) !== null) return;
            continue;
          }
          await this.store.write({ [COUNTERS_KEY]: { topics: doc.topics, eTag: doc.eTag ?? '*' } });
          return;
        } catch (error) {
          if (!/eTag conflict/.test((error as Error).message) || attempt >= 9) throw error;
        }
      }
    } catch (error) {
      // Kept for the next write: a failed write loses no count.
      for (const [topicId, delta] of deltas) {
        const pending = this.pending.get(topicId) ?? { asked: 0, helpful: 0, notHelpful: 0 };
        addTo(pending, delta);
        this.pending.set(topicId, pending);
      }
      throw error;
    }
  }
}

function conversationHash(conversationId: string): string {
  return createHash('sha256').update(`mdu-unanswered:${conversationId}`).digest('base64url').slice(0, 32);
}

function addTo(counters: TopicCounters, delta: TopicCounters): void {
  counters.asked += delta.asked;
  counters.helpful += delta.helpful;
  counters.notHelpful += delta.notHelpful;
}
