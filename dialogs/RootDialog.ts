/**
 * The conversation with the bot itself: knowledge answers, clarifying questions, feedback,
 * conversational intents (asking for a person, greetings, erasing one's data).
 *
 * One waterfall: `route` answers at once, or asks which topic was meant and waits; `choose`
 * takes the choice (a button or typed text) and, if the visitor wrote something else instead,
 * treats it as a new question.
 *
 * Most messages need no waiting: the pipeline calls `answer` directly and starts the dialog only
 * when a clarifying question was asked (`waitForChoice`), so the dialog machinery (a dialog
 * context, its memory scopes, two nested dialogs) runs on the turns that need it.
 */
import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from './dialogsSdk.js';
import type { TurnContext } from 'botbuilder';
import type { HandoffPort } from '../bot/ports.js';
import { buttonValueOf, mduMessage } from '../bot/replies.js';
import type { CurationStore } from '../knowledge/CurationStore.js';
import type { BotMessages } from '../knowledge/BotMessages.js';
import type { Locale } from '../knowledge/schema.js';
import type { SearchOptions, SearchResult } from '../knowledge/search/KnowledgeIndex.js';
import type { ConversationIntent } from './ConversationIntents.js';

/**
 * What the dialog needs of the search engine: the lexical index, or the recognizer that fuses it
 * with the trained model (`knowledge/understand/Understanding.ts`), which may also recognise a
 * conversational intent and a second topic asked in the same message.
 */
export interface KnowledgeSearch {
  search(text: string, options?: SearchOptions): SearchResult & { intent?: ConversationIntent; also?: string };
}
import { foldText } from '../knowledge/foldText.js';
import { button } from '../bot/replies.js';
import type { AnswerComposer, Audience } from './AnswerComposer.js';
import type { ConversationIntents } from './ConversationIntents.js';

/** What the pipeline tells the dialog about this turn. */
export interface TurnFacts {
  locale: Locale;
  audience: Audience;
  now: Date;
  /** True when the visitor recently wrote something that screened as a crisis: a request for a person then goes first. */
  recentCrisis: boolean;
  /**
   * The topic the safety screen points to (emergency numbers for "c'est quel numéro, le 3114 ?"):
   * answered unless the search is confident the question is about something else
   * ("pas content de l'accueil aux urgences, comment faire une réclamation ?").
   */
  preferredTopic?: string;
  /**
   * Hands over a write the reply does not depend on (an unanswered question, a document of its
   * own): the turn waits for it at its end with its own state, so that both share one group
   * commit of the store instead of waiting for one each.
   */
  awaitAtEnd(write: Promise<void>): void;
  /** The message spoke of a danger in a context that takes it away ("je ne suis pas suicidaire", "il y a trois ans, ça va"): the answer ends with the listening line. */
  dangerSetAside?: boolean;
  /** Easy read, kept in the conversation's state: whether it is on, and the last topic answered. */
  easyRead: { on: boolean; lastTopic?: string; set(on: boolean): void; answered(topicId: string): void };
}

/** How sure the search must be of another topic to answer it instead of the preferred one. */
const CONFIDENT_OF_ANOTHER_TOPIC = 0.6;

export interface RootDialogDeps {
  index: KnowledgeSearch;
  composer: AnswerComposer;
  intents: ConversationIntents;
  curation: CurationStore;
  handoff: HandoffPort;
  messages: BotMessages;
  /** Erases everything kept about a conversation. */
  erase: (context: TurnContext) => Promise<void>;
  /** Where the pipeline leaves this turn's facts for the dialog to read. */
  factsOf: (context: TurnContext) => TurnFacts;
}

/** A clarifying question was sent: the topics offered, in order. */
export interface ClarifyOptions {
  candidates: string[];
}

const ROUTE = 'route';
const CHOICE_PROMPT = 'clarifyChoice';

export class RootDialog extends ComponentDialog {
  constructor(private readonly deps: RootDialogDeps) {
    super('root');
    this.addDialog(new TextPrompt(CHOICE_PROMPT));
    this.addDialog(new WaterfallDialog(ROUTE, [this.route.bind(this), this.choose.bind(this)]));
    this.initialDialogId = ROUTE;
  }

