/**
 * What curators get from visitors' use of the knowledge base: counters per topic (asked, helpful,
 * not helpful), and the questions nothing answered, anonymised and kept for a bounded time.
 * No conversation id is stored with either.
 */
import { randomUUID } from 'node:crypto';
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

  async keepUnanswered(text: string, locale: Locale): Promise<void> {
    const redacted = redactPersonalData(text).slice(0, MAX_KEPT_CHARS);
    if (redacted.length < 3) return;
    const entry: UnansweredQuestion = { text: redacted, locale, at: this.now().toISOString() };
    await this.store.write({ [`${UNANSWERED_PREFIX}${randomUUID()}`]: entry });
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

  /** Read-modify-write with the eTag, retried when another turn wrote in between. */
  private async updateCounters(topicId: string, change: (c: TopicCounters) => void): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = ((await this.store.read([COUNTERS_KEY]))[COUNTERS_KEY] ?? { topics: {} }) as { topics: Record<string, TopicCounters>; eTag?: string };
      const counters = (doc.topics[topicId] ??= { asked: 0, helpful: 0, notHelpful: 0 });
      change(counters);
      try {
        await this.store.write({ [COUNTERS_KEY]: { topics: doc.topics, eTag: doc.eTag ?? '*' } });
        return;
      } catch (error) {
        if (!/eTag conflict/.test((error as Error).message)) throw error;
      }
    }
  }
}
