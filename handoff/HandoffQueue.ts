/**
 * The handoff queue and its state machine, persisted in the store: one document a conversation
 * (`handoff/conversation/<id>`) with its `ConversationReference`, one transcript a conversation
 * (`handoff/transcript/<id>`), and anonymous timing figures for wait estimates (`handoff/stats`).
 *
 *   bot ──request──▶ queued ──accept──▶ live ──end / inactivity──▶ closed (= bot again)
 *                      │
 *                      └──cancel / accept timeout / nobody on duty any more──▶ closed
 *
 * Every change of a conversation runs under that conversation's in-process lock (the store's lock
 * file already keeps one process a data directory), so two volunteers accepting at once, or a
 * visitor cancelling while a volunteer accepts, are decided one after the other: the second sees
 * the first's result. Different conversations do not wait for each other.
 *
 * Several instances on one shared store (PostgreSQL): a record is written by compare-and-set over
 * the version this instance last saw (`DocumentStore.compareAndSet`), so of two instances changing
 * one conversation at once exactly one succeeds; the other reads the record again and decides
 * again (a second accept then hears "already taken"). Other instances' changes arrive as store
 * notifications (`StoreCoordination.onChange`) and refresh memory; `resync` reads the records again
 * in case a notification was lost.
 * This class says nothing to anyone: the desk (`HandoffDesk`) turns its results into messages.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ConversationReference, StoreItems } from 'botbuilder';
import { z } from 'zod';
import type { Clock } from '../bot/clock.js';
import { KeyedSerialiser } from '../bot/KeyedSerialiser.js';
import type { Locale } from '../knowledge/schema.js';
import type { DocumentStore } from '../store/LowdbStorage.js';
import { LocalCoordination, type StoreCoordination } from '../store/StoreCoordination.js';

export const HANDOFF_CONVERSATION_PREFIX = 'handoff/conversation/';
export const HANDOFF_TRANSCRIPT_PREFIX = 'handoff/transcript/';
const STATS_KEY = 'handoff/stats';
/** A shared store: how often every record is read again, in case a notification was lost. */
const RESYNC_EVERY_MS = 10_000;
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

/** A transcript entry as a change adds it (the queue gives it its id, handoff id and time). */
type NewEntry = Omit<TranscriptEntry, 'id' | 'handoffId' | 'at'>;

/**
 * The queue's records in memory: the copy every read uses, so a read costs a map lookup instead of
 * reading and validating every record of the store. It is loaded from the store once, then changed
 * only after a change is on disk. This holds because this class is the only writer of its
 * documents in a data directory (the store's lock file keeps one process a data directory; the
 * erasure command runs with the bot stopped).
 */
interface Index {
  /** By conversation id. The records are frozen: a change makes a new one. */
  records: Map<string, HandoffRecord>;
  /** The store's eTag of each record as this instance last read or wrote it: what a change is conditional on. */
  eTags: Map<string, string>;
  /** Handoff id → conversation id, for the current request of each conversation. */
  byHandoff: Map<string, string>;
  /**
   * The transcripts of open conversations, once read or written (frozen): what every console view
   * and every message of a live conversation reads. A closed conversation's is read from the store.
   */
  transcripts: Map<string, readonly TranscriptEntry[]>;
  stats: StatsDoc;
}

export class HandoffQueue {
  /**
   * Changes of one conversation run one at a time (key `c:<conversation id>`), and so do the
   * accepts of one volunteer (`v:<login>`, taken before the conversation's: the cap counts what
   * they hold). Different conversations change in parallel and their writes share the store's
   * flushes (group commit), instead of queueing behind each other's fsyncs.
   */
  private readonly locks = new KeyedSerialiser();
  private index: Promise<Index> | undefined;
  /** The index once loaded, for lookups that must not wait (see `conversationOf`). */
  private ready: Index | undefined;
  private readonly remoteListeners = new Set<(change: RemoteChange) => void>();
  /** When `resync` last read every record (wall-clock ms). */
  private lastResyncAt = 0;

  constructor(
    private readonly store: DocumentStore,
    private readonly clock: Clock,
    private readonly coordination: StoreCoordination = new LocalCoordination(),
  ) {
    if (coordination.shared) coordination.onChange(HANDOFF_CONVERSATION_PREFIX, (key) => void this.onRemoteKey(key).catch(() => undefined));
  }

