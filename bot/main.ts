/**
 * The composition root: builds config, data, store, knowledge, safety, dialogs, bot, adapter and
 * server, and passes each through constructors. Nothing else wires anything.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CallerIdConstants, ConfigurationBotFrameworkAuthentication, type ConfigurationBotFrameworkAuthenticationOptions, type TurnContext } from 'botbuilder';
import { AuthenticationConstants } from 'botframework-connector';
import type restify from 'restify';
import { CoordinatorDashboard } from '../console/CoordinatorDashboard.js';
import { consoleSession, dashboardRoutes } from '../console/dashboardRoutes.js';
import { HandoffCounters } from '../console/HandoffCounters.js';
import { AnswerComposer } from '../dialogs/AnswerComposer.js';
import { ConversationIntents } from '../dialogs/ConversationIntents.js';
import { RootDialog, type KnowledgeSearch } from '../dialogs/RootDialog.js';
import { DirectLineStreams } from '../directline/DirectLineStreams.js';
import { LocalDirectLine } from '../directline/LocalDirectLine.js';
import { AzureTokenSource, LocalTokenSource, type DirectLineTokenSource } from '../directline/DirectLineTokenSource.js';
import { registerChatPage } from '../directline/registerChatPage.js';
import { registerDirectLineRoutes } from '../directline/registerDirectLineRoutes.js';
import { createLiveHandoff, type LiveHandoff } from '../handoff/LiveHandoff.js';
import { BotMessages } from '../knowledge/BotMessages.js';
import { CurationStore } from '../knowledge/CurationStore.js';
import { loadKnowledge, type KnowledgeBase } from '../knowledge/loadKnowledge.js';
import { searchableTopics } from '../knowledge/searchableTopics.js';
import { KnowledgeIndex, detectLocale } from '../knowledge/search/KnowledgeIndex.js';
import { loadSynonyms } from '../knowledge/search/synonyms.js';
import { Understanding } from '../knowledge/understand/Understanding.js';
import { UNDERSTANDING_MODEL_FILE } from '../knowledge/understand/UnderstandingExamples.js';
import { SoftmaxModel } from '../learn/SoftmaxModel.js';
import { SafetyScreen } from '../safety/SafetyScreen.js';
import { ScheduleTexts } from '../schedule/describeSchedule.js';
import { PermanenceSchedule } from '../schedule/PermanenceSchedule.js';
import type { DocumentStore } from '../store/LowdbStorage.js';
import { ProcessedActivities } from '../store/ProcessedActivities.js';
import { LocalCoordination, type StoreCoordination } from '../store/StoreCoordination.js';
import { storeHeapBudget } from '../store/StoreHeapBudget.js';
import { openStore } from './openStore.js';
import { OffsetClock, systemClock, type Clock } from './clock.js';
import { describeConfig, loadConfig, type Config } from './config.js';
import { createLogger, pseudonymise, type Logger } from './log.js';
import { KeyedSerialiser } from './KeyedSerialiser.js';
import { ErrorCodes, ExitCodes, MduError } from './errors.js';
import { BotMetrics, OperationsMiddleware, TurnTracker, operationsRoutes, type LifecyclePhase } from './metrics.js';
import { MduBot } from './MduBot.js';
import { CONVERSATION_STATE_PREFIX, PrefixedConversationState } from './PrefixedConversationState.js';
import type { DeliveryPort, HandoffPort } from './ports.js';
import { DeliveriesInState } from './DeliveriesInState.js';
import { mduMessage } from './replies.js';
import { NewConversationLimit } from './rateLimit.js';
import { BotAdapter, listen, makeServer } from './server.js';
import { GuardedAuthentication, ServiceUrlPolicy } from './ServiceUrlGuard.js';
import { TurnPipeline, localeOfActivity } from './TurnPipeline.js';
import { createTeams, type Teams } from '../teams/createTeams.js';

export interface RunningBot {
  url: string;
  server: restify.Server;
  store: DocumentStore;
  knowledge: KnowledgeBase;
  index: KnowledgeIndex;
  close(): Promise<void>;
}

/** What the bot is made of, before any HTTP: shared by the server and the TestAdapter tests. */
export interface BotParts {
  bot: MduBot;
  pipeline: TurnPipeline;
  conversationState: PrefixedConversationState;
  knowledge: KnowledgeBase;
  /** The lexical ranking alone (BM25). */
  index: KnowledgeIndex;
  /** What the dialogs search with: the trained model fused with the lexical ranking. */
  understanding: Understanding;
  schedule: PermanenceSchedule;
  scheduleTexts: ScheduleTexts;
  messages: BotMessages;
  curation: CurationStore;
  handoff: HandoffPort;
  /** The live handoff's parts (desk, volunteers, console routes). */
  liveHandoff: LiveHandoff;
  /** Activity ids already handled, per conversation (a channel's retry is handled once). */
  processed: ProcessedActivities;
  /** Microsoft Teams: staff, volunteers, the console as a tab (see teams/). */
  teams: Teams;
}

