/**
 * What GuardedAuthentication keeps between requests: in local mode the SDK's anonymous answer
 * (the same for every request), never a real identity; connector clients per app id, service URL
 * and audience, with the service URL policy still applied on every use.
 */
import { expect } from 'chai';
import { ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import { BotFrameworkAuthentication, ClaimsIdentity, type AuthenticateRequestResult, type ConnectorFactory } from 'botframework-connector';
import { GuardedAuthentication, ServiceUrlPolicy } from '../../bot/ServiceUrlGuard.js';

const message = (extra: Partial<Activity> = {}) => ({ type: 'message', channelId: 'webchat', serviceUrl: 'http://127.0.0.1:9', recipient: { id: 'bot' }, ...extra }) as Activity;

/** An authentication that answers with the given claims and counts its calls. */
class CountingAuthentication extends BotFrameworkAuthentication {
  calls = 0;
  constructor(private readonly claims: { type: string; value: string }[]) {
    super();
  }
  override async authenticateRequest(): Promise<AuthenticateRequestResult> {
    this.calls++;
    return { audience: 'audience', callerId: undefined, claimsIdentity: new ClaimsIdentity(this.claims, 'test'), connectorFactory: { create: async () => ({}) } as unknown as ConnectorFactory };
  }
  override authenticateStreamingRequest(): Promise<AuthenticateRequestResult> {
    throw new Error('not used');
  }
  override createConnectorFactory(): ConnectorFactory {
    throw new Error('not used');
  }
  override createUserTokenClient(): never {
    throw new Error('not used');
  }
  override createBotFrameworkClient(): never {
    throw new Error('not used');
  }
  override getOriginatingAudience(): string {
    return 'audience';
  }
  override authenticateChannelRequest(): Promise<ClaimsIdentity> {
    throw new Error('not used');
  }
}

describe('security: what GuardedAuthentication keeps', () => {
  const policy = new ServiceUrlPolicy(() => 'http://127.0.0.1:9', []);

  it('in local mode, asks the SDK once for its anonymous answer and reuses it', async () => {
    const auth = new GuardedAuthentication(new ConfigurationBotFrameworkAuthentication({}), policy, { anonymous: true });
    const first = await auth.authenticateRequest(message(), '');
    const second = await auth.authenticateRequest(message(), 'Bearer whatever');
    expect(first.claimsIdentity.claims).to.deep.equal([]);
    expect(second).to.equal(first);
    // An Emulator skill call gets its own answer.
    const skill = await auth.authenticateRequest(message({ channelId: 'emulator', recipient: { id: 'bot', name: 'bot', role: 'skill' } }), '');
    expect(skill).to.not.equal(first);
  });

  it('never reuses an answer that carries an identity, even when told the mode is anonymous', async () => {
    const inner = new CountingAuthentication([{ type: 'aud', value: 'app' }]);
    const auth = new GuardedAuthentication(inner, policy, { anonymous: true });
    await auth.authenticateRequest(message(), 'Bearer a');
    await auth.authenticateRequest(message(), 'Bearer b');
    expect(inner.calls).to.equal(2);
  });

  it('outside local mode, asks the SDK on every request', async () => {
    const inner = new CountingAuthentication([]);
    const auth = new GuardedAuthentication(inner, policy);
    await auth.authenticateRequest(message(), '');
    await auth.authenticateRequest(message(), '');
    expect(inner.calls).to.equal(2);
  });

  it('keeps one connector client per service URL, and still refuses a URL the policy does not allow', async () => {
    const auth = new GuardedAuthentication(new ConfigurationBotFrameworkAuthentication({}), policy, { anonymous: true });
    const { connectorFactory, audience } = await auth.authenticateRequest(message(), '');
    const allowed = await connectorFactory!.create('http://127.0.0.1:9', audience);
    expect(await connectorFactory!.create('http://127.0.0.1:9', audience)).to.equal(allowed);
    const refused = await connectorFactory!.create('http://attacker.example', audience);
    let error: unknown;
    await refused.conversations.sendToConversation('c', { type: 'message' }).catch((e: unknown) => (error = e));
    expect((error as Error).message).to.match(/service URL is not allowed/);
  });
});
