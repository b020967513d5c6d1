/**
 * Configuration, parsed once at start-up with zod. No other module reads `process.env`.
 */
import path from 'node:path';
import { z } from 'zod';

const Bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const Seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
/** A database on this machine: loopback host, or a unix socket (`host=/path` or no host at all). */
const LOCAL_DATABASE = /^postgres(ql)?:\/\/([^@/]*@)?(127\.\d+\.\d+\.\d+|\[::1\]|localhost)?([:/?]|$)/;

const ConfigFields = z.object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('./data'),
    /**
     * Set: the shared PostgreSQL store (several instances, see deployment/README.md); unset: the
     * embedded store in DATA_DIR. `postgres://user:password@host:5432/database`.
     */
    DATABASE_URL: z
      .string()
      .trim()
      .default('')
      .refine((s) => s === '' || /^postgres(ql)?:\/\//.test(s), 'a postgres:// or postgresql:// URL'),
    /** Connections each instance keeps at most. */
    DATABASE_POOL_MAX: z.coerce.number().int().min(2).max(200).default(10),
    /** How long opening a connection may take before the store call fails. */
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
    /** Longest a statement may run (the server cancels it): a stuck query must not hold a turn. */
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /** An idle connection is closed after this long. */
    DATABASE_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
    /** TLS to the server: `disable`, `require` (encrypted, certificate not checked), `verify-full` (certificate and host name checked). */
    DATABASE_SSL: z.enum(['disable', 'require', 'verify-full']).default('disable'),
    /** With `verify-full`: a PEM file of the CA that signed the server's certificate (default: the system's CAs). */
    DATABASE_SSL_CA: z.string().trim().default(''),
    /** `auto`: the bot applies pending schema migrations at start-up; `check`: it only checks (a least-privilege role; `npm run store:init` migrates). */
    DATABASE_MIGRATE: z.enum(['auto', 'check']).default('auto'),
    KNOWLEDGE_DIR: z.string().min(1).default('./knowledge'),
    SAFETY_DIR: z.string().min(1).default('./safety/lexicons'),
    /** Public base URL of this server as browsers and Direct Line see it (local mode uses it as the service URL). */
    PUBLIC_URL: z.string().url().optional(),

    MicrosoftAppId: z.string().default(''),
    MicrosoftAppPassword: z.string().default(''),
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI', '']).default(''),
    MicrosoftAppTenantId: z.string().default(''),
    DIRECT_LINE_SECRET: z.string().default(''),
    DIRECT_LINE_DOMAIN: z.string().url().default('https://directline.botframework.com/v3/directline'),

    /**
     * Extra service URLs replies may be sent to in local mode (e.g. a local Teams emulator): each an
     * http(s) URL without user information, query or fragment; a reply goes there when its service
     * URL has the same scheme, host and port, and this path or a path under it.
     */
    SERVICE_URL_ALLOWLIST: z
      .string()
      .default('')
      .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
      .pipe(
        z.array(
          z.string().refine((entry) => {
            try {
              const url = new URL(entry);
              return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password && !url.search && !url.hash;
            } catch {
              return false;
            }
          }, 'each entry is an http(s) URL without user information, query or fragment'),
        ),
      ),

    /** Fixes the bot's clock (ISO date-time with offset): tests and demonstrations only. */
    MDU_NOW: z.string().datetime({ offset: true }).optional(),

    /** How long anonymised unanswered questions are kept for curators. */
    UNANSWERED_RETENTION_DAYS: z.coerce.number().int().positive().max(365).default(30),
    /** How long a conversation's state is kept after its last activity. */
    CONVERSATION_RETENTION_DAYS: z.coerce.number().int().positive().max(365).default(7),
    /** How long a handoff transcript is kept. */
    TRANSCRIPT_RETENTION_DAYS: z.coerce.number().int().positive().max(365).default(7),

    HANDOFF_ACCEPT_TIMEOUT_SECONDS: Seconds(600),
    HANDOFF_INACTIVITY_SECONDS: Seconds(900),
    HANDOFF_MAX_CONVERSATIONS_PER_VOLUNTEER: z.coerce.number().int().positive().max(20).default(2),
    /** How often the handoff desk looks for expired requests and silent conversations. */
    HANDOFF_SWEEP_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
    /** Volunteers' console: session lifetime, how long a closed console still counts as present, sign-in lockout. */
    CONSOLE_SESSION_HOURS: z.coerce.number().positive().max(24).default(10),
    CONSOLE_PRESENCE_SECONDS: Seconds(90),
    CONSOLE_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(2).max(50).default(5),
    CONSOLE_LOCKOUT_MINUTES: z.coerce.number().int().positive().max(24 * 60).default(15),

    MAX_BODY_BYTES: z.coerce.number().int().positive().default(256 * 1024),
    MAX_TEXT_CHARS: z.coerce.number().int().positive().default(2000),

    /** How often the retention purge runs (it also runs at start-up). */
    PURGE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(24 * 3600).default(3600),
    /** Rate limits (see bot/rateLimit.ts), per window; 0 turns one off. `/api/messages`: activities per conversation. */
    RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    RATE_LIMIT_MESSAGES: z.coerce.number().int().min(0).default(60),
    /** The website's routes (token, `/v3/directline`): requests per client address (Web Chat polls about once a second). */
    RATE_LIMIT_PUBLIC: z.coerce.number().int().min(0).default(600),
    /**
     * New chats (a token, or a Direct Line conversation started without one), per window: per client
     * address (an IPv6 address counts by its /64) first, then a ceiling for the whole server far
     * above honest traffic, so one client opening chats in a loop closes the chat to nobody else.
     */
    RATE_LIMIT_NEW_CONVERSATIONS_PER_CLIENT: z.coerce.number().int().min(0).default(10),
    RATE_LIMIT_NEW_CONVERSATIONS: z.coerce.number().int().min(0).default(600),
    /** Behind our reverse proxy: the client address is the last one of X-Forwarded-For (the one the proxy added). */
    TRUST_PROXY: Bool,
    /**
     * Where Bot Framework tokens are checked against (the SDK's own setting names). Empty: the public
     * Azure cloud. Tests point them at a local key server; refused in production.
     */
    ToBotFromChannelOpenIdMetadataUrl: z.string().url().optional(),
    ToBotFromChannelTokenIssuer: z.string().min(1).optional(),
    ToBotFromEmulatorOpenIdMetadataUrl: z.string().url().optional(),

    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),

    /** Microsoft Teams: the only tenant whose users may use the bot from Teams (empty: MicrosoftAppTenantId; both empty: nobody). */
    TEAMS_TENANT_ID: z.string().trim().default(''),
    /** Entra object ids (aadObjectId) of the volunteers who may take visitors' conversations from Teams, comma-separated. */
    TEAMS_VOLUNTEER_AAD_IDS: z
      .string()
      .default('')
      .transform((s) => s.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean)),
    /** The volunteers' Teams channel (`19:...@thread.tacv2`) where requests are posted; empty: personal chats of available volunteers. */
    TEAMS_VOLUNTEER_CHANNEL_ID: z.string().trim().default(''),
    /** The Teams service URL for messages the bot starts (the channel's posts); empty: the last one Teams used. */
    TEAMS_SERVICE_URL: z.union([z.literal(''), z.string().url()]).default(''),
    /** The Teams app's own id (a GUID, `id` in the manifest; not the bot's app id). Used by `npm run teams:package`. */
    TEAMS_APP_ID: z.string().trim().regex(/^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$/, 'a GUID').default(''),

    /** When set, `GET /metrics` needs `Authorization: Bearer <METRICS_TOKEN>`; when empty, loopback callers only (see bot/metrics.ts). */
    METRICS_TOKEN: z.string().default(''),
    /** On SIGTERM: how long turns in flight may take to finish before the store is flushed and the process exits. */
    SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().positive().max(300).default(20),
    /** Console logins that may see the coordinator's dashboard (comma-separated); empty: every signed-in volunteer. */
    DASHBOARD_LOGINS: z
      .string()
      .default('')
      .transform((s) => s.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean)),
    ALLOW_EXAMPLE_SCHEDULE: Bool,
});