  /**
   * Answers a message when no dialog is waiting. Returns the candidates when it asked the visitor
   * to choose: the caller then starts this dialog with them (`waitForChoice`).
   */
  answer(context: TurnContext): Promise<ClarifyOptions | undefined> {
    return this.respond(context);
  }

  /** The options that begin this dialog waiting for the choice of a clarifying question already sent. */
  static waitForChoice(clarify: ClarifyOptions): { asked: ClarifyOptions } {
    return { asked: clarify };
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // Begun by `waitForChoice` (the question was sent by `answer`), or a new question typed instead of a choice.
    const clarify = (step.options as { asked?: ClarifyOptions } | undefined)?.asked ?? (await this.respond(step.context));
    if (!clarify) return step.endDialog();
    (step.values as { candidates?: string[] }).candidates = clarify.candidates;
    // The clarifying question was sent by `respond`; the prompt only waits for the answer.
    return step.prompt(CHOICE_PROMPT, {});
  }

  private async choose(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const candidates = (step.values as { candidates?: string[] }).candidates ?? [];
    const facts = this.deps.factsOf(step.context);
    const chosen = pickCandidate(step.context, candidates, (id) => [this.deps.composer.title(id, 'fr'), this.deps.composer.title(id, 'en')]);
    if (chosen) {
      await this.sendTopic(step.context, chosen, facts, 1);
      return step.endDialog();
    }
    // Not a choice: a new question. Answer it afresh (it may ask again).
    return step.replaceDialog(ROUTE);
  }

  /** Answers one message. Returns the candidates when it asked the visitor to choose. */
  private async respond(context: TurnContext): Promise<ClarifyOptions | undefined> {
    const { index, composer, intents, curation, handoff, messages } = this.deps;
    const facts = this.deps.factsOf(context);
    const { locale } = facts;
    const value = buttonValueOf(context.activity);
    if (value) {
      switch (value.mdu) {
        case 'topic':
          if (composer.topic(value.id)) await this.sendTopic(context, value.id, facts, 1);
          else await context.sendActivity(composer.fallback(locale, await handoff.onDuty(facts.now)));
          return undefined;
        case 'feedback':
          if (composer.topic(value.topic)) await curation.countFeedback(value.topic, value.helpful);
          await context.sendActivity(composer.smalltalk('feedbackThanks', locale));
          return undefined;
        case 'handoff':
          if (value.action === 'request') await handoff.request(context, { locale, priority: facts.recentCrisis ? 'crisis' : 'normal' });
          else await handoff.handleVisitorMessage(context, { locale, safety: { kind: 'none' } });
          return undefined;
        case 'easyRead':
          await this.switchEasyRead(context, facts, value.on, value.topic);
          return undefined;
        case 'erase':
          if (value.confirm) {
            await this.deps.erase(context);
            await context.sendActivity(mduMessage(messages.get('eraseDone', locale), { intent: 'smalltalk', locale, erased: true }));
          } else {
            await context.sendActivity(mduMessage(messages.get('eraseKept', locale), { intent: 'smalltalk', locale }));
          }
          return undefined;
      }
    }

    const text = (context.activity.text ?? '').trim();
    // The written patterns first (they are exact); then the search, which may recognise an intent too.
    const ruled = intents.classify(text);
    let result = ruled === undefined ? index.search(text, { locale, audience: facts.audience }) : undefined;
    const intent = ruled ?? result?.intent;
    switch (intent) {
      case 'handoff_request':
        await handoff.request(context, { locale, priority: facts.recentCrisis ? 'crisis' : 'normal' });
        return undefined;
      case 'erase_data':
        await context.sendActivity(
          // An answer about what this chat keeps (`bot.privacy`), with the erasure one click away.
          mduMessage(messages.get('eraseConfirm', locale), { intent: 'answer', topic: 'bot.privacy', confidence: 1, locale }, [
            button(messages.get('eraseYes', locale), { mdu: 'erase', confirm: true }),
            button(messages.get('eraseNo', locale), { mdu: 'erase', confirm: false }),
          ]),
        );
        return undefined;
      case 'greeting':
        await context.sendActivity(composer.smalltalk('greeting', locale));
        return undefined;
      case 'thanks':
        await context.sendActivity(composer.smalltalk('thanks', locale));
        return undefined;
      case 'goodbye':
        await context.sendActivity(composer.smalltalk('goodbye', locale));
        return undefined;
      case 'easy_read_on':
      case 'easy_read_off':
        if (facts.audience === 'all') {
          await this.switchEasyRead(context, facts, intent === 'easy_read_on');
          return undefined;
        }
        break;
      case undefined:
        break;
    }
    // An intent that was not for this audience (easy read asked in Teams): the question is searched.
    result ??= index.search(text, { locale, audience: facts.audience });

    const best = result.hits[0];
    if (facts.preferredTopic && composer.topic(facts.preferredTopic)) {
      const confidentOfAnother = result.decision === 'answer' && best !== undefined && best.topicId !== facts.preferredTopic && best.confidence >= CONFIDENT_OF_ANOTHER_TOPIC;
      if (!confidentOfAnother) {
        await this.sendTopic(context, facts.preferredTopic, facts, 1);
        return undefined;
      }
    }
    if (result.decision === 'answer' && best) {
      await this.sendTopic(context, best.topicId, facts, best.confidence, result.also);
      return undefined;
    }
    if (composer.asksWhenAnAssociationComes(text) && composer.topic('schedule.permanences')) {
      await this.sendTopic(context, 'schedule.permanences', facts, best?.topicId === 'schedule.permanences' ? best.confidence : 0.5);
      return undefined;
    }
    if (result.decision === 'clarify' && result.hits.length >= 2) {
      const candidates = result.hits.slice(0, 3);
      await context.sendActivity(composer.clarify(candidates, locale));
      return { candidates: candidates.map((c) => c.topicId) };
    }
    facts.awaitAtEnd(curation.keepUnanswered(text, locale, context.activity.conversation.id));
    await context.sendActivity(composer.fallback(locale, await handoff.onDuty(facts.now), best?.confidence ?? 0));
    return undefined;
  }

