/**
 * Turns knowledge topics, schedule facts and contacts into the messages a visitor reads:
 * the answer, where it comes from and when it was checked, follow-up buttons, feedback.
 */
import type { CardAction, Activity } from 'botbuilder';
import type { BotMessages } from '../knowledge/BotMessages.js';
import type { KnowledgeBase } from '../knowledge/loadKnowledge.js';
import type { Contact } from '../knowledge/contactsSchema.js';
import { fillPlaceholders, placeholdersIn, type Placeholder } from '../knowledge/loadKnowledge.js';
import { renderContactGroup } from '../knowledge/renderContacts.js';
import type { AnswerVariant, Locale, Topic } from '../knowledge/schema.js';
import type { PermanenceSchedule } from '../schedule/PermanenceSchedule.js';
import type { ScheduleTexts } from '../schedule/describeSchedule.js';
import { WEEKDAYS, type Weekday } from '../schedule/scheduleSchema.js';
import { foldText } from '../knowledge/foldText.js';
import { button, mduMessage } from '../bot/replies.js';

export type Audience = 'all' | 'staff';

/** Topics offered when nothing fits, and on welcome: the MDU's main doors. */
const STARTER_TOPICS = ['mdu.what', 'schedule.today', 'rights.record', 'peer.support', 'help.listening'] as const;

/** Words that ask when something happens ("quand passe l'UNAFAM ?", "what day does ... come?"). */
const WHEN_CUE = /\b(quand|quel jour|quels jours|quelle heure|a quelle heure|horaires?|passe|passent|vient|viennent|permanences?|when|what day|which day|what time|come|comes|coming|on duty)\b/;

const WEEKDAY_WORDS: Record<Weekday, string[]> = {
  mon: ['lundi', 'monday'],
  tue: ['mardi', 'tuesday'],
  wed: ['mercredi', 'wednesday'],
  thu: ['jeudi', 'thursday'],
  fri: ['vendredi', 'friday'],
  sat: ['samedi', 'saturday'],
  sun: ['dimanche', 'sunday'],
};

/** Placeholders whose text changes with the time of the question; every other one is fixed once the files are read. */
const TIMELY_PLACEHOLDERS: ReadonlySet<Placeholder> = new Set(['schedule.today']);

export class AnswerComposer {
  /**
   * Texts made only of the knowledge files (an answer's body without a timely placeholder, its
   * source line, contact lists): composed once per topic or group and language, not per message.
   * A body that has a timely placeholder is kept as `null`: composed afresh every time.
   */
  private readonly fixedTexts = new Map<string, string | null>();

  constructor(
    private readonly knowledge: KnowledgeBase,
    private readonly schedule: PermanenceSchedule,
    private readonly scheduleTexts: ScheduleTexts,
    private readonly messages: BotMessages,
  ) {}

  /**
   * True when the visitor names an association of the schedule and asks when: the schedule can
   * answer that precisely, even when the wording leaves the search unsure.
   */
  asksWhenAnAssociationComes(question: string): boolean {
    return this.schedule.findAssociations(question).length > 0 && WHEN_CUE.test(foldText(question));
  }

  topic(id: string): Topic | undefined {
    return this.knowledge.byId.get(id);
  }

  title(id: string, locale: Locale): string {
    return this.knowledge.byId.get(id)?.title[locale] ?? id;
  }

