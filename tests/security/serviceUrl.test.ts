/**
 * In local mode nobody authenticates `/api/messages`, so an activity may name any `serviceUrl`.
 * A loopback "attacker" server records what reaches it: a forged service URL must cause no
 * outbound call, in a turn or in a proactive message.
 */
import { expect } from 'chai';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConversationReference } from 'botbuilder';
import { GuardedAuthentication, ServiceUrlPolicy } from '../../bot/ServiceUrlGuard.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { startRecorder, type Recorder } from './attackerServer.js';

describe('security: a forged serviceUrl makes no outbound call', function () {
  this.timeout(180_000);
  let bot: TestBot;
  let attacker: Recorder;
  before(async () => {
    attacker = await startRecorder();
    bot = await startTestBot();
  });
  after(async () => {
    await bot?.stop();
    await attacker?.close();
  });

  const post = (body: Record<string, unknown>) =>
    fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `f-${Math.random()}`,
        channelId: 'webchat',
        conversation: { id: `forged-${Math.random()}` },
        from: { id: 'v' },
        recipient: { id: 'mdu-bot' },
        serviceUrl: attacker.url,
        ...body,
      }),
    });

  it('refuses a normal delivery to a forged service URL (403), for every kind of message', async () => {
    for (const text of ['bonjour', 'je veux mourir', 'Je voudrais parler à un bénévole', 'effacer mes données', 'recette de tarte']) {
      expect((await post({ text })).status, text).to.equal(403);
    }
    expect((await post({ type: 'conversationUpdate', membersAdded: [{ id: 'v' }] })).status).to.equal(403);
    expect((await post({ text: 'bonjour', serviceUrl: `${bot.url}.attacker.example` })).status, 'a look-alike prefix').to.equal(403);
    expect(attacker.requests).to.deep.equal([]);
  });

  it('answers expectReplies in the response body only, whatever the service URL says', async () => {
    const response = await post({ text: 'Je voudrais parler à un bénévole', deliveryMode: 'expectReplies' });
    expect(response.status).to.equal(200);
    expect(((await response.json()) as { activities: unknown[] }).activities.length).to.be.greaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(attacker.requests).to.deep.equal([]);
  });

  it('a proactive message to a forged conversation reference is refused before any call', async () => {
    const policy = new ServiceUrlPolicy(() => bot.url, []);
    const adapter = new CloudAdapter(new GuardedAuthentication(new ConfigurationBotFrameworkAuthentication({}), policy));
    const reference: Partial<ConversationReference> = {
      channelId: 'webchat',
      serviceUrl: attacker.url,
      conversation: { id: 'victim', isGroup: false, conversationType: 'personal', name: '' },
      bot: { id: 'mdu-bot', name: 'MDU' },
      user: { id: 'v', name: '' },
    };
    let refused: Error | undefined;
    await adapter.continueConversationAsync('', reference, async (context) => {
      await context.sendActivity('hello').catch((error: Error) => (refused = error));
    });
    expect(refused?.message).to.match(/service URL is not allowed/);
    expect(attacker.requests).to.deep.equal([]);

    // The control: the same call with the attacker allowed does reach it, so the recorder would have seen a leak.
    const open = new CloudAdapter(new GuardedAuthentication(new ConfigurationBotFrameworkAuthentication({}), new ServiceUrlPolicy(() => bot.url, [attacker.url])));
    await open.continueConversationAsync('', reference, async (context) => {
      await context.sendActivity('hello');
    });
    expect(attacker.requests.length).to.equal(1);
    attacker.requests.length = 0;
  });
});