  /**
   * Turns easy read on or off for the conversation. A button under an answer shows that answer
   * again in the chosen version; the page's switch, or asking in words, shows the last answer
   * again when it has an easy-read version, and otherwise says the choice is made.
   */
  private async switchEasyRead(context: TurnContext, facts: TurnFacts, on: boolean, topicId?: string): Promise<void> {
    const { composer } = this.deps;
    facts.easyRead.set(on);
    const again = topicId ?? facts.easyRead.lastTopic;
    const topic = again === undefined ? undefined : composer.topic(again);
    if (topic && (topic.answers[`${facts.locale}-easy`] !== undefined || topicId !== undefined)) {
      await this.sendTopic(context, topic.id, { ...facts, easyRead: { ...facts.easyRead, on } }, 1);
    } else {
      await context.sendActivity(composer.easyReadChanged(on, facts.locale));
    }
  }

  private async sendTopic(context: TurnContext, topicId: string, facts: TurnFacts, confidence: number, also?: string): Promise<void> {
    const topic = this.deps.composer.topic(topicId);
    if (!topic) return;
    // Awaited here, not at the end of the turn: the counters are one document updated by
    // read-and-retry, and letting every turn's update race at once lost a quarter of them under load.
    await this.deps.curation.countAsked(topicId);
    const volunteerOnDuty = await this.deps.handoff.onDuty(facts.now);
    await context.sendActivity(
      this.deps.composer.answer(topic, {
        locale: facts.locale,
        audience: facts.audience,
        now: facts.now,
        question: context.activity.text ?? '',
        confidence,
        volunteerOnDuty,
        also,
        easyRead: facts.easyRead.on,
        listeningLine: facts.dangerSetAside === true,
      }),
    );
    facts.easyRead.answered(topicId);
  }
}

/** A choice among candidates: a topic button, the number of the option, or its title typed out. */
function pickCandidate(context: TurnContext, candidates: string[], titlesOf: (id: string) => string[]): string | undefined {
  const value = buttonValueOf(context.activity);
  if (value?.mdu === 'topic' && candidates.includes(value.id)) return value.id;
  if (value) return undefined;
  const typed = foldText(context.activity.text ?? '');
  if (!typed) return undefined;
  const number = Number.parseInt(typed, 10);
  if (String(number) === typed && number >= 1 && number <= candidates.length) return candidates[number - 1];
  return candidates.find((id) => titlesOf(id).some((title) => foldText(title) === typed));
}
