/**
 * The handoff queue and its state machine, persisted in the store: one document a conversation
 * (`handoff/conversation/<id>`) with its `ConversationReference`, one transcript a conversation
 * (`handoff/transcript/<id>`), and anonymous timing figures for wait estimates (`handoff/stats`).
 *
 *   bot ──request──▶ queued ──accept──▶ live ──end / inactivity──▶ closed (= bot again)
 *                      │
 *                      └──cancel / accept timeout / nobody on duty any more──▶ closed
 *
 * Every change runs under one in-process lock (the store's lock file already keeps one process a
 * data directory), so two volunteers accepting at once, or a visitor cancelling while a volunteer
 * accepts, are decided one after the other: the second sees the first's result.
 * This class says nothing to anyone: the desk (`HandoffDesk`) turns its results into messages.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { Clock } from '../bot/clock.js';
import { KeyedSerialiser } from '../bot/KeyedSerialiser.js';
import type { Locale } from '../knowledge/schema.js';
import type { DocumentStore } from '../store/LowdbStorage.js';

export const HANDOFF_CONVERSATION_PREFIX = 'handoff/conversation/';
export const HANDOFF_TRANSCRIPT_PREFIX = 'handoff/transcript/';
const STATS_KEY = 'handoff/stats';
/** How many recent waits and durations the estimate looks at. */
const STATS_WINDOW = 20;
/** A transcript keeps at most this many entries (the oldest go first). */
const MAX_TRANSCRIPT_ENTRIES = 400;

export type HandoffState = 'queued' | 'live' | 'closed';
export type Priority = 'crisis' | 'normal';
export type CloseReason = 'cancelled' | 'timeout' | 'unavailable' | 'ended_by_volunteer' | 'ended_by_visitor' | 'inactivity';
export type Flag = 'crisis' | 'medical';

const VolunteerRef = z.object({ login: z.string(), name: z.string() });
export type VolunteerRef = z.infer<typeof VolunteerRef>;

const HandoffRecord = z.object({
  conversationId: z.string(),
  /** An opaque id for this request, the only one volunteers and the console API ever see. */
  handoffId: z.string(),
  state: z.enum(['queued', 'live', 'closed']),
  reference: z.record(z.string(), z.unknown()),
  channelId: z.string(),
  locale: z.enum(['fr', 'en']),
  priority: z.enum(['crisis', 'normal']),
  /** A crisis was screened during this request: shown first and flagged in the console. */
  crisis: z.boolean(),
  /** The visitor asked something medical during this request: flagged in the console. */
  medical: z.boolean(),
  requestedAt: z.string(),
  acceptedAt: z.string().optional(),
  volunteer: VolunteerRef.optional(),
  lastActivityAt: z.string(),
  closedAt: z.string().optional(),
  closedReason: z.enum(['cancelled', 'timeout', 'unavailable', 'ended_by_volunteer', 'ended_by_visitor', 'inactivity']).optional(),
  /** The last queue position the visitor was told, so they hear again only when it changes. */
  toldPosition: z.number().int().optional(),
});
export type HandoffRecord = Omit<z.infer<typeof HandoffRecord>, 'reference'> & { reference: Partial<ConversationReference> };

const TranscriptEntry = z.object({
  id: z.string(),
  handoffId: z.string(),
  at: z.string(),
  /** `event`: a change of state (text is its code: requested, accepted, ended...). */
  from: z.enum(['visitor', 'volunteer', 'event']),
  text: z.string(),
  volunteerName: z.string().optional(),
  flags: z.array(z.enum(['crisis', 'medical'])).optional(),
});
export type TranscriptEntry = z.infer<typeof TranscriptEntry>;
const TranscriptDoc = z.object({ conversationId: z.string(), entries: z.array(TranscriptEntry) });

const StatsDoc = z.object({ acceptWaitsMs: z.array(z.number()).default([]), liveDurationsMs: z.array(z.number()).default([]) });
type StatsDoc = z.infer<typeof StatsDoc>;

export interface QueuedItem {
  record: HandoffRecord;
  /** 1 = next to be taken. */
  position: number;
}

export type AcceptResult =
  | { ok: true; record: HandoffRecord }
  | { ok: false; reason: 'not_found' | 'already_taken' | 'closed' | 'cap_reached'; record?: HandoffRecord };

export type VolunteerActionResult = { ok: true; record: HandoffRecord } | { ok: false; reason: 'not_found' | 'not_yours' | 'not_live' };

export interface ExpiryRules {
  acceptTimeoutMs: number;
  inactivityMs: number;
  /** False when no permanence is open or nobody is available any more: queued requests are withdrawn. */
  onDuty: boolean;
}

export class HandoffQueue {
  private readonly lock = new KeyedSerialiser();