  /** Runs a change of one conversation alone (see `locks`); decided again when another instance changed it first. */
  private exclusive<T>(conversationId: string, task: (index: Index) => Promise<T>): Promise<T> {
    return this.locks.run(`c:${conversationId}`, async () => {
      for (let attempt = 1; ; attempt++) {
        const index = await this.loaded();
        try {
          return await task(index);
        } catch (error) {
          if (!(error instanceof StaleRecord) || attempt >= 10) throw error;
          await this.refresh(index, conversationId);
        }
      }
    });
  }

  /** Hears changes another instance made (a shared store): the record as it now is, and as it was here. */
  onRemoteChange(listener: (change: RemoteChange) => void): () => void {
    this.remoteListeners.add(listener);
    return () => this.remoteListeners.delete(listener);
  }

  /**
   * Reads every record again (a shared store, on the desk's timer): what a lost notification would
   * have told. Changes found are told to `onRemoteChange` listeners.
   */
  async resync(options: { force?: boolean } = {}): Promise<void> {
    if (!this.coordination.shared || !this.ready) return;
    // Notifications are the way changes arrive; this only makes good a lost one, so not on every tick.
    const now = Date.now();
    if (!options.force && now - this.lastResyncAt < RESYNC_EVERY_MS) return;
    this.lastResyncAt = now;
    const index = this.ready;
    const keys = await this.store.keys(HANDOFF_CONVERSATION_PREFIX);
    const items = await this.store.read(keys);
    const seen = new Set<string>();
    for (const key of keys) {
      const eTag = (items[key] as { eTag?: string } | undefined)?.eTag;
      const record = parseRecord(items[key]);
      if (!record) continue;
      seen.add(record.conversationId);
      if (eTag !== undefined && index.eTags.get(record.conversationId) !== eTag) await this.onRemoteKey(key);
    }
    for (const conversationId of [...index.records.keys()]) if (!seen.has(conversationId)) await this.onRemoteKey(conversationKey(conversationId));
  }

  // ---- reading (from memory) ----------------------------------------------------------------

  /** Records handed out are frozen (they are the queue's own copy); they change by replacement. */
  async get(conversationId: string): Promise<HandoffRecord | undefined> {
    return (await this.loaded()).records.get(conversationId);
  }

  async byHandoffId(handoffId: string): Promise<HandoffRecord | undefined> {
    const index = await this.loaded();
    const conversationId = index.byHandoff.get(handoffId);
    return conversationId === undefined ? undefined : index.records.get(conversationId);
  }

  /** Every open (queued or live) record. */
  async open(): Promise<HandoffRecord[]> {
    return [...(await this.loaded()).records.values()].filter((r) => r.state !== 'closed');
  }

  /** The queue in order: crisis first, then by time of request. */
  async queue(): Promise<QueuedItem[]> {
    const queued = [...(await this.loaded()).records.values()].filter((r) => r.state === 'queued');
    queued.sort(queueOrder);
    return queued.map((record, i) => ({ record, position: i + 1 }));
  }

  async positionOf(conversationId: string): Promise<number | undefined> {
    return (await this.queue()).find((q) => q.record.conversationId === conversationId)?.position;
  }

  async liveOf(login: string): Promise<HandoffRecord[]> {
    return [...(await this.loaded()).records.values()].filter((r) => r.state === 'live' && r.volunteer?.login === login);
  }

