/**
 * Live handoffs counted per permanence, for the coordinator's dashboard: how many visitors asked
 * for a volunteer during each weekly permanence slot (association, weekday, hours), and how many
 * of those were answered, not answered in time, or cancelled by the visitor.
 *
 * One document in the store (`ops/handoffs-per-permanence`), counts only: no conversation or
 * handoff id, no volunteer, no text. It is fed by the handoff desk's events (`HandoffDesk.subscribe`).
 */
import type { Clock } from '../bot/clock.js';
import type { Logger } from '../bot/log.js';
import type { PermanenceSchedule, Slot } from '../schedule/PermanenceSchedule.js';
import type { DocumentStore } from '../store/LowdbStorage.js';

export const HANDOFF_COUNTERS_KEY = 'ops/handoffs-per-permanence';

export interface PermanenceCounts {
  requested: number;
  answered: number;
  unanswered: number;
  cancelled: number;
}

export interface PermanenceRow extends PermanenceCounts {
  /** `association id|weekday|from-to`, or `outside` for a request made while no permanence was on. */
  slot: string;
  associationId?: string;
  weekday?: string;
  from?: string;
  to?: string;
}

/** The desk events this listens to (a subset of `DeskEvent`). */
export type CountedEvent = { type: 'request'; handoffId: string } | { type: 'closed'; handoffId: string; reason: string } | { type: string; handoffId?: string; reason?: string };

/** How a closing counts. */
const OUTCOME: Record<string, keyof PermanenceCounts | undefined> = {
  ended_by_volunteer: 'answered',
  ended_by_visitor: 'answered',
  inactivity: 'answered',
  timeout: 'unanswered',
  unavailable: 'unanswered',
  cancelled: 'cancelled',
};

export interface HandoffCountersDeps {
  store: DocumentStore;
  schedule: PermanenceSchedule;
  clock: Clock;
  log: Logger;
  /** When the request behind a handoff was made (the queue's record), if it is still kept. */
  requestedAt: (handoffId: string) => Promise<Date | undefined>;
}

export class HandoffCounters {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: HandoffCountersDeps) {}

  /** Counts a desk event; never throws (a failed count is logged, the conversation goes on). */
  record(event: CountedEvent): Promise<void> {
    this.chain = this.chain.then(() => this.apply(event)).catch((error) => this.deps.log.error('dashboard.count_failed', error));
    return this.chain;
  }

  /** All requests, each once (a request made while two permanences overlap counts in both rows). */
  async total(): Promise<PermanenceCounts> {
    const doc = (await this.deps.store.read([HANDOFF_COUNTERS_KEY]))[HANDOFF_COUNTERS_KEY] as { total?: PermanenceCounts } | undefined;
    return { requested: 0, answered: 0, unanswered: 0, cancelled: 0, ...doc?.total };
  }

  async rows(): Promise<PermanenceRow[]> {
    const doc = (await this.deps.store.read([HANDOFF_COUNTERS_KEY]))[HANDOFF_COUNTERS_KEY] as { slots?: Record<string, PermanenceCounts> } | undefined;
    return Object.entries(doc?.slots ?? {}).map(([slot, counts]) => {
      const [associationId, weekday, hours] = slot.split('|');
      const [from, to] = (hours ?? '').split('-');
      return slot === 'outside' ? { slot, ...counts } : { slot, associationId, weekday, from, to, ...counts };
    });
  }

  private async apply(event: CountedEvent): Promise<void> {
    if (event.type === 'request') {
      await this.add(this.slotsAt(this.deps.clock.now()), 'requested');
    } else if (event.type === 'closed' && event.handoffId) {
      const outcome = OUTCOME[event.reason ?? ''];
      if (!outcome) return;
      const at = await this.deps.requestedAt(event.handoffId);
      if (at) await this.add(this.slotsAt(at), outcome);
    }
  }

  private slotsAt(at: Date): string[] {
    const slots = this.deps.schedule.presentNow(at);
    return slots.length > 0 ? slots.map(slotKey) : ['outside'];
  }

  /** Read-modify-write with the eTag, retried when another write came in between. */
  private async add(slots: string[], field: keyof PermanenceCounts): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = ((await this.deps.store.read([HANDOFF_COUNTERS_KEY]))[HANDOFF_COUNTERS_KEY] ?? { slots: {} }) as { slots: Record<string, PermanenceCounts>; total?: PermanenceCounts; eTag?: string };
      for (const slot of slots) (doc.slots[slot] ??= zero())[field]++;
      (doc.total ??= zero())[field]++;
      try {
        if (doc.eTag === undefined && this.deps.store.compareAndSet) {
          // The first counts: only if no other instance created the document meanwhile.
          if ((await this.deps.store.compareAndSet(HANDOFF_COUNTERS_KEY, null, { slots: doc.slots, total: doc.total })) !== null) return;
          continue;
        }
        await this.deps.store.write({ [HANDOFF_COUNTERS_KEY]: { slots: doc.slots, total: doc.total, eTag: doc.eTag ?? '*' } });
        return;
      } catch (error) {
        if (!/eTag conflict/.test((error as Error).message)) throw error;
      }
    }
  }
}

function zero(): PermanenceCounts {
  return { requested: 0, answered: 0, unanswered: 0, cancelled: 0 };
}

function slotKey(slot: Slot): string {
  return `${slot.association.id}|${slot.weekday}|${slot.from}-${slot.to}`;
}