/** Loads the data (refused at start-up, with the file and the field, if anything is broken) and builds the bot. */
export function composeBot(
  config: Config,
  store: DocumentStore,
  clock: Clock,
  log: Logger,
  overrides: {
    search?: KnowledgeSearch;
    /** Other data of a conversation the visitor's "erase my data" removes (e.g. the Direct Line history). */
    alsoErase?: (conversationId: string) => Promise<void>;
    /** Other instances sharing the store (PostgreSQL); default: none (the embedded store). */
    coordination?: StoreCoordination;
  } = {},
): BotParts {
  const knowledge = loadKnowledge(config.knowledgeDir);
  const schedule = PermanenceSchedule.fromFile(path.join(config.knowledgeDir, 'schedule.yaml'));
  if (schedule.isExample && config.production && !config.ALLOW_EXAMPLE_SCHEDULE) {
    log.warn('schedule.example_hidden', {
      reason: 'knowledge/schedule.yaml is the shipped example: in production the bot will not present it as real; visitors are told to ask the MDU. Replace it and set example: false.',
    });
  }
  const scheduleTexts = new ScheduleTexts(schedule, { showExample: !config.production || config.ALLOW_EXAMPLE_SCHEDULE });
  const messages = BotMessages.fromFile(path.join(config.knowledgeDir, 'messages.yaml'));
  const intents = ConversationIntents.fromFile(path.join(config.knowledgeDir, 'conversation.yaml'));
  const synonyms = loadSynonyms(path.join(config.knowledgeDir, 'synonyms.yaml'));
  const index = KnowledgeIndex.build(searchableTopics(knowledge.topics, schedule), synonyms);
  // The trained model (npm run train) fused with the lexical index: what the dialogs search with.
  const understanding = new Understanding(
    index,
    SoftmaxModel.fromFile(path.join(config.knowledgeDir, UNDERSTANDING_MODEL_FILE)),
    knowledge.topics.map((t) => t.id),
  );
  // The safety prefilter keys each pattern on the words visitors' ordinary questions hold least often.
  const safety = SafetyScreen.fromDirectory(config.safetyDir, { ordinaryMessages: knowledge.topics.flatMap((t) => [...t.questions.fr, ...t.questions.en]) });

  const conversationState = new PrefixedConversationState(store);
  const curation = new CurationStore(store, () => clock.now());
  const liveHandoff = createLiveHandoff({ config, store, coordination: overrides.coordination ?? new LocalCoordination(), clock, log, schedule, scheduleTexts, isHandoffRequest: (text) => (intents.classify(text) ?? understanding.search(text).intent) === 'handoff_request' });
  const handoff: HandoffPort = liveHandoff.desk;
  const composer = new AnswerComposer(knowledge, schedule, scheduleTexts, messages);

  const processed = new ProcessedActivities(store, { now: () => clock.now(), shared: overrides.coordination?.shared });
  // Several instances share the store: a retry may reach another one, so the ids are claimed by
  // compare-and-set in documents of their own. One process: they ride in the conversation's state.
  const deliveries: DeliveryPort = overrides.coordination?.shared
    ? { firstDelivery: (context) => processed.firstDelivery(context.activity) }
    : new DeliveriesInState(conversationState, { now: () => clock.now() });
  let pipeline: TurnPipeline | undefined;
  const rootDialog = new RootDialog({
    index: overrides.search ?? understanding,
    composer,
    intents,
    curation,
    handoff,
    messages,
    factsOf: (context) => pipeline!.factsOf(context),
    erase: async (context: TurnContext) => {
      await handoff.erase(context.activity.conversation.id);
      await curation.eraseConversation(context.activity.conversation.id);
      await overrides.alsoErase?.(context.activity.conversation.id);
      await processed.erase(context.activity.channelId, context.activity.conversation.id);
      await pipeline!.clearState(context);
    },
  });
  pipeline = new TurnPipeline({
    conversationState,
    safety,
    handoff,
    composer,
    messages,
    rootDialog,
    clock,
    detectLocale,
    maxTextChars: config.MAX_TEXT_CHARS,
  });
  const teams = createTeams({ config, store, log, liveHandoff, staffWelcome: (locale) => composer.welcome(locale, 'staff') });
  const bot = new MduBot(pipeline, new KeyedSerialiser(), deliveries, teams.channel);
  return { bot, pipeline, conversationState, knowledge, index, understanding, schedule, scheduleTexts, messages, curation, handoff, liveHandoff, processed, teams };
}