export const ConfigSchema = ConfigFields.superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && c.MDU_NOW) {
      ctx.addIssue({ code: 'custom', path: ['MDU_NOW'], message: 'MDU_NOW fixes the clock for tests; it is refused in production' });
    }
    for (const key of ['ToBotFromChannelOpenIdMetadataUrl', 'ToBotFromChannelTokenIssuer', 'ToBotFromEmulatorOpenIdMetadataUrl'] as const) {
      if (c.NODE_ENV === 'production' && c[key]) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'the Bot Framework token endpoints are fixed in production (the public Azure cloud); this setting is for tests' });
      }
    }
    if (c.NODE_ENV === 'production' && c.DATABASE_URL && c.DATABASE_SSL === 'disable' && !LOCAL_DATABASE.test(c.DATABASE_URL)) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_SSL'],
        message: 'conversations cross the network to a PostgreSQL server that is not on this machine: set DATABASE_SSL=verify-full (or require)',
      });
    }
    if (c.MicrosoftAppId === '' && !LOOPBACK.test(c.HOST)) {
      ctx.addIssue({
        code: 'custom',
        path: ['HOST'],
        message: 'local mode (MicrosoftAppId empty) accepts unauthenticated calls, so it only listens on loopback; publish it through a reverse proxy',
      });
    }
  });

export type RawConfig = z.infer<typeof ConfigSchema>;

export interface Config extends RawConfig {
  /** Local mode: no Bot Framework credentials, loopback only, our own Direct Line. */
  localMode: boolean;
  production: boolean;
  dataDir: string;
  knowledgeDir: string;
  safetyDir: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment once. Throws a `ConfigError` naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    ...c,
    localMode: c.MicrosoftAppId === '',
    production: c.NODE_ENV === 'production',
    dataDir: path.resolve(c.DATA_DIR),
    knowledgeDir: path.resolve(c.KNOWLEDGE_DIR),
    safetyDir: path.resolve(c.SAFETY_DIR),
  };
}

const SECRET_KEYS = ['MicrosoftAppPassword', 'DIRECT_LINE_SECRET', 'METRICS_TOKEN'] as const;

/** A database URL with its password blanked. */
export function blankPassword(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

/** What the start-up line prints: the settings, secrets blanked. */
export function describeConfig(c: Config): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigFields.shape)) {
    const value = (c as unknown as Record<string, unknown>)[key];
    shown[key] = (SECRET_KEYS as readonly string[]).includes(key) && value ? '***' : key === 'DATABASE_URL' && typeof value === 'string' ? blankPassword(value) : value;
  }
  shown.localMode = c.localMode;
  return shown;
}
