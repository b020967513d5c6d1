/**
 * Builders of Teams-shaped activities, as Teams sends them to a bot: `channelId: 'msteams'`, the
 * tenant in `channelData.tenant` and `conversation.tenantId`, the sender's Entra object id in
 * `from.aadObjectId`, mentions as `<at>Name</at>` in the text plus a `mention` entity.
 */
import type { Activity } from 'botbuilder';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const OTHER_TENANT = '11111111-2222-3333-4444-555555555555';
export const BOT = { id: '28:00000000-0000-0000-0000-0000000000b0', name: 'MDU' };

export interface TeamsUser {
  id: string;
  name: string;
  aadObjectId: string;
}

export const staffUser: TeamsUser = { id: '29:staff-1', name: 'Dr Claire Martin', aadObjectId: 'aaaaaaaa-0000-0000-0000-000000000001' };
export const volunteerA: TeamsUser = { id: '29:vol-a', name: 'Marie Dupont', aadObjectId: 'bbbbbbbb-0000-0000-0000-00000000000a' };
export const volunteerB: TeamsUser = { id: '29:vol-b', name: 'Paul Durand', aadObjectId: 'bbbbbbbb-0000-0000-0000-00000000000b' };
export const notAVolunteer: TeamsUser = { id: '29:intruder', name: 'Eve Nobody', aadObjectId: 'cccccccc-0000-0000-0000-00000000000c' };

export const TEAM_CHANNEL = '19:general@thread.tacv2';
export const VOLUNTEERS_CHANNEL = '19:benevoles@thread.tacv2';

let counter = 0;

interface Where {
  serviceUrl: string;
  tenant?: string;
  locale?: string;
}

function base(user: TeamsUser, conversation: Partial<Activity['conversation']>, where: Where, channelData: Record<string, unknown> = {}): Partial<Activity> {
  const tenant = where.tenant ?? TENANT;
  return {
    channelId: 'msteams',
    serviceUrl: where.serviceUrl,
    id: `teams-${++counter}`,
    timestamp: new Date(),
    locale: where.locale ?? 'fr-FR',
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { ...BOT },
    conversation: { tenantId: tenant, ...conversation } as Activity['conversation'],
    channelData: { tenant: { id: tenant }, ...channelData },
  };
}

export function personalConversationId(user: TeamsUser): string {
  return `a:personal-${user.aadObjectId}`;
}

/** A message in the user's personal chat with the bot. */
export function personalMessage(user: TeamsUser, text: string, where: Where, value?: unknown): Partial<Activity> {
  return {
    ...base(user, { id: personalConversationId(user), conversationType: 'personal', isGroup: false }, where),
    type: 'message',
    text,
    ...(value !== undefined ? { value } : {}),
  };
}

/** A message in a team channel; with `mention`, it @mentions the bot as Teams does. */
export function channelMessage(user: TeamsUser, text: string, where: Where & { mention: boolean; channel?: string }): Partial<Activity> {
  const channel = where.channel ?? TEAM_CHANNEL;
  const mentionText = `<at>${BOT.name}</at>`;
  return {
    ...base(user, { id: `${channel};messageid=${1000 + counter}`, conversationType: 'channel', isGroup: true }, where, {
      teamsChannelId: channel,
      teamsTeamId: '19:team@thread.tacv2',
      channel: { id: channel },
      team: { id: '19:team@thread.tacv2' },
    }),
    type: 'message',
    text: where.mention ? `${mentionText} ${text}` : text,
    entities: where.mention ? [{ type: 'mention', text: mentionText, mentioned: { ...BOT } }] : [],
  };
}

/** The bot installed: Teams says the bot itself was added to the conversation. */
export function installed(user: TeamsUser, where: Where & { scope: 'personal' | 'team' }): Partial<Activity> {
  const conversation = where.scope === 'personal' ? { id: personalConversationId(user), conversationType: 'personal', isGroup: false } : { id: TEAM_CHANNEL, conversationType: 'channel', isGroup: true };
  return { ...base(user, conversation, where), type: 'conversationUpdate', membersAdded: [{ id: BOT.id, name: BOT.name }] };
}

/** The `adaptiveCard/action` invoke Teams sends for an `Action.Execute`. */
export function cardAction(user: TeamsUser, verb: string, data: unknown, where: Where & { replyToId: string; conversationId?: string; channel?: boolean }): Partial<Activity> {
  const conversation = where.channel
    ? { id: where.conversationId ?? VOLUNTEERS_CHANNEL, conversationType: 'channel', isGroup: true }
    : { id: where.conversationId ?? personalConversationId(user), conversationType: 'personal', isGroup: false };
  return {
    ...base(user, conversation, where),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: where.replyToId,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}