/**
 * Builds everything from the config and starts listening. `options.clock` lets an in-process
 * test move time itself instead of waiting for it (MDU_NOW's clock runs at real speed).
 */
export async function startBot(config: Config, log: Logger = createLogger(config.LOG_LEVEL), options: { clock?: Clock } = {}): Promise<RunningBot> {
  const clock: Clock = options.clock ?? (config.MDU_NOW ? new OffsetClock(config.MDU_NOW) : systemClock);
  // starting -> ready -> draining (SIGTERM: no new requests, turns in flight finish) -> stopped.
  let phase: LifecyclePhase = 'starting';
  const { store, coordination, rateCounters, purgeRateWindows, kind: storeKind } = await openStore(config, () => clock.now());
  let ownUrl: string | undefined;
  let parts: BotParts;
  let directLine: LocalDirectLine | undefined;
  try {
    // Local mode: the bot serves its own Direct Line for the website chat (see directline/).
    directLine = config.localMode ? await LocalDirectLine.open({ store, now: () => clock.now(), log, serviceUrl: () => ownUrl }) : undefined;
    parts = composeBot(config, store, clock, log, { alsoErase: directLine && ((id) => directLine!.erase(id)), coordination });
  } catch (error) {
    await store.close();
    throw error;
  }
  const { bot, conversationState, knowledge, index, messages, curation, schedule, liveHandoff } = parts;

  const serviceUrls = new ServiceUrlPolicy(() => ownUrl, config.SERVICE_URL_ALLOWLIST);
  const auth = new GuardedAuthentication(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: config.MicrosoftAppId,
      MicrosoftAppPassword: config.MicrosoftAppPassword,
      MicrosoftAppType: config.MicrosoftAppType || undefined,
      MicrosoftAppTenantId: config.MicrosoftAppTenantId,
      ...tokenEndpoints(config),
    } as ConfigurationBotFrameworkAuthenticationOptions),
    serviceUrls,
    { anonymous: config.localMode },
  );
  const adapter = new BotAdapter(auth);
  // Volunteers' messages reach visitors proactively, only where replies may go.
  liveHandoff.connect({ proactive: adapter, botAppId: config.MicrosoftAppId, canReach: (serviceUrl) => !config.localMode || serviceUrls.allows(serviceUrl) });
  parts.teams.connect({ sender: adapter, botAppId: config.MicrosoftAppId, canReach: (serviceUrl) => !config.localMode || serviceUrls.allows(serviceUrl) });
  // Operations (bot/metrics.ts): one middleware times and tracks every turn, proactive ones too,
  // and counts the intents of what the bot sends; /metrics shows counts only, never content or ids.
  const turns = new TurnTracker();
  const metrics = new BotMetrics(new Set(knowledge.topics.map((t) => t.id)), turns);
  adapter.use(new OperationsMiddleware(metrics, turns));
  liveHandoff.desk.subscribe((event) => metrics.countHandoffEvent(event));
  metrics.gauge('mdu_handoff_queue_length', 'Visitors waiting for a volunteer.', async () => (await liveHandoff.queue.queue()).length);
  metrics.gauge('mdu_handoff_live', 'Conversations held by a volunteer now.', async () => (await liveHandoff.queue.open()).filter((r) => r.state === 'live').length);
  // The coordinator's dashboard (console/): stored counters only, behind the console sign-in.
  const handoffCounters = new HandoffCounters({
    store,
    schedule,
    clock,
    log,
    requestedAt: async (handoffId) => {
      const record = await liveHandoff.queue.byHandoffId(handoffId);
      return record && new Date(record.requestedAt);
    },
  });
  liveHandoff.desk.subscribe((event) => void handoffCounters.record(event));
  const dashboard = new CoordinatorDashboard({
    counters: () => curation.counters(),
    unanswered: () => curation.unanswered(),
    handoffsPerPermanence: () => handoffCounters.rows(),
    handoffsTotal: () => handoffCounters.total(),
    topics: knowledge.topics,
    schedule,
    unansweredRetentionDays: config.UNANSWERED_RETENTION_DAYS,
    now: () => clock.now(),
  });
  adapter.onTurnError = async (context, error) => {
    // The stack, never the visitor's text; a kind message; the broken dialog state cleared.
    log.error('turn.failed', error, { channel: context.activity.channelId, conversation: pseudonymise(context.activity.conversation?.id) });
    const locale = localeOfActivity(context.activity.locale) ?? 'fr';
    try {
      await conversationState.delete(context);
      await context.sendActivity(mduMessage(messages.get('error', locale), { intent: 'fallback', locale }));
    } catch (secondary) {
      log.error('turn.error_reply_failed', secondary);
    }
  };

  // The page's token: our own Direct Line, or the Azure one when a Direct Line secret is configured.
  const publicUrl = () => (config.PUBLIC_URL ?? ownUrl ?? '').replace(/\/+$/, '');
  const tokenSource: DirectLineTokenSource | undefined = config.DIRECT_LINE_SECRET
    ? new AzureTokenSource({ secret: config.DIRECT_LINE_SECRET, domain: config.DIRECT_LINE_DOMAIN })
    : directLine && new LocalTokenSource(directLine, () => `${publicUrl()}/v3/directline`);
  // The WebSocket stream of our own Direct Line (the page's first choice; polling stays as the fallback).
  const streams = directLine && !config.DIRECT_LINE_SECRET ? new DirectLineStreams({ directLine, log, domain: () => `${publicUrl()}/v3/directline` }) : undefined;

  const server = makeServer({
    config,
    adapter,
    bot,
    log,
    serviceUrls,
    // Liveness: the store stays open while draining, so /healthz stays 200 until the very end.
    rateCounters: rateCounters?.(() => clock.now().getTime()),
    readiness: () => ({ ready: phase === 'ready' || phase === 'draining', details: { topics: knowledge.topics.length, store: phase === 'starting' ? 'opening' : phase === 'stopped' ? 'closed' : 'open' } }),
    routes: [
      operationsRoutes({ metrics, phase: () => phase, storeWritable: () => store.writable !== false, storeProbe: store.probe && (() => store.probe!(READY_PROBE_TIMEOUT_MS)), details: () => ({ topics: knowledge.topics.length, turnsInFlight: turns.inFlight }), metricsToken: config.METRICS_TOKEN || undefined, requests: turns }),
      (s) =>
        registerDirectLineRoutes(s, {
          local: directLine,
          tokenSource,
          maxBodyBytes: config.MAX_BODY_BYTES,
          log,
          streams,
          newConversations: new NewConversationLimit({
            perClient: config.RATE_LIMIT_NEW_CONVERSATIONS_PER_CLIENT,
            total: config.RATE_LIMIT_NEW_CONVERSATIONS,
            windowMs: config.RATE_LIMIT_WINDOW_SECONDS * 1000,
            trustProxy: config.TRUST_PROXY,
            nowMs: () => clock.now().getTime(),
          }),
        }),
      (s) => registerChatPage(s, { pageDir: path.resolve('web/chat'), retentionDays: config.TRANSCRIPT_RETENTION_DAYS, directLineDomain: () => tokenSource?.domain() }),
      liveHandoff.routes,
      dashboardRoutes({ dashboard, sessionOf: consoleSession((token) => liveHandoff.sessions.get(token)), allowedLogins: config.DASHBOARD_LOGINS, pageDir: path.resolve('web/dashboard'), log }),
      parts.teams.routes,
    ],
  });
  streams?.attach(server.server);
  const url = await listen(server, config.PORT, config.HOST);
  // The bot's own Direct Line reaches it on the address it listens on (PUBLIC_URL is what browsers see).
  ownUrl = url;

  const purge = async () => {
    const before = (days: number) => new Date(clock.now().getTime() - days * 86_400_000);
    const unanswered = await curation.purge(config.UNANSWERED_RETENTION_DAYS);
    const conversations = await store.purge(CONVERSATION_STATE_PREFIX, before(config.CONVERSATION_RETENTION_DAYS));
    const directLineConversations = directLine ? await directLine.purge(before(config.CONVERSATION_RETENTION_DAYS)) : 0;
    const handoffs = (await liveHandoff.desk.purge(before(config.TRANSCRIPT_RETENTION_DAYS))) + (await parts.teams.purge(before(config.TRANSCRIPT_RETENTION_DAYS)));
    const deliveries = await parts.processed.purge(before(1));
    const rateWindows = (await purgeRateWindows?.(before(1))) ?? 0;
    log.info('retention.purged', { unanswered, conversations, directLineConversations, handoffs, deliveries, ...(purgeRateWindows ? { rateWindows } : {}) });
    // The embedded store past two thirds of what this heap takes: the next start-up may refuse it (MDU-015). Said while there is time to move.
    if (storeKind === 'lowdb') {
      const budget = await storeHeapBudget(config.dataDir);
      const mb = (bytes: number) => Math.round(bytes / 104857.6) / 10;
      if (budget.storeBytes > (budget.maxStoreBytes * 2) / 3) log.warn('store.near_heap_limit', { storeMb: mb(budget.storeBytes), maxStoreMb: mb(budget.maxStoreBytes), heapLimitMb: mb(budget.heapLimitBytes) });
    }
  };
  // Several instances on one store: one of them purges, once an interval (see `retentionTurn`).
  const purgeOnce = () => coordination.runExclusive('retention', async () => ((await retentionTurn(store, coordination, clock, config.PURGE_INTERVAL_SECONDS)) ? purge() : undefined));
  await purgeOnce();
  const purgeTimer = setInterval(() => void purgeOnce().catch((error) => log.error('retention.purge_failed', error)), config.PURGE_INTERVAL_SECONDS * 1000);
  purgeTimer.unref();

  await liveHandoff.start(url);
  parts.teams.start();
  phase = 'ready';
  log.info('bot.started', { url, topics: knowledge.topics.length, exampleSchedule: schedule.isExample, localMode: config.localMode });

  return {
    url,
    server,
    store,
    knowledge,
    index,
    async close() {
      if (phase === 'draining' || phase === 'stopped') return;
      // Graceful: stop accepting (new connections refused, new requests on open ones answered 503),
      // let the turns in flight finish, then flush the store. Every acknowledged turn is on disk.
      phase = 'draining';
      clearInterval(purgeTimer);
      // Open chats are told the server is going away: they reconnect to the next one.
      streams?.close();
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Turns in flight first: they may still need the handoff desk and Teams.
      if (!(await turns.idle(config.SHUTDOWN_TIMEOUT_SECONDS * 1000))) log.warn('shutdown.turns_unfinished', { inFlight: turns.inFlight });
      parts.teams.stop();
      await liveHandoff.stop();
      await store.close();
      phase = 'stopped';
      server.server.closeIdleConnections();
      const lingering = setTimeout(() => server.server.closeAllConnections(), 2000);
      await serverClosed;
      clearTimeout(lingering);
    },
  };
}