  /**
   * A knowledge answer, with its source line, related topics and feedback buttons. Staff in Teams
   * get the topic's staff version where it has one; a visitor who turned easy read on gets the
   * easy-read version where it has one, and every answer that has one offers it in one tap.
   */
  answer(
    topic: Topic,
    options: {
      locale: Locale;
      audience: Audience;
      now: Date;
      question: string;
      confidence: number;
      volunteerOnDuty: boolean;
      easyRead?: boolean;
      /** A second topic the message clearly asked about: offered first among the buttons. */
      also?: string;
      /** Ends the answer with one quiet line on the listening numbers (danger words set aside by their context). */
      listeningLine?: boolean;
    },
  ): Partial<Activity> {
    const { locale } = options;
    const variant = answerVariant(topic, locale, options.audience, options.easyRead === true);
    const template = topic.answers[variant] ?? topic.answers[locale];
    const easy = variant === `${locale}-easy`;
    const dynamic = easy ? undefined : this.dynamicAnswer(topic, options);
    const filled = dynamic ?? this.fixedBody(`body|${topic.id}|${variant}`, template, locale, options.now, easy);
    const body = easy ? oneIdeaALine(filled) : filled;
    const source = this.fixed(`source|${topic.id}|${locale}`, () => this.sourceLine(topic, locale));
    const also = options.also !== undefined && options.also !== topic.id && this.knowledge.byId.has(options.also) ? [options.also] : [];
    // The second question asked comes first; then the easy-read switch, then related topics.
    const buttons: CardAction[] = also.map((id) => button(this.title(id, locale), { mdu: 'topic', id }));
    if (options.audience === 'all' && topic.answers[`${locale}-easy`] !== undefined) {
      buttons.push(
        easy
          ? button(this.messages.get('fullVersionButton', locale), { mdu: 'easyRead', on: false, topic: topic.id })
          : button(this.messages.get('easyReadButton', locale), { mdu: 'easyRead', on: true, topic: topic.id }),
      );
    }
    buttons.push(
      ...topic.related.filter((id) => !also.includes(id)).map((id) => button(this.title(id, locale), { mdu: 'topic', id })),
      button(this.messages.get('helpfulYes', locale), { mdu: 'feedback', topic: topic.id, helpful: true }),
      button(this.messages.get('helpfulNo', locale), { mdu: 'feedback', topic: topic.id, helpful: false }),
    );
    if (options.volunteerOnDuty) buttons.push(button(this.messages.get('talkToVolunteer', locale), { mdu: 'handoff', action: 'request' }));
    const mdu = { intent: 'answer' as const, topic: topic.id, confidence: round(options.confidence), locale, ...(options.audience === 'all' ? { easyRead: options.easyRead === true } : {}) };
    const listening = options.listeningLine === true && topic.id !== 'help.emergency' && topic.id !== 'help.listening' ? `\n\n${this.messages.get('listeningLine', locale)}` : '';
    return mduMessage(`${body}${listening}\n\n${source}`, mdu, buttons);
  }

  /** Easy read turned on or off for the conversation, said in the chosen way. */
  easyReadChanged(on: boolean, locale: Locale): Partial<Activity> {
    const text = on ? oneIdeaALine(this.messages.get('easyReadOn', locale)) : this.messages.get('easyReadOff', locale);
    return mduMessage(text, { intent: 'smalltalk', locale, easyRead: on });
  }

  /** The line under an answer: its sources by public title (a link where a public page exists), and the day it was checked. */
  private sourceLine(topic: Topic, locale: Locale): string {
    const checked = formatDate(topic.checked, locale);
    if (topic.sources.length === 0) return this.messages.get('checkedLine', locale, { checked });
    const sources = topic.sources.map((s) => (s.url ? `[${markdownLinkText(s.label)}](${s.url})` : s.label)).join(' ; ');
    return this.messages.get('sourceLine', locale, { sources, checked });
  }

  clarify(candidates: { topicId: string; confidence: number }[], locale: Locale): Partial<Activity> {
    return mduMessage(
      this.messages.get('clarify', locale),
      { intent: 'clarify', candidates: candidates.map((c) => c.topicId), confidence: round(candidates[0]?.confidence ?? 0), locale },
      candidates.map((c) => button(this.title(c.topicId, locale), { mdu: 'topic', id: c.topicId })),
    );
  }