  constructor(
    private readonly store: DocumentStore,
    private readonly clock: Clock,
  ) {}

  /** Runs a change of the queue alone (see the file comment). */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.lock.run('queue', task);
  }

  // ---- reading ---------------------------------------------------------------------------

  async get(conversationId: string): Promise<HandoffRecord | undefined> {
    const key = conversationKey(conversationId);
    const items = await this.store.read([key]);
    return parseRecord(items[key]);
  }

  async byHandoffId(handoffId: string): Promise<HandoffRecord | undefined> {
    return (await this.all()).find((r) => r.handoffId === handoffId);
  }

  /** Every open (queued or live) record. */
  async open(): Promise<HandoffRecord[]> {
    return (await this.all()).filter((r) => r.state !== 'closed');
  }

  /** The queue in order: crisis first, then by time of request. */
  async queue(): Promise<QueuedItem[]> {
    const queued = (await this.all()).filter((r) => r.state === 'queued');
    queued.sort(queueOrder);
    return queued.map((record, i) => ({ record, position: i + 1 }));
  }

  async positionOf(conversationId: string): Promise<number | undefined> {
    return (await this.queue()).find((q) => q.record.conversationId === conversationId)?.position;
  }

  async liveOf(login: string): Promise<HandoffRecord[]> {
    return (await this.all()).filter((r) => r.state === 'live' && r.volunteer?.login === login);
  }

  /** The entries of the current (or last) request of a conversation. */
  async transcript(conversationId: string, handoffId?: string): Promise<TranscriptEntry[]> {
    const key = transcriptKey(conversationId);
    const doc = TranscriptDoc.safeParse(stripETag((await this.store.read([key]))[key]));
    if (!doc.success) return [];
    return handoffId ? doc.data.entries.filter((e) => e.handoffId === handoffId) : doc.data.entries;
  }

  // ---- the visitor's side -----------------------------------------------------------------

  /**
   * Puts a conversation in the queue. When it is already queued or live, nothing changes and
   * the existing record is returned (`created: false`); a crisis request still moves it first.
   */
  async enqueue(request: {
    reference: Partial<ConversationReference>;
    locale: Locale;
    priority: Priority;
    firstMessage?: string;
  }): Promise<{ record: HandoffRecord; created: boolean }> {
    const conversationId = request.reference.conversation?.id;
    if (!conversationId) throw new Error('a handoff request needs a conversation id');
    return this.exclusive(async () => {
      const existing = await this.get(conversationId);
      const now = this.nowIso();
      if (existing && existing.state !== 'closed') {
        if (request.priority === 'crisis' && !existing.crisis) {
          existing.priority = 'crisis';
          existing.crisis = true;
          await this.save(existing);
        }
        return { record: existing, created: false };
      }
      const record: HandoffRecord = {
        conversationId,
        handoffId: newHandoffId(),
        state: 'queued',
        reference: request.reference,
        channelId: request.reference.channelId ?? 'unknown',
        locale: request.locale,
        priority: request.priority,
        crisis: request.priority === 'crisis',
        medical: false,
        requestedAt: now,
        lastActivityAt: now,
      };
      // The transcript first: whoever reads the queue meanwhile never sees a request without its words.
      await this.append(record, { from: 'event', text: 'requested' });
      if (request.firstMessage) await this.append(record, { from: 'visitor', text: request.firstMessage });
      await this.save(record);
      return { record, created: true };
    });
  }

  /**
   * A visitor's message while queued or live: kept for the volunteer, with its flags. A crisis
   * while queued moves the request first. Returns the record as it now is, or undefined when the
   * conversation is back with the bot (a volunteer may just have ended it).
   */
  async visitorMessage(
    conversationId: string,
    message: { text: string; flags: Flag[]; reference?: Partial<ConversationReference> },
  ): Promise<HandoffRecord | undefined> {
    return this.exclusive(async () => {
      const record = await this.get(conversationId);
      if (!record || record.state === 'closed') return undefined;
      if (message.flags.includes('crisis')) {
        record.crisis = true;
        if (record.state === 'queued') record.priority = 'crisis';
      }
      if (message.flags.includes('medical')) record.medical = true;
      if (message.reference) record.reference = { ...record.reference, ...message.reference };
      record.lastActivityAt = this.nowIso();
      await this.save(record);
      await this.append(record, { from: 'visitor', text: message.text, flags: message.flags.length > 0 ? message.flags : undefined });
      return record;
    });
  }

  /** The visitor withdraws a queued request or ends a live conversation. */
  async visitorLeaves(conversationId: string): Promise<HandoffRecord | undefined> {
    return this.exclusive(async () => {
      const record = await this.get(conversationId);
      if (!record || record.state === 'closed') return undefined;
      await this.close(record, record.state === 'queued' ? 'cancelled' : 'ended_by_visitor');
      return record;
    });
  }

  /** Remembers the position the visitor was last told. */
  async markTold(conversationId: string, position: number): Promise<void> {
    await this.exclusive(async () => {
      const record = await this.get(conversationId);
      if (!record || record.state !== 'queued' || record.toldPosition === position) return;
      record.toldPosition = position;
      await this.save(record);
    });
  }

  // ---- the volunteer's side ---------------------------------------------------------------

  /** A volunteer takes a queued conversation; the first one wins, the others hear "already taken". */
  async accept(handoffId: string, volunteer: VolunteerRef, maxPerVolunteer: number): Promise<AcceptResult> {
    return this.exclusive(async () => {
      const all = await this.all();
      const record = all.find((r) => r.handoffId === handoffId);
      if (!record) return { ok: false, reason: 'not_found' };
      if (record.state === 'closed') return { ok: false, reason: 'closed', record };
      if (record.state === 'live') return { ok: false, reason: 'already_taken', record };
      const holding = all.filter((r) => r.state === 'live' && r.volunteer?.login === volunteer.login).length;
      if (holding >= maxPerVolunteer) return { ok: false, reason: 'cap_reached', record };
      const now = this.nowIso();
      record.state = 'live';
      record.volunteer = volunteer;
      record.acceptedAt = now;
      record.lastActivityAt = now;
      delete record.toldPosition;
      await this.save(record);
      await this.append(record, { from: 'event', text: 'accepted', volunteerName: volunteer.name });
      await this.recordStat('acceptWaitsMs', Date.parse(now) - Date.parse(record.requestedAt));
      return { ok: true, record };
    });
  }

  /** A volunteer's message in a conversation they hold. */
  async volunteerMessage(handoffId: string, login: string, text: string): Promise<VolunteerActionResult & { entry?: TranscriptEntry }> {
    return this.exclusive(async () => {
      const found = await this.held(handoffId, login);
      if (!found.ok) return found;
      found.record.lastActivityAt = this.nowIso();
      await this.save(found.record);
      const entry = await this.append(found.record, { from: 'volunteer', text, volunteerName: found.record.volunteer?.name });
      return { ok: true, record: found.record, entry };
    });
  }

  /** Checks that a volunteer holds a live conversation (typing indicators need no change). */
  async holds(handoffId: string, login: string): Promise<VolunteerActionResult> {
    return this.held(handoffId, login);
  }

  /** The volunteer ends a conversation they hold. */
  async volunteerEnds(handoffId: string, login: string): Promise<VolunteerActionResult> {
    return this.exclusive(async () => {
      const found = await this.held(handoffId, login);
      if (!found.ok) return found;
      await this.close(found.record, 'ended_by_volunteer');
      return found;
    });
  }

  // ---- time ------------------------------------------------------------------------------

  /**
   * Closes what time has run out for: queued requests nobody accepted in time (or that nobody on
   * duty can take any more) and live conversations silent for too long. Returns what it closed.
   */
  async expire(rules: ExpiryRules): Promise<HandoffRecord[]> {
    return this.exclusive(async () => {
      const now = this.clock.now().getTime();
      const closed: HandoffRecord[] = [];
      for (const record of await this.all()) {
        if (record.state === 'queued') {
          if (!rules.onDuty) {
            await this.close(record, 'unavailable');
            closed.push(record);
          } else if (now - Date.parse(record.requestedAt) >= rules.acceptTimeoutMs) {
            await this.close(record, 'timeout');
            closed.push(record);
          }
        } else if (record.state === 'live' && now - Date.parse(record.lastActivityAt) >= rules.inactivityMs) {
          await this.close(record, 'inactivity');
          closed.push(record);
        }
      }
      return closed;
    });
  }

  /**
   * An honest estimate of the wait in minutes at a queue position, from the recent accept waits
   * and conversation lengths; undefined when there is not enough history to say.
   */
  async estimateWaitMinutes(position: number, volunteers: { available: number; freeSlots: number }): Promise<number | undefined> {
    const stats = await this.stats();
    const acceptWait = median(stats.acceptWaitsMs);
    if (position <= volunteers.freeSlots) return acceptWait === undefined ? undefined : toMinutes(acceptWait);
    const duration = median(stats.liveDurationsMs);
    if (duration === undefined || volunteers.available === 0) return undefined;
    const rounds = Math.ceil((position - volunteers.freeSlots) / volunteers.available);
    return toMinutes(rounds * duration + (acceptWait ?? 0));
  }

  // ---- erasure and retention --------------------------------------------------------------

  /** Removes the queue entry and the transcript of a conversation. Returns the record it removed, if any. */
  async erase(conversationId: string): Promise<HandoffRecord | undefined> {
    return this.exclusive(async () => {
      const record = await this.get(conversationId);
      await this.store.delete([conversationKey(conversationId), transcriptKey(conversationId)]);
      return record;
    });
  }

  /** Deletes transcripts and closed records last written before `before`. Open requests are kept. */
  async purge(before: Date): Promise<number> {
    return this.exclusive(async () => {
      const transcripts = await this.store.purge(HANDOFF_TRANSCRIPT_PREFIX, before);
      const stale = (await this.all()).filter((r) => r.state === 'closed' && Date.parse(r.closedAt ?? r.lastActivityAt) < before.getTime());
      await this.store.delete(stale.map((r) => conversationKey(r.conversationId)));
      return transcripts + stale.length;
    });
  }

  // ---- inside the lock ---------------------------------------------------------------------

  private async held(handoffId: string, login: string): Promise<VolunteerActionResult> {
    const record = await this.byHandoffId(handoffId);
    if (!record) return { ok: false, reason: 'not_found' };
    if (record.state !== 'live') return { ok: false, reason: 'not_live' };
    if (record.volunteer?.login !== login) return { ok: false, reason: 'not_yours' };
    return { ok: true, record };
  }

  private async close(record: HandoffRecord, reason: CloseReason): Promise<void> {
    const now = this.nowIso();
    if (record.state === 'live' && record.acceptedAt) await this.recordStat('liveDurationsMs', Date.parse(now) - Date.parse(record.acceptedAt));
    record.state = 'closed';
    record.closedAt = now;
    record.closedReason = reason;
    record.lastActivityAt = now;
    delete record.toldPosition;
    await this.save(record);
    await this.append(record, { from: 'event', text: reason });
  }

  private async all(): Promise<HandoffRecord[]> {
    const keys = await this.store.keys(HANDOFF_CONVERSATION_PREFIX);
    const items = await this.store.read(keys);
    return keys.map((k) => parseRecord(items[k])).filter((r): r is HandoffRecord => r !== undefined);
  }

  private async save(record: HandoffRecord): Promise<void> {
    await this.store.write({ [conversationKey(record.conversationId)]: { ...record, eTag: '*' } });
  }

  private async append(record: HandoffRecord, entry: Omit<TranscriptEntry, 'id' | 'handoffId' | 'at'>): Promise<TranscriptEntry> {
    const key = transcriptKey(record.conversationId);
    const parsed = TranscriptDoc.safeParse(stripETag((await this.store.read([key]))[key]));
    const entries = parsed.success ? parsed.data.entries : [];
    const full: TranscriptEntry = { id: randomUUID(), handoffId: record.handoffId, at: this.nowIso(), ...dropUndefined(entry) };
    entries.push(full);
    await this.store.write({ [key]: { conversationId: record.conversationId, entries: entries.slice(-MAX_TRANSCRIPT_ENTRIES), eTag: '*' } });
    return full;
  }

  private async stats(): Promise<StatsDoc> {
    const parsed = StatsDoc.safeParse(stripETag((await this.store.read([STATS_KEY]))[STATS_KEY]));
    return parsed.success ? parsed.data : { acceptWaitsMs: [], liveDurationsMs: [] };
  }

  private async recordStat(field: keyof StatsDoc, ms: number): Promise<void> {
    const stats = await this.stats();
    stats[field] = [...stats[field], Math.max(0, ms)].slice(-STATS_WINDOW);
    await this.store.write({ [STATS_KEY]: { ...stats, eTag: '*' } });
  }

  private nowIso(): string {
    return this.clock.now().toISOString();
  }
}

function queueOrder(a: HandoffRecord, b: HandoffRecord): number {
  if (a.priority !== b.priority) return a.priority === 'crisis' ? -1 : 1;
  return a.requestedAt.localeCompare(b.requestedAt) || a.handoffId.localeCompare(b.handoffId);
}

function conversationKey(conversationId: string): string {
  return HANDOFF_CONVERSATION_PREFIX + encodeURIComponent(conversationId);
}
function transcriptKey(conversationId: string): string {
  return HANDOFF_TRANSCRIPT_PREFIX + encodeURIComponent(conversationId);
}

function parseRecord(item: unknown): HandoffRecord | undefined {
  const parsed = HandoffRecord.safeParse(stripETag(item));
  return parsed.success ? (parsed.data as HandoffRecord) : undefined;
}

function stripETag(item: unknown): unknown {
  if (!item || typeof item !== 'object') return item;
  const { eTag: _eTag, ...rest } = item as Record<string, unknown>;
  void _eTag;
  return rest;
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function newHandoffId(): string {
  return `h-${randomBytes(9).toString('base64url')}`;
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function toMinutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}
