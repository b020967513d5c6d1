/**
 * Which activities of a conversation were already handled, kept in the conversation's own state
 * (`deliveries`: `[id, time]` pairs, oldest first) on the embedded store: the turn reads that
 * state anyway and writes it at its end, so remembering the id costs no store write of its own
 * (a separate `dedupe/` document was a second write every turn, about 4 % of a turn's CPU).
 *
 * The same rules as `ProcessedActivities` (`recordDelivery`): an id seen within a day is a
 * channel's retry, answered with an empty success; `typing`, `invoke` and activities without an
 * id always go through; at most 100 ids a conversation, the expired ones let go at each turn.
 * The id reaches the disk with the turn's state, in the group commit the turn is acknowledged
 * after; it goes with the state at an erasure and with the conversation's retention.
 *
 * Only where one process handles the conversation (turns serialised by `KeyedSerialiser`): with
 * several instances on a shared store the ids need a compare-and-set (`ProcessedActivities`).
 */
import type { TurnContext } from 'botbuilder';
import { DELIVERIES_PER_CONVERSATION, DELIVERY_TTL_MS, recordDelivery, seenOfEntries } from '../store/ProcessedActivities.js';
import type { DeliveryPort } from './ports.js';
import type { PrefixedConversationState } from './PrefixedConversationState.js';

/** The field of the conversation's state that holds its remembered activity ids. */
export const DELIVERIES_FIELD = 'deliveries';

export class DeliveriesInState implements DeliveryPort {
  private readonly ttlMs: number;
  private readonly perConversation: number;

  constructor(
    private readonly conversationState: PrefixedConversationState,
    private readonly options: { now: () => Date; ttlMs?: number; perConversation?: number },
  ) {
    this.ttlMs = options.ttlMs ?? DELIVERY_TTL_MS;
    this.perConversation = options.perConversation ?? DELIVERIES_PER_CONVERSATION;
  }

  /** True the first time; the id is then in the turn's state, which the turn saves (`saveChanges`). */
  async firstDelivery(context: TurnContext): Promise<boolean> {
    const { id, type } = context.activity;
    if (!id || type === 'typing' || type === 'invoke' || this.conversationState.getStorageKey(context) === undefined) return true;
    const state = await this.conversationState.load(context);
    const seen = seenOfEntries(state[DELIVERIES_FIELD]);
    if (!recordDelivery(seen, id, this.options.now().getTime(), this.ttlMs, this.perConversation)) return false;
    state[DELIVERIES_FIELD] = [...seen];
    return true;
  }
}
