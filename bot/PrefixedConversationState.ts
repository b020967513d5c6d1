import { ConversationState, type TurnContext } from 'botbuilder';

/** Where a conversation's bot state lives in the store: one predictable key, for purges and erasure. */
export const CONVERSATION_STATE_PREFIX = 'state/conversation/';

export function conversationStateKey(channelId: string, conversationId: string): string {
  return `${CONVERSATION_STATE_PREFIX}${channelId}/${conversationId}`;
}

export class PrefixedConversationState extends ConversationState {
  override getStorageKey(context: TurnContext): string | undefined {
    const { channelId, conversation } = context.activity;
    if (!channelId || !conversation?.id) return undefined;
    return conversationStateKey(channelId, conversation.id);
  }
}