  /** The entries of the current (or last) request of a conversation. */
  async transcript(conversationId: string, handoffId?: string): Promise<TranscriptEntry[]> {
    const entries = await this.readTranscript(conversationId);
    return handoffId ? entries.filter((e) => e.handoffId === handoffId) : [...entries];
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
    return this.exclusive(conversationId, async (index) => {
      const existing = index.records.get(conversationId);
      const now = this.nowIso();
      if (existing && existing.state !== 'closed') {
        if (request.priority === 'crisis' && !existing.crisis) {
          const { record } = await this.commit({ ...existing, priority: 'crisis', crisis: true }, []);
          return { record, created: false };
        }
        return { record: existing, created: false };
      }
      const fresh: HandoffRecord = {
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
      // The record and its first words in one write: whoever reads the queue never sees a request without its words.
      const entries: NewEntry[] = [{ from: 'event', text: 'requested' }];
      if (request.firstMessage) entries.push({ from: 'visitor', text: request.firstMessage });
      const { record } = await this.commit(fresh, entries);
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
    return this.exclusive(conversationId, async (index) => {
      const current = index.records.get(conversationId);
      if (!current || current.state === 'closed') return undefined;
      const next: HandoffRecord = { ...current, lastActivityAt: this.nowIso() };
      if (message.flags.includes('crisis')) {
        next.crisis = true;
        if (next.state === 'queued') next.priority = 'crisis';
      }
      if (message.flags.includes('medical')) next.medical = true;
      if (message.reference) next.reference = { ...current.reference, ...message.reference };
      const { record } = await this.commit(next, [{ from: 'visitor', text: message.text, flags: message.flags.length > 0 ? message.flags : undefined }]);
      return record;
    });
  }

  /** The visitor withdraws a queued request or ends a live conversation. */
  async visitorLeaves(conversationId: string): Promise<HandoffRecord | undefined> {
    return this.exclusive(conversationId, async (index) => {
      const record = index.records.get(conversationId);
      if (!record || record.state === 'closed') return undefined;
      return this.close(record, record.state === 'queued' ? 'cancelled' : 'ended_by_visitor');
    });
  }

  /** Remembers the position the visitor was last told. */
  async markTold(conversationId: string, position: number): Promise<void> {
    await this.exclusive(conversationId, async (index) => {
      const record = index.records.get(conversationId);
      if (!record || record.state !== 'queued' || record.toldPosition === position) return;
      await this.commit({ ...record, toldPosition: position }, []);
    });
  }

  // ---- the volunteer's side ---------------------------------------------------------------

  /** A volunteer takes a queued conversation; the first one wins, the others hear "already taken". */
  async accept(handoffId: string, volunteer: VolunteerRef, maxPerVolunteer: number): Promise<AcceptResult> {
    const conversationId = this.conversationOf(handoffId) ?? (await this.loaded()).byHandoff.get(handoffId);
    if (conversationId === undefined) return { ok: false, reason: 'not_found' };
    // The volunteer's lock first, then the conversation's (never the other way round: no deadlock).
    return this.locks.run(`v:${volunteer.login}`, () =>
      this.exclusive(conversationId, async (index): Promise<AcceptResult> => {
        const record = index.records.get(conversationId);
        if (!record || record.handoffId !== handoffId) return { ok: false, reason: 'not_found' };
        if (record.state === 'closed') return { ok: false, reason: 'closed', record };
        if (record.state === 'live') return { ok: false, reason: 'already_taken', record };
        let holding = 0;
        for (const r of index.records.values()) if (r.state === 'live' && r.volunteer?.login === volunteer.login) holding++;
        if (holding >= maxPerVolunteer) return { ok: false, reason: 'cap_reached', record };
        const now = this.nowIso();
        const { toldPosition: _told, ...rest } = record;
        void _told;
        const accepted = await this.commit(
          { ...rest, state: 'live', volunteer: { login: volunteer.login, name: volunteer.name }, acceptedAt: now, lastActivityAt: now },
          [{ from: 'event', text: 'accepted', volunteerName: volunteer.name }],
          { field: 'acceptWaitsMs', ms: Date.parse(now) - Date.parse(record.requestedAt) },
        );
        return { ok: true, record: accepted.record };
      }),
    );
  }

  /** A volunteer's message in a conversation they hold. */
  async volunteerMessage(handoffId: string, login: string, text: string): Promise<VolunteerActionResult & { entry?: TranscriptEntry }> {
    const conversationId = this.conversationOf(handoffId) ?? (await this.loaded()).byHandoff.get(handoffId);
    if (conversationId === undefined) return { ok: false, reason: 'not_found' };
    return this.exclusive(conversationId, async (index) => {
      const found = held(index, conversationId, handoffId, login);
      if (!found.ok) return found;
      const { record, entries } = await this.commit({ ...found.record, lastActivityAt: this.nowIso() }, [
        { from: 'volunteer', text, volunteerName: found.record.volunteer?.name },
      ]);
      return { ok: true, record, entry: entries[0] };
    });
  }

  /** Checks that a volunteer holds a live conversation (typing indicators need no change). */
  async holds(handoffId: string, login: string): Promise<VolunteerActionResult> {
    const index = await this.loaded();
    const conversationId = index.byHandoff.get(handoffId);
    if (conversationId === undefined) return { ok: false, reason: 'not_found' };
    return held(index, conversationId, handoffId, login);
  }

  /** The volunteer ends a conversation they hold. */
  async volunteerEnds(handoffId: string, login: string): Promise<VolunteerActionResult> {
    const conversationId = this.conversationOf(handoffId) ?? (await this.loaded()).byHandoff.get(handoffId);
    if (conversationId === undefined) return { ok: false, reason: 'not_found' };
    return this.exclusive(conversationId, async (index) => {
      const found = held(index, conversationId, handoffId, login);
      if (!found.ok) return found;
      return { ok: true, record: await this.close(found.record, 'ended_by_volunteer') };
    });
  }

  // ---- time ------------------------------------------------------------------------------

  /**
   * Closes what time has run out for: queued requests nobody accepted in time (or that nobody on
   * duty can take any more) and live conversations silent for too long. Returns what it closed.
   */
  async expire(rules: ExpiryRules): Promise<HandoffRecord[]> {
    const now = this.clock.now().getTime();
    const due = (record: HandoffRecord): CloseReason | undefined => {
      if (record.state === 'queued') {
        if (!rules.onDuty) return 'unavailable';
        return now - Date.parse(record.requestedAt) >= rules.acceptTimeoutMs ? 'timeout' : undefined;
      }
      return record.state === 'live' && now - Date.parse(record.lastActivityAt) >= rules.inactivityMs ? 'inactivity' : undefined;
    };
    const candidates = [...(await this.loaded()).records.values()].filter((r) => due(r) !== undefined);
    // Each under its conversation's lock, decided again there: a message may just have arrived.
    const closed = await Promise.all(
      candidates.map((candidate) =>
        this.exclusive(candidate.conversationId, async (index) => {
          const record = index.records.get(candidate.conversationId);
          const reason = record && due(record);
          return record && reason ? this.close(record, reason) : undefined;
        }),
      ),
    );
    return closed.filter((r): r is HandoffRecord => r !== undefined);
  }

  /**
   * An honest estimate of the wait in minutes at a queue position, from the recent accept waits
   * and conversation lengths; undefined when there is not enough history to say.
   */
  async estimateWaitMinutes(position: number, volunteers: { available: number; freeSlots: number }): Promise<number | undefined> {
    const { stats } = await this.loaded();
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
    return this.exclusive(conversationId, async (index) => {
      const record = index.records.get(conversationId);
      await this.guarded(() => this.store.delete([conversationKey(conversationId), transcriptKey(conversationId)]));
      forget(index, conversationId);
      return record;
    });
  }

  /** Deletes transcripts and closed records last written before `before`. Open requests are kept. */
  async purge(before: Date): Promise<number> {
    // An open conversation's transcript was written within its timeouts, long after `before`.
    const transcripts = await this.store.purge(HANDOFF_TRANSCRIPT_PREFIX, before);
    // Should one have gone all the same, memory must not keep it: they are read again.
    if (transcripts > 0) (await this.loaded()).transcripts.clear();
    const old = (r: HandoffRecord | undefined) => r?.state === 'closed' && Date.parse(r.closedAt ?? r.lastActivityAt) < before.getTime();
    const stale = [...(await this.loaded()).records.values()].filter(old);
    const deleted = await Promise.all(
      stale.map((candidate) =>
        this.exclusive(candidate.conversationId, async (index) => {
          if (!old(index.records.get(candidate.conversationId))) return 0;
          await this.guarded(() => this.store.delete([conversationKey(candidate.conversationId)]));
          forget(index, candidate.conversationId);
          return 1;
        }),
      ),
    );
    return transcripts + deleted.reduce<number>((a, b) => a + b, 0);
  }

  // ---- inside a conversation's lock --------------------------------------------------------

  private async close(record: HandoffRecord, reason: CloseReason): Promise<HandoffRecord> {
    const now = this.nowIso();
    const stat = record.state === 'live' && record.acceptedAt ? { field: 'liveDurationsMs' as const, ms: Date.parse(now) - Date.parse(record.acceptedAt) } : undefined;
    const { toldPosition: _told, ...rest } = record;
    void _told;
    const closed = await this.commit({ ...rest, state: 'closed', closedAt: now, closedReason: reason, lastActivityAt: now }, [{ from: 'event', text: reason }], stat);
    return closed.record;
  }

  /**
   * Writes a record's new version with what it adds to the transcript (and to the stats) in one
   * store write: one durable flush per change, and no reader sees one without the other. Memory
   * changes once the write is on disk, so what is read is what a restart would find.
   */
  private async commit(
    next: HandoffRecord,
    entries: NewEntry[],
    stat?: { field: keyof StatsDoc; ms: number },
  ): Promise<{ record: HandoffRecord; entries: TranscriptEntry[] }> {
    const index = await this.loaded();
    const changes: Record<string, unknown> = { [conversationKey(next.conversationId)]: { ...next, eTag: '*' } };
    const added: TranscriptEntry[] = entries.map((entry) => deepFreeze({ id: randomUUID(), handoffId: next.handoffId, at: this.nowIso(), ...dropUndefined(entry) }));
    let transcript: readonly TranscriptEntry[] | undefined;
    if (added.length > 0) {
      transcript = Object.freeze([...(await this.readTranscript(next.conversationId)), ...added].slice(-MAX_TRANSCRIPT_ENTRIES));
      changes[transcriptKey(next.conversationId)] = { conversationId: next.conversationId, entries: transcript, eTag: '*' };
    }
    let stats: StatsDoc | undefined;
    if (stat) {
      stats = { ...index.stats, [stat.field]: [...index.stats[stat.field], Math.max(0, stat.ms)].slice(-STATS_WINDOW) };
      changes[STATS_KEY] = { ...stats, eTag: '*' };
    }
    if (this.store.compareAndSet) {
      // Over the version this instance knows: another instance's change since then makes it refuse, and the change is decided again.
      const { [conversationKey(next.conversationId)]: value, ...others } = changes;
      const expected = index.eTags.get(next.conversationId) ?? null;
      const eTag = await this.guarded(() => this.store.compareAndSet!(conversationKey(next.conversationId), expected, value as Record<string, unknown>, others as StoreItems));
      if (eTag === null) throw new StaleRecord(next.conversationId);
      index.eTags.set(next.conversationId, eTag);
    } else {
      await this.guarded(() => this.store.write(changes as StoreItems));
    }
    if (stats) index.stats = stats;
    if (next.state === 'closed') index.transcripts.delete(next.conversationId);
    else if (transcript) index.transcripts.set(next.conversationId, transcript);
    return { record: remember(index, next), entries: added };
  }

  /**
   * The conversation of a handoff id, without waiting once the index is loaded: a change takes its
   * conversation's lock in the very turn it is asked for, so changes of one conversation asked one
   * after the other (a visitor's and a volunteer's messages) run in that order.
   */
  private conversationOf(handoffId: string): string | undefined {
    return this.ready?.byHandoff.get(handoffId);
  }

  /** A store change that fails leaves memory unsure: it is read again from the store next time. */
  private async guarded<T>(change: () => Promise<T>): Promise<T> {
    try {
      return await change();
    } catch (error) {
      this.index = undefined;
      this.ready = undefined;
      throw error;
    }
  }

  private async readTranscript(conversationId: string): Promise<readonly TranscriptEntry[]> {
    const index = await this.loaded();
    const known = index.transcripts.get(conversationId);
    if (known) return known;
    const key = transcriptKey(conversationId);
    const doc = TranscriptDoc.safeParse(stripETag((await this.store.read([key]))[key]));
    const entries = deepFreeze(doc.success ? doc.data.entries : []);
    const record = index.records.get(conversationId);
    // Kept only while open, and only if nothing changed it meanwhile (a change holds the conversation's lock, a read does not).
    if (record && record.state !== 'closed' && !index.transcripts.has(conversationId)) index.transcripts.set(conversationId, entries);
    return entries;
  }

  private loaded(): Promise<Index> {
    if (!this.index) {
      const loading = this.load().then(
        (index) => {
          if (this.index === loading) this.ready = index;
          return index;
        },
        (error: unknown) => {
          if (this.index === loading) this.index = undefined;
          throw error;
        },
      );
      this.index = loading;
    }
    return this.index;
  }

  private async load(): Promise<Index> {
    const keys = await this.store.keys(HANDOFF_CONVERSATION_PREFIX);
    const items = await this.store.read([...keys, STATS_KEY]);
    const index: Index = { records: new Map(), eTags: new Map(), byHandoff: new Map(), transcripts: new Map(), stats: { acceptWaitsMs: [], liveDurationsMs: [] } };
    for (const key of keys) {
      const record = parseRecord(items[key]);
      if (!record) continue;
      remember(index, record);
      const eTag = (items[key] as { eTag?: unknown }).eTag;
      if (typeof eTag === 'string') index.eTags.set(record.conversationId, eTag);
    }
    const stats = StatsDoc.safeParse(stripETag(items[STATS_KEY]));
    if (stats.success) index.stats = stats.data;
    return index;
  }

  private nowIso(): string {
    return this.clock.now().toISOString();
  }

  /** Reads one record again from the store into memory (another instance changed it). Returns it as it was and as it is. */
  private async refresh(index: Index, conversationId: string): Promise<{ previous?: HandoffRecord; record?: HandoffRecord; changed: boolean }> {
    const key = conversationKey(conversationId);
    const item = (await this.store.read([key]))[key] as { eTag?: string } | undefined;
    const previous = index.records.get(conversationId);
    const eTag = item?.eTag;
    if (eTag !== undefined && eTag === index.eTags.get(conversationId)) return { previous, record: previous, changed: false };
    const record = parseRecord(item);
    if (record && eTag !== undefined) {
      index.transcripts.delete(conversationId);
      index.eTags.set(conversationId, eTag);
      // The stats another instance added with this change: read again with it.
      const stats = StatsDoc.safeParse(stripETag((await this.store.read([STATS_KEY]))[STATS_KEY]));
      if (stats.success) index.stats = stats.data;
      return { previous, record: remember(index, record), changed: true };
    }
    if (!previous) return { changed: false };
    forget(index, conversationId);
    return { previous, changed: true };
  }

  /** A notification: the key of a record another instance changed, or `*` (anything may have). */
  private async onRemoteKey(key: string): Promise<void> {
    if (!this.ready) return; // not loaded yet: the load will read it
    if (key === '*') {
      await this.resync({ force: true });
      return;
    }
    const conversationId = decodeURIComponent(key.slice(HANDOFF_CONVERSATION_PREFIX.length));
    const change = await this.locks.run(`c:${conversationId}`, async () => this.refresh(await this.loaded(), conversationId));
    if (!change.changed) return;
    for (const listener of this.remoteListeners) listener({ record: change.record, previous: change.previous });
  }
}

/** A change another instance made to a conversation: its record now (undefined: erased or purged) and before. */
export interface RemoteChange {
  record?: HandoffRecord;
  previous?: HandoffRecord;
}

/** Another instance changed the record first: the change is decided again on the record as it now is. */
class StaleRecord extends Error {
  constructor(readonly conversationId: string) {
    super('the handoff record changed in another instance');
    this.name = 'StaleRecord';
  }
}

/** Whether a volunteer holds a live conversation, from memory. */
function held(index: Index, conversationId: string, handoffId: string, login: string): VolunteerActionResult {
  const record = index.records.get(conversationId);
  if (!record || record.handoffId !== handoffId) return { ok: false, reason: 'not_found' };
  if (record.state !== 'live') return { ok: false, reason: 'not_live' };
  if (record.volunteer?.login !== login) return { ok: false, reason: 'not_yours' };
  return { ok: true, record };
}

/**
 * Keeps a record in memory as a restart would read it back (a JSON copy: nothing shared with the
 * caller's objects, such as the turn's activity) and frozen, since readers get this very object.
 */
function remember(index: Index, record: HandoffRecord): HandoffRecord {
  const kept = deepFreeze(JSON.parse(JSON.stringify(record)) as HandoffRecord);
  const previous = index.records.get(kept.conversationId);
  if (previous && previous.handoffId !== kept.handoffId) index.byHandoff.delete(previous.handoffId);
  index.records.set(kept.conversationId, kept);
  index.byHandoff.set(kept.handoffId, kept.conversationId);
  return kept;
}

function forget(index: Index, conversationId: string): void {
  const previous = index.records.get(conversationId);
  if (previous) index.byHandoff.delete(previous.handoffId);
  index.records.delete(conversationId);
  index.eTags.delete(conversationId);
  index.transcripts.delete(conversationId);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
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
