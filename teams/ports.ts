/**
 * What the Teams side needs from the rest of the bot, as small interfaces: the handoff desk (as the
 * console uses it), volunteers' presence, and the adapter that sends to Teams. `deskPortOf` builds
 * the first from the live handoff; the others are the CloudAdapter and `ConsolePresenceBridge`.
 */
import type { ConversationParameters, ConversationReference, TurnContext } from 'botbuilder';
import type { DeskEvent, ConsoleConversation } from '../handoff/HandoffDesk.js';
import type { AcceptResult, HandoffRecord, VolunteerActionResult, VolunteerRef } from '../handoff/HandoffQueue.js';
import type { LiveHandoff } from '../handoff/LiveHandoff.js';

/** The handoff desk, as a Teams volunteer uses it (the console's operations). */
export interface VolunteerDeskPort {
  /** Requests queued, visitors' messages, closings and any other change. */
  subscribe(listener: (event: DeskEvent) => void): () => void;
  accept(handoffId: string, volunteer: VolunteerRef): Promise<AcceptResult>;
  send(handoffId: string, login: string, text: string): Promise<VolunteerActionResult & { delivered?: boolean }>;
  end(handoffId: string, login: string): Promise<VolunteerActionResult>;
  /** A conversation with its transcript, if this volunteer may see it (queued, or held by them). */
  conversation(handoffId: string, login: string): Promise<ConsoleConversation | undefined>;
  /** Where a request stands (queued, live with whom, closed). */
  lookup(handoffId: string): Promise<HandoffRecord | undefined>;
  readonly settings: { maxPerVolunteer: number };
}

/** Whether a Teams volunteer counts as on duty for the desk. */
export interface VolunteerPresence {
  setAvailable(volunteer: VolunteerRef, available: boolean): Promise<void>;
}

/** Sends to Teams on the bot's own initiative: botbuilder's `CloudAdapter` (or a recorder in tests). */
export interface TeamsSender {
  continueConversationAsync(botAppId: string, reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void>;
  createConversationAsync(
    botAppId: string,
    channelId: string,
    serviceUrl: string,
    audience: string,
    parameters: ConversationParameters,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
}

export function deskPortOf(live: Pick<LiveHandoff, 'desk' | 'queue'>): VolunteerDeskPort {
  const { desk, queue } = live;
  return {
    subscribe: (listener) => desk.subscribe(listener),
    accept: (handoffId, volunteer) => desk.accept(handoffId, volunteer),
    send: (handoffId, login, text) => desk.send(handoffId, login, text),
    end: (handoffId, login) => desk.end(handoffId, login),
    conversation: (handoffId, login) => desk.conversation(handoffId, login),
    lookup: (handoffId) => queue.byHandoffId(handoffId),
    get settings() {
      return desk.settings;
    },
  };
}
