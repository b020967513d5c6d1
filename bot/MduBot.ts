/**
 * The thin activity handler: every activity of a conversation goes, one at a time, through the
 * turn pipeline. Teams-specific handling (cards, invokes) hangs off this class.
 */
import { ActivityTypes, TeamsActivityHandler, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, type TurnContext } from 'botbuilder';
import type { KeyedSerialiser } from './KeyedSerialiser.js';
import type { DeliveryPort } from './ports.js';
import type { TeamsChannel } from '../teams/TeamsChannel.js';
import type { TurnPipeline } from './TurnPipeline.js';

export class MduBot extends TeamsActivityHandler {
  constructor(
    private readonly pipeline: TurnPipeline,
    private readonly serialiser: KeyedSerialiser,
    /** Activities already handled: a channel's retry of one is answered with an empty success. */
    private readonly deliveries?: DeliveryPort,
    /** Microsoft Teams: tenant check, mentions, cards, volunteers (see teams/TeamsChannel.ts). */
    private readonly teams?: TeamsChannel,
  ) {
    super();
    this.onMembersAdded(async (context, next) => {
      await this.pipeline.run(context);
      await next();
    });
  }

  /** Turns of one conversation never run together (see KeyedSerialiser); a delivery seen before is not handled again. */
  override async run(context: TurnContext): Promise<void> {
    const key = `${context.activity.channelId}/${context.activity.conversation?.id ?? ''}`;
    await this.serialiser.run(key, async () => {
      if (this.deliveries && !(await this.deliveries.firstDelivery(context))) return;
      let pipelineSaves = false;
      try {
        if (this.teams && context.activity.channelId === 'msteams' && !(await this.teams.admit(context))) return;
        // A message goes straight to the pipeline: the framework's event dispatch (turn, message and
        // dialog handler chains, with nothing registered on them) cost a fifth of a turn's CPU.
        if (context.activity.type === ActivityTypes.Message) {
          pipelineSaves = true;
          await this.pipeline.run(context);
        } else await super.run(context);
      } finally {
        // The delivery may be remembered in the conversation's state (DeliveriesInState): saved here
        // when the pipeline, which saves the state at the end of a message's turn, did not run.
        if (!pipelineSaves) await this.pipeline.saveState(context);
      }
    });
  }

  /** Teams Universal Actions (the volunteers' "take this conversation"). */
  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    return this.teams ? this.teams.onCardAction(context, invokeValue) : super.onAdaptiveCardInvoke(context, invokeValue);
  }
}
