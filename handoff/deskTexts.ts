/**
 * What the handoff desk says to visitors, in French and English. Every message is a `handoff`
 * message (`channelData.mdu.intent`) with where the conversation stands (`channelData.mdu.handoff`).
 */
import type { Activity, CardAction } from 'botbuilder';
import { button, mduMessage } from '../bot/replies.js';
import type { Locale } from '../knowledge/schema.js';

/** Where a visitor stands in the queue. */
export interface WaitInfo {
  position: number;
  /** An estimate from recent waits; undefined when there is not enough history to say. */
  estimateMinutes?: number;
  /** The request is withdrawn after this many more minutes. */
  maxMinutes: number;
}

type Texts = Record<Locale, string>;

/** A volunteer's chosen name inside markdown: its own asterisks or brackets must not format anything. */
function md(name: string): string {
  return name.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
}

const ALTERNATIVES: Texts = {
  fr: "En attendant, vous pouvez venir à la Maison des usagers pendant ses heures d'ouverture, appeler une ligne d'écoute, ou continuer à me poser vos questions.",
  en: 'Meanwhile, you can come to the Maison des usagers during its opening hours, call a listening line, or keep asking me your questions.',
};

function cancelButton(locale: Locale): CardAction {
  return button(locale === 'fr' ? 'Annuler la demande' : 'Cancel the request', { mdu: 'handoff', action: 'cancel' }, locale === 'fr' ? 'annuler' : 'cancel');
}
function endButton(locale: Locale): CardAction {
  return button(locale === 'fr' ? 'Terminer et revenir au robot' : 'End and go back to the bot', { mdu: 'handoff', action: 'end' }, locale === 'fr' ? 'terminer' : 'end');
}
function retryButton(locale: Locale): CardAction {
  return button(locale === 'fr' ? 'Redemander un bénévole' : 'Ask for a volunteer again', { mdu: 'handoff', action: 'request' });
}
export function alternativeButtons(locale: Locale): CardAction[] {
  return [
    button(locale === 'fr' ? 'Lignes d’écoute' : 'Listening lines', { mdu: 'topic', id: 'help.listening' }),
    button(locale === 'fr' ? 'Horaires de la MDU' : 'MDU opening hours', { mdu: 'topic', id: 'mdu.hours' }),
  ];
}

function place(position: number, locale: Locale): string {
  return locale === 'fr' ? `**n° ${position}** dans la file d'attente` : `**number ${position}** in the queue`;
}

function estimate(wait: WaitInfo, locale: Locale): string {
  const { estimateMinutes: est, maxMinutes: max } = wait;
  const guess =
    est !== undefined && est <= max
      ? locale === 'fr'
        ? `Attente estimée : environ ${est} min.`
        : `Estimated wait: about ${est} min.`
      : est !== undefined
        ? locale === 'fr'
          ? "L'attente risque d'être longue."
          : 'The wait may be long.'
        : locale === 'fr'
          ? "Je ne peux pas encore estimer l'attente."
          : 'I cannot estimate the wait yet.';
  const limit =
    locale === 'fr'
      ? `Si personne n'a pris votre demande d'ici ${max} min, je vous le dirai.`
      : `If nobody has taken your request within ${max} min, I will tell you.`;
  return `${guess} ${limit}`;
}

function queuedData(wait: WaitInfo) {
  return { status: 'queued', position: wait.position, ...(wait.estimateMinutes !== undefined ? { waitMinutes: wait.estimateMinutes } : {}) };
}

