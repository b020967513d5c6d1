/**
 * The MDU's opening hours and the associations' permanences, from `knowledge/schedule.yaml`.
 * All questions take "now" as an argument: the caller's clock decides (tests fix it).
 */
import { ErrorCodes } from '../bot/errors.js';
import { readYaml, validateData } from '../knowledge/readDataFile.js';
import { ScheduleFile, type Association, type ScheduleException, type Weekday } from './scheduleSchema.js';
import { foldText as fold } from '../knowledge/foldText.js';
import { addDays, fromLocal, isoWeek, minutesOf, toLocal, weekdayOf } from './zonedTime.js';

export interface Slot {
  association: Association;
  /** Local calendar date, YYYY-MM-DD. */
  date: string;
  weekday: Weekday;
  from: string;
  to: string;
  start: Date;
  end: Date;
}

export interface OpeningToday {
  date: string;
  closedReason?: { fr: string; en: string };
  ranges: { from: string; to: string }[];
}

/** How far ahead "next permanence" looks. */
const LOOKAHEAD_DAYS = 42;

/** How many dates keep their computed slots (a turn asks about today and, at most, the next weeks). */
const MAX_CACHED_DATES = 256;

export class PermanenceSchedule {
  /** The slots of a date never change (the file is read once): computed once a date, they are asked for on most turns. */
  private readonly slotsByDate = new Map<string, readonly Slot[]>();
  /** Each association's names and aliases, folded once: what `findAssociations` looks for in a message. */
  private readonly foldedNames: readonly { association: Association; needles: string[] }[];

  private constructor(
    private readonly data: ScheduleFile,
    readonly file: string,
  ) {
    this.foldedNames = data.associations.map((association) => ({
      association,
      needles: [association.name, association.id, ...association.aliases].map((alias) => fold(alias)).filter((needle) => needle.length >= 2),
    }));
  }

  static fromFile(file: string): PermanenceSchedule {
    return PermanenceSchedule.fromData(readYaml(file, ErrorCodes.SCHEDULE_FILE_INVALID), file);
  }

  static fromData(raw: unknown, file = '(schedule)'): PermanenceSchedule {
    return new PermanenceSchedule(validateData(ScheduleFile, raw, file, ErrorCodes.SCHEDULE_FILE_INVALID), file);
  }

  /** Shipped example data, which production must never present as real. */
  get isExample(): boolean {
    return this.data.example;
  }
  get checked(): string {
    return this.data.checked;
  }
  get timezone(): string {
    return this.data.timezone;
  }
  get associations(): readonly Association[] {
    return this.data.associations;
  }

  /** The MDU's opening ranges on the local day of `now`, or why it is closed. */
  openingOn(date: string): OpeningToday {
    const closure = this.closureOn(date);
    if (closure) return { date, closedReason: closure.reason ?? { fr: 'fermeture exceptionnelle', en: 'exceptional closure' }, ranges: [] };
    const weekday = weekdayOf(date);
    const ranges = this.data.opening.filter((r) => r.days.includes(weekday)).map(({ from, to }) => ({ from, to }));
    return { date, ranges };
  }

  /** The weekly opening hours as written in the file. */
  get weeklyOpening(): readonly { days: Weekday[]; from: string; to: string }[] {
    return this.data.opening;
  }

  isMduOpen(now: Date): boolean {
    const local = toLocal(now, this.timezone);
    return this.openingOn(local.date).ranges.some((r) => minutesOf(r.from) <= local.minutes && local.minutes < minutesOf(r.to));
  }

  /** Every permanence held on a local date, in time order. */
  slotsOn(date: string): Slot[] {
    return [...this.slotsOfDay(date)];
  }

  private computeSlotsOn(date: string): Slot[] {
    if (this.closureOn(date)) return [];
    const weekday = weekdayOf(date);
    const parity = isoWeek(date) % 2 === 0 ? 'even' : 'odd';
    const cancelled = new Set(this.exceptionsOn(date).filter((e) => e.cancelled).map((e) => e.association));
    return this.data.permanences
      .filter((p) => p.days.includes(weekday) && (p.weeks === 'every' || p.weeks === parity) && !cancelled.has(p.association))
      .map((p) => ({
        association: this.association(p.association),
        date,
        weekday,
        from: p.from,
        to: p.to,
        start: fromLocal(date, p.from, this.timezone),
        end: fromLocal(date, p.to, this.timezone),
      }))
      .sort((a, b) => a.start.getTime() - b.start.getTime() || a.association.name.localeCompare(b.association.name));
  }

  /** Permanences under way at `now`. */
  presentNow(now: Date): Slot[] {
    const t = now.getTime();
    return this.slotsOfDay(toLocal(now, this.timezone).date).filter((s) => s.start.getTime() <= t && t < s.end.getTime());
  }

  /** All of today's permanences (past, current and later). */
  today(now: Date): Slot[] {
    return this.slotsOn(toLocal(now, this.timezone).date);
  }

  /** The next permanences that have not ended yet, optionally of one association. */
  upcoming(now: Date, options: { associationId?: string; limit?: number } = {}): Slot[] {
    const limit = options.limit ?? 1;
    const result: Slot[] = [];
    const today = toLocal(now, this.timezone).date;
    for (let d = 0; d < LOOKAHEAD_DAYS && result.length < limit; d++) {
      for (const slot of this.slotsOfDay(addDays(today, d))) {
        if (slot.end.getTime() <= now.getTime()) continue;
        if (options.associationId && slot.association.id !== options.associationId) continue;
        result.push(slot);
        if (result.length >= limit) break;
      }
    }
    return result;
  }

  /** The next permanence that starts after `now` (one already under way does not count). */
  nextStarting(now: Date, associationId?: string): Slot | undefined {
    return this.upcoming(now, { associationId, limit: 20 }).find((s) => s.start.getTime() > now.getTime());
  }

  /** Weekly permanences of an association, as written in the file. */
  weeklyFor(associationId: string): { days: Weekday[]; from: string; to: string; weeks: 'every' | 'odd' | 'even' }[] {
    return this.data.permanences.filter((p) => p.association === associationId);
  }

  /** Associations named in a visitor's text, by name or alias (case and accents folded). */
  findAssociations(text: string): Association[] {
    const words = ` ${fold(text)} `;
    return this.foldedNames.filter(({ needles }) => needles.some((needle) => words.includes(` ${needle} `))).map(({ association }) => association);
  }

  association(id: string): Association {
    const found = this.data.associations.find((a) => a.id === id);
    if (!found) throw new Error(`unknown association ${id}`);
    return found;
  }

  /** The slots of a date, computed once and frozen: this class's own loops read them without a copy. */
  private slotsOfDay(date: string): readonly Slot[] {
    let slots = this.slotsByDate.get(date);
    if (!slots) {
      slots = Object.freeze(this.computeSlotsOn(date).map((slot) => Object.freeze(slot)));
      if (this.slotsByDate.size >= MAX_CACHED_DATES) this.slotsByDate.clear();
      this.slotsByDate.set(date, slots);
    }
    return slots;
  }

  private exceptionsOn(date: string): ScheduleException[] {
    return this.data.exceptions.filter((e) => e.date === date);
  }
  private closureOn(date: string): ScheduleException | undefined {
    return this.exceptionsOn(date).find((e) => e.closed);
  }
}
