/**
 * The Adaptive Cards the bot shows in Teams: the staff welcome, the buttons under an answer, the
 * volunteers' panel and the "a visitor is waiting" card in its states (waiting, taken, closed).
 *
 * Buttons send typed values, never text to parse again: `Action.Submit` with a Teams `messageBack`
 * (the value arrives as `activity.value`, as from Web Chat's buttons), and `Action.Execute` for the
 * volunteer's "take" so Teams answers with an `adaptiveCard/action` invoke and the card can be
 * replaced in place (with `Action.Submit` as the fallback for clients without Universal Actions).
 */
import { CardFactory, type Attachment, type CardAction } from 'botbuilder';
import type { Locale } from '../knowledge/schema.js';
import { languageName, say, teamsTexts } from './teamsTexts.js';

export const ADAPTIVE_CARD_VERSION = '1.4';
/** The verb of the volunteer's "take" action. */
export const TAKE_VERB = 'mdu.handoff.take';

/** What a Teams button sends back (on top of the bot's own `ButtonValue`s). */
export type TeamsButtonValue =
  | { mdu: 'teams'; action: 'take'; handoffId: string }
  | { mdu: 'teams'; action: 'end'; handoffId: string }
  | { mdu: 'teams'; action: 'available'; available: boolean };

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: Record<string, unknown>[];
  actions?: Record<string, unknown>[];
}

function card(body: Record<string, unknown>[], actions: Record<string, unknown>[] = []): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: ADAPTIVE_CARD_VERSION,
    body,
    ...(actions.length > 0 ? { actions } : {}),
  };
}

const text = (value: string, extra: Record<string, unknown> = {}) => ({ type: 'TextBlock', text: value, wrap: true, ...extra });

/** A button that sends a typed value as a Teams `messageBack` (text shown in the chat, value to the bot). */
export function submitAction(title: string, value: object, displayText: string = title): Record<string, unknown> {
  return { type: 'Action.Submit', title, data: { ...value, msteams: { type: 'messageBack', text: displayText, displayText } } };
}

export function attachment(content: AdaptiveCard): Attachment {
  return CardFactory.adaptiveCard(content);
}

/** The bot's suggested actions (messageBack buttons), as a card: channels show no suggested actions. */
export function buttonsCard(buttons: CardAction[], options: { title?: string; body?: string } = {}): AdaptiveCard {
  const body: Record<string, unknown>[] = [];
  if (options.title) body.push(text(options.title, { weight: 'Bolder', size: 'Medium' }));
  if (options.body) body.push(text(options.body));
  return card(
    body,
    buttons.map((b) => submitAction(b.title ?? String(b.value), typeof b.value === 'object' && b.value !== null ? (b.value as object) : { text: b.value }, b.displayText ?? b.text ?? b.title)),
  );
}

/** The staff welcome: who the bot is for, then the main topics for professionals as buttons. */
export function staffWelcomeCard(welcomeText: string, buttons: CardAction[], locale: Locale): AdaptiveCard {
  const result = buttonsCard(buttons, { title: teamsTexts.welcomeTitle[locale], body: welcomeText });
  result.body.push(text(teamsTexts.welcomeHint[locale], { isSubtle: true, size: 'Small' }));
  return result;
}

/** The volunteers' panel: availability in Teams. */
export function volunteerPanelCard(locale: Locale, available: boolean): AdaptiveCard {
  return card(
    [text(teamsTexts.volunteerPanelTitle[locale], { weight: 'Bolder' }), text(teamsTexts.volunteerPanelBody[locale])],
    [
      available
        ? submitAction(teamsTexts.volunteerUnavailableButton[locale], { mdu: 'teams', action: 'available', available: false } satisfies TeamsButtonValue)
        : submitAction(teamsTexts.volunteerAvailableButton[locale], { mdu: 'teams', action: 'available', available: true } satisfies TeamsButtonValue),
    ],
  );
}

export interface RequestFacts {
  handoffId: string;
  /** The visitor's language. */
  visitorLocale: Locale;
  crisis: boolean;
  medical: boolean;
}

/** A visitor is waiting: the facts a volunteer needs (never the visitor's words) and "take". */
export function requestCard(facts: RequestFacts, locale: Locale): AdaptiveCard {
  const body: Record<string, unknown>[] = [text(teamsTexts.requestTitle[locale], { weight: 'Bolder', size: 'Medium' })];
  if (facts.crisis) body.push(text(teamsTexts.requestCrisis[locale], { color: 'Attention', weight: 'Bolder' }));
  if (facts.medical) body.push(text(teamsTexts.requestMedical[locale], { color: 'Warning' }));
  body.push(text(say(teamsTexts.requestLanguage, locale, { language: languageName(facts.visitorLocale, locale) }), { isSubtle: true }));
  const data: TeamsButtonValue = { mdu: 'teams', action: 'take', handoffId: facts.handoffId };
  return card(body, [
    {
      type: 'Action.Execute',
      verb: TAKE_VERB,
      title: teamsTexts.takeButton[locale],
      data,
      style: 'positive',
      fallback: submitAction(teamsTexts.takeButton[locale], data),
    },
  ]);
}

/** The card the volunteer who took the request sees: what happens now, and "end". */
export function takenByYouCard(facts: RequestFacts, locale: Locale): AdaptiveCard {
  return card(
    [text(teamsTexts.requestTitle[locale], { weight: 'Bolder', size: 'Medium', isSubtle: true }), text(teamsTexts.takenByYou[locale], { color: 'Good' })],
    [submitAction(teamsTexts.endButton[locale], { mdu: 'teams', action: 'end', handoffId: facts.handoffId } satisfies TeamsButtonValue)],
  );
}

/** The card everyone else sees once the request is taken or closed. */
export function requestDoneCard(locale: Locale, outcome: { takenBy?: string; closed?: boolean }): AdaptiveCard {
  const line = outcome.closed
    ? teamsTexts.requestClosed[locale]
    : outcome.takenBy
      ? say(teamsTexts.alreadyTaken, locale, { name: outcome.takenBy })
      : teamsTexts.alreadyTakenNoName[locale];
  return card([text(teamsTexts.requestTitle[locale], { weight: 'Bolder', size: 'Medium', isSubtle: true }), text(line, { isSubtle: true })]);
}

/** Reads a Teams button's typed value (from `activity.value` or an invoke's `action.data`). */
export function teamsButtonValueOf(value: unknown): TeamsButtonValue | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (v.mdu !== 'teams') return undefined;
  if ((v.action === 'take' || v.action === 'end') && typeof v.handoffId === 'string' && v.handoffId.length > 0 && v.handoffId.length <= 200) {
    return { mdu: 'teams', action: v.action, handoffId: v.handoffId };
  }
  if (v.action === 'available' && typeof v.available === 'boolean') return { mdu: 'teams', action: 'available', available: v.available };
  return undefined;
}
