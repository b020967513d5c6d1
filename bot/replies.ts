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
  /** Answers: true when this is the easy-read version (the page mirrors it on its switch), false when easy read is off. */
  easyRead?: boolean;
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
  | { mdu: 'erase'; confirm: boolean }
  /** Easy read on or off for the conversation; with a topic, that topic is answered again in the chosen version. */
  | { mdu: 'easyRead'; on: boolean; topic?: string };

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
    case 'easyRead':
      if (typeof value.on !== 'boolean') return undefined;
      return typeof value.topic === 'string' && value.topic.length <= 80 ? { mdu: 'easyRead', on: value.on, topic: value.topic } : { mdu: 'easyRead', on: value.on };
    default:
      return undefined;
  }
}