export const deskTexts = {
  queued(wait: WaitInfo, locale: Locale): Partial<Activity> {
    const text =
      locale === 'fr'
        ? `Je demande à un ou une bénévole de l'association de permanence de vous répondre ici.\n\nVous êtes ${place(wait.position, locale)}. ${estimate(wait, locale)}\n\nVous pouvez annuler à tout moment : écrivez « annuler ».`
        : `I am asking a volunteer of the association on duty to answer you here.\n\nYou are ${place(wait.position, locale)}. ${estimate(wait, locale)}\n\nYou can cancel at any time: write "cancel".`;
    return mduMessage(text, { intent: 'handoff', locale, handoff: queuedData(wait) }, [cancelButton(locale)]);
  },

  positionUpdate(wait: WaitInfo, locale: Locale): Partial<Activity> {
    const text = locale === 'fr' ? `Vous êtes maintenant ${place(wait.position, locale)}. ${estimate(wait, locale)}` : `You are now ${place(wait.position, locale)}. ${estimate(wait, locale)}`;
    return mduMessage(text, { intent: 'handoff', locale, handoff: queuedData(wait) }, [cancelButton(locale)]);
  },

  alreadyQueued(wait: WaitInfo, locale: Locale): Partial<Activity> {
    const text =
      locale === 'fr'
        ? `Votre demande est déjà transmise : vous êtes ${place(wait.position, locale)}. ${estimate(wait, locale)}`
        : `Your request has already been passed on: you are ${place(wait.position, locale)}. ${estimate(wait, locale)}`;
    return mduMessage(text, { intent: 'handoff', locale, handoff: queuedData(wait) }, [cancelButton(locale)]);
  },

  /** A message written while waiting: kept for the volunteer. */
  notedWhileQueued(wait: WaitInfo, locale: Locale): Partial<Activity> {
    const text =
      locale === 'fr'
        ? `C'est noté : la personne qui prendra la conversation verra votre message. Vous êtes ${place(wait.position, locale)}.`
        : `Noted: the person who takes the conversation will see your message. You are ${place(wait.position, locale)}.`;
    return mduMessage(text, { intent: 'handoff', locale, handoff: queuedData(wait) }, [cancelButton(locale)]);
  },

  prioritised(wait: WaitInfo, locale: Locale): Partial<Activity> {
    const text =
      locale === 'fr'
        ? `J'ai signalé aux bénévoles que c'est urgent : votre demande passe en premier (${place(wait.position, locale)}).`
        : `I have told the volunteers it is urgent: your request goes first (${place(wait.position, locale)}).`;
    return mduMessage(text, { intent: 'handoff', locale, handoff: queuedData(wait) }, [cancelButton(locale)]);
  },

  accepted(volunteerName: string, locale: Locale): Partial<Activity> {
    const text =
      locale === 'fr'
        ? `**${md(volunteerName)}** a rejoint la conversation et vous répond ici. Les bénévoles partagent leur expérience et des informations ; ils ne donnent pas d'avis médical.\n\nPour revenir au robot, écrivez « terminer ».`
        : `**${md(volunteerName)}** has joined the conversation and will answer you here. Volunteers share their experience and information; they do not give medical advice.\n\nTo go back to the bot, write "end".`;
    return mduMessage(text, { intent: 'handoff', locale, handoff: { status: 'live', volunteerName } }, [endButton(locale)]);
  },

  alreadyLive(volunteerName: string, locale: Locale): Partial<Activity> {
    const text =
      locale === 'fr'
        ? `Vous êtes déjà en conversation avec **${md(volunteerName)}**. Pour revenir au robot, écrivez « terminer ».`
        : `You are already talking with **${md(volunteerName)}**. To go back to the bot, write "end".`;
    return mduMessage(text, { intent: 'handoff', locale, handoff: { status: 'live', volunteerName } }, [endButton(locale)]);
  },

  /** What a volunteer wrote, under their chosen name. */
  fromVolunteer(text: string, volunteerName: string, locale: Locale): Partial<Activity> {
    return { ...mduMessage(text, { intent: 'handoff', locale, handoff: { status: 'live', volunteerName } }), textFormat: 'plain' };
  },

  /** After a crisis message during a live conversation (the numbers were sent just before). */
  crisisRelayed(volunteerName: string, locale: Locale): Partial<Activity> {
    const text = locale === 'fr' ? `**${md(volunteerName)}** voit aussi votre message.` : `**${md(volunteerName)}** sees your message too.`;
    return mduMessage(text, { intent: 'handoff', locale, handoff: { status: 'live', volunteerName } });
  },

  endedByVolunteer(volunteerName: string, locale: Locale): Partial<Activity> {
    const text =
      locale === 'fr'
        ? `**${md(volunteerName)}** a terminé la conversation. Je suis de nouveau là : posez-moi vos questions sur la Maison des usagers quand vous voulez.`
        : `**${md(volunteerName)}** has ended the conversation. I am back: ask me your questions about the Maison des usagers whenever you like.`;
    return mduMessage(text, { intent: 'handoff', locale, handoff: { status: 'closed', volunteerName } });
  },

  endedByVisitor(volunteerName: string, locale: Locale): Partial<Activity> {
    const text =
      locale === 'fr'
        ? `La conversation avec **${md(volunteerName)}** est terminée. Je suis de nouveau là pour vos questions.`
        : `The conversation with **${md(volunteerName)}** has ended. I am back for your questions.`;
    return mduMessage(text, { intent: 'handoff', locale, handoff: { status: 'closed', volunteerName } });
  },

  endedByInactivity(volunteerName: string, minutes: number, locale: Locale): Partial<Activity> {
    const text =
      locale === 'fr'
        ? `La conversation avec **${md(volunteerName)}** s'est arrêtée après ${minutes} min sans message. Je suis de nouveau là pour vos questions ; vous pouvez redemander un ou une bénévole si besoin.`
        : `The conversation with **${md(volunteerName)}** stopped after ${minutes} min without a message. I am back for your questions; you can ask for a volunteer again if you need.`;
    return mduMessage(text, { intent: 'handoff', locale, handoff: { status: 'closed', volunteerName } });
  },

  cancelled(locale: Locale): Partial<Activity> {
    const text = locale === 'fr' ? 'Votre demande est annulée. Je reste là pour vos questions.' : 'Your request is cancelled. I am still here for your questions.';
    return mduMessage(text, { intent: 'handoff', locale, handoff: { status: 'cancelled' } });
  },

  timedOut(minutes: number, next: string | undefined, locale: Locale): Partial<Activity> {
    const head =
      locale === 'fr'
        ? `Personne n'a pu prendre votre demande dans les ${minutes} min : je la retire, plutôt que de vous laisser attendre sans réponse.`
        : `Nobody could take your request within ${minutes} min: I am withdrawing it rather than leave you waiting with no answer.`;
    return mduMessage([head, next, ALTERNATIVES[locale]].filter(Boolean).join('\n\n'), { intent: 'handoff', locale, handoff: { status: 'timeout' } }, [
      ...alternativeButtons(locale),
      retryButton(locale),
    ]);
  },

  /** A queued request withdrawn because nobody on duty can take it any more. */
  noLongerAvailable(next: string | undefined, locale: Locale): Partial<Activity> {
    const head =
      locale === 'fr'
        ? "Plus aucun bénévole n'est disponible dans ce chat (la permanence est finie ou les bénévoles se sont déconnectés) : je retire votre demande, personne ne va vous répondre en direct."
        : 'No volunteer is available in this chat any more (the drop-in session is over or the volunteers have signed out): I am withdrawing your request, nobody will answer you live.';
    return mduMessage([head, next, ALTERNATIVES[locale]].filter(Boolean).join('\n\n'), { intent: 'handoff', locale, handoff: { status: 'unavailable' } }, alternativeButtons(locale));
  },

  /** A permanence is open but no volunteer is signed in to the chat. */
  nobodySignedIn(onSite: string[], next: string | undefined, locale: Locale): Partial<Activity> {
    const head =
      locale === 'fr'
        ? "Aucun bénévole n'est connecté au chat en ce moment : personne ne va vous répondre en direct ici."
        : 'No volunteer is signed in to the chat right now: nobody will answer you live here.';
    const site =
      onSite.length === 0
        ? undefined
        : locale === 'fr'
          ? `À la Maison des usagers en ce moment : ${onSite.join(', ')}. Vous pouvez y passer.`
          : `At the Maison des usagers right now: ${onSite.join(', ')}. You can drop in.`;
    return mduMessage([head, site, next, ALTERNATIVES[locale]].filter(Boolean).join('\n\n'), { intent: 'handoff', locale, handoff: { status: 'unavailable' } }, alternativeButtons(locale));
  },

  /** The visitor's channel cannot receive a volunteer's messages. */
  unreachable(locale: Locale): Partial<Activity> {
    const head =
      locale === 'fr'
        ? "Depuis ce canal, je ne peux pas vous mettre en relation avec un ou une bénévole en direct."
        : 'From this channel I cannot put you in touch with a volunteer live.';
    return mduMessage(`${head}\n\n${ALTERNATIVES[locale]}`, { intent: 'handoff', locale, handoff: { status: 'unavailable' } }, alternativeButtons(locale));
  },

  /** A cancel or end button pressed when no request is in progress. */
  nothingInProgress(locale: Locale): Partial<Activity> {
    const text =
      locale === 'fr'
        ? "Il n'y a pas de demande en cours : vous parlez avec le robot de la Maison des usagers. Posez-moi vos questions."
        : 'There is no request in progress: you are talking with the bot of the Maison des usagers. Ask me your questions.';
    return mduMessage(text, { intent: 'handoff', locale, handoff: { status: 'bot' } });
  },
};

const CANCEL_WORDS = new Set(['annuler', 'annule', 'annulez', 'annuler la demande', 'cancel', 'cancel request', 'cancel the request', 'stop', 'arreter', 'arrete']);
const END_WORDS = new Set(['terminer', 'termine', 'terminez', 'fin', 'fin de la conversation', 'terminer la conversation', 'end', 'end chat', 'end the chat', 'end conversation', 'quit', 'quitter', 'retour au robot', 'back to the bot']);

/** "annuler", "cancel", "terminer", "end"...: only a message that is nothing else is a command. */
export function visitorCommand(text: string): 'cancel' | 'end' | undefined {
  const folded = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  if (CANCEL_WORDS.has(folded)) return 'cancel';
  if (END_WORDS.has(folded)) return 'end';
  return undefined;
}