/**
 * How long `/readyz` waits for the database's `SELECT 1` (PostgreSQL): well under a load
 * balancer's health-check timeout, far above a healthy answer (~1 ms on the same network).
 */
const READY_PROBE_TIMEOUT_MS = 1000;

/** Where the last retention purge is noted, so that of several instances one purges an interval. */
const RETENTION_KEY = 'ops/retention';

/**
 * Whether this instance purges now: always with the embedded store; with a shared one, when no
 * instance purged in the last half interval, claimed by compare-and-set (one winner).
 */
async function retentionTurn(store: DocumentStore, coordination: StoreCoordination, clock: Clock, intervalSeconds: number): Promise<boolean> {
  if (!coordination.shared || !store.compareAndSet) return true;
  const now = clock.now();
  const last = (await store.read([RETENTION_KEY]))[RETENTION_KEY] as { lastRunAt?: string; eTag?: string } | undefined;
  if (last?.lastRunAt && now.getTime() - Date.parse(last.lastRunAt) < (intervalSeconds * 1000) / 2) return false;
  return (await store.compareAndSet(RETENTION_KEY, last?.eTag ?? null, { lastRunAt: now.toISOString() })) !== null;
}

/**
 * Where incoming Bot Framework tokens are checked: the public Azure cloud unless the (test-only)
 * endpoints are set. Setting one makes the SDK take every endpoint from here, so the outbound ones
 * stay the public cloud's.
 */
