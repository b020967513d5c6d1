/**
 * What the bot says in Microsoft Teams around the knowledge answers, French first.
 * Staff and volunteers read these; visitors never do.
 */
import type { Locale } from '../knowledge/schema.js';

type Text = Record<Locale, string>;

export const teamsTexts = {
  tenantRefused: {
    fr: "Désolé, cet assistant est réservé aux équipes de l'hôpital Sainte-Anne (GHU Paris). Il ne peut pas répondre depuis votre organisation.",
    en: 'Sorry, this assistant is reserved for the staff of Sainte-Anne hospital (GHU Paris). It cannot answer from your organisation.',
  },
  welcomeTitle: { fr: 'Maison des usagers · pour les équipes', en: 'Maison des usagers · for staff' },
  welcomeHint: {
    fr: 'Posez votre question en une phrase, ici ou en me mentionnant dans un canal.',
    en: 'Ask your question in one sentence, here or by mentioning me in a channel.',
  },
  moreTitle: { fr: 'Pour aller plus loin', en: 'Read on' },

  // ---- volunteers ----------------------------------------------------------------------------
  volunteerPanelTitle: { fr: 'Vous êtes bénévole de la MDU', en: 'You are an MDU volunteer' },
  volunteerPanelBody: {
    fr: "Quand vous êtes disponible, les demandes des visiteurs arrivent ici et vous pouvez leur répondre depuis Teams. Pas d'avis médical : orientez vers le médecin, le pharmacien ou l'équipe soignante.",
    en: 'When you are available, visitors’ requests arrive here and you can answer them from Teams. No medical advice: point to the doctor, the pharmacist or the care team.',
  },
  volunteerAvailableButton: { fr: 'Je suis disponible', en: 'I am available' },
  volunteerUnavailableButton: { fr: 'Je ne suis plus disponible', en: 'I am no longer available' },
  nowAvailable: {
    fr: 'Vous êtes **disponible** : les demandes des visiteurs vous seront proposées ici. Écrivez « indisponible » pour arrêter.',
    en: 'You are **available**: visitors’ requests will be offered to you here. Write “unavailable” to stop.',
  },
  nowUnavailable: {
    fr: 'Vous n’êtes **plus disponible** : aucune nouvelle demande ne vous sera proposée.',
    en: 'You are **no longer available**: no new request will be offered to you.',
  },
  notAVolunteer: {
    fr: "Seuls les bénévoles inscrits par la MDU peuvent prendre une conversation depuis Teams. Si vous l'êtes, demandez à la coordinatrice de vous ajouter.",
    en: 'Only volunteers registered by the MDU can take a conversation from Teams. If you are one, ask the coordinator to add you.',
  },

  requestTitle: { fr: 'Un visiteur demande à parler à un·e bénévole', en: 'A visitor asks to talk with a volunteer' },
  requestCrisis: {
    fr: 'Crise signalée : les numéros d’urgence lui ont déjà été donnés. À prendre en priorité.',
    en: 'Crisis screened: the emergency numbers were already given. Take it first.',
  },
  requestMedical: { fr: 'Question médicale posée : pas d’avis médical.', en: 'Medical question asked: no medical advice.' },
  requestLanguage: { fr: 'Langue : {language}', en: 'Language: {language}' },
  takeButton: { fr: 'Prendre cette conversation', en: 'Take this conversation' },
  takenByYou: {
    fr: 'Vous avez pris cette conversation. Ses messages arrivent dans votre conversation avec l’assistant ; vos réponses lui sont transmises.',
    en: 'You took this conversation. The visitor’s messages arrive in your chat with the assistant; your replies are passed on.',
  },
  alreadyTaken: { fr: 'Conversation déjà prise par {name}.', en: 'Conversation already taken by {name}.' },
  alreadyTakenNoName: { fr: 'Conversation déjà prise.', en: 'Conversation already taken.' },
  requestClosed: { fr: 'Cette demande n’est plus en attente.', en: 'This request is no longer waiting.' },
  capReached: {
    fr: 'Vous tenez déjà le nombre maximal de conversations ({max}). Terminez-en une avant d’en prendre une autre.',
    en: 'You already hold the most conversations allowed ({max}). End one before taking another.',
  },
  endButton: { fr: 'Terminer la conversation', en: 'End the conversation' },
  liveStart: {
    fr: 'Vous êtes en lien avec le visiteur ({language}). Écrivez ici : vos messages lui sont transmis, signés de votre prénom. Écrivez « /fin » pour terminer.',
    en: 'You are talking with the visitor ({language}). Write here: your messages are passed on, signed with your first name. Write “/end” to finish.',
  },
  fromVisitor: { fr: '**Visiteur** : {text}', en: '**Visitor**: {text}' },
  visitorCrisis: {
    fr: '⚠ Ce message a été repéré comme une possible crise : les numéros d’urgence lui ont été redonnés.',
    en: '⚠ This message was screened as a possible crisis: the emergency numbers were given again.',
  },
  notDelivered: {
    fr: 'Ce message n’a pas pu être remis au visiteur (sa fenêtre est peut-être fermée).',
    en: 'This message could not be delivered to the visitor (their window may be closed).',
  },
  closed: {
    fr: 'La conversation avec le visiteur est terminée ({reason}).',
    en: 'The conversation with the visitor has ended ({reason}).',
  },
  closeReasons: {
    ended_by_volunteer: { fr: 'vous y avez mis fin', en: 'you ended it' },
    ended_by_visitor: { fr: 'le visiteur y a mis fin', en: 'the visitor ended it' },
    inactivity: { fr: 'sans message depuis un moment', en: 'no message for a while' },
    erased: { fr: 'le visiteur a effacé ses données', en: 'the visitor erased their data' },
    cancelled: { fr: 'le visiteur a annulé', en: 'the visitor cancelled' },
    timeout: { fr: 'délai dépassé', en: 'timed out' },
    unavailable: { fr: 'plus personne de disponible', en: 'nobody available any more' },
    other: { fr: 'close', en: 'closed' },
  } as Record<string, Text>,
} satisfies Record<string, Text | Record<string, Text>>;

/** A text in a locale, with `{name}` placeholders filled. */
export function say(text: Text, locale: Locale, values: Record<string, string | number> = {}): string {
  return text[locale].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The name of a visitor's language, for a reader in `reader`. */
export function languageName(visitor: Locale, reader: Locale): string {
  const names: Record<Locale, Text> = { fr: { fr: 'français', en: 'anglais' }, en: { fr: 'French', en: 'English' } };
  return names[reader][visitor];
}
