/**
 * Reading Teams activities: the tenant, the kind of conversation, the mention of the bot; and
 * shaping what the bot sends to Teams (suggested actions become an Adaptive Card, since Teams
 * channels show no suggested actions; the welcome becomes the staff welcome card).
 */
import { ActivityTypes, TurnContext, type Activity } from 'botbuilder';
import { localeOfActivity } from '../bot/TurnPipeline.js';
import type { Locale } from '../knowledge/schema.js';
import { attachment, buttonsCard, staffWelcomeCard } from './teamsCards.js';

export type TeamsConversationKind = 'personal' | 'channel' | 'groupChat';

/** The tenant an activity comes from (`channelData.tenant.id`, or `conversation.tenantId`). */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  const id = typeof fromChannelData === 'string' ? fromChannelData : activity.conversation?.tenantId;
  return id ? id.trim().toLowerCase() : undefined;
}

export function conversationKind(activity: Partial<Activity>): TeamsConversationKind {
  const type = activity.conversation?.conversationType;
  if (type === 'channel' || type === 'groupChat') return type;
  if (type === 'personal') return 'personal';
  return activity.conversation?.isGroup ? 'groupChat' : 'personal';
}

/** True when the activity @mentions the bot. */
export function mentionsBot(activity: Partial<Activity>): boolean {
  const botId = activity.recipient?.id;
  return TurnContext.getMentions(activity).some((m) => m.mentioned?.id === botId);
}

/** The Entra object id of the sender, lower-case. */
export function aadObjectIdOf(activity: Partial<Activity>): string | undefined {
  return activity.from?.aadObjectId?.trim().toLowerCase() || undefined;
}

export function teamsLocale(activity: Partial<Activity>): Locale {
  return localeOfActivity(activity.locale) ?? 'fr';
}

/** Rewrites one outgoing message for Teams (pure; the `channelData.mdu` stays as it is). */
export function shapeForTeams(activity: Partial<Activity>): Partial<Activity> {
  if (activity.type !== ActivityTypes.Message) return activity;
  const buttons = activity.suggestedActions?.actions ?? [];
  const intent = (activity.channelData as { mdu?: { intent?: string } } | undefined)?.mdu?.intent;
  const locale = localeOfActivity(activity.locale) ?? 'fr';
  if (intent === 'welcome') {
    const { suggestedActions: _dropped, text, ...rest } = activity;
    void _dropped;
    return { ...rest, summary: firstLine(text), attachments: [...(activity.attachments ?? []), attachment(staffWelcomeCard(text ?? '', buttons, locale))] };
  }
  if (buttons.length === 0) return activity;
  const { suggestedActions: _dropped, ...rest } = activity;
  void _dropped;
  return { ...rest, attachments: [...(activity.attachments ?? []), attachment(buttonsCard(buttons))] };
}

function firstLine(text: string | undefined): string | undefined {
  return text?.split('\n')[0]?.replace(/\*\*/g, '').slice(0, 200);
}
