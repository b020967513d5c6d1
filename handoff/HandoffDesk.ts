/**
 * The live handoff desk: the `HandoffPort` the turn pipeline calls for visitors, and the
 * operations the volunteers' console calls (accept, send, typing, end). It turns the queue's
 * changes (`HandoffQueue`) into messages: replies inside the visitor's turn, and proactive
 * messages (`continueConversationAsync` with the stored `ConversationReference`) otherwise.
 *
 * On duty = a permanence is open in the schedule **and** at least one volunteer is available.
 * A timer (`start`) withdraws requests nobody accepted in time, or that nobody on duty can take
 * any more, and closes live conversations silent for too long.
 */
import { EventFactory, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { Clock } from '../bot/clock.js';
import type { Logger } from '../bot/log.js';
import { pseudonymise } from '../bot/log.js';
import type { HandoffPort, HandoffStatus, SafetyVerdict } from '../bot/ports.js';
import { BCP47, buttonValueOf } from '../bot/replies.js';
import type { Locale } from '../knowledge/schema.js';
import { time, type ScheduleTexts } from '../schedule/describeSchedule.js';
import type { PermanenceSchedule } from '../schedule/PermanenceSchedule.js';
import type { AvailableVolunteer, ConsoleSessions } from './ConsoleSessions.js';
import { deskTexts, visitorCommand, type WaitInfo } from './deskTexts.js';
import type { AcceptResult, Flag, HandoffQueue, HandoffRecord, Priority, TranscriptEntry, VolunteerActionResult, VolunteerRef } from './HandoffQueue.js';
import { KeyedSerialiser } from '../bot/KeyedSerialiser.js';
import { nobodyOnDutyMessage } from './NoVolunteerDesk.js';

/** What sends proactive messages: botbuilder's `CloudAdapter` (or a recorder in tests). */
export interface ProactiveSender {
  continueConversationAsync(botAppId: string, reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void>;
}

/** The agent-hub context carried by the `handoff.initiate` event the desk builds for each request. */
export interface HandoffContext {
  locale: Locale;
  priority: Priority;
}

/**
 * What the console hears about (see `ConsoleHub`). `changed`: the queue or who is available
 * changed, which every console shows; `live_changed`: only a live conversation changed (a message
 * in it, its end), which only its holder's console shows.
 */
export type DeskEvent =
  | { type: 'changed' }
  | { type: 'live_changed'; handoffId: string; login: string }
  | { type: 'request'; handoffId: string; crisis: boolean }
  | { type: 'visitor_message'; handoffId: string; login?: string; flags: Flag[] }
  | { type: 'closed'; handoffId: string; login?: string; reason: string };

export interface HandoffSettings {
  acceptTimeoutMs: number;
  inactivityMs: number;
  maxPerVolunteer: number;
  /** How often the timer looks for expired requests and silent conversations. */
  sweepMs: number;
}

export interface HandoffDeskDeps {
  queue: HandoffQueue;
  sessions: ConsoleSessions;
  schedule: PermanenceSchedule;
  scheduleTexts: ScheduleTexts;
  clock: Clock;
  log: Logger;
  proactive: ProactiveSender;
  /** The bot's app id ('' in local mode). */
  botAppId: string;
  /** Whether proactive messages can reach a service URL (local mode allows only some). */
  canReach: (serviceUrl: string | undefined) => boolean;
  settings: HandoffSettings;
  /** True when a visitor's text asks for a person (the conversation intents): while waiting, it is not a message for the volunteer. */
  isHandoffRequest?: (text: string) => boolean;
}

/** One conversation as the console shows it. */
export interface ConsoleConversation {
  id: string;
  state: 'queued' | 'live';
  position?: number;
  locale: string;
  crisis: boolean;
  medical: boolean;
  requestedAt: string;
  waitingSeconds: number;
  acceptedAt?: string;
  lastActivityAt: string;
  volunteerName?: string;
  messages: { id: string; at: string; from: 'visitor' | 'volunteer' | 'event'; text: string; volunteerName?: string; flags?: Flag[] }[];
}

/** Who a view is for (a session, as the console's routes and feed know it). */
export interface ConsoleViewer {
  login: string;
  displayName: string;
  available: boolean;
}

export interface ConsoleView {
  me: { login: string; displayName: string; available: boolean; holding: number; max: number };
  onDuty: boolean;
  permanenceOpen: boolean;
  availableVolunteers: number;
  queue: ConsoleConversation[];
  mine: ConsoleConversation[];
}

const TYPING_MIN_INTERVAL_MS = 2000;

interface VolunteerSlots {
  available: number;
  freeSlots: number;
}

export class HandoffDesk implements HandoffPort {
  private readonly listeners = new Set<(event: DeskEvent) => void>();
  /** Proactive messages to one conversation go out one at a time, in order. */
  private readonly outbox = new KeyedSerialiser();
  private readonly lastTyping = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly deps: HandoffDeskDeps) {
    // Another instance's change (a shared store): the consoles connected here see it at once.
    deps.queue.onRemoteChange(({ record, previous }) => {
      if (record?.state === 'queued' && (!previous || previous.state === 'closed' || previous.handoffId !== record.handoffId)) {
        this.emit({ type: 'request', handoffId: record.handoffId, crisis: record.crisis });
      }
      if (record?.state === 'live' && previous?.state === 'live' && previous.handoffId === record.handoffId) this.liveChanged(record);
      else this.emit({ type: 'changed' });
    });
  }

  get settings(): HandoffSettings {
    return this.deps.settings;
  }

  // ---- HandoffPort: the visitor's side ------------------------------------------------------

  async status(conversationId: string): Promise<HandoffStatus> {
    const record = await this.deps.queue.get(conversationId);
    return !record || record.state === 'closed' ? 'bot' : record.state;
  }

  async onDuty(now: Date): Promise<boolean> {
    if (this.deps.schedule.presentNow(now).length === 0) return false;
    return (await this.deps.sessions.available()).length > 0;
  }

  async request(context: TurnContext, options: { locale: Locale; priority: 'crisis' | 'normal' }): Promise<void> {
    const { locale, priority } = options;
    const { queue } = this.deps;
    const conversationId = context.activity.conversation.id;
    const existing = await queue.get(conversationId);
    if (existing?.state === 'live') {
      await context.sendActivity(deskTexts.alreadyLive(existing.volunteer?.name ?? '', locale));
      return;
    }
    if (existing?.state === 'queued') {
      if (priority === 'crisis') await queue.enqueue({ reference: existing.reference, locale, priority });
      const wait = await this.waitInfo(conversationId);
      if (wait) {
        await queue.markTold(conversationId, wait.position);
        await context.sendActivity(deskTexts.alreadyQueued(wait, locale));
      }
      await this.afterQueueChange(conversationId);
      return;
    }

    const now = this.deps.clock.now();
    const reference = TurnContext.getConversationReference(context.activity);
    if (!this.deps.canReach(reference.serviceUrl)) {
      await context.sendActivity(deskTexts.unreachable(locale));
      return;
    }
    if (!(await this.onDuty(now))) {
      await context.sendActivity(this.nobodyMessage(now, locale));
      return;
    }

    // The Bot Framework handoff shape: the request is a `handoff.initiate` event for our own hub.
    const initiation = EventFactory.createHandoffInitiation<HandoffContext>(context, { locale, priority });
    const handoffContext = initiation.value as HandoffContext;
    const typed = buttonValueOf(context.activity) ? undefined : (context.activity.text ?? '').trim() || undefined;
    const { record } = await queue.enqueue({
      reference: { ...(initiation.relatesTo as Partial<ConversationReference>), locale: BCP47[locale] },
      locale: handoffContext.locale,
      priority: handoffContext.priority,
      firstMessage: typed,
    });
    const wait = await this.waitInfo(conversationId);
    if (wait) {
      await queue.markTold(conversationId, wait.position);
      await context.sendActivity(deskTexts.queued(wait, locale));
    }
    this.deps.log.info('handoff.requested', { conversation: pseudonymise(conversationId), priority, position: wait?.position });
    this.emit({ type: 'request', handoffId: record.handoffId, crisis: record.crisis });
    await this.afterQueueChange(conversationId);
  }

  async handleVisitorMessage(context: TurnContext, info: { locale: Locale; safety: SafetyVerdict }): Promise<boolean> {
    const { queue } = this.deps;
    const { activity } = context;
    const conversationId = activity.conversation.id;
    const value = buttonValueOf(activity);
    const text = (activity.text ?? '').trim();
    const command = value?.mdu === 'handoff' ? value.action : value ? undefined : (visitorCommand(text) ?? this.requestCommand(text));
    const record = await queue.get(conversationId);

    if (!record || record.state === 'closed') {
      // A stale cancel or end button: say where things stand; anything else is for the bot.
      if (value?.mdu === 'handoff' && value.action !== 'request') {
        await context.sendActivity(deskTexts.nothingInProgress(info.locale));
        return true;
      }
      return false;
    }

    if (command === 'cancel' || command === 'end') {
      const left = await queue.visitorLeaves(conversationId);
      if (!left) return false;
      await this.tellClosed(left, context);
      return true;
    }
    if (command === 'request' && (record.state === 'queued' || value)) {
      await this.request(context, { locale: info.locale, priority: info.safety.kind === 'crisis' ? 'crisis' : 'normal' });
      return true;
    }
    if (value) return false;

    const flags: Flag[] = info.safety.kind === 'crisis' ? ['crisis'] : info.safety.kind === 'medical' ? ['medical'] : [];
    const reference = TurnContext.getConversationReference(activity);
    const updated = await queue.visitorMessage(conversationId, { text, flags, reference: { serviceUrl: reference.serviceUrl, activityId: reference.activityId } });
    if (!updated) return false; // ended meanwhile: the bot answers
    this.emit({ type: 'visitor_message', handoffId: updated.handoffId, login: updated.volunteer?.login, flags });

    if (updated.state === 'queued') {
      // Medical while waiting: kept for the volunteer, and the pipeline declines it kindly.
      if (flags.includes('medical')) {
        this.emit({ type: 'changed' });
        return false;
      }
      const wait = await this.waitInfo(conversationId);
      if (wait) {
        await queue.markTold(conversationId, wait.position);
        await context.sendActivity(flags.includes('crisis') ? deskTexts.prioritised(wait, info.locale) : deskTexts.notedWhileQueued(wait, info.locale));
      }
      await this.afterQueueChange(conversationId);
      return true;
    }

    // Live: relayed to the volunteer; the bot does not answer in their place. Only the holder's view changed.
    if (flags.includes('crisis')) await context.sendActivity(deskTexts.crisisRelayed(updated.volunteer?.name ?? '', info.locale));
    this.liveChanged(updated);
    return true;
  }

  async erase(conversationId: string): Promise<void> {
    const removed = await this.deps.queue.erase(conversationId);
    if (removed && removed.state !== 'closed') {
      this.emit({ type: 'closed', handoffId: removed.handoffId, login: removed.volunteer?.login, reason: 'erased' });
      await this.afterQueueChange(undefined, removed.state === 'live' ? removed : undefined);
    }
  }

  // ---- the volunteer's side ---------------------------------------------------------------

  async accept(handoffId: string, volunteer: VolunteerRef): Promise<AcceptResult> {
    const result = await this.deps.queue.accept(handoffId, volunteer, this.deps.settings.maxPerVolunteer);
    if (!result.ok) return result;
    const { record } = result;
    this.deps.log.info('handoff.accepted', { conversation: pseudonymise(record.conversationId) });
    await this.sendProactive(record, [
      deskTexts.accepted(volunteer.name, record.locale),
      statusEvent(record, 'accepted'),
    ]);
    await this.afterQueueChange();
    return result;
  }

  /** A volunteer's message to the visitor. `delivered` is false when the visitor's channel refused it. */
  async send(handoffId: string, login: string, text: string): Promise<(VolunteerActionResult & { delivered?: boolean; entry?: TranscriptEntry })> {
    const result = await this.deps.queue.volunteerMessage(handoffId, login, text);
    if (!result.ok) return result;
    const name = result.record.volunteer?.name ?? '';
    const delivered = await this.sendProactive(result.record, [deskTexts.fromVolunteer(text, name, result.record.locale)], name);
    this.liveChanged(result.record);
    return { ...result, delivered };
  }

  async typing(handoffId: string, login: string): Promise<VolunteerActionResult> {
    const result = await this.deps.queue.holds(handoffId, login);
    if (!result.ok) return result;
    const now = this.deps.clock.now().getTime();
    const last = this.lastTyping.get(handoffId) ?? 0;
    if (now - last >= TYPING_MIN_INTERVAL_MS) {
      this.lastTyping.set(handoffId, now);
      const name = result.record.volunteer?.name ?? '';
      await this.sendProactive(
        result.record,
        [{ type: 'typing', channelData: { mdu: { intent: 'handoff', locale: BCP47[result.record.locale], handoff: { status: 'live', volunteerName: name } } } }],
        name,
      );
    }
    return result;
  }

  async end(handoffId: string, login: string): Promise<VolunteerActionResult> {
    const result = await this.deps.queue.volunteerEnds(handoffId, login);
    if (!result.ok) return result;
    this.lastTyping.delete(handoffId);
    await this.tellClosed(result.record);
    return result;
  }

  /** What one volunteer's console shows. */
  async view(me: ConsoleViewer): Promise<ConsoleView> {
    return (await this.views([me]))[0]!;
  }

  /** What several consoles show, the part they share (availability, the queue) built once. */
  async views(viewers: readonly ConsoleViewer[]): Promise<ConsoleView[]> {
    if (viewers.length === 0) return [];
    const { queue } = this.deps;
    const now = this.deps.clock.now();
    const available = await this.deps.sessions.available();
    const permanenceOpen = this.deps.schedule.presentNow(now).length > 0;
    const queued = await Promise.all((await queue.queue()).map((q) => this.consoleConversation(q.record, now, q.position)));
    return Promise.all(
      viewers.map(async (me) => {
        const mine = await queue.liveOf(me.login);
        return {
          me: { login: me.login, displayName: me.displayName, available: me.available, holding: mine.length, max: this.deps.settings.maxPerVolunteer },
          onDuty: permanenceOpen && available.length > 0,
          permanenceOpen,
          availableVolunteers: available.length,
          queue: queued,
          mine: await Promise.all(mine.map((r) => this.consoleConversation(r, now))),
        };
      }),
    );
  }

  /** One conversation, if this volunteer may see it (queued, or held by them). */
  async conversation(handoffId: string, login: string): Promise<ConsoleConversation | undefined> {
    const record = await this.deps.queue.byHandoffId(handoffId);
    if (!record || record.state === 'closed') return undefined;
    if (record.state === 'live' && record.volunteer?.login !== login) return undefined;
    const position = record.state === 'queued' ? await this.deps.queue.positionOf(record.conversationId) : undefined;
    return this.consoleConversation(record, this.deps.clock.now(), position);
  }

  subscribe(listener: (event: DeskEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- time and retention -------------------------------------------------------------------

  /** Starts the timer that withdraws expired requests and closes silent conversations. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.deps.settings.sweepMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
    await this.outbox.run('__drain__', async () => undefined);
  }

  /** One pass of the timer (tests call it with a fixed clock). */
  async tick(): Promise<void> {
    if (this.sweeping) return this.sweeping;
    this.sweeping = (async () => {
      try {
        const { queue, settings } = this.deps;
        const now = this.deps.clock.now();
        // A shared store: what a lost notification would have said (nothing to do on the embedded store).
        await queue.resync();
        const closed = await queue.expire({ acceptTimeoutMs: settings.acceptTimeoutMs, inactivityMs: settings.inactivityMs, onDuty: await this.onDuty(now) });
        for (const record of closed) await this.tellClosed(record);
        if (closed.length > 0) await this.afterQueueChange();
      } catch (error) {
        this.deps.log.error('handoff.sweep_failed', error);
      } finally {
        this.sweeping = undefined;
      }
    })();
    return this.sweeping;
  }

  /** Deletes transcripts and closed records older than `before`, and expired sessions. */
  async purge(before: Date): Promise<number> {
    const handoffs = await this.deps.queue.purge(before);
    await this.deps.sessions.purgeExpired();
    return handoffs;
  }

  // ---- inside ---------------------------------------------------------------------------------

  private requestCommand(text: string): 'request' | undefined {
    return text && this.deps.isHandoffRequest?.(text) ? 'request' : undefined;
  }

  /** Tells a visitor their request or conversation is closed, in their turn or proactively. */
  private async tellClosed(record: HandoffRecord, context?: TurnContext): Promise<void> {
    const { locale } = record;
    const name = record.volunteer?.name ?? '';
    const now = this.deps.clock.now();
    const next = this.deps.scheduleTexts.nextPermanenceSentence(now, locale);
    let activities: Partial<Activity>[];
    switch (record.closedReason) {
      case 'cancelled':
        activities = [deskTexts.cancelled(locale), statusEvent(record, 'failed', 'cancelled')];
        break;
      case 'timeout':
        activities = [deskTexts.timedOut(Math.round(this.deps.settings.acceptTimeoutMs / 60_000), next, locale), statusEvent(record, 'failed', 'timeout')];
        break;
      case 'unavailable':
        activities = [deskTexts.noLongerAvailable(next, locale), statusEvent(record, 'failed', 'unavailable')];
        break;
      case 'ended_by_volunteer':
        activities = [deskTexts.endedByVolunteer(name, locale), statusEvent(record, 'completed', 'ended_by_volunteer')];
        break;
      case 'ended_by_visitor':
        activities = [deskTexts.endedByVisitor(name, locale), statusEvent(record, 'completed', 'ended_by_visitor')];
        break;
      case 'inactivity':
        activities = [deskTexts.endedByInactivity(name, Math.round(this.deps.settings.inactivityMs / 60_000), locale), statusEvent(record, 'completed', 'inactivity')];
        break;
      default:
        return;
    }
    this.deps.log.info('handoff.closed', { conversation: pseudonymise(record.conversationId), reason: record.closedReason });
    this.emit({ type: 'closed', handoffId: record.handoffId, login: record.volunteer?.login, reason: record.closedReason });
    if (context) await context.sendActivities(activities);
    else await this.sendProactive(record, activities);
    // A live conversation ending changes its holder's view only; a request withdrawn changes the queue.
    await this.afterQueueChange(context?.activity.conversation.id, record.acceptedAt !== undefined ? record : undefined);
  }

  /**
   * Tells every waiting visitor whose place changed their new place, then refreshes the consoles:
   * only the holder's when nothing but a live conversation (`live`) changed, else everyone's.
   */
  private async afterQueueChange(exceptConversationId?: string, live?: HandoffRecord): Promise<void> {
    const { queue } = this.deps;
    const moved = (await queue.queue()).filter(({ record, position }) => record.toldPosition !== position && record.conversationId !== exceptConversationId);
    if (moved.length > 0) {
      const volunteers = await this.volunteerSlots();
      // All at once, each in its conversation's outbox turn, where the place is decided afresh: with
      // changes close together a visitor hears their places in order, never an older one last.
      await Promise.all(moved.map(({ record }) => this.outbox.run(record.conversationId, () => this.tellPlace(record.conversationId, volunteers))));
    }
    if (live) this.liveChanged(live);
    else this.emit({ type: 'changed' });
  }

  /** A live conversation changed: its holder's view only (or everyone's, should it have none). */
  private liveChanged(record: HandoffRecord): void {
    const login = record.volunteer?.login;
    this.emit(login ? { type: 'live_changed', handoffId: record.handoffId, login } : { type: 'changed' });
  }

  /** Tells a waiting visitor their place if it changed since they were last told (inside their outbox turn). */
  private async tellPlace(conversationId: string, volunteers: VolunteerSlots): Promise<void> {
    const { queue } = this.deps;
    const wait = await this.waitInfo(conversationId, volunteers);
    const record = await queue.get(conversationId);
    if (!wait || record?.state !== 'queued' || record.toldPosition === wait.position) return;
    await queue.markTold(conversationId, wait.position);
    await this.deliver(record, [deskTexts.positionUpdate(wait, record.locale)]);
  }

  private async waitInfo(conversationId: string, known?: VolunteerSlots): Promise<WaitInfo | undefined> {
    const { queue, settings } = this.deps;
    const item = (await queue.queue()).find((q) => q.record.conversationId === conversationId);
    if (!item) return undefined;
    const volunteers = known ?? (await this.volunteerSlots());
    const now = this.deps.clock.now().getTime();
    const remainingMs = Date.parse(item.record.requestedAt) + settings.acceptTimeoutMs - now;
    return {
      position: item.position,
      estimateMinutes: await queue.estimateWaitMinutes(item.position, volunteers),
      maxMinutes: Math.max(1, Math.ceil(remainingMs / 60_000)),
    };
  }

  /** Volunteers available now, and how many more conversations they can take. */
  private async volunteerSlots(): Promise<VolunteerSlots> {
    const { queue, settings } = this.deps;
    const available = await this.deps.sessions.available();
    const live = (await queue.open()).filter((r) => r.state === 'live');
    const freeSlots = available.reduce((sum, v) => sum + Math.max(0, settings.maxPerVolunteer - live.filter((r) => r.volunteer?.login === v.login).length), 0);
    return { available: available.length, freeSlots };
  }

  private nobodyMessage(now: Date, locale: Locale): Partial<Activity> {
    const present = this.deps.schedule.presentNow(now);
    if (present.length === 0) return nobodyOnDutyMessage(this.deps.scheduleTexts, now, locale);
    const onSite = this.deps.scheduleTexts.available
      ? present.map((s) => (locale === 'fr' ? `**${s.association.name}** jusqu'à ${time(s.to, locale)}` : `**${s.association.name}** until ${time(s.to, locale)}`))
      : [];
    return deskTexts.nobodySignedIn(onSite, this.deps.scheduleTexts.nextPermanenceSentence(now, locale), locale);
  }

  /** Sends proactively to a visitor, after what is already going to them; false when it could not be delivered (logged, never thrown). */
  private sendProactive(record: HandoffRecord, activities: Partial<Activity>[], volunteerName?: string): Promise<boolean> {
    return this.outbox.run(record.conversationId, () => this.deliver(record, activities, volunteerName));
  }

  /** The sending itself: only inside the conversation's outbox turn. */
  private async deliver(record: HandoffRecord, activities: Partial<Activity>[], volunteerName?: string): Promise<boolean> {
    // A copy: the queue's record is frozen and shared, and the SDK builds the turn's activity from the reference's objects.
    const reference = structuredClone(record.reference) as Partial<ConversationReference>;
    if (volunteerName) reference.bot = { ...(reference.bot ?? { id: 'mdu-bot' }), name: volunteerName } as ConversationReference['bot'];
    if (!this.deps.canReach(reference.serviceUrl)) {
      this.deps.log.warn('handoff.unreachable', { conversation: pseudonymise(record.conversationId) });
      return false;
    }
    try {
      await this.deps.proactive.continueConversationAsync(this.deps.botAppId, reference, async (context) => {
        // A proactive message replies to nothing. The SDK makes it reply to its continuation
        // event, an activity the page never sees, and Web Chat holds a reply until it has what it
        // replies to (up to 5 s): the volunteer's words would show 5 s late.
        // Without the continuation's id, what is sent carries no replyToId.
        if (context.activity) delete context.activity.id;
        await context.sendActivities(activities);
      });
      return true;
    } catch (error) {
      this.deps.log.error('handoff.proactive_failed', error, { conversation: pseudonymise(record.conversationId) });
      return false;
    }
  }

  private async consoleConversation(record: HandoffRecord, now: Date, position?: number): Promise<ConsoleConversation> {
    const messages = (await this.deps.queue.transcript(record.conversationId, record.handoffId)).map(({ id, at, from, text, volunteerName, flags }) => ({
      id,
      at,
      from,
      text,
      ...(volunteerName ? { volunteerName } : {}),
      ...(flags ? { flags } : {}),
    }));
    return {
      id: record.handoffId,
      state: record.state === 'live' ? 'live' : 'queued',
      ...(position !== undefined ? { position } : {}),
      locale: BCP47[record.locale],
      crisis: record.crisis,
      medical: record.medical,
      requestedAt: record.requestedAt,
      waitingSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(record.requestedAt)) / 1000)),
      ...(record.acceptedAt ? { acceptedAt: record.acceptedAt } : {}),
      lastActivityAt: record.lastActivityAt,
      ...(record.volunteer ? { volunteerName: record.volunteer.name } : {}),
      messages,
    };
  }

  private emit(event: DeskEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.deps.log.error('handoff.listener_failed', error);
      }
    }
  }
}

/** A `handoff.status` event (accepted, failed, completed), marked as a handoff message like the rest. */
function statusEvent(record: HandoffRecord, state: 'accepted' | 'failed' | 'completed', message?: string): Partial<Activity> {
  const event = EventFactory.createHandoffStatus({ id: record.conversationId } as Activity['conversation'], state, message);
  return {
    type: event.type,
    name: event.name,
    value: event.value,
    channelData: {
      mdu: {
        intent: 'handoff',
        locale: BCP47[record.locale],
        // A request that never became a conversation (cancelled, timed out, nobody left) did not "end".
        handoff: { status: state === 'accepted' ? 'live' : state === 'failed' ? (message ?? 'cancelled') : 'closed', ...(record.volunteer ? { volunteerName: record.volunteer.name } : {}) },
      },
    },
  };
}

export type { AvailableVolunteer };
