/**
 * Conversations with the bot through botbuilder's TestAdapter: the real pipeline, dialogs,
 * knowledge and safety screen, a real lowdb store and a fixed clock; only the transport is the
 * test adapter. Each test reads as a transcript.
 */
import { expect } from 'chai';
import { ConversationState, MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import { DIALOG_STATE_MANAGER_CONFIGURATION, DialogSet, type DialogState } from '../../dialogs/dialogsSdk.js';
import { FixedClock } from '../../bot/clock.js';
import { loadConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/log.js';
import { composeBot, type BotParts } from '../../bot/main.js';
import type { KnowledgeSearch } from '../../dialogs/RootDialog.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { makeTempDir } from '../helpers/tempDir.js';

type Mdu = { intent: string; topic?: string; candidates?: string[]; locale: string };
const mdu = (a: Partial<Activity>) => (a.channelData as { mdu: Mdu }).mdu;

describe('conversations (TestAdapter transcripts)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let store: LowdbStorage;
  let parts: BotParts;
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', TEAMS_TENANT_ID: 'hospital-tenant' });
  const clock = new FixedClock('2026-11-24T15:00:00+01:00');

  before(async () => {
    tmp = makeTempDir();
    store = await LowdbStorage.open({ dataDir: tmp.dir, createIfMissing: true });
    const real = composeBot(config, store, clock, createLogger('silent'));
    // The real search, except that "droits ?" is made ambiguous on purpose, so the clarify flow is tested whatever the ranking.
    const search: KnowledgeSearch = {
      search: (text, options) =>
        text.trim() === 'droits ?'
          ? {
              locale: 'fr',
              decision: 'clarify',
              hits: [
                { topicId: 'rights.record', score: 2, confidence: 0.5 },
                { topicId: 'rights.consent', score: 1.9, confidence: 0.48 },
              ],
            }
          : real.index.search(text, options),
    };
    parts = composeBot(config, store, clock, createLogger('silent'), { search });
  });
  after(async () => {
    await store.close();
    tmp.cleanup();
  });

  let conversationCount = 0;
  const adapter = (locale = 'fr-FR', channelId = 'webchat') =>
    new TestAdapter(async (context) => parts.bot.run(context), {
      channelId,
      locale,
      conversation: { id: `dialog-${++conversationCount}`, isGroup: false, conversationType: 'personal', name: '', tenantId: 'hospital-tenant' },
      channelData: channelId === 'msteams' ? { tenant: { id: 'hospital-tenant' } } : undefined,
    } as Partial<Activity>);

  it('asks which topic was meant, then answers the number typed', async () => {
    await adapter()
      .send('droits ?')
      .assertReply((r) => {
        expect(mdu(r)).to.deep.include({ intent: 'clarify', candidates: ['rights.record', 'rights.consent'] });
        expect(r.suggestedActions!.actions.map((a) => (a.value as { id: string }).id)).to.deep.equal(['rights.record', 'rights.consent']);
      })
      .send('2')
      .assertReply((r) => expect(mdu(r)).to.include({ intent: 'answer', topic: 'rights.consent' }))
      .startTest();
  });

  it('asks which topic was meant, then answers the button pressed', async () => {
    await adapter()
      .send('droits ?')
      .assertReply((r) => expect(mdu(r).intent).to.equal('clarify'))
      .send({ type: 'message', text: 'Accéder à son dossier médical', value: { mdu: 'topic', id: 'rights.record' } } as Partial<Activity>)
      .assertReply((r) => expect(mdu(r)).to.include({ intent: 'answer', topic: 'rights.record' }))
      .startTest();
  });

  it("hands each turn the dialogs' configuration built once, under the key the SDK reads it from", async () => {
    // bot/TurnPipeline.ts relies on botbuilder-dialogs keeping a turn's configuration under this key.
    const probe = new TestAdapter(async (context) => {
      const dialogContext = await new DialogSet(new ConversationState(new MemoryStorage()).createProperty<DialogState>('dialogs')).createContext(context);
      expect(context.turnState.get(DIALOG_STATE_MANAGER_CONFIGURATION)).to.equal(dialogContext.state.configuration);
      await context.sendActivity('checked');
    });
    await probe.send('hello').assertReply('checked').startTest();
    // Two clarifying turns in a row: the second reuses the first's configuration.
    const pipeline = parts.pipeline as unknown as { dialogStateConfiguration: unknown };
    await adapter().send('droits ?').startTest();
    const built = pipeline.dialogStateConfiguration;
    expect(built).to.not.equal(undefined);
    await adapter().send('droits ?').startTest();
    expect(pipeline.dialogStateConfiguration).to.equal(built);
  });

  it('takes a new question instead of a choice as a new question', async () => {
    await adapter()
      .send('droits ?')
      .assertReply((r) => expect(mdu(r).intent).to.equal('clarify'))
      .send("C'est quoi un GEM ?")
      .assertReply((r) => expect(mdu(r)).to.include({ intent: 'answer', topic: 'peer.gem' }))
      .startTest();
  });

  it('puts the help first when a crisis message comes in the middle of a question', async () => {
    await adapter()
      .send('droits ?')
      .assertReply((r) => expect(mdu(r).intent).to.equal('clarify'))
      .send("j'ai plus envie de vivre")
      .assertReply((r) => {
        expect(mdu(r).intent).to.equal('crisis');
        expect(r.text).to.include('3114');
      })
      .startTest();
  });

  it('welcomes a new member, and answers greetings and thanks as small talk', async () => {
    await adapter('en-US')
      .send({ type: 'conversationUpdate', membersAdded: [{ id: 'user', name: 'Visitor' }], recipient: { id: 'bot' } } as Partial<Activity>)
      .assertReply((r) => expect(mdu(r)).to.include({ intent: 'welcome', locale: 'en-US' }))
      .send('hello')
      .assertReply((r) => expect(mdu(r).intent).to.equal('smalltalk'))
      .send('thanks a lot')
      .assertReply((r) => expect(mdu(r).intent).to.equal('smalltalk'))
      .startTest();
  });

  it('declines medical advice and offers what the MDU can do instead', async () => {
    await adapter()
      .send('Quelle dose de lithium je dois prendre ?')
      .assertReply((r) => {
        expect(mdu(r).intent).to.equal('medical');
        expect(r.suggestedActions!.actions.length).to.be.greaterThan(0);
      })
      .startTest();
  });

  it('answers a question about emergency numbers as an answer, not an alarm', async () => {
    await adapter()
      .send("la prévention du suicide, c'est quel numéro ?")
      .assertReply((r) => {
        expect(mdu(r)).to.include({ intent: 'answer', topic: 'help.emergency' });
        expect(r.text).to.include('3114');
      })
      .startTest();
  });

  it('gives hospital staff in Teams the answer written for professionals', async () => {
    const staffTopic = parts.knowledge.byId.get('mdu.what')!;
    await adapter('fr-FR', 'msteams')
      .send("C'est quoi la maison des usagers ?")
      .assertReply((r) => {
        expect(mdu(r)).to.include({ intent: 'answer', topic: 'mdu.what' });
        const expected = staffTopic.answers['fr-staff'] ?? staffTopic.answers.fr;
        expect(r.text).to.include(expected.split('\n')[0]!.slice(0, 40));
      })
      .startTest();
  });

  it('answers staff in Teams in the language they wrote, whatever the language of their Teams app', async () => {
    await adapter('en-US', 'msteams')
      .send("Comment orienter un patient vers la maison des usagers ?")
      .assertReply((r) => expect(mdu(r).locale).to.equal('fr-FR'))
      .send('How do I suggest the MDU to a patient?')
      .assertReply((r) => expect(mdu(r).locale).to.equal('en-US'))
      .startTest();
  });

  it('answers a question that only mentions the emergency department with its real topic, not the numbers', async () => {
    await adapter()
      .send("Je ne suis pas content de l'accueil aux urgences, comment faire une réclamation ?")
      .assertReply((r) => expect(mdu(r)).to.include({ intent: 'answer', topic: 'rights.complaint' }))
      .send('Le médecin doit-il m’expliquer mon traitement ?')
      .assertReply((r) => expect(mdu(r)).to.include({ intent: 'answer', topic: 'rights.information' }))
      .startTest();
  });
});
