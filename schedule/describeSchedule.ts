/**
 * Schedule facts written as short sentences, in French and English.
 * When the schedule is example data, every text says so; when example data may not be shown
 * (production), the texts say the schedule is not published here and how to ask the MDU.
 */
import type { Locale } from '../knowledge/schema.js';
import type { Association } from './scheduleSchema.js';
import type { PermanenceSchedule, Slot } from './PermanenceSchedule.js';
import { WEEKDAYS, type Weekday } from './scheduleSchema.js';
import { toLocal } from './zonedTime.js';

const DAY_NAMES: Record<Locale, Record<Weekday, string>> = {
  fr: { mon: 'lundi', tue: 'mardi', wed: 'mercredi', thu: 'jeudi', fri: 'vendredi', sat: 'samedi', sun: 'dimanche' },
  en: { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' },
};
const KIND_NAMES: Record<Locale, Record<Association['kind'], string>> = {
  fr: { specialised: 'Associations spécialisées', general: 'Associations généralistes', family: 'Associations de familles et de proches', listening: "Associations d'écoute" },
  en: { specialised: 'Specialised associations', general: 'General associations', family: 'Associations for families and relatives', listening: 'Listening associations' },
};

/** Month names as `Intl` writes them, made once (a formatter is costly to build). */
const MONTH_NAMES: Record<Locale, readonly string[]> = {
  fr: monthNames('fr-FR'),
  en: monthNames('en-GB'),
};

function monthNames(intlLocale: string): string[] {
  const format = new Intl.DateTimeFormat(intlLocale, { month: 'long', timeZone: 'UTC' });
  return Array.from({ length: 12 }, (_, i) => format.format(new Date(Date.UTC(2000, i, 1))));
}

export function time(t: string, locale: Locale): string {
  const [h, m] = t.split(':');
  if (locale === 'fr') return m === '00' ? `${Number(h)} h` : `${Number(h)} h ${m}`;
  return `${h}:${m}`;
}

export function dayList(days: readonly Weekday[], locale: Locale): string {
  const sorted = WEEKDAYS.filter((d) => days.includes(d));
  const names = sorted.map((d) => DAY_NAMES[locale][d]);
  const contiguous = sorted.length >= 3 && sorted.every((d, i) => i === 0 || WEEKDAYS.indexOf(d) === WEEKDAYS.indexOf(sorted[i - 1]!) + 1);
  if (contiguous) return locale === 'fr' ? `du ${names[0]} au ${names[names.length - 1]}` : `${names[0]} to ${names[names.length - 1]}`;
  if (names.length === 1) return locale === 'fr' ? `le ${names[0]}` : `on ${names[0]}s`;
  const last = names.pop();
  return locale === 'fr' ? `les ${names.join(', ')} et ${last}` : `on ${names.map((n) => `${n}s`).join(', ')} and ${last}s`;
}

function range(from: string, to: string, locale: Locale): string {
  return locale === 'fr' ? `de ${time(from, locale)} à ${time(to, locale)}` : `from ${time(from, locale)} to ${time(to, locale)}`;
}

function dateLabel(slot: Slot, now: Date, schedule: PermanenceSchedule, locale: Locale): string {
  const today = toLocal(now, schedule.timezone).date;
  const tomorrow = toLocal(new Date(now.getTime() + 86_400_000), schedule.timezone).date;
  if (slot.date === today) return locale === 'fr' ? "aujourd'hui" : 'today';
  if (slot.date === tomorrow) return locale === 'fr' ? 'demain' : 'tomorrow';
  const [, month, day] = slot.date.split('-').map(Number) as [number, number, number];
  const monthName = MONTH_NAMES[locale][month - 1]!;
  return locale === 'fr' ? `${DAY_NAMES.fr[slot.weekday]} ${day} ${monthName}` : `${DAY_NAMES.en[slot.weekday]} ${day} ${monthName}`;
}

export function describeSlot(slot: Slot, now: Date, schedule: PermanenceSchedule, locale: Locale): string {
  return `**${slot.association.name}**, ${dateLabel(slot, now, schedule, locale)} ${range(slot.from, slot.to, locale)}`;
}

export interface ScheduleTextOptions {
  /** False in production when the schedule is still the shipped example. */
  showExample: boolean;
}

export class ScheduleTexts {
  constructor(
    private readonly schedule: PermanenceSchedule,
    private readonly options: ScheduleTextOptions,
  ) {}

  /** True when the schedule may be shown to visitors. */
  get available(): boolean {
    return !this.schedule.isExample || this.options.showExample;
  }

  private unavailable(locale: Locale): string {
    return locale === 'fr'
      ? "Le planning des permanences n'est pas encore publié dans ce chat. La Maison des usagers vous le donnera par téléphone ou sur place."
      : "The drop-in timetable is not published in this chat yet. The Maison des usagers can give it to you by phone or on site.";
  }

  private marked(text: string, locale: Locale): string {
    if (!this.schedule.isExample) return text;
    const notice = locale === 'fr' ? '_(Planning d’exemple, en attente du planning réel de la MDU.)_' : '_(Example schedule, until the MDU publishes its real one.)_';
    return `${text}\n\n${notice}`;
  }

  hours(locale: Locale): string {
    if (!this.available) return this.unavailable(locale);
    const lines = this.schedule.weeklyOpening.map((r) => `- ${capitalise(dayList(r.days, locale))}, ${range(r.from, r.to, locale)}`);
    return this.marked(lines.join('\n'), locale);
  }

  today(now: Date, locale: Locale): string {
    if (!this.available) return this.unavailable(locale);
    const present = this.schedule.presentNow(now);
    const later = this.schedule.today(now).filter((s) => s.start.getTime() > now.getTime());
    const parts: string[] = [];
    if (present.length > 0) {
      parts.push(
        (locale === 'fr' ? 'En ce moment à la MDU :\n' : 'At the MDU right now:\n') +
          present.map((s) => `- **${s.association.name}**, ${locale === 'fr' ? "jusqu'à" : 'until'} ${time(s.to, locale)}`).join('\n'),
      );
    }
    if (later.length > 0) {
      parts.push((locale === 'fr' ? "Plus tard aujourd'hui :\n" : 'Later today:\n') + later.map((s) => `- ${describeSlot(s, now, this.schedule, locale)}`).join('\n'));
    }
    if (present.length === 0) {
      const opening = this.schedule.openingOn(toLocal(now, this.schedule.timezone).date);
      if (opening.closedReason) parts.unshift(locale === 'fr' ? `La MDU est fermée aujourd'hui (${opening.closedReason.fr}).` : `The MDU is closed today (${opening.closedReason.en}).`);
      else parts.unshift(locale === 'fr' ? "Aucune association n'est présente en ce moment." : 'No association is here right now.');
      if (later.length === 0) {
        const next = this.schedule.nextStarting(now);
        parts.push(
          next
            ? (locale === 'fr' ? 'Prochaine permanence : ' : 'Next drop-in session: ') + describeSlot(next, now, this.schedule, locale) + '.'
            : locale === 'fr'
              ? "Aucune permanence n'est prévue dans les semaines qui viennent."
              : 'No drop-in session is planned in the coming weeks.',
        );
      }
    }
    return this.marked(parts.join('\n\n'), locale);
  }

  permanences(locale: Locale): string {
    if (!this.available) return this.unavailable(locale);
    const lines = this.schedule.associations
      .map((a) => ({ a, weekly: this.schedule.weeklyFor(a.id) }))
      .filter(({ weekly }) => weekly.length > 0)
      .map(({ a, weekly }) => `- **${a.name}** : ${weekly.map((w) => describeWeekly(w, locale)).join(' ; ')}`);
    return this.marked(locale === 'en' ? lines.join('\n').replaceAll(' : ', ': ') : lines.join('\n'), locale);
  }

  /** When one association comes, with its next dates. */
  forAssociation(association: Association, now: Date, locale: Locale): string {
    if (!this.available) return this.unavailable(locale);
    const weekly = this.schedule.weeklyFor(association.id);
    if (weekly.length === 0) {
      return this.marked(
        locale === 'fr'
          ? `**${association.name}** n'a pas de permanence régulière en ce moment. La MDU peut vous mettre en contact avec elle.`
          : `**${association.name}** has no regular drop-in session at the moment. The MDU can put you in touch with it.`,
        locale,
      );
    }
    const next = this.schedule.upcoming(now, { associationId: association.id, limit: 2 });
    const head =
      locale === 'fr'
        ? `**${association.name}** (${association.about.fr}) tient sa permanence ${weekly.map((w) => describeWeekly(w, locale)).join(' ; ')}.`
        : `**${association.name}** (${association.about.en}) holds its drop-in session ${weekly.map((w) => describeWeekly(w, locale)).join('; ')}.`;
    const nextText =
      next.length > 0
        ? `\n\n${locale === 'fr' ? 'Prochaines dates' : 'Next dates'} :\n${next.map((s) => `- ${capitalise(dateLabel(s, now, this.schedule, locale))}, ${range(s.from, s.to, locale)}`).join('\n')}`
        : '';
    return this.marked(head + (locale === 'en' ? nextText.replace(' :', ':') : nextText), locale);
  }

  /** The permanences held on a given weekday. */
  onWeekday(weekday: Weekday, locale: Locale): string {
    if (!this.available) return this.unavailable(locale);
    const lines = this.schedule.associations.flatMap((a) =>
      this.schedule
        .weeklyFor(a.id)
        .filter((w) => w.days.includes(weekday))
        .map((w) => `- **${a.name}**, ${range(w.from, w.to, locale)}${weeksNote(w.weeks, locale)}`),
    );
    const day = DAY_NAMES[locale][weekday];
    const text =
      lines.length === 0
        ? locale === 'fr'
          ? `Aucune permanence d'association le ${day}.`
          : `No association holds a drop-in session on ${day}s.`
        : `${locale === 'fr' ? `Le ${day} :` : `On ${day}s:`}\n${lines.join('\n')}`;
    return this.marked(text, locale);
  }

  associations(locale: Locale): string {
    if (!this.available) return this.unavailable(locale);
    const kinds: Association['kind'][] = ['specialised', 'general', 'family', 'listening'];
    const blocks = kinds
      .map((kind) => ({ kind, list: this.schedule.associations.filter((a) => a.kind === kind) }))
      .filter(({ list }) => list.length > 0)
      .map(({ kind, list }) => `${KIND_NAMES[locale][kind]} :\n${list.map((a) => `- **${a.name}** — ${a.about[locale]}`).join('\n')}`);
    const text = blocks.join('\n\n');
    return this.marked(locale === 'en' ? text.replaceAll(' :\n', ':\n') : text, locale);
  }

  /** The next permanence, in one sentence; undefined when none is planned or the schedule is hidden. */
  nextPermanenceSentence(now: Date, locale: Locale): string | undefined {
    if (!this.available) return undefined;
    const next = this.schedule.nextStarting(now);
    if (!next) return undefined;
    return (locale === 'fr' ? 'Prochaine permanence : ' : 'Next drop-in session: ') + describeSlot(next, now, this.schedule, locale) + '.';
  }
}

function describeWeekly(w: { days: Weekday[]; from: string; to: string; weeks: 'every' | 'odd' | 'even' }, locale: Locale): string {
  return `${dayList(w.days, locale)} ${range(w.from, w.to, locale)}${weeksNote(w.weeks, locale)}`;
}

function weeksNote(weeks: 'every' | 'odd' | 'even', locale: Locale): string {
  if (weeks === 'every') return '';
  return locale === 'fr' ? ' (une semaine sur deux)' : ' (every other week)';
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
