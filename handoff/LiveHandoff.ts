/**
 * The live handoff, assembled: queue, volunteer accounts, console sessions, the desk the turn
 * pipeline calls, the consoles' live feed and the console's routes. The composition root builds
 * it with the data it already has, then `connect`s the adapter once it exists.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type restify from 'restify';
import type { Clock } from '../bot/clock.js';
import type { Config } from '../bot/config.js';
import type { Logger } from '../bot/log.js';
import type { ScheduleTexts } from '../schedule/describeSchedule.js';
import type { PermanenceSchedule } from '../schedule/PermanenceSchedule.js';
import type { DocumentStore } from '../store/LowdbStorage.js';
import type { StoreCoordination } from '../store/StoreCoordination.js';
import { AdminDoor } from './adminRoute.js';
import { ConsoleHub } from './ConsoleHub.js';
import { consoleRoutes } from './consoleRoutes.js';
import { ConsoleSessions } from './ConsoleSessions.js';
import { HandoffDesk, type ProactiveSender } from './HandoffDesk.js';
import { HandoffQueue } from './HandoffQueue.js';
import { VolunteerAccounts } from './VolunteerAccounts.js';

export interface LiveHandoffDeps {
  config: Config;
  store: DocumentStore;
  /** Other instances sharing the store (PostgreSQL), or none. */
  coordination: StoreCoordination;
  clock: Clock;
  log: Logger;
  schedule: PermanenceSchedule;
  scheduleTexts: ScheduleTexts;
  /** True when a visitor's text asks for a person (see `HandoffDeskDeps.isHandoffRequest`). */
  isHandoffRequest?: (text: string) => boolean;
}

export interface Delivery {
  /** The `CloudAdapter`. */
  proactive: ProactiveSender;
  /** The bot's app id ('' in local mode). */
  botAppId: string;
  /** Whether replies may go to a service URL (in local mode, the `ServiceUrlPolicy`). */
  canReach: (serviceUrl: string | undefined) => boolean;
}

export interface LiveHandoff {
  desk: HandoffDesk;
  queue: HandoffQueue;
  accounts: VolunteerAccounts;
  sessions: ConsoleSessions;
  hub: ConsoleHub;
  /** Gives the desk the way to reach visitors (until then it cannot put anyone in the queue). */
  connect(delivery: Delivery): void;
  /** Registers `/console` and `/console/api/*` (a `routes` entry of `makeServer`). */
  routes: (server: restify.Server) => void;
  /** Restores presence after a restart, starts the timer, opens the coordinator's door (`url`: where the server listens). */
  start(url: string): Promise<void>;
  /** Stops the timer and ends the consoles' streams (before the server closes). */
  stop(): Promise<void>;
}

export function createLiveHandoff(deps: LiveHandoffDeps): LiveHandoff {
  const { config, store, clock, log } = deps;
  let delivery: Delivery | undefined;
  const queue = new HandoffQueue(store, clock, deps.coordination);
  const accounts = new VolunteerAccounts(store, clock, { maxFailures: config.CONSOLE_LOCKOUT_ATTEMPTS, lockoutMs: config.CONSOLE_LOCKOUT_MINUTES * 60_000 });
  const sessionLifetimeMs = Math.round(config.CONSOLE_SESSION_HOURS * 3_600_000);
  const sessions = new ConsoleSessions(store, accounts, clock, { lifetimeMs: sessionLifetimeMs, presenceMs: config.CONSOLE_PRESENCE_SECONDS * 1000, sharedPresence: deps.coordination.shared });
  const desk = new HandoffDesk({
    queue,
    sessions,
    schedule: deps.schedule,
    scheduleTexts: deps.scheduleTexts,
    clock,
    log,
    get botAppId() {
      return delivery?.botAppId ?? '';
    },
    proactive: {
      continueConversationAsync: (botAppId, reference, logic) => {
        if (!delivery) return Promise.reject(new Error('the handoff desk is not connected to an adapter'));
        return delivery.proactive.continueConversationAsync(botAppId, reference, logic);
      },
    },
    canReach: (serviceUrl) => delivery !== undefined && delivery.canReach(serviceUrl),
    isHandoffRequest: deps.isHandoffRequest,
    settings: {
      acceptTimeoutMs: config.HANDOFF_ACCEPT_TIMEOUT_SECONDS * 1000,
      inactivityMs: config.HANDOFF_INACTIVITY_SECONDS * 1000,
      maxPerVolunteer: config.HANDOFF_MAX_CONVERSATIONS_PER_VOLUNTEER,
      sweepMs: config.HANDOFF_SWEEP_MS,
    },
  });
  const hub = new ConsoleHub(desk, sessions, log);
  const admin = new AdminDoor(config.dataDir, accounts, log, config.MAX_BODY_BYTES, async (login) => {
    await sessions.endAll(login);
    hub.schedulePush();
  });
  const pageRoutes = consoleRoutes({
    desk,
    sessions,
    accounts,
    hub,
    log,
    pageDir: consolePageDir(),
    maxBodyBytes: config.MAX_BODY_BYTES,
    maxTextChars: config.MAX_TEXT_CHARS,
    sessionLifetimeMs,
    secureCookies: config.PUBLIC_URL?.startsWith('https://') ?? false,
    trustProxy: config.TRUST_PROXY,
  });
  const routes = (server: restify.Server) => {
    pageRoutes(server);
    admin.register(server);
  };
  return {
    desk,
    queue,
    accounts,
    sessions,
    hub,
    routes,
    connect(d) {
      delivery = d;
    },
    async start(url) {
      await sessions.seedPresence();
      desk.start();
      await admin.open(url);
    },
    async stop() {
      hub.close();
      await desk.stop();
      await admin.close();
    },
  };
}

/** `web/console` from the source tree or from `dist/` alike. */
function consolePageDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '..', 'web', 'console'), path.resolve(here, '..', '..', 'web', 'console')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}
