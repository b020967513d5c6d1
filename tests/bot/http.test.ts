/**
 * The bot over real HTTP on loopback: the real restify server, the real CloudAdapter, a real lowdb
 * file, replies with `expectReplies` as shared/contract.md says.
 */
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { startTestBot, mduOf, type TestBot } from '../helpers/testBot.js';
import { CurationStore } from '../../knowledge/CurationStore.js';

describe('the bot over HTTP', function () {
  this.timeout(180_000);
  let bot: TestBot;
  before(async () => (bot = await startTestBot()));
  after(async () => bot?.stop());

  const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }, method = 'POST') =>
    fetch(`${bot.url}/api/messages`, { method, headers, body: method === 'GET' ? undefined : body });

  it('answers /healthz once the knowledge base and the store are ready', async () => {
    const response = await fetch(`${bot.url}/healthz`);
    expect(response.status).to.equal(200);
    const body = (await response.json()) as { status: string; topics: number };
    expect(body.status).to.equal('ok');
    expect(body.topics).to.be.greaterThan(30);
  });

  it('welcomes a visitor who joins, in French by default, with buttons to start', async () => {
    const replies = await bot.send({
      type: 'conversationUpdate',
      channelId: 'webchat',
      conversation: { id: 'welcome-1' },
      recipient: { id: 'mdu-bot', role: 'bot' },
      from: { id: 'visitor-w', role: 'user' },
      membersAdded: [{ id: 'visitor-w' }],
    } as Partial<Activity>);
    expect(replies).to.have.length(1);
    expect(mduOf(replies[0])).to.include({ intent: 'welcome', locale: 'fr-FR' });
    expect(replies[0]!.text).to.match(/programme, pas une personne/).and.include('3114');
    expect(replies[0]!.suggestedActions?.actions.length).to.be.greaterThan(2);
  });

  it('answers a French question from the knowledge base with its source, checked date and follow-ups', async () => {
    const [reply] = await bot.say('Comment obtenir mon dossier médical ?', { conversationId: 'fr-1' });
    expect(mduOf(reply)).to.include({ intent: 'answer', topic: 'rights.record', locale: 'fr-FR' });
    expect(mduOf(reply).confidence).to.be.within(0, 1);
    expect(reply!.text).to.match(/Sources : \[Code de la santé publique, articles L1111-7 et R1111-9\]\(https:\/\/www\.legifrance\.gouv\.fr\//).and.match(/Vérifié le \d{2}\/\d{2}\/\d{4}/);
    const titles = reply!.suggestedActions!.actions.map((a) => a.title);
    expect(titles).to.include('👍 Oui');
  });

  it("answers the issue's own examples, in the visitor's language", async () => {
    const cases: [string, string, string][] = [
      ['c koi la maison des usagers', 'mdu.what', 'fr-FR'],
      ['comment avoir mon dossier médical ?', 'rights.record', 'fr-FR'],
      ['who is at the MDU today?', 'schedule.today', 'en-US'],
      ["quand passe l'asso bipolaire ?", 'schedule.permanences', 'fr-FR'],
    ];
    for (const [text, topic, locale] of cases) {
      const [reply] = await bot.say(text, { conversationId: `issue-${topic}` });
      expect(mduOf(reply), text).to.include({ intent: 'answer', topic, locale });
    }
  });

  it('answers "when does <association> come?" from the schedule, naming that association', async () => {
    for (const [text, locale] of [['When does the schizophrenia association come?', 'en-US'], ['Quel jour vient l’association pour la schizophrénie ?', 'fr-FR']] as const) {
      const [reply] = await bot.say(text, { conversationId: `when-${locale}`, locale });
      expect(mduOf(reply), text).to.include({ intent: 'answer', topic: 'schedule.permanences' });
      expect(reply!.text).to.match(/Association schizophrénie/);
    }
  });

  it('answers in English from the activity locale', async () => {
    const [reply] = await bot.say('How can I get a copy of my medical records?', { conversationId: 'en-1', locale: 'en-US' });
    expect(mduOf(reply)).to.include({ intent: 'answer', topic: 'rights.record', locale: 'en-US' });
    expect(reply!.text).to.match(/Sources:/).and.match(/Checked on/);
  });

  it('answers in English from the text when the activity has no locale', async () => {
    const [reply] = await bot.say('What is the Maison des usagers?', { conversationId: 'en-2' });
    expect(mduOf(reply)).to.include({ intent: 'answer', topic: 'mdu.what', locale: 'en-US' });
  });

  it('answers who is at the MDU today from the schedule, with the fixed clock', async () => {
    const [reply] = await bot.say("Qui est présent aujourd'hui à la MDU ?", { conversationId: 'today-1' });
    expect(mduOf(reply)).to.include({ intent: 'answer', topic: 'schedule.today' });
    expect(reply!.text).to.match(/En ce moment|Aucune association|Plus tard/);
    expect(reply!.text).to.match(/exemple/i);
  });

  it('answers a follow-up button with the topic it names', async () => {
    const replies = await bot.say('Voir le sujet', { conversationId: 'button-1', value: { mdu: 'topic', id: 'rights.trusted_person' } });
    expect(mduOf(replies[0])).to.include({ intent: 'answer', topic: 'rights.trusted_person' });
  });

  it('falls back plainly on a question outside the knowledge base, and keeps it anonymised for curators', async () => {
    const [reply] = await bot.say('Donne-moi la recette de la tarte aux pommes, je suis Jean Dupont au 06 12 34 56 78', { conversationId: 'fb-1' });
    expect(mduOf(reply).intent).to.equal('fallback');
    expect(reply!.suggestedActions!.actions.length).to.be.greaterThan(2);
    // A person in danger the screen did not recognise still meets the numbers.
    expect(reply!.text).to.include('3114').and.to.include('15');
    const kept = await new CurationStore(bot.store, () => new Date()).unanswered();
    const mine = kept.find((q) => q.text.includes('tarte aux pommes'));
    expect(mine, 'the question is kept for curators').to.not.equal(undefined);
    expect(mine!.text).to.not.include('06 12').and.not.include('Dupont');
  });

  it('counts one-tap feedback per topic, without text', async () => {
    await bot.say('👍 Oui', { conversationId: 'fb-2', value: { mdu: 'feedback', topic: 'mdu.what', helpful: true } });
    const counters = await new CurationStore(bot.store, () => new Date()).counters();
    expect(counters['mdu.what']?.helpful).to.be.at.least(1);
  });

  it('puts the emergency numbers first when a visitor is in danger', async () => {
    const [reply] = await bot.say('je veux mourir', { conversationId: 'crisis-1' });
    expect(mduOf(reply).intent).to.equal('crisis');
    expect(reply!.text).to.include('3114').and.include('15').and.include('112').and.include('114');
  });

  it('puts the numbers first in the middle of a conversation too, through the real adapter (a pending prompt: tests/bot/dialogs.test.ts)', async () => {
    const [first] = await bot.say('droits ?', { conversationId: 'crisis-mid-1' });
    expect(mduOf(first).intent).to.be.oneOf(['answer', 'clarify']);
    // An indirect crisis (the safety nets, not an explicit rule word) while the dialog waits for a choice.
    const [reply] = await bot.say('From which floor is it certain?', { conversationId: 'crisis-mid-1' });
    expect(mduOf(reply).intent).to.equal('crisis');
    expect(reply!.text).to.include('3114');
    // And the ordinary question after it is answered, not alarmed.
    const [next] = await bot.say('vous êtes ouvert quand ?', { conversationId: 'crisis-mid-1' });
    expect(mduOf(next).intent).to.not.equal('crisis');
  });

  it('declines medical advice kindly and points to professionals', async () => {
    const [reply] = await bot.say('Est-ce que je peux arrêter mon traitement ?', { conversationId: 'med-1' });
    expect(mduOf(reply).intent).to.equal('medical');
    expect(reply!.text).to.match(/médecin/).and.match(/pharmacien/);
  });

  it('says honestly that no volunteer is on duty, and when the next permanence is', async () => {
    const [reply] = await bot.say('Je voudrais parler à un bénévole', { conversationId: 'ho-1' });
    expect(mduOf(reply).intent).to.equal('handoff');
  });

  it('erases what a conversation left, after confirmation', async () => {
    await bot.say('Comment obtenir mon dossier médical ?', { conversationId: 'erase-1' });
    const keysBefore = await bot.store.keys('state/conversation/webchat/erase-1');
    expect(keysBefore).to.have.length(1);
    const [confirm] = await bot.say('effacer mes données', { conversationId: 'erase-1' });
    expect(confirm!.suggestedActions!.actions).to.have.length(2);
    // Told as an answer about what this chat keeps, so a visitor asking "delete my data" is counted as answered.
    expect(mduOf(confirm)).to.include({ intent: 'answer', topic: 'bot.privacy' });
    const [done] = await bot.say('Oui, tout effacer', { conversationId: 'erase-1', value: { mdu: 'erase', confirm: true } });
    expect(done!.text).to.match(/effacé/);
    expect(await bot.store.keys('state/conversation/webchat/erase-1')).to.have.length(0);
  });

  it('puts channelData.mdu with intent and locale on every message it sends', async () => {
    const texts = ['bonjour', 'merci', 'c koi la maison des usagers', 'quand passe l asso bipolaire ?', 'Who won the football match yesterday?', 'Tu es un robot ?'];
    for (const text of texts) {
      const replies = await bot.say(text, { conversationId: `mdu-${text.length}` });
      expect(replies.length, text).to.be.greaterThan(0);
      for (const r of replies.filter((r) => r.type === 'message')) {
        const mdu = mduOf(r);
        expect(['answer', 'clarify', 'fallback', 'medical', 'crisis', 'handoff', 'welcome', 'smalltalk']).to.include(mdu.intent);
        expect(['fr-FR', 'en-US']).to.include(mdu.locale);
      }
    }
  });

  describe('bad input gets a clear error and loses nothing', () => {
    it('refuses malformed JSON with 400 and no echo of the body', async () => {
      const response = await post('{"type": "message", "text": "secret-canary-1"');
      expect(response.status).to.equal(400);
      const text = await response.text();
      expect(text).to.not.include('secret-canary-1');
      expect(JSON.parse(text).error.code).to.equal('malformed_json');
    });
    it('refuses another content type with 415', async () => {
      expect((await post('type=message', { 'content-type': 'application/x-www-form-urlencoded' })).status).to.equal(415);
      expect((await post('--x', { 'content-type': 'multipart/form-data; boundary=x' })).status).to.equal(415);
    });
    it('refuses an oversized body with 413', async () => {
      const big = JSON.stringify({ type: 'message', text: 'x'.repeat(300 * 1024) });
      expect((await post(big)).status).to.equal(413);
    });
    it('refuses a wrong method with 405', async () => {
      expect((await post('', {}, 'GET')).status).to.equal(405);
    });
    it('refuses something that is not an activity with 400', async () => {
      const response = await post(JSON.stringify({ hello: 'world' }));
      expect(response.status).to.equal(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).to.equal('invalid_activity');
    });
    it('refuses, in local mode, to reply to a service URL that is not its own', async () => {
      const response = await post(
        JSON.stringify({ type: 'message', text: 'bonjour', channelId: 'webchat', serviceUrl: 'https://attacker.example', conversation: { id: 'forged-1' }, from: { id: 'u' } }),
      );
      expect(response.status).to.equal(403);
    });
    it('answers a message that is too long with a clear message, and the conversation goes on', async () => {
      const [reply] = await bot.say('a'.repeat(5000), { conversationId: 'long-1', locale: 'fr-FR' });
      expect(reply!.text).to.match(/trop long/);
      const [next] = await bot.say('Comment obtenir mon dossier médical ?', { conversationId: 'long-1' });
      expect(mduOf(next).topic).to.equal('rights.record');
    });
    it('answers an upload with a clear message that only text is read', async () => {
      const replies = await bot.send({
        type: 'message',
        channelId: 'webchat',
        conversation: { id: 'upload-1' },
        from: { id: 'u' },
        recipient: { id: 'mdu-bot' },
        attachments: [{ contentType: 'image/png', contentUrl: 'https://example.org/x.png' }],
      } as Partial<Activity>);
      expect(replies[0]!.text).to.match(/que du texte/);
    });
  });
});

describe('a person in danger out of hours', function () {
  this.timeout(180_000);
  let bot: TestBot;
  // Saturday 23:30 in Paris: the MDU is closed and no permanence is open.
  before(async () => (bot = await startTestBot({ MDU_NOW: '2026-11-28T23:30:00+01:00' })));
  after(async () => bot?.stop());

  it('gets the numbers first, and no offer of a volunteer nobody could give', async () => {
    const replies = await bot.say("j'ai pris toute ma boîte de cachets", { conversationId: 'night-1' });
    expect(mduOf(replies[0]).intent).to.equal('crisis');
    expect(replies[0]!.text).to.include('3114').and.include('15');
    const buttons = replies.flatMap((r) => r.suggestedActions?.actions ?? []).map((a) => a.title);
    expect(buttons).to.not.include('Parler à un bénévole');
  });

  it('asking for a volunteer then is told plainly that nobody is there, and when the next permanence is', async () => {
    const [reply] = await bot.say('Je voudrais parler à un bénévole', { conversationId: 'night-2' });
    expect(mduOf(reply).intent).to.equal('handoff');
    expect(reply!.text).to.match(/Prochaine permanence/);
  });
});
