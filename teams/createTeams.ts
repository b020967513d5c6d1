/**
 * Microsoft Teams, assembled: the channel gate `MduBot` calls, the volunteers' side on the handoff
 * desk, the presence bridge and the tab's script routes. The composition root builds it with the
 * live handoff, then `connect`s the adapter once it exists.
 */
import type restify from 'restify';
import type { Activity } from 'botbuilder';
import type { Config } from '../bot/config.js';
import type { Logger } from '../bot/log.js';
import type { LiveHandoff } from '../handoff/LiveHandoff.js';
import type { Locale } from '../knowledge/schema.js';
import type { DocumentStore } from '../store/LowdbStorage.js';
import { ConsolePresenceBridge } from './ConsolePresenceBridge.js';
import { deskPortOf } from './ports.js';
import { registerTeamsRoutes } from './registerTeamsRoutes.js';
import { TeamsChannel } from './TeamsChannel.js';
import { TeamsVolunteers, type TeamsDelivery } from './TeamsVolunteers.js';

export interface TeamsDeps {
  config: Config;
  store: DocumentStore;
  log: Logger;
  liveHandoff: Pick<LiveHandoff, 'desk' | 'queue' | 'accounts' | 'sessions'>;
  staffWelcome: (locale: Locale) => Partial<Activity>;
}

export interface Teams {
  channel: TeamsChannel;
  volunteers: TeamsVolunteers;
  /** Gives the way to send to Teams (the adapter); starts listening to the desk. */
  connect(delivery: TeamsDelivery): void;
  routes: (server: restify.Server) => void;
  start(): void;
  stop(): void;
  /** Retention: Teams request documents older than `before`. */
  purge(before: Date): Promise<number>;
}

/** The tenant allowed in Teams: `TEAMS_TENANT_ID`, else the bot's own `MicrosoftAppTenantId`. */
export function teamsTenantOf(config: Pick<Config, 'TEAMS_TENANT_ID' | 'MicrosoftAppTenantId'>): string {
  return (config.TEAMS_TENANT_ID || config.MicrosoftAppTenantId).trim().toLowerCase();
}

export function createTeams(deps: TeamsDeps): Teams {
  const { config, store, log, liveHandoff } = deps;
  const tenantId = teamsTenantOf(config);
  const presence = new ConsolePresenceBridge(liveHandoff.accounts, liveHandoff.sessions, store, Math.max(1000, Math.floor((config.CONSOLE_PRESENCE_SECONDS * 1000) / 3)));
  const volunteers = new TeamsVolunteers({
    desk: deskPortOf(liveHandoff),
    presence,
    store,
    log,
    allowlist: config.TEAMS_VOLUNTEER_AAD_IDS,
    tenantId,
    channelId: config.TEAMS_VOLUNTEER_CHANNEL_ID,
    serviceUrl: config.TEAMS_SERVICE_URL,
  });
  const channel = new TeamsChannel({ tenantId, staffWelcome: deps.staffWelcome, volunteers, localMode: config.localMode, log });
  return {
    channel,
    volunteers,
    connect: (delivery) => volunteers.connect(delivery),
    routes: registerTeamsRoutes,
    start: () => presence.start((error) => log.error('teams.presence_failed', error)),
    stop() {
      presence.stop();
      volunteers.stop();
    },
    purge: (before) => volunteers.purge(before),
  };
}