  fallback(locale: Locale, volunteerOnDuty: boolean, confidence = 0): Partial<Activity> {
    const lines = [this.messages.get('fallback', locale), ...STARTER_TOPICS.filter((id) => this.knowledge.byId.has(id)).map((id) => `- ${this.title(id, locale)}`)];
    if (volunteerOnDuty) lines.push('', this.messages.get('fallbackVolunteer', locale));
    lines.push('', this.messages.get('fallbackDanger', locale));
    const buttons = STARTER_TOPICS.filter((id) => this.knowledge.byId.has(id)).map((id) => button(this.title(id, locale), { mdu: 'topic', id }));
    if (volunteerOnDuty) buttons.push(button(this.messages.get('talkToVolunteer', locale), { mdu: 'handoff', action: 'request' }));
    return mduMessage(lines.join('\n'), { intent: 'fallback', confidence: round(confidence), locale }, buttons);
  }

  welcome(locale: Locale, audience: Audience): Partial<Activity> {
    const starters = STARTER_TOPICS.filter((id) => this.knowledge.byId.has(id));
    return mduMessage(
      this.messages.get(audience === 'staff' ? 'welcomeStaff' : 'welcome', locale),
      { intent: 'welcome', locale },
      (audience === 'staff' ? ['mdu.professionals', 'mdu.what', 'mdu.associations', 'peer.support'].filter((id) => this.knowledge.byId.has(id)) : starters).map((id) =>
        button(this.title(id, locale), { mdu: 'topic', id }),
      ),
    );
  }

  smalltalk(key: 'greeting' | 'thanks' | 'goodbye' | 'feedbackThanks', locale: Locale): Partial<Activity> {
    return mduMessage(this.messages.get(key, locale), { intent: 'smalltalk', locale });
  }

  /**
   * The crisis reply: the numbers first, warmly, then (when someone is on duty) a volunteer. Staff
   * in Teams get what a professional does when a patient or a relative speaks of suicide.
   */
  crisis(locale: Locale, volunteerOnDuty: boolean, audience: Audience = 'all', easyRead = false): Partial<Activity> {
    if (audience === 'staff') {
      const staff = [this.messages.get('crisisStaffIntro', locale), this.contacts('emergency', locale, true), this.messages.get('crisisStaffAfter', locale)];
      return mduMessage(staff.join('\n\n'), { intent: 'crisis', locale });
    }
    const easy = easyRead && audience === 'all';
    const parts = easy
      ? [oneIdeaALine(this.messages.get('crisisIntroEasy', locale)), this.contacts('emergency', locale, true), oneIdeaALine(this.messages.get('crisisAfterEasy', locale))]
      : [this.messages.get('crisisIntro', locale), this.contacts('emergency', locale, true), this.messages.get('crisisAfter', locale)];
    if (volunteerOnDuty) parts.push(this.messages.get('crisisVolunteer', locale));
    const buttons = volunteerOnDuty ? [button(this.messages.get('talkToVolunteer', locale), { mdu: 'handoff', action: 'request' })] : [];
    return mduMessage(parts.join('\n\n'), { intent: 'crisis', locale }, buttons);
  }

  /** The kind refusal of medical advice, pointing to who can answer and to what the MDU can do; staff get no clinical advice either. */
  medical(locale: Locale, audience: Audience = 'all', easyRead = false): Partial<Activity> {
    const offers = (audience === 'staff' ? ['mdu.professionals', 'staff.which_association', 'rights.information'] : ['rights.information', 'mdu.associations', 'peer.support']).filter((id) =>
      this.knowledge.byId.has(id),
    );
    const text = audience === 'staff' ? this.messages.get('medicalStaff', locale) : easyRead ? oneIdeaALine(this.messages.get('medicalEasy', locale)) : this.messages.get('medical', locale);
    return mduMessage(text, { intent: 'medical', locale }, offers.map((id) => button(this.title(id, locale), { mdu: 'topic', id })));
  }

