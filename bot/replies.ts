/**
 * Every message the bot sends carries `channelData.mdu` (see shared/contract.md): what kind of
 * reply it is, which topic, how sure, in which language. Tests and the web page rely on it.
 */
import { ActionTypes, ActivityTypes, type Activity, type CardAction } from 'botbuilder';
import type { Locale } from '../knowledge/schema.js';

export type MduIntent = 'answer' | 'clarify' | 'fallback' | 'medical' | 'crisis' | 'handoff' | 'welcome' | 'smalltalk';

export interface MduChannelData {
  intent: MduIntent;
  topic?: string;
  confidence?: number;
  candidates?: string[];
  locale: string;
  /** Handoff messages: where the conversation stands (queued, live, closed...). */
  handoff?: { status: string; position?: number; waitMinutes?: number; volunteerName?: string };
  /** Set on the answer to "erase my data" once done: the page forgets the conversation too. */
  erased?: true;
}

export const BCP47: Record<Locale, string> = { fr: 'fr-FR', en: 'en-US' };

/** What a button sends back: a typed value, so no text has to be parsed again. */
export type ButtonValue =
  | { mdu: 'topic'; id: string }
  | { mdu: 'feedback'; topic: string; helpful: boolean }
  | { mdu: 'handoff'; action: 'request' | 'cancel' | 'end' }
  | { mdu: 'erase'; confirm: boolean };

export function button(title: string, value: ButtonValue, displayText: string = title): CardAction {
  return { type: ActionTypes.MessageBack, title, text: displayText, displayText, value };
}

export function mduMessage(
  text: string,
  mdu: Omit<MduChannelData, 'locale'> & { locale: Locale },
  buttons: CardAction[] = [],
): Partial<Activity> {
  const activity: Partial<Activity> = {
    type: ActivityTypes.Message,
    text,
    textFormat: 'markdown',
    locale: BCP47[mdu.locale],
    channelData: { mdu: { ...mdu, locale: BCP47[mdu.locale] } satisfies MduChannelData },
  };
  if (buttons.length > 0) activity.suggestedActions = { to: [], actions: buttons };
  return activity;
}

/** Reads the typed value of a button press, if the activity is one. */
export function buttonValueOf(activity: Partial<Activity>): ButtonValue | undefined {
  const value = activity.value as Partial<ButtonValue> | undefined;
  if (!value || typeof value !== 'object' || typeof value.mdu !== 'string') return undefined;
  switch (value.mdu) {
    case 'topic':
      return typeof value.id === 'string' ? { mdu: 'topic', id: value.id } : undefined;
    case 'feedback':
      return typeof value.topic === 'string' && typeof value.helpful === 'boolean' ? { mdu: 'feedback', topic: value.topic, helpful: value.helpful } : undefined;
    case 'handoff':
      return value.action === 'request' || value.action === 'cancel' || value.action === 'end' ? { mdu: 'handoff', action: value.action } : undefined;
    case 'erase':
      return typeof value.confirm === 'boolean' ? { mdu: 'erase', confirm: value.confirm } : undefined;
    default:
      return undefined;
  }
}
