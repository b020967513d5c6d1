/**
 * In local mode nobody authenticates the activities posted to `/api/messages`, so the bot must
 * not send replies wherever an activity says: only to its own Direct Line service URL and to the
 * prefixes of `SERVICE_URL_ALLOWLIST`. The guard sits where connector clients are made, so a
 * forged `serviceUrl` causes no outbound call, whether in a turn or a proactive message.
 *
 * It also keeps the clients it makes: the SDK builds a connector client (an HTTP pipeline of a
 * dozen policies) and a user token client for every turn, even when the replies go back in the
 * HTTP response (`expectReplies`) and neither is used. A client holds only its credentials and
 * base URL, so one made for an app id, service URL and audience serves every turn that has them.
 */
import { Channels, RoleTypes, type Activity } from 'botbuilder';
import {
  AuthenticationConstants,
  AuthenticationError,
  BotFrameworkAuthentication,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
  type ConnectorFactory,
  type UserTokenClient,
} from 'botframework-connector';
import { ErrorCodes, MduError } from './errors.js';

export class ServiceUrlPolicy {
  constructor(
    private readonly ownServiceUrl: () => string | undefined,
    private readonly allowlist: readonly string[],
  ) {}

  /**
   * Whether replies may go to `serviceUrl`: the bot's own service URL or an allowlist entry,
   * compared as parsed URLs (scheme, host, port, then the path segment by segment), never as
   * strings: `http://localhost:4398@127.0.0.1:4399` is the host 127.0.0.1, whatever it starts with.
   * A URL with user information, or not http(s), is never allowed.
   */
  allows(serviceUrl: string | undefined): boolean {
    const url = this.parsed.of(serviceUrl);
    if (!url) return false;
    const own = this.parsed.of(this.ownServiceUrl());
    if (own && within(url, own)) return true;
    return this.allowlist.some((entry) => {
      const base = this.parsed.of(entry);
      return base !== undefined && within(url, base);
    });
  }

  /** Asked on every turn with the same few URLs (the channel's, the bot's own, the allowlist): each is parsed once. */
  private readonly parsed = new ParsedServiceUrls();
}

interface ParsedServiceUrl {
  readonly origin: string;
  /** Path segments, without empty ones (no trailing slash). */
  readonly segments: readonly string[];
}

/** `parseServiceUrl` remembered by the exact text; bounded, as the texts come from the activities. */
class ParsedServiceUrls {
  private static readonly MAX = 256;
  private readonly known = new Map<string, ParsedServiceUrl | undefined>();

  of(raw: string | undefined): ParsedServiceUrl | undefined {
    if (!raw) return undefined;
    if (this.known.has(raw)) return this.known.get(raw);
    const parsed = parseServiceUrl(raw);
    // Shared by every later call: frozen, so no caller can change what the next one compares with.
    if (parsed) Object.freeze(Object.freeze(parsed).segments);
    if (this.known.size >= ParsedServiceUrls.MAX) this.known.clear();
    this.known.set(raw, parsed);
    return parsed;
  }
}

/** A service URL as compared: http(s), no user information; undefined otherwise. */
export function parseServiceUrl(raw: string | undefined): ParsedServiceUrl | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') return undefined;
  // `origin` is scheme, host (lower case, IDNA) and port (the default one left out), as browsers compare them.
  return { origin: url.origin, segments: url.pathname.split('/').filter(Boolean).map((s) => decodeSegment(s).toLowerCase()) };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Same origin, and `base`'s path is `url`'s or one of its parent folders. */
function within(url: ParsedServiceUrl, base: ParsedServiceUrl): boolean {
  return url.origin === base.origin && base.segments.every((segment, i) => url.segments[i] === segment);
}

/** Wraps the real authentication; connector clients for a refused service URL throw instead of calling out. */
export class GuardedAuthentication extends BotFrameworkAuthentication {
  /** Bounded: in local mode the service URL is whatever an activity says. */
  private readonly connectorClients = new RecentlyUsed<ConnectorClient>(32);
  private readonly userTokenClients = new RecentlyUsed<UserTokenClient>(8);
  private anonymousResult: Promise<AuthenticateRequestResult> | undefined;

