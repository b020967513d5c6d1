/**
 * Wall-clock maths in a named time zone (Europe/Paris), with nothing but `Intl`.
 * Schedules are wall-clock times: "Tuesday 14:00" stays 14:00 across a DST change.
 */
import type { Weekday } from './scheduleSchema.js';

export interface LocalDateTime {
  /** YYYY-MM-DD */
  date: string;
  weekday: Weekday;
  /** Minutes since local midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Results by zone and UTC minute: a turn asks for "now" several times (presence, today's slots,
 * the next permanence), and every turn of the same minute asks the same. Offsets have been whole
 * minutes in every zone since 1972, so an instant's local minute depends on its UTC minute only.
 */
const localByMinute = new Map<string, Map<number, Readonly<LocalDateTime>>>();
const MAX_CACHED_MINUTES = 512;

export function toLocal(instant: Date, timeZone: string): Readonly<LocalDateTime> {
  const minute = Math.floor(instant.getTime() / 60_000);
  let cache = localByMinute.get(timeZone);
  if (!cache) localByMinute.set(timeZone, (cache = new Map()));
  let local = cache.get(minute);
  if (!local) {
    local = Object.freeze(computeLocal(new Date(minute * 60_000), timeZone));
    if (cache.size >= MAX_CACHED_MINUTES) cache.clear();
    cache.set(minute, local);
  }
  return local;
}

function computeLocal(instant: Date, timeZone: string): LocalDateTime {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: String(parts.weekday).toLowerCase().slice(0, 3) as Weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** The instant at which the wall clock of `timeZone` shows `date` `time`. */
export function fromLocal(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wanted = Date.UTC(y, m - 1, d, hh, mm);
  // Two passes of "guess the offset, correct it" settle on the right instant, DST included.
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const local = toLocal(new Date(guess), timeZone);
    const [ly, lm, ld] = local.date.split('-').map(Number) as [number, number, number];
    const shownAsUtc = Date.UTC(ly, lm - 1, ld, Math.floor(local.minutes / 60), local.minutes % 60);
    guess += wanted - shownAsUtc;
  }
  return new Date(guess);
}

export function addDays(date: string, days: number): string {
  const t = new Date(`${date}T12:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

export function weekdayOf(date: string): Weekday {
  return (['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const)[new Date(`${date}T12:00:00Z`).getUTCDay()]!;
}

/** ISO 8601 week number of a calendar date. */
export function isoWeek(date: string): number {
  const t = new Date(`${date}T12:00:00Z`);
  const day = (t.getUTCDay() + 6) % 7;
  t.setUTCDate(t.getUTCDate() - day + 3);
  const firstThursday = new Date(Date.UTC(t.getUTCFullYear(), 0, 4));
  return 1 + Math.round(((t.getTime() - firstThursday.getTime()) / 86_400_000 - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7);
}

export function minutesOf(time: string): number {
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return hh * 60 + mm;
}
