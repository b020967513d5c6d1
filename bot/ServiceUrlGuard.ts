/**
 * In local mode nobody authenticates the activities posted to `/api/messages`, so the bot must
 * not send replies wherever an activity says: only to its own Direct Line service URL and to the
 * prefixes of `SERVICE_URL_ALLOWLIST`. The guard sits where connector clients are made, so a
 * forged `serviceUrl` causes no outbound call, whether in a turn or a proactive message.
 */
import type { Activity } from 'botbuilder';
import { AuthenticationError, BotFrameworkAuthentication, type AuthenticateRequestResult, type ClaimsIdentity, type ConnectorFactory } from 'botframework-connector';
import { ErrorCodes, MduError } from './errors.js';

export class ServiceUrlPolicy {
  constructor(
    private readonly ownServiceUrl: () => string | undefined,
    private readonly allowlist: readonly string[],
  ) {}

  allows(serviceUrl: string | undefined): boolean {
    if (!serviceUrl) return false;
    const url = normalise(serviceUrl);
    const own = this.ownServiceUrl();
    if (own && (url === normalise(own) || url.startsWith(normalise(own) + '/'))) return true;
    return this.allowlist.some((prefix) => url.startsWith(normalise(prefix)));
  }
}

function normalise(url: string): string {
  return url.trim().replace(/\/+$/, '').toLowerCase();
}

/** Wraps the real authentication; connector clients for a refused service URL throw instead of calling out. */
export class GuardedAuthentication extends BotFrameworkAuthentication {
  constructor(
    private readonly inner: BotFrameworkAuthentication,
    private readonly policy: ServiceUrlPolicy,
  ) {
    super();
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader).catch(asUnauthorised);
    return result.connectorFactory ? { ...result, connectorFactory: this.guard(result.connectorFactory) } : result;
  }
  override authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
  }
  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.guard(this.inner.createConnectorFactory(claimsIdentity));
  }
  override createUserTokenClient(claimsIdentity: ClaimsIdentity) {
    return this.inner.createUserTokenClient(claimsIdentity);
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

  private guard(factory: ConnectorFactory): ConnectorFactory {
    const policy = this.policy;
    return {
      async create(serviceUrl: string, audience?: string) {
        const client = await factory.create(serviceUrl, audience);
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
