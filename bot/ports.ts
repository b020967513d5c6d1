/**
 * The seams the turn pipeline talks through. Each is implemented in its own folder and passed
 * in by the composition root (`bot/main.ts`), so tests can pass real ones or small fakes.
 */
import type { TurnContext } from 'botbuilder';
import type { Locale } from '../knowledge/schema.js';

/** What the safety screen says of a message (see `safety/SafetyScreen.ts`). */
export type SafetyVerdict =
  /** `setAside`: words of danger were read in a context that takes the danger away (negated, past, fiction, work). */
  | { kind: 'none'; setAside?: true }
  | { kind: 'crisis'; category: string; matched: string }
  | { kind: 'medical'; category: string; matched: string }
  | { kind: 'help_info' };

export interface SafetyPort {
  assess(text: string): SafetyVerdict;
}

export type HandoffStatus = 'bot' | 'queued' | 'live';

/** The live handoff to volunteers, as the pipeline sees it (see `handoff/`). */
export interface HandoffPort {
  status(conversationId: string): Promise<HandoffStatus>;
  /** True when a volunteer could take a conversation now: a permanence is open and someone is available. */
  onDuty(now: Date): Promise<boolean>;
  /** The visitor asks for a person; the desk sends the replies (queued, or nobody on duty and when someone will be). */
  request(context: TurnContext, options: { locale: Locale; priority: 'crisis' | 'normal' }): Promise<void>;
  /**
   * A visitor's message while queued or live: relayed to the volunteer, or a queue command
   * (cancel, end). Returns true when handled, false when the bot should answer it.
   */
  handleVisitorMessage(context: TurnContext, info: { locale: Locale; safety: SafetyVerdict }): Promise<boolean>;
  /** Erases the handoff data of a conversation (queue entry, transcript). */
  erase(conversationId: string): Promise<void>;
}

/** Whether a turn's activity is delivered for the first time (a channel may retry one), and remembers it. */
export interface DeliveryPort {
  firstDelivery(context: TurnContext): Promise<boolean>;
}
