import { ConversationState, type TurnContext } from 'botbuilder';

/** Where a conversation's bot state lives in the store: one predictable key, for purges and erasure. */
export const CONVERSATION_STATE_PREFIX = 'state/conversation/';

export function conversationStateKey(channelId: string, conversationId: string): string {
  return `${CONVERSATION_STATE_PREFIX}${channelId}/${conversationId}`;
}

/** A turn's state as loaded, and its JSON text as last read or written (what "changed" is measured against). */
interface Cached {
  state: Record<string, unknown>;
  text: string;
}

/**
 * botbuilder's `ConversationState` under our key, with a cheaper test of what changed:
 * botbuilder hashes the state's JSON with SHA-256 (made through a replacer function) when it
 * loads it and again when it saves; comparing the JSON texts says the same for a fraction of the
 * CPU. The turn's cache is therefore this class's own, and every method that touches it is here;
 * the property accessors (`createProperty`) and the dialogs go through `load` as before.
 */
export class PrefixedConversationState extends ConversationState {
  private readonly cacheKey = Symbol('conversation state');

  override getStorageKey(context: TurnContext): string | undefined {
    const { channelId, conversation } = context.activity;
    if (!channelId || !conversation?.id) return undefined;
    return conversationStateKey(channelId, conversation.id);
  }

  override async load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
    const cached = context.turnState.get<Cached | undefined>(this.cacheKey);
    if (cached && !force) return cached.state;
    const key = this.keyOf(context);
    const state = ((await this.storage.read([key]))[key] ?? {}) as Record<string, unknown>;
    context.turnState.set(this.cacheKey, { state, text: textOf(state) } satisfies Cached);
    return state;
  }

  /** Writes the state if it changed since it was loaded (or always, with `force`). */
  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    let cached = context.turnState.get<Cached | undefined>(this.cacheKey);
    if (!force && !cached) return;
    cached ??= { state: {}, text: '' };
    // Made once: what is compared is what the write below holds (a change made while it is under way is not in it).
    const text = textOf(cached.state);
    if (!force && cached.text === text) return;
    const key = this.keyOf(context);
    cached.state.eTag = '*';
    await this.storage.write({ [key]: cached.state });
    cached.text = text;
    context.turnState.set(this.cacheKey, cached);
  }

  /** Empties the turn's state; saved (as empty) by the next `saveChanges`. */
  override clear(context: TurnContext): Promise<void> {
    context.turnState.set(this.cacheKey, { state: {}, text: '' } satisfies Cached);
    return Promise.resolve();
  }

  override async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.cacheKey);
    await this.storage.delete([this.keyOf(context)]);
  }

  override get(context: TurnContext): Record<string, unknown> | undefined {
    return context.turnState.get<Cached | undefined>(this.cacheKey)?.state;
  }

  private keyOf(context: TurnContext): string {
    const key = this.getStorageKey(context);
    if (!key) throw new Error('ConversationState: channelId and/or conversation missing from context.activity.');
    return key;
  }
}

/** The state's JSON without its eTag (which the store sets on every write). */
function textOf(state: Record<string, unknown>): string {
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}