  /** Schedule topics answer from the schedule itself, for the association or day the visitor named. */
  private dynamicAnswer(topic: Topic, options: { locale: Locale; now: Date; question: string }): string | undefined {
    const { locale, now, question } = options;
    if (topic.id === 'schedule.permanences') {
      const [association] = this.schedule.findAssociations(question);
      if (association) return this.scheduleTexts.forAssociation(association, now, locale);
      const weekday = weekdayNamed(question);
      if (weekday) return this.scheduleTexts.onWeekday(weekday, locale);
    }
    return undefined;
  }

  /** Fills an answer's placeholders; in easy read, contact lists keep the number, the name and the hours, not the notes. */
  private fill(text: string, locale: Locale, now: Date, easy = false): string {
    return fillPlaceholders(text, (name: Placeholder) => {
      switch (name) {
        case 'schedule.hours':
          return this.scheduleTexts.hours(locale);
        case 'schedule.today':
          return this.scheduleTexts.today(now, locale);
        case 'schedule.permanences':
          return this.scheduleTexts.permanences(locale);
        case 'schedule.associations':
          return this.scheduleTexts.associations(locale);
        case 'contacts.emergency':
          return this.contacts('emergency', locale, easy);
        case 'contacts.listening':
          return this.contacts('listening', locale, easy);
        case 'contacts.mdu':
          return this.contacts('mdu', locale, easy);
      }
    });
  }

  private contacts(group: Contact['group'], locale: Locale, compact = false): string {
    return this.fixed(`contacts|${group}|${locale}|${compact}`, () => renderContactGroup(this.knowledge.contacts, group, locale, compact));
  }

  /** A text composed from the knowledge files alone, kept under `key`. */
  private fixed(key: string, compose: () => string): string {
    let text = this.fixedTexts.get(key);
    if (text == null) this.fixedTexts.set(key, (text = compose()));
    return text;
  }

  /** An answer's body with its placeholders filled: kept under `key` unless a placeholder depends on the time. */
  private fixedBody(key: string, template: string, locale: Locale, now: Date, easy = false): string {
    const known = this.fixedTexts.get(key);
    if (known === null) return this.fill(template, locale, now, easy);
    if (known !== undefined) return known;
    const timely = placeholdersIn(template).some((name) => TIMELY_PLACEHOLDERS.has(name));
    const text = this.fill(template, locale, now, easy);
    this.fixedTexts.set(key, timely ? null : text);
    return text;
  }
}

/** Which version of a topic a reader gets: staff in Teams the staff one, a visitor in easy read the easy one, where they exist. */
export function answerVariant(topic: Topic, locale: Locale, audience: Audience, easyRead: boolean): AnswerVariant {
  if (audience === 'staff' && topic.answers[`${locale}-staff`] !== undefined) return `${locale}-staff`;
  if (audience === 'all' && easyRead && topic.answers[`${locale}-easy`] !== undefined) return `${locale}-easy`;
  return locale;
}

/**
 * Easy read puts one sentence on a line; Markdown would run consecutive lines into one paragraph,
 * so each line of text becomes its own paragraph (list items stay a list).
 */
export function oneIdeaALine(text: string): string {
  const isItem = (line: string): boolean => /^\s*(?:[-*+]|\d+[.)])\s/.test(line);
  const lines = text.split('\n');
  return lines
    .map((line, i) => {
      const next = lines[i + 1];
      if (next === undefined || !line.trim() || !next.trim()) return `${line}\n`;
      return isItem(line) && isItem(next) ? `${line}\n` : `${line}\n\n`;
    })
    .join('')
    .replace(/\n+$/, '');
}

/** A source title inside the brackets of a Markdown link. */
function markdownLinkText(label: string): string {
  return label.replace(/[[\]]/g, '');
}

function weekdayNamed(text: string): Weekday | undefined {
  const words = ` ${foldText(text)} `;
  return WEEKDAYS.find((d) => WEEKDAY_WORDS[d].some((w) => words.includes(` ${w} `)));
}

function formatDate(iso: string, locale: Locale): string {
  const [y, m, d] = iso.split('-');
  return locale === 'fr' ? `${d}/${m}/${y}` : `${y}-${m}-${d}`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