function tokenEndpoints(config: Config): Partial<ConfigurationBotFrameworkAuthenticationOptions> {
  if (!config.ToBotFromChannelOpenIdMetadataUrl && !config.ToBotFromChannelTokenIssuer && !config.ToBotFromEmulatorOpenIdMetadataUrl) return {};
  return {
    ToBotFromChannelOpenIdMetadataUrl: config.ToBotFromChannelOpenIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
    ToBotFromChannelTokenIssuer: config.ToBotFromChannelTokenIssuer ?? AuthenticationConstants.ToBotFromChannelTokenIssuer,
    ToBotFromEmulatorOpenIdMetadataUrl: config.ToBotFromEmulatorOpenIdMetadataUrl ?? AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
    ValidateAuthority: true,
  };
}


async function main(): Promise<void> {
  const log0 = createLogger('info');
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    log0.error('config.invalid', error);
    process.exit(1);
  }
  const log = createLogger(config.LOG_LEVEL);
  log.info('config.loaded', describeConfig(config) as Record<string, string>);
  let running: RunningBot;
  try {
    running = await startBot(config, log);
  } catch (error) {
    log.error('startup.failed', error);
    // A refusal that a restart will not mend: a code the service manager does not restart on.
    process.exit(error instanceof MduError && error.code === ErrorCodes.STORE_TOO_LARGE ? ExitCodes.STORE_TOO_LARGE : 1);
  }
  const stop = async (signal: string) => {
    log.info('bot.stopping', { signal });
    try {
      await running.close();
    } catch (error) {
      log.error('bot.stop_failed', error);
      process.exit(1);
    }
    log.info('bot.stopped', { signal });
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();
