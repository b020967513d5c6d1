/**
 * Microsoft Teams at the door of the turn pipeline. For every Teams activity, in order:
 *
 *   1. tenant        only the configured tenant; anyone else gets a polite refusal, and nothing else
 *   2. replies       what the bot sends is shaped for Teams (buttons as Adaptive Cards, welcome card)
 *   3. install       the bot added to a personal chat, a team or a group chat: the staff welcome
 *   4. mentions      in channels and group chats, only messages that @mention the bot (or press
 *                    its buttons) are for it; the mention is stripped before the pipeline
 *   5. volunteers    take / end / availability, and a volunteer's messages to their visitor
 *   6. the pipeline  everything else: the staff answers of the knowledge base
 *
 * `MduBot` calls `admit` before the pipeline and `onCardAction` for `adaptiveCard/action` invokes.
 */
import { ActivityTypes, TurnContext, type Activity, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue } from 'botbuilder';
import type { Logger } from '../bot/log.js';
import { pseudonymise } from '../bot/log.js';
import { BCP47 } from '../bot/replies.js';
import type { Locale } from '../knowledge/schema.js';
import { TAKE_VERB } from './teamsCards.js';
import { conversationKind, mentionsBot, shapeForTeams, teamsLocale, tenantOf } from './teamsActivity.js';
import { teamsTexts } from './teamsTexts.js';
import type { TeamsVolunteers } from './TeamsVolunteers.js';

export interface TeamsChannelDeps {
  /** The only tenant allowed (lower-case); empty: nobody. */
  tenantId: string;
  /** The staff welcome (the pipeline's welcome for the staff audience). */
  staffWelcome: (locale: Locale) => Partial<Activity>;
  /** Volunteers in Teams (absent: Teams is for staff questions only). */
  volunteers?: TeamsVolunteers;
  /** Local mode (no Azure Bot): Teams is not in use unless someone runs a local Teams, so no tenant is no warning. */
  localMode?: boolean;
  log: Logger;
}

export class TeamsChannel {
  private readonly tenantId: string;

  constructor(private readonly deps: TeamsChannelDeps) {
    this.tenantId = deps.tenantId.trim().toLowerCase();
    if (!this.tenantId) {
      const fields = { reason: 'TEAMS_TENANT_ID and MicrosoftAppTenantId are empty: every Teams user is refused' };
      if (deps.localMode) deps.log.debug('teams.no_tenant', fields);
      else deps.log.warn('teams.no_tenant', fields);
    }
  }

  /** True when the activity should go on to the turn pipeline; false when it was handled (or refused, or ignored) here. */
  async admit(context: TurnContext): Promise<boolean> {
    const { activity } = context;
    const locale = teamsLocale(activity);

    // 1. Tenant.
    if (!this.tenantId || tenantOf(activity) !== this.tenantId) {
      this.deps.log.warn('teams.tenant_refused', { tenant: pseudonymise(tenantOf(activity)), type: activity.type });
      await this.refuse(context, locale);
      return false;
    }

    // 2. Replies, shaped for Teams.
    context.onSendActivities(async (_context, activities, next) => {
      activities.splice(0, activities.length, ...activities.map((a) => shapeForTeams(a) as Activity));
      return next();
    });
    await this.deps.volunteers?.rememberServiceUrl(activity);

    switch (activity.type) {
      // 3. Install: the staff welcome once, when the bot itself joins (not for every new team member).
      case ActivityTypes.ConversationUpdate: {
        const added = activity.membersAdded ?? [];
        const botAdded = added.some((m) => m.id === activity.recipient?.id);
        const personal = conversationKind(activity) === 'personal';
        if (botAdded || (personal && added.length > 0)) {
          await context.sendActivity(this.deps.staffWelcome(locale));
          const panel = await this.deps.volunteers?.panelFor(context);
          if (panel) await context.sendActivity(panel);
        }
        return false;
      }
      case ActivityTypes.Message: {
        // 4. Mentions.
        const personal = conversationKind(activity) === 'personal';
        const pressedButton = activity.value !== undefined && activity.value !== null;
        if (!personal && !pressedButton && !mentionsBot(activity)) return false;
        if (mentionsBot(activity)) TurnContext.removeRecipientMention(activity);
        activity.text = stripLeftoverMentions(activity.text ?? '');
        // 5. Volunteers.
        if (this.deps.volunteers && (await this.deps.volunteers.handleMessage(context))) return false;
        // 6. The pipeline.
        return true;
      }
      case ActivityTypes.Invoke:
        return true;
      default:
        return false;
    }
  }

  /** `adaptiveCard/action` invokes (Universal Actions): the volunteer's "take". */
  async onCardAction(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const locale = teamsLocale(context.activity);
    if (invokeValue?.action?.verb !== TAKE_VERB || !this.deps.volunteers) {
      return { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'Unknown action.' } as unknown as AdaptiveCardInvokeResponse['value'] };
    }
    this.deps.log.info('teams.card_action', { locale });
    return this.deps.volunteers.onCardAction(context, invokeValue.action.data);
  }

  /** Another tenant: one polite sentence where a person is waiting for an answer, nothing else. */
  private async refuse(context: TurnContext, locale: Locale): Promise<void> {
    const { activity } = context;
    const text = teamsTexts.tenantRefused[locale];
    const mdu = { intent: 'fallback', locale: BCP47[locale] };
    if (activity.type === ActivityTypes.Invoke) {
      const body: AdaptiveCardInvokeResponse = { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text as unknown as AdaptiveCardInvokeResponse['value'] };
      await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body } });
      return;
    }
    const addressed =
      activity.type === ActivityTypes.Message
        ? conversationKind(activity) === 'personal' || mentionsBot(activity)
        : activity.type === ActivityTypes.ConversationUpdate && (activity.membersAdded ?? []).some((m) => m.id === activity.recipient?.id);
    if (addressed) await context.sendActivity({ type: ActivityTypes.Message, text, locale: BCP47[locale], channelData: { mdu } });
  }
}

/** Teams puts `<at>Name</at>` in the text for each mention; the bot's own is removed already. */
function stripLeftoverMentions(text: string): string {
  return text.replace(/<at>[^<]*<\/at>/g, (m) => m.slice(4, -5)).replace(/[ \t]+/g, ' ').trim();
}
