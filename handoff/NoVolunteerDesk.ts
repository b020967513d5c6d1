/**
 * The handoff desk when no volunteer can sign in (before the live handoff is set up): it says
 * honestly that nobody can take the conversation in this chat, when the next permanence is, and
 * what the visitor can do meanwhile. It never pretends someone is coming.
 */
import type { TurnContext } from 'botbuilder';
import type { HandoffPort, HandoffStatus } from '../bot/ports.js';
import { mduMessage, button } from '../bot/replies.js';
import type { Clock } from '../bot/clock.js';
import type { Locale } from '../knowledge/schema.js';
import type { ScheduleTexts } from '../schedule/describeSchedule.js';

export class NoVolunteerDesk implements HandoffPort {
  constructor(
    private readonly scheduleTexts: ScheduleTexts,
    private readonly clock: Clock,
  ) {}

  async status(): Promise<HandoffStatus> {
    return 'bot';
  }
  async onDuty(): Promise<boolean> {
    return false;
  }
  async request(context: TurnContext, options: { locale: Locale }): Promise<void> {
    await context.sendActivity(nobodyOnDutyMessage(this.scheduleTexts, this.clock.now(), options.locale));
  }
  async handleVisitorMessage(): Promise<boolean> {
    return false;
  }
  async erase(_conversationId: string): Promise<void> {}
}

/** "Nobody can answer you here now", the next permanence, and what to do meanwhile. */
export function nobodyOnDutyMessage(scheduleTexts: ScheduleTexts, now: Date, locale: Locale) {
  const next = scheduleTexts.nextPermanenceSentence(now, locale);
  const text =
    locale === 'fr'
      ? [
          "Aucun bénévole n'est disponible dans ce chat en ce moment : personne ne va vous répondre en direct tout de suite.",
          next,
          "En attendant, vous pouvez venir à la Maison des usagers pendant ses heures d'ouverture, appeler une ligne d'écoute, ou continuer à me poser vos questions.",
        ]
      : [
          'No volunteer is available in this chat right now: nobody will answer you live at the moment.',
          next,
          'Meanwhile, you can come to the Maison des usagers during its opening hours, call a listening line, or keep asking me your questions.',
        ];
  return mduMessage(text.filter(Boolean).join('\n\n'), { intent: 'handoff', locale, handoff: { status: 'unavailable' } }, [
    button(locale === 'fr' ? 'Lignes d’écoute' : 'Listening lines', { mdu: 'topic', id: 'help.listening' }),
    button(locale === 'fr' ? 'Horaires de la MDU' : 'MDU opening hours', { mdu: 'topic', id: 'mdu.hours' }),
  ]);
}
