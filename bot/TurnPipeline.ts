/**
 * What happens to every activity, in order. Read this file to know the bot.
 *
 *   1. input guards     non-message activities, welcome, attachments, oversized text
 *   2. safety screen    crisis: the help first, in every state; medical: noted for later steps
 *   3. live handoff     a conversation queued for or held by a volunteer goes to the handoff desk
 *   4. medical advice   declined kindly, pointed to professionals
 *   5. dialogs          knowledge answers, clarifying, feedback, asking for a person, fallback
 */
import { ActivityTypes, type ConversationState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { DIALOG_STATE_MANAGER_CONFIGURATION, DialogSet, DialogTurnStatus, type DialogContext, type DialogState } from '../dialogs/dialogsSdk.js';
import type { AnswerComposer, Audience } from '../dialogs/AnswerComposer.js';
import { RootDialog, type TurnFacts } from '../dialogs/RootDialog.js';
import type { BotMessages } from '../knowledge/BotMessages.js';
import type { Locale } from '../knowledge/schema.js';
import type { Clock } from './clock.js';
import type { HandoffPort, SafetyPort, SafetyVerdict } from './ports.js';
import { mduMessage } from './replies.js';

/** What the bot keeps about a conversation: no message text. */
export interface ConversationData {
  locale?: Locale;
  /** When the visitor last wrote something that screened as a crisis (ISO). */
  crisisAt?: string;
  /** Easy read (FALC) turned on by the visitor: answers that have an easy-read version use it, for the whole conversation. */
  easyRead?: boolean;
  /** The last topic answered (its id, never the question): turning easy read on or off shows it again in the chosen version. */
  lastTopic?: string;
}

/** A crisis within this time makes a request for a volunteer go first in the queue. */
const CRISIS_PRIORITY_MS = 60 * 60 * 1000;

export interface TurnPipelineDeps {
  conversationState: ConversationState;
  safety: SafetyPort;
  handoff: HandoffPort;
  composer: AnswerComposer;
  messages: BotMessages;
  rootDialog: RootDialog;
  clock: Clock;
  detectLocale: (text: string) => Locale;
  maxTextChars: number;
}

export class TurnPipeline {
  private readonly conversationData: StatePropertyAccessor<ConversationData>;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly dialogs: DialogSet;
  private readonly facts = new WeakMap<TurnContext, TurnFacts>();
  /** The dialogs' memory scopes and path resolvers, as the first dialog context built them (see DIALOG_STATE_MANAGER_CONFIGURATION). */
  private dialogStateConfiguration: unknown;

  constructor(private readonly deps: TurnPipelineDeps) {
    this.conversationData = deps.conversationState.createProperty<ConversationData>('conversation');
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialogs');
    this.dialogs = new DialogSet(this.dialogState).add(deps.rootDialog);
  }

  /** The facts of a turn, for the dialogs. */
  factsOf = (context: TurnContext): TurnFacts => {
    const facts = this.facts.get(context);
    if (!facts) throw new Error('turn facts read outside a turn');
    return facts;
  };

  async run(context: TurnContext): Promise<void> {
    // Writes the dialogs hand over (`TurnFacts.awaitAtEnd`) are waited for with the state: the
    // turn is acknowledged once all of them are on disk, after one group commit rather than two.
    const writes: Promise<void>[] = [];
    try {
      await this.handle(context, writes);
    } finally {
      await Promise.all([this.deps.conversationState.saveChanges(context), ...writes]);
    }
  }

  private async handle(context: TurnContext, writes: Promise<void>[]): Promise<void> {
    const { activity } = context;
    const { composer, messages, handoff, safety } = this.deps;
    const now = this.deps.clock.now();
    const audience: Audience = activity.channelId === 'msteams' ? 'staff' : 'all';
    const data = await this.conversationData.get(context, {});

    // 1. Input guards.
    if (activity.type === ActivityTypes.ConversationUpdate) {
      const joined = (activity.membersAdded ?? []).some((m) => m.id !== activity.recipient?.id);
      if (joined) await context.sendActivity(composer.welcome(localeOfActivity(activity.locale) ?? 'fr', audience));
      return;
    }
    if (activity.type !== ActivityTypes.Message) return;
    const text = (activity.text ?? '').trim();
    // Teams sends the language of the person's Teams app, not of what they wrote: a member of staff
    // with Teams in English who writes in French gets French. Elsewhere the page's language rules
    // (and the text is read only when the page says none).
    const pageLocale = localeOfActivity(activity.locale);
    const fromText = (): Locale | undefined => (text ? this.deps.detectLocale(text) : undefined);
    const locale = (activity.channelId === 'msteams' ? (wordCount(text) >= 3 ? fromText() : undefined) ?? pageLocale : pageLocale ?? fromText()) ?? data.locale ?? 'fr';
    data.locale = locale;
    if (!text && activity.value === undefined) {
      await context.sendActivity(mduMessage(messages.get('notText', locale), { intent: 'fallback', locale }));
      return;
    }
    if (text.length > this.deps.maxTextChars) {
      await context.sendActivity(mduMessage(messages.get('tooLong', locale, { limit: this.deps.maxTextChars }), { intent: 'fallback', locale }));
      return;
    }

    // 2. Safety screen: on every message, whatever the state of the conversation.
    const verdict: SafetyVerdict = text ? safety.assess(text) : { kind: 'none' };
    const conversationId = activity.conversation.id;
    const status = await handoff.status(conversationId);
    if (verdict.kind === 'crisis') {
      data.crisisAt = now.toISOString();
      const onDuty = status === 'bot' && (await handoff.onDuty(now));
      await context.sendActivity(composer.crisis(locale, onDuty, audience, data.easyRead === true));
      // Queued or live: the desk moves the visitor up and alerts the volunteer.
      if (status !== 'bot') await handoff.handleVisitorMessage(context, { locale, safety: verdict });
      return;
    }

    // 3. Live handoff: while queued or with a volunteer, the desk decides (the bot never answers in a volunteer's place).
    if (status !== 'bot' && (await handoff.handleVisitorMessage(context, { locale, safety: verdict }))) return;

    // 4. Medical advice: never given.
    if (verdict.kind === 'medical') {
      await context.sendActivity(composer.medical(locale, audience, data.easyRead === true));
      return;
    }

    // 5. Dialogs.
    const recentCrisis = data.crisisAt !== undefined && now.getTime() - Date.parse(data.crisisAt) < CRISIS_PRIORITY_MS;
    // A question about emergency numbers is answered with them, as an answer, not an alarm.
    const preferredTopic = verdict.kind === 'help_info' ? 'help.emergency' : undefined;
    const awaitAtEnd = (write: Promise<void>): void => {
      // Handled now (a failure must not count as unhandled while the turn goes on); still awaited, and thrown, at the end.
      write.catch(() => undefined);
      writes.push(write);
    };
    const easyRead = {
      on: data.easyRead === true,
      lastTopic: data.lastTopic,
      set: (on: boolean): void => {
        data.easyRead = on;
      },
      answered: (topicId: string): void => {
        data.lastTopic = topicId;
      },
    };
    // Words of danger set aside by their context: the answer ends with one quiet line on where to call, never an alarm.
    const dangerSetAside = verdict.kind === 'none' && verdict.setAside === true;
    this.facts.set(context, { locale, audience, now, recentCrisis, preferredTopic, awaitAtEnd, easyRead, dangerSetAside });
    const { rootDialog } = this.deps;
    // A dialog waiting for an answer (the choice after a clarifying question) continues. Otherwise
    // the root dialog answers at once, and a dialog starts only to wait for a choice it asked for.
    if ((await this.dialogState.get(context))?.dialogStack?.length) {
      const dialogContext = await this.dialogContext(context);
      const result = await dialogContext.continueDialog();
      if (result.status === DialogTurnStatus.empty) await dialogContext.beginDialog(rootDialog.id);
      return;
    }
    const clarify = await rootDialog.answer(context);
    if (clarify) await (await this.dialogContext(context)).beginDialog(rootDialog.id, RootDialog.waitForChoice(clarify));
  }

  /** The turn's dialog context, with the dialogs' configuration built once rather than on every turn that needs one. */
  private async dialogContext(context: TurnContext): Promise<DialogContext> {
    if (this.dialogStateConfiguration !== undefined) context.turnState.set(DIALOG_STATE_MANAGER_CONFIGURATION, this.dialogStateConfiguration);
    const dialogContext = await this.dialogs.createContext(context);
    this.dialogStateConfiguration ??= context.turnState.get(DIALOG_STATE_MANAGER_CONFIGURATION);
    return dialogContext;
  }

  /** Writes the conversation's state if it changed since the turn loaded it (the pipeline's `run` does it too). */
  async saveState(context: TurnContext): Promise<void> {
    await this.deps.conversationState.saveChanges(context);
  }

  /** Forgets the conversation's bot state (dialog and data). */
  async clearState(context: TurnContext): Promise<void> {
    await this.deps.conversationState.clear(context);
    await this.deps.conversationState.delete(context);
  }
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export function localeOfActivity(locale: string | undefined): Locale | undefined {
  if (!locale) return undefined;
  const lower = locale.toLowerCase();
  if (lower.startsWith('fr')) return 'fr';
  if (lower.startsWith('en')) return 'en';
  return undefined;
}
