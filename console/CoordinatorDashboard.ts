/**
 * What the coordinator's dashboard shows, from the stored counters only: questions per topic,
 * helpful / not helpful per topic, the unanswered questions to curate (already anonymised by
 * `CurationStore`), and live handoffs per permanence. No conversation, visitor or volunteer id
 * is read or shown.
 */
import type { TopicCounters, UnansweredQuestion } from '../knowledge/CurationStore.js';
import type { PermanenceSchedule } from '../schedule/PermanenceSchedule.js';
import type { PermanenceRow } from './HandoffCounters.js';

export interface DashboardSources {
  counters: () => Promise<Record<string, TopicCounters>>;
  unanswered: () => Promise<UnansweredQuestion[]>;
  handoffsPerPermanence: () => Promise<PermanenceRow[]>;
  /** Every request once (rows overlap when permanences do). */
  handoffsTotal: () => Promise<{ requested: number }>;
  /** Topic ids and titles of the knowledge base. */
  topics: readonly { id: string; title: { fr: string; en: string } }[];
  schedule: PermanenceSchedule;
  unansweredRetentionDays: number;
  now: () => Date;
}

export interface TopicRow {
  id: string;
  title: { fr: string; en: string };
  asked: number;
  helpful: number;
  notHelpful: number;
}

export interface PermanenceView {
  association: string;
  weekday: string;
  from: string;
  to: string;
  requested: number;
  answered: number;
  unanswered: number;
  cancelled: number;
}

export interface DashboardView {
  generatedAt: string;
  totals: { asked: number; helpful: number; notHelpful: number; unanswered: number; handoffsRequested: number };
  /** Every topic of the base, most asked first (topics never asked are listed too: they may need better questions). */
  topics: TopicRow[];
  /** Newest first, at most `UNANSWERED_SHOWN`. */
  unanswered: UnansweredQuestion[];
  unansweredRetentionDays: number;
  permanences: PermanenceView[];
}

export const UNANSWERED_SHOWN = 100;

const WEEK_ORDER = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export class CoordinatorDashboard {
  constructor(private readonly sources: DashboardSources) {}

  async view(): Promise<DashboardView> {
    const { sources } = this;
    const [counters, unanswered, permanences, handoffs] = await Promise.all([sources.counters(), sources.unanswered(), sources.handoffsPerPermanence(), sources.handoffsTotal()]);
    const known = new Map(sources.topics.map((t) => [t.id, t]));
    const topics: TopicRow[] = sources.topics.map((t) => ({ id: t.id, title: t.title, ...pick(counters[t.id]) }));
    // Counters of topics since removed from the base still count, under their id.
    for (const [id, c] of Object.entries(counters)) if (!known.has(id)) topics.push({ id, title: { fr: id, en: id }, ...pick(c) });
    topics.sort((a, b) => b.asked - a.asked || b.helpful + b.notHelpful - (a.helpful + a.notHelpful) || a.id.localeCompare(b.id));

    const associationName = (id: string | undefined) => {
      if (!id) return '';
      try {
        return sources.schedule.association(id).name;
      } catch {
        return id;
      }
    };
    const permanenceViews: PermanenceView[] = permanences
      .map((p) => ({
        association: p.slot === 'outside' ? '' : associationName(p.associationId),
        weekday: p.weekday ?? '',
        from: p.from ?? '',
        to: p.to ?? '',
        requested: p.requested,
        answered: p.answered,
        unanswered: p.unanswered,
        cancelled: p.cancelled,
      }))
      .sort((a, b) => WEEK_ORDER.indexOf(a.weekday) - WEEK_ORDER.indexOf(b.weekday) || a.from.localeCompare(b.from) || a.association.localeCompare(b.association));

    const newestFirst = [...unanswered].sort((a, b) => b.at.localeCompare(a.at));
    return {
      generatedAt: sources.now().toISOString(),
      totals: {
        asked: topics.reduce((s, t) => s + t.asked, 0),
        helpful: topics.reduce((s, t) => s + t.helpful, 0),
        notHelpful: topics.reduce((s, t) => s + t.notHelpful, 0),
        unanswered: unanswered.length,
        handoffsRequested: handoffs.requested,
      },
      topics,
      unanswered: newestFirst.slice(0, UNANSWERED_SHOWN),
      unansweredRetentionDays: sources.unansweredRetentionDays,
      permanences: permanenceViews,
    };
  }
}

function pick(c: Partial<TopicCounters> | undefined): { asked: number; helpful: number; notHelpful: number } {
  return { asked: count(c?.asked), helpful: count(c?.helpful), notHelpful: count(c?.notHelpful) };
}

function count(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