  /**
   * @param options.anonymous local mode (no app id): the SDK authenticates nobody and answers
   *   every request alike (anonymous claims, no caller id, the same connector factory), so that
   *   answer is made once instead of on every request. An Emulator skill call still gets its own.
   */
  constructor(
    private readonly inner: BotFrameworkAuthentication,
    private readonly policy: ServiceUrlPolicy,
    private readonly options: { anonymous?: boolean } = {},
  ) {
    super();
  }

  override authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const alike = this.options.anonymous === true && !(activity.channelId === Channels.Emulator && activity.recipient?.role === RoleTypes.Skill);
    if (alike && this.anonymousResult) return this.anonymousResult;
    const made = this.authenticate(activity, authHeader);
    if (alike) {
      // Kept only once the SDK has answered with anonymous claims (none at all), never a real identity.
      made.then(
        (result) => {
          if (result.claimsIdentity.claims.length === 0) this.anonymousResult ??= Promise.resolve(result);
        },
        () => undefined,
      );
    }
    return made;
  }

  private async authenticate(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader).catch(asUnauthorised);
    return result.connectorFactory ? { ...result, connectorFactory: this.guard(result.connectorFactory, appIdOf(result.claimsIdentity)) } : result;
  }
  override authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
  }
  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.guard(this.inner.createConnectorFactory(claimsIdentity), appIdOf(claimsIdentity));
  }
  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.userTokenClients.get(appIdOf(claimsIdentity), () => this.inner.createUserTokenClient(claimsIdentity));
  }
  override createBotFrameworkClient() {
    return this.inner.createBotFrameworkClient();
  }
  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }
  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  /** @param appId the app id the factory makes credentials for (see `appIdOf`): with the URL and audience, what tells its clients apart. */
  private guard(factory: ConnectorFactory, appId: string): ConnectorFactory {
    const { policy, connectorClients } = this;
    return {
      async create(serviceUrl: string, audience?: string) {
        const client = await connectorClients.get(`${appId}\n${serviceUrl}\n${audience ?? ''}`, () => factory.create(serviceUrl, audience));
        // Checked on every call: the bot's own URL is only known once it listens.
        if (policy.allows(serviceUrl)) return client;
        // Creating a client calls nobody; any call through it is refused.
        return new Proxy(client, {
          get(target, property, receiver) {
            if (property === 'conversations' || property === 'attachments') {
              return new Proxy(Reflect.get(target, property, receiver) as object, {
                get() {
                  return () => Promise.reject(new MduError(ErrorCodes.SERVICE_URL_REFUSED, 'reply refused: the service URL is not allowed in local mode'));
                },
              });
            }
            return Reflect.get(target, property, receiver);
          },
        });
      },
    } as ConnectorFactory;
  }
}

/** The app id the SDK's connector factories and user token clients use for a caller: the token's audience, else its app id claim. */
function appIdOf(claimsIdentity: ClaimsIdentity): string {
  return claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claimsIdentity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/** Values made on first use and kept, the least recently used dropped beyond `max`; a failed making is not kept. */
class RecentlyUsed<T> {
  private readonly items = new Map<string, Promise<T>>();
  constructor(private readonly max: number) {}

  get(key: string, make: () => Promise<T>): Promise<T> {
    let item = this.items.get(key);
    if (item) this.items.delete(key);
    else {
      const made = make();
      made.catch(() => {
        if (this.items.get(key) === made) this.items.delete(key);
      });
      item = made;
    }
    this.items.set(key, item);
    if (this.items.size > this.max) this.items.delete(this.items.keys().next().value!);
    return item;
  }
}

/**
 * The SDK lets a bad signature (and other token faults jsonwebtoken reports) through as a plain
 * error, which the adapter answers with 500: a forged token is a 401 like any other.
 */
function asUnauthorised(error: unknown): never {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'JsonWebTokenError' || name === 'NotBeforeError' || name === 'TokenExpiredError') {
    throw new AuthenticationError('Unauthorized. The token is not valid.', 401);
  }
  throw error;
}
