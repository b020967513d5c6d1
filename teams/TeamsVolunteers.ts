/**
 * Volunteers in Teams: when a visitor asks for a volunteer, on-duty volunteers get an Adaptive
 * Card ("Prendre cette conversation") in the volunteers' channel, or in their personal chat with
 * the bot; the first who takes it talks with the visitor from Teams, the bot relaying both ways
 * through the handoff desk; everyone else's card turns to "déjà prise".
 *
 * It listens to the desk (`subscribe`: request, visitor_message, closed, changed) and calls it
 * (`accept`, `send`, `end`) like the console does; a Teams volunteer is a desk volunteer whose
 * login is `teams-<Entra object id>`. Only allow-listed Entra object ids may take, and only from
 * the configured tenant (checked before, by `TeamsChannel`).
 *
 * What it keeps in the store: per volunteer (`teams/volunteer/<aad>`) the personal chat's
 * ConversationReference and whether they are available; per request (`teams/request/<id>`) where
 * its cards are, who took it, and which visitor messages were already relayed. No message text.
 */
import { ActivityTypes, TurnContext, type Activity, type AdaptiveCardInvokeResponse, type ConversationParameters, type ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { Logger } from '../bot/log.js';
import { pseudonymise } from '../bot/log.js';
import { KeyedSerialiser } from '../bot/KeyedSerialiser.js';
import { BCP47 } from '../bot/replies.js';
import { foldText } from '../knowledge/foldText.js';
import type { Locale } from '../knowledge/schema.js';
import type { DocumentStore } from '../store/LowdbStorage.js';
import {
  attachment,
  requestCard,
  requestDoneCard,
  takenByYouCard,
  teamsButtonValueOf,
  volunteerPanelCard,
  type AdaptiveCard,
  type RequestFacts,
} from './teamsCards.js';
import { aadObjectIdOf, conversationKind, teamsLocale, tenantOf } from './teamsActivity.js';
import { languageName, say, teamsTexts } from './teamsTexts.js';
import type { TeamsSender, VolunteerDeskPort, VolunteerPresence } from './ports.js';

const VOLUNTEER_PREFIX = 'teams/volunteer/';
const REQUEST_PREFIX = 'teams/request/';
const SERVICE_URL_KEY = 'teams/serviceUrl';
/** Visitor messages already relayed: ids kept per request (a transcript keeps at most 400 entries). */
const MAX_RELAYED_IDS = 400;

const Reference = z.record(z.string(), z.unknown());
const VolunteerDoc = z.object({
  aad: z.string(),
  login: z.string(),
  name: z.string(),
  locale: z.enum(['fr', 'en']),
  /** The personal chat with the bot. */
  reference: Reference.optional(),
  available: z.boolean(),
  /** The live conversation their messages go to. */
  current: z.string().optional(),
});
type VolunteerDoc = Omit<z.infer<typeof VolunteerDoc>, 'reference'> & { reference?: Partial<ConversationReference> };

const CardRef = z.object({ reference: Reference, activityId: z.string(), aad: z.string().optional(), locale: z.enum(['fr', 'en']) });
type CardRef = Omit<z.infer<typeof CardRef>, 'reference'> & { reference: Partial<ConversationReference> };
const RequestDoc = z.object({
  handoffId: z.string(),
  visitorLocale: z.enum(['fr', 'en']),
  crisis: z.boolean(),
  medical: z.boolean(),
  state: z.enum(['open', 'taken', 'done']),
  cards: z.array(CardRef),
  takenBy: z.object({ aad: z.string(), login: z.string(), name: z.string() }).optional(),
  relayed: z.array(z.string()),
});
type RequestDoc = Omit<z.infer<typeof RequestDoc>, 'cards'> & { cards: CardRef[] };

export interface TeamsVolunteersDeps {
  desk: VolunteerDeskPort;
  presence: VolunteerPresence;
  store: DocumentStore;
  log: Logger;
  /** Entra object ids allowed to take conversations (lower-case). */
  allowlist: readonly string[];
  /** The tenant (lower-case) messages the bot starts are addressed to. */
  tenantId: string;
  /** The volunteers' channel; empty: personal chats of available volunteers. */
  channelId: string;
  /** The Teams service URL for messages the bot starts; empty: the last one Teams used. */
  serviceUrl: string;
}

export interface TeamsDelivery {
  sender: TeamsSender;
  /** The bot's app id ('' in local mode). */
  botAppId: string;
  /** Whether messages may go to a service URL (local mode: the allow-list). */
  canReach: (serviceUrl: string | undefined) => boolean;
}

/** The desk volunteer login of a Teams user. */
export function teamsLogin(aad: string): string {
  return `teams-${aad.replace(/-/g, '').toLowerCase()}`.slice(0, 40);
}

export class TeamsVolunteers {
  private delivery: TeamsDelivery | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Desk events and takes are handled one at a time, in order. */
  private readonly serial = new KeyedSerialiser();
  private last: Promise<unknown> = Promise.resolve();
  private readonly allowed: Set<string>;

  constructor(private readonly deps: TeamsVolunteersDeps) {
    this.allowed = new Set(deps.allowlist.map((id) => id.toLowerCase()));
  }

  /** Gives the way to send to Teams (the adapter), and starts listening to the desk. */
  connect(delivery: TeamsDelivery): void {
    this.delivery = delivery;
    this.unsubscribe ??= this.deps.desk.subscribe((event) => {
      this.last = this.serial.run('teams', () => this.onDeskEvent(event)).catch((error) => this.deps.log.error('teams.desk_event_failed', error, { event: event.type }));
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Resolves once every desk event received so far is handled (tests). */
  async idle(): Promise<void> {
    let seen: Promise<unknown> | undefined;
    while (seen !== this.last) {
      seen = this.last;
      await seen;
    }
  }

  isVolunteer(activity: Partial<Activity>): boolean {
    const aad = aadObjectIdOf(activity);
    return aad !== undefined && this.allowed.has(aad);
  }

  /** Notes the Teams service URL of our tenant, for the messages the bot starts. */
  async rememberServiceUrl(activity: Partial<Activity>): Promise<void> {
    if (!activity.serviceUrl) return;
    const known = (await this.deps.store.read([SERVICE_URL_KEY]))[SERVICE_URL_KEY] as { url?: string } | undefined;
    if (known?.url !== activity.serviceUrl) await this.deps.store.write({ [SERVICE_URL_KEY]: { url: activity.serviceUrl, eTag: '*' } });
  }

  /** Sent after the staff welcome in a volunteer's personal chat: their availability panel. */
  async panelFor(context: TurnContext): Promise<Partial<Activity> | undefined> {
    if (!this.isVolunteer(context.activity) || conversationKind(context.activity) !== 'personal') return undefined;
    const doc = await this.rememberVolunteer(context.activity);
    return cardMessage(volunteerPanelCard(doc.locale, doc.available), doc.locale);
  }

  /**
   * A Teams message that may be for the volunteers' side: a card button (take, end, availability),
   * an availability word, or a volunteer's message to the visitor they are talking with.
   * Returns true when handled (the knowledge base does not answer it).
   */
  async handleMessage(context: TurnContext): Promise<boolean> {
    const { activity } = context;
    const locale = teamsLocale(activity);
    const value = teamsButtonValueOf(activity.value);
    const volunteer = this.isVolunteer(activity);
    if (value && !volunteer) {
      await context.sendActivity(textMessage(teamsTexts.notAVolunteer[locale], locale));
      this.deps.log.warn('teams.volunteer_refused', { user: pseudonymise(aadObjectIdOf(activity)) });
      return true;
    }
    if (!volunteer) return false;
    if (value?.action === 'take') {
      const outcome = await this.take(context, value.handoffId);
      // Action.Submit (clients without Universal Actions): the card is replaced, the outcome said.
      if (activity.replyToId && outcome.card) await context.updateActivity({ type: ActivityTypes.Message, id: activity.replyToId, attachments: [attachment(outcome.card)] });
      await context.sendActivity(textMessage(outcome.message, locale));
      return true;
    }
    if (conversationKind(activity) !== 'personal') return false;
    const doc = await this.rememberVolunteer(activity);
    if (value?.action === 'available') {
      await this.setAvailable(context, doc, value.available);
      return true;
    }
    if (value?.action === 'end') {
      await this.endFor(context, doc, value.handoffId);
      return true;
    }
    const text = (activity.text ?? '').trim();
    const word = foldText(text); // "/fin" and "fin" alike
    if (AVAILABLE_WORDS.has(word) || UNAVAILABLE_WORDS.has(word)) {
      await this.setAvailable(context, doc, AVAILABLE_WORDS.has(word));
      return true;
    }
    if (PANEL_WORDS.has(word)) {
      await context.sendActivity(cardMessage(volunteerPanelCard(doc.locale, doc.available), doc.locale));
      return true;
    }
    if (!doc.current || !text) return false;
    if (END_WORDS.has(word)) {
      await this.endFor(context, doc, doc.current);
      return true;
    }
    const sent = await this.deps.desk.send(doc.current, doc.login, text);
    if (!sent.ok) {
      // That conversation is over: the volunteer is a staff member again.
      await this.saveVolunteer({ ...doc, current: undefined });
      return false;
    }
    if (sent.delivered === false) await context.sendActivity(textMessage(teamsTexts.notDelivered[doc.locale], doc.locale));
    return true;
  }

  /** The `adaptiveCard/action` invoke of "take" (Universal Actions): the new card comes back in the response. */
  async onCardAction(context: TurnContext, data: unknown): Promise<AdaptiveCardInvokeResponse> {
    const { activity } = context;
    const locale = teamsLocale(activity);
    const value = teamsButtonValueOf(data);
    if (!value) return invokeMessage(400, teamsTexts.requestClosed[locale]);
    if (!this.isVolunteer(activity)) {
      this.deps.log.warn('teams.volunteer_refused', { user: pseudonymise(aadObjectIdOf(activity)) });
      return invokeMessage(200, teamsTexts.notAVolunteer[locale]);
    }
    if (value.action !== 'take') return invokeMessage(400, teamsTexts.requestClosed[locale]);
    const outcome = await this.take(context, value.handoffId);
    return outcome.card ? { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: { ...outcome.card } } : invokeMessage(200, outcome.message);
  }

  // ---- taking and ending -----------------------------------------------------------------------

  private take(context: TurnContext, handoffId: string): Promise<{ card?: AdaptiveCard; message: string }> {
    return this.serial.run('teams', async () => {
      const { activity } = context;
      const locale = teamsLocale(activity);
      const aad = aadObjectIdOf(activity)!;
      const name = firstName(activity.from?.name) ?? (locale === 'fr' ? 'Bénévole' : 'Volunteer');
      const login = teamsLogin(aad);
      const request = await this.readRequest(handoffId);
      const result = await this.deps.desk.accept(handoffId, { login, name });
      if (!result.ok) {
        if (result.reason === 'cap_reached') return { message: say(teamsTexts.capReached, locale, { max: this.deps.desk.settings.maxPerVolunteer }) };
        const takenBy = result.reason === 'already_taken' ? result.record?.volunteer?.name : undefined;
        const card = requestDoneCard(locale, result.reason === 'already_taken' ? { takenBy } : { closed: true });
        return { card, message: card.body.map((b) => String(b.text)).slice(1).join(' ') };
      }
      this.deps.log.info('teams.handoff_taken', { conversation: pseudonymise(result.record.conversationId) });
      const facts: RequestFacts = request ?? { handoffId, visitorLocale: result.record.locale, crisis: result.record.crisis, medical: result.record.medical };
      const doc = await this.rememberVolunteer(activity, { name });
      const personal = conversationKind(activity) === 'personal' ? TurnContext.getConversationReference(activity) : (doc.reference ?? (await this.openPersonalChat(activity)));
      await this.saveVolunteer({ ...doc, ...(personal ? { reference: personal } : {}), current: handoffId });
      const updated: RequestDoc = {
        ...(request ?? { ...facts, cards: [], relayed: [] }),
        state: 'taken',
        takenBy: { aad, login, name },
      };
      await this.saveRequest(updated);
      // Everyone else's card: taken. The taker's card is the response (or replaced by the caller).
      await this.updateCards(updated, (card) => card.activityId !== activity.replyToId, (l) => requestDoneCard(l, { takenBy: name }));
      if (personal) {
        await this.sendTo(personal, [
          textMessage(say(teamsTexts.liveStart, doc.locale, { language: languageName(facts.visitorLocale, doc.locale) }), doc.locale),
          ...(conversationKind(activity) === 'personal' ? [] : [cardMessage(takenByYouCard(facts, doc.locale), doc.locale)]),
        ]);
        await this.relayVisitorMessages(updated, login, personal, doc.locale);
      }
      const inChannel = conversationKind(activity) !== 'personal';
      return { card: inChannel ? requestDoneCard(locale, { takenBy: name }) : takenByYouCard(facts, locale), message: teamsTexts.takenByYou[locale] };
    });
  }

  private async endFor(context: TurnContext, doc: VolunteerDoc, handoffId: string): Promise<void> {
    const result = await this.deps.desk.end(handoffId, doc.login);
    if (!result.ok) {
      if (doc.current === handoffId) await this.saveVolunteer({ ...doc, current: undefined });
      await context.sendActivity(textMessage(teamsTexts.requestClosed[doc.locale], doc.locale));
    }
    // When it ended, the desk's "closed" event tells the volunteer.
  }

  private async setAvailable(context: TurnContext, doc: VolunteerDoc, available: boolean): Promise<void> {
    await this.deps.presence.setAvailable({ login: doc.login, name: doc.name }, available);
    await this.saveVolunteer({ ...doc, available });
    this.deps.log.info('teams.volunteer_availability', { available });
    await context.sendActivity(textMessage((available ? teamsTexts.nowAvailable : teamsTexts.nowUnavailable)[doc.locale], doc.locale));
  }

  // ---- the desk's events -----------------------------------------------------------------------

  private async onDeskEvent(event: Parameters<Parameters<VolunteerDeskPort['subscribe']>[0]>[0]): Promise<void> {
    switch (event.type) {
      case 'request':
        await this.announce(event.handoffId);
        return;
      case 'visitor_message': {
        const request = await this.readRequest(event.handoffId);
        if (!request?.takenBy || request.takenBy.login !== event.login) return;
        const volunteer = await this.readVolunteer(request.takenBy.aad);
        if (!volunteer?.reference) return;
        await this.relayVisitorMessages(request, volunteer.login, volunteer.reference, volunteer.locale, event.flags.includes('crisis'));
        return;
      }
      case 'closed': {
        const request = await this.readRequest(event.handoffId);
        if (!request || request.state === 'done') return;
        if (request.state === 'open') await this.updateCards(request, () => true, (l) => requestDoneCard(l, { closed: true }));
        if (request.takenBy) {
          const volunteer = await this.readVolunteer(request.takenBy.aad);
          if (volunteer) {
            if (volunteer.current === request.handoffId) await this.saveVolunteer({ ...volunteer, current: undefined });
            const reason = (teamsTexts.closeReasons[event.reason] ?? teamsTexts.closeReasons.other!)[volunteer.locale];
            if (volunteer.reference) await this.sendTo(volunteer.reference, [textMessage(say(teamsTexts.closed, volunteer.locale, { reason }), volunteer.locale)]);
          }
        }
        await this.saveRequest({ ...request, state: 'done' });
        return;
      }
      case 'changed':
        await this.reconcile();
        return;
    }
  }

  /** Posts the request card to the volunteers' channel, or to available volunteers' personal chats. */
  private async announce(handoffId: string): Promise<void> {
    const record = await this.deps.desk.lookup(handoffId);
    if (!record || record.state !== 'queued') return;
    const facts: RequestFacts = { handoffId, visitorLocale: record.locale, crisis: record.crisis, medical: record.medical };
    const request: RequestDoc = { ...facts, state: 'open', cards: [], relayed: [] };
    const targets: { reference: Partial<ConversationReference>; aad?: string; locale: Locale }[] = [];
    if (this.deps.channelId) {
      const serviceUrl = await this.serviceUrl();
      if (serviceUrl) {
        targets.push({
          locale: 'fr',
          reference: {
            channelId: 'msteams',
            serviceUrl,
            conversation: { id: this.deps.channelId, isGroup: true, conversationType: 'channel', tenantId: this.deps.tenantId, name: '' },
            bot: { id: this.botId(), name: 'MDU' },
          },
        });
      } else {
        this.deps.log.warn('teams.no_service_url', { reason: 'no Teams activity seen yet and TEAMS_SERVICE_URL empty: the channel cannot be reached' });
      }
    } else {
      for (const volunteer of await this.volunteers()) {
        if (volunteer.available && volunteer.reference && this.allowed.has(volunteer.aad)) targets.push({ reference: volunteer.reference, aad: volunteer.aad, locale: volunteer.locale });
      }
    }
    for (const target of targets) {
      const activityId = await this.sendTo(target.reference, [cardMessage(requestCard(facts, target.locale), target.locale)]);
      if (activityId) request.cards.push({ reference: target.reference, activityId, locale: target.locale, ...(target.aad ? { aad: target.aad } : {}) });
    }
    await this.saveRequest(request);
    this.deps.log.info('teams.request_announced', { cards: request.cards.length });
  }

  /** After any change at the desk: cards of requests taken from the console, or withdrawn, are updated. */
  private async reconcile(): Promise<void> {
    for (const request of await this.requests()) {
      if (request.state !== 'open') continue;
      const record = await this.deps.desk.lookup(request.handoffId);
      if (record?.state === 'queued') continue;
      const outcome = record?.state === 'live' ? { takenBy: record.volunteer?.name } : { closed: true };
      await this.updateCards(request, () => true, (l) => requestDoneCard(l, outcome));
      await this.saveRequest({ ...request, state: 'done' });
    }
  }

  private async relayVisitorMessages(request: RequestDoc, login: string, to: Partial<ConversationReference>, locale: Locale, crisis = false): Promise<void> {
    const conversation = await this.deps.desk.conversation(request.handoffId, login);
    if (!conversation) return;
    const seen = new Set(request.relayed);
    const fresh = conversation.messages.filter((m) => m.from === 'visitor' && !seen.has(m.id));
    if (fresh.length === 0) return;
    const activities = fresh.map((m) => textMessage(say(teamsTexts.fromVisitor, locale, { text: m.text }), locale));
    if (crisis || fresh.some((m) => m.flags?.includes('crisis'))) activities.push(textMessage(teamsTexts.visitorCrisis[locale], locale));
    await this.sendTo(to, activities);
    await this.saveRequest({ ...request, relayed: [...request.relayed, ...fresh.map((m) => m.id)].slice(-MAX_RELAYED_IDS) });
  }

  // ---- sending -------------------------------------------------------------------------------

  /** Sends proactively; returns the id of the last activity sent, or undefined (logged, never thrown). */
  private async sendTo(reference: Partial<ConversationReference>, activities: Partial<Activity>[]): Promise<string | undefined> {
    const delivery = this.delivery;
    if (!delivery || !delivery.canReach(reference.serviceUrl)) {
      this.deps.log.warn('teams.unreachable', { conversation: pseudonymise(reference.conversation?.id) });
      return undefined;
    }
    let id: string | undefined;
    try {
      await delivery.sender.continueConversationAsync(delivery.botAppId, reference, async (context) => {
        const responses = await context.sendActivities(activities);
        id = responses.at(-1)?.id;
      });
    } catch (error) {
      this.deps.log.error('teams.send_failed', error, { conversation: pseudonymise(reference.conversation?.id) });
    }
    return id;
  }

  private async updateCards(request: RequestDoc, which: (card: CardRef) => boolean, make: (locale: Locale) => AdaptiveCard): Promise<void> {
    const delivery = this.delivery;
    if (!delivery) return;
    for (const card of request.cards.filter(which)) {
      if (!delivery.canReach(card.reference.serviceUrl)) continue;
      try {
        await delivery.sender.continueConversationAsync(delivery.botAppId, card.reference, async (context) => {
          await context.updateActivity({ type: ActivityTypes.Message, id: card.activityId, attachments: [attachment(make(card.locale))] });
        });
      } catch (error) {
        this.deps.log.error('teams.card_update_failed', error, { conversation: pseudonymise(card.reference.conversation?.id) });
      }
    }
  }

  /** A personal chat with a volunteer who took a request from the channel and never wrote to the bot. */
  private async openPersonalChat(activity: Partial<Activity>): Promise<Partial<ConversationReference> | undefined> {
    const delivery = this.delivery;
    if (!delivery || !activity.serviceUrl || !activity.from || !delivery.canReach(activity.serviceUrl)) return undefined;
    const tenantId = tenantOf(activity) ?? this.deps.tenantId;
    const parameters = {
      isGroup: false,
      bot: activity.recipient,
      members: [{ id: activity.from.id, name: activity.from.name }],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    } as ConversationParameters;
    let reference: Partial<ConversationReference> | undefined;
    try {
      await delivery.sender.createConversationAsync(delivery.botAppId, 'msteams', activity.serviceUrl, '', parameters, async (context) => {
        reference = TurnContext.getConversationReference(context.activity);
      });
    } catch (error) {
      this.deps.log.error('teams.personal_chat_failed', error);
    }
    return reference;
  }

  private botId(): string {
    return this.delivery?.botAppId ? `28:${this.delivery.botAppId}` : 'mdu-bot';
  }

  private async serviceUrl(): Promise<string | undefined> {
    if (this.deps.serviceUrl) return this.deps.serviceUrl;
    const known = (await this.deps.store.read([SERVICE_URL_KEY]))[SERVICE_URL_KEY] as { url?: unknown } | undefined;
    return typeof known?.url === 'string' ? known.url : undefined;
  }

  // ---- the store -----------------------------------------------------------------------------

  /** The volunteer's document, created or refreshed from their activity (personal chat reference, locale, name). */
  private async rememberVolunteer(activity: Partial<Activity>, overrides: { name?: string } = {}): Promise<VolunteerDoc> {
    const aad = aadObjectIdOf(activity)!;
    const existing = await this.readVolunteer(aad);
    const personal = conversationKind(activity) === 'personal' && activity.conversation ? TurnContext.getConversationReference(activity) : undefined;
    const doc: VolunteerDoc = {
      aad,
      login: teamsLogin(aad),
      name: overrides.name ?? existing?.name ?? firstName(activity.from?.name) ?? 'Bénévole',
      locale: activity.locale ? teamsLocale(activity) : (existing?.locale ?? 'fr'),
      available: existing?.available ?? false,
      ...(existing?.current ? { current: existing.current } : {}),
      ...(personal ? { reference: personal } : existing?.reference ? { reference: existing.reference } : {}),
    };
    await this.saveVolunteer(doc);
    return doc;
  }

  private async readVolunteer(aad: string): Promise<VolunteerDoc | undefined> {
    const key = VOLUNTEER_PREFIX + aad;
    const parsed = VolunteerDoc.safeParse((await this.deps.store.read([key]))[key]);
    return parsed.success ? (parsed.data as VolunteerDoc) : undefined;
  }

  private async volunteers(): Promise<VolunteerDoc[]> {
    const keys = await this.deps.store.keys(VOLUNTEER_PREFIX);
    const items = await this.deps.store.read(keys);
    return keys.flatMap((k) => {
      const parsed = VolunteerDoc.safeParse(items[k]);
      return parsed.success ? [parsed.data as VolunteerDoc] : [];
    });
  }

  private async saveVolunteer(doc: VolunteerDoc): Promise<void> {
    const { current, ...rest } = doc;
    await this.deps.store.write({ [VOLUNTEER_PREFIX + doc.aad]: { ...rest, ...(current ? { current } : {}), eTag: '*' } });
  }

  private async readRequest(handoffId: string): Promise<RequestDoc | undefined> {
    const key = REQUEST_PREFIX + handoffId;
    const parsed = RequestDoc.safeParse((await this.deps.store.read([key]))[key]);
    return parsed.success ? (parsed.data as RequestDoc) : undefined;
  }

  private async requests(): Promise<RequestDoc[]> {
    const keys = await this.deps.store.keys(REQUEST_PREFIX);
    const items = await this.deps.store.read(keys);
    return keys.flatMap((k) => {
      const parsed = RequestDoc.safeParse(items[k]);
      return parsed.success ? [parsed.data as RequestDoc] : [];
    });
  }

  private async saveRequest(doc: RequestDoc): Promise<void> {
    await this.deps.store.write({ [REQUEST_PREFIX + doc.handoffId]: { ...doc, eTag: '*' } });
  }

  /** Deletes request documents older than `before` (retention, like the handoff transcripts). */
  async purge(before: Date): Promise<number> {
    return this.deps.store.purge(REQUEST_PREFIX, before);
  }
}

const AVAILABLE_WORDS = new Set(['disponible', 'dispo', 'available', 'je suis disponible', 'i am available']);
const UNAVAILABLE_WORDS = new Set(['indisponible', 'plus disponible', 'absent', 'absente', 'pause', 'unavailable', 'not available', 'je ne suis plus disponible', 'i am no longer available']);
const PANEL_WORDS = new Set(['benevole', 'volunteer']);
const END_WORDS = new Set(['fin', 'end', 'terminer']);

function firstName(name: string | undefined): string | undefined {
  const first = name?.trim().split(/[\s,]+/)[0];
  return first ? first.slice(0, 40) : undefined;
}

function textMessage(text: string, locale: Locale): Partial<Activity> {
  return { type: ActivityTypes.Message, text, textFormat: 'markdown', locale: BCP47[locale], channelData: { mdu: { intent: 'handoff', locale: BCP47[locale] } } };
}

function cardMessage(card: AdaptiveCard, locale: Locale): Partial<Activity> {
  return { type: ActivityTypes.Message, attachments: [attachment(card)], locale: BCP47[locale], channelData: { mdu: { intent: 'handoff', locale: BCP47[locale] } } };
}

function invokeMessage(statusCode: number, message: string): AdaptiveCardInvokeResponse {
  return { statusCode, type: 'application/vnd.microsoft.activity.message', value: message as unknown as AdaptiveCardInvokeResponse['value'] };
}
