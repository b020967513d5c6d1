/**
 * Store the minimum. A unique canary string goes through every path a visitor's words can take
 * (question, fallback, medical, crisis, a live handoff, erasure), through the website's own
 * Direct Line, then the store file itself is searched: the canary may only be in a live handoff's
 * transcript, the Direct Line history the page reads, and the anonymised unanswered questions
 * (without the phone number and name written next to it). After the visitor's erasure, nothing
 * about the conversation is left but the anonymised question, which carries no conversation id.
 */
import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FixedClock } from '../../bot/clock.js';
import { eraseConversation } from '../../bot/cli/eraseConversation.js';
import { VolunteerAccounts } from '../../handoff/VolunteerAccounts.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { DirectLineVisitor } from '../handoff/botProcess.js';
import { ConsoleClient } from '../handoff/helpers.js';

const CANARY = 'zqcanary4417';
const PHONE = '06 12 34 56 78';
const NAME = 'Dupont';
const PASSWORD = 'un mot de passe de bénévole';
const intent = (a: { channelData?: unknown }) => (a.channelData as { mdu?: { intent?: string } } | undefined)?.mdu?.intent;

/** Where a visitor's words may be kept, and why. */
const ALLOWED = [
  'curation/unanswered/', // anonymised, for curators, UNANSWERED_RETENTION_DAYS
  'handoff/transcript/', // what the volunteer reads during a live handoff, TRANSCRIPT_RETENTION_DAYS
  'directline/conversations/', // what the website's chat page reads back, CONVERSATION_RETENTION_DAYS
];

async function itemsHolding(bot: TestBot, needle: string): Promise<Record<string, unknown>> {
  await bot.store.flush();
  const file = JSON.parse(await fs.readFile(path.join(bot.dataDir, 'store.json'), 'utf8')) as { items: Record<string, unknown> };
  return Object.fromEntries(Object.entries(file.items).filter(([key, item]) => key.includes(needle) || JSON.stringify(item).includes(needle)));
}

describe('privacy: a canary through every path, then the store file', function () {
  this.timeout(180_000);
  let bot: TestBot;
  before(async () => {
    bot = await startTestBot({ HANDOFF_SWEEP_MS: '200', RATE_LIMIT_PUBLIC: '0', RATE_LIMIT_MESSAGES: '0' });
    await new VolunteerAccounts(bot.store, new FixedClock('2026-11-24T15:00:00+01:00')).add('alice', 'Alice', PASSWORD);
  });
  after(async () => bot?.stop());

  it('keeps the words only where allowed, anonymised for curators, and the erasure leaves nothing linked to the conversation', async () => {
    const alice = new ConsoleClient(bot.url);
    expect((await alice.signIn('alice', PASSWORD)).status).to.equal(200);
    expect((await alice.available(true)).status).to.equal(200);

    const visitor = new DirectLineVisitor(bot.url, 'fr-FR');
    await visitor.start();
    const said = async (text: string, value?: unknown) => {
      const mark = visitor.mark;
      await visitor.say(text, value);
      return visitor.waitFor((a) => a.type === 'message' && intent(a) !== 'welcome', 8000, mark);
    };

    expect(intent(await said(`Comment obtenir mon dossier médical ? ${CANARY}`))).to.equal('answer');
    expect(intent(await said(`Donne-moi la recette de la tarte ${CANARY}, je suis Jean ${NAME} au ${PHONE}`))).to.equal('fallback');
    expect(intent(await said(`Est-ce que je peux arrêter mon traitement ${CANARY} ?`))).to.equal('medical');
    expect(intent(await said(`je veux mourir ${CANARY}`))).to.equal('crisis');

    // A live handoff: the volunteer reads the visitor's words.
    await said('Je voudrais parler à un bénévole');
    const request = await alice.waitForQueued();
    expect((await alice.accept(request.id)).status).to.equal(200);
    await visitor.say(`un message pour la bénévole ${CANARY}`);
    const live = await alice.conversation(request.id);
    expect(JSON.stringify(live.body)).to.include(CANARY);
    expect((await alice.send(request.id, `Bonjour, je vous lis (${CANARY}-v)`)).status).to.be.oneOf([200, 201]);
    const beforeEnd = visitor.mark;
    expect((await alice.end(request.id)).status).to.be.oneOf([200, 204]);
    await visitor.waitFor((a) => (a.channelData as { mdu?: { handoff?: { status?: string } } } | undefined)?.mdu?.handoff?.status === 'closed', 8000, beforeEnd);

    const before = await itemsHolding(bot, CANARY);
    const outside = Object.keys(before).filter((key) => !ALLOWED.some((prefix) => key.startsWith(prefix)));
    expect(outside, 'the canary is stored outside the allowed places').to.deep.equal([]);
    const curated = Object.entries(before).filter(([key]) => key.startsWith('curation/unanswered/'));
    expect(curated.length, 'the unanswered question is kept for curators').to.be.greaterThan(0);
    for (const [, item] of curated) expect(JSON.stringify(item)).to.not.include(PHONE).and.not.include(NAME).and.not.include(visitor.conversationId);
    expect(Object.keys(await itemsHolding(bot, PHONE)).filter((k) => !k.startsWith('directline/') && !k.startsWith('handoff/transcript/'))).to.deep.equal([]);

    // The visitor's erasure, from the chat.
    // Answered as bot.privacy (what is kept), with the erase buttons.
    expect(intent(await said('effacer mes données'))).to.equal('answer');
    await said('Oui, tout effacer', { mdu: 'erase', confirm: true });
    const after = await itemsHolding(bot, CANARY);
    expect(Object.keys(after).filter((key) => !key.startsWith('curation/unanswered/')), 'left after the visitor erased their data').to.deep.equal([]);
    const linked = Object.keys(await itemsHolding(bot, visitor.conversationId));
    expect(
      linked.filter((key) => key !== `directline/conversations/${visitor.conversationId}`),
      'nothing else names the conversation after erasure',
    ).to.deep.equal([]);
  });

  it('the coordinator\'s erasure removes state, queue entry, transcript, Direct Line history and remembered ids', async () => {
    const visitor = new DirectLineVisitor(bot.url, 'fr-FR');
    await visitor.start();
    await visitor.say(`Comment obtenir mon dossier médical ? ${CANARY}-2`);
    await visitor.waitFor((a) => a.type === 'message' && intent(a) === 'answer');
    const id = visitor.conversationId;
    await bot.store.write({ [`handoff/transcript/${encodeURIComponent(id)}`]: { entries: [{ text: `${CANARY}-2` }] } });
    // State (with the remembered activity ids: bot/DeliveriesInState.ts), Direct Line history, transcript.
    expect(Object.keys(await itemsHolding(bot, id)).sort(), JSON.stringify(await bot.store.keys(""))).to.have.length(3);
    const stateKey = `state/conversation/directline/${id}`;
    expect((await bot.store.read([stateKey]))[stateKey], 'the remembered ids are in the state').to.have.property('deliveries').with.length.greaterThan(0);

    const report = await eraseConversation(bot.store, id);
    expect(report.removed.state).to.have.length(1);
    expect(report.removed.directLine).to.have.length(1);
    expect(report.removed.handoff).to.have.length(1);
    // No dedupe document on the embedded store: the ids went with the state.
    expect(report.removed.deliveries).to.have.length(0);
    expect(report.stillMentioning).to.deep.equal([]);
    expect(Object.keys(await itemsHolding(bot, id))).to.deep.equal([]);
    expect(Object.keys(await itemsHolding(bot, `${CANARY}-2`))).to.deep.equal([]);
  });
});
