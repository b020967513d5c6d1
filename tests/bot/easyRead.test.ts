/**
 * Easy read through the real bot (HTTP, expectReplies): turned on by a button or the page's switch,
 * kept in the conversation's state for every later reply (answers, crisis, medical refusal), only
 * in that conversation, and turned off again.
 */
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { EASY_READ_KEYS, BotMessages } from '../../knowledge/BotMessages.js';
import { lintEasyRead } from '../../knowledge/easyReadLint.js';
import { LOCALES } from '../../knowledge/schema.js';
import path from 'node:path';
import { ROOT } from '../helpers/realTopics.js';
import { mduOf, startTestBot, type TestBot } from '../helpers/testBot.js';

function buttons(activity: Partial<Activity> | undefined): string[] {
  return (activity?.suggestedActions?.actions ?? []).map((a) => String(a.title));
}

function easyOf(activity: Partial<Activity> | undefined): unknown {
  return (mduOf(activity) as { easyRead?: unknown }).easyRead;
}

describe('easy read, kept for the conversation', function () {
  this.timeout(60_000);
  let bot: TestBot;
  before(async () => {
    bot = await startTestBot({ RATE_LIMIT_MESSAGES: '0' });
  });
  after(async () => {
    await bot.stop();
  });

  const conversationId = 'easy-1';
  const say = (text: string, value?: unknown) => bot.say(text, { conversationId, locale: 'fr-FR', ...(value === undefined ? {} : { value }) });

  it('an answer that has an easy-read version offers it first, and says easy read is off', async () => {
    const [answer] = await say("C'est quoi la maison des usagers ?");
    expect(mduOf(answer)).to.include({ intent: 'answer', topic: 'mdu.what' });
    expect(buttons(answer)[0]).to.equal('Lecture facile');
    expect(easyOf(answer)).to.equal(false);
  });

  it('the page’s switch turns it on: the last answer comes again, in easy read', async () => {
    const [reply] = await say('', { mdu: 'easyRead', on: true });
    expect(mduOf(reply)).to.include({ intent: 'answer', topic: 'mdu.what' });
    expect(reply!.text).to.include("On vous y accueille et on vous écoute.");
    expect(easyOf(reply)).to.equal(true);
    expect(buttons(reply)[0]).to.equal('Version complète');
  });

  it('the next answers come in easy read, one sentence a paragraph', async () => {
    const [answer] = await say('Comment obtenir mon dossier médical ?');
    expect(mduOf(answer)).to.include({ intent: 'answer', topic: 'rights.record' });
    expect(answer!.text).to.include('Vous avez le droit de le lire.\n\nVous pouvez aussi en avoir une copie.');
    expect(easyOf(answer)).to.equal(true);
  });

  it('a topic with no easy-read version comes in full, with no easy-read button, and easy read stays on', async () => {
    const [answer] = await say('', { mdu: 'topic', id: 'peer.gem' });
    expect(mduOf(answer)).to.include({ topic: 'peer.gem' });
    expect(buttons(answer)).not.to.include('Lecture facile');
    expect(buttons(answer)).not.to.include('Version complète');
    expect(easyOf(answer)).to.equal(true);
  });

  it('a crisis gets the numbers in easy read', async () => {
    const replies = await say('je veux mourir, je vais me suicider');
    const crisis = replies.find((r) => mduOf(r).intent === 'crisis');
    expect(crisis?.text).to.include("Vous n'êtes pas seul ou seule.");
    expect(crisis?.text).to.include('3114');
    expect(crisis?.text).to.include('Appelez le 15 ou le 112.');
  });

  it('a medical question gets the refusal in easy read', async () => {
    const replies = await say('Est-ce que je peux arrêter mon traitement ?');
    const medical = replies.find((r) => mduOf(r).intent === 'medical');
    expect(medical?.text).to.include('Je ne suis pas médecin.');
  });

  it('another conversation is not in easy read', async () => {
    const [answer] = await bot.say("C'est quoi la maison des usagers ?", { conversationId: 'easy-2', locale: 'fr-FR' });
    expect(answer!.text).not.to.include('On vous y accueille');
    expect(easyOf(answer)).to.equal(false);
  });

  it('« Version complète » under an answer turns it off and shows that answer in full', async () => {
    const [reply] = await say('', { mdu: 'easyRead', on: false, topic: 'rights.record' });
    expect(mduOf(reply)).to.include({ topic: 'rights.record' });
    expect(reply!.text).to.include('directement');
    expect(easyOf(reply)).to.equal(false);
    const [next] = await say("C'est quoi la maison des usagers ?");
    expect(next!.text).not.to.include('On vous y accueille');
  });

  it('asked in words: « lecture facile », « plus simple svp », « je comprends pas » turn it on; « version complète » off', async () => {
    const id = 'easy-words';
    const [first] = await bot.say('lecture facile', { conversationId: id, locale: 'fr-FR' });
    expect(first!.text).to.include("J'écris maintenant en **lecture facile**.");
    expect(easyOf(first)).to.equal(true);
    const [off] = await bot.say('version complète', { conversationId: id, locale: 'fr-FR' });
    expect(easyOf(off)).to.equal(false);
    await bot.say('', { conversationId: id, locale: 'fr-FR', value: { mdu: 'topic', id: 'help.listening' } });
    const [again] = await bot.say("je comprends pas", { conversationId: id, locale: 'fr-FR' });
    expect(mduOf(again)).to.include({ topic: 'help.listening' });
    expect(again!.text).to.include('Vous avez besoin de parler ?');
    const [en] = await bot.say('easy read please', { conversationId: 'easy-words-en', locale: 'en-US' });
    expect(en!.text).to.include('I now write in **easy read**.');
  });

  it('a question that only starts like it is still a question', async () => {
    const [answer] = await bot.say('je ne comprends pas pourquoi on m’a hospitalisé sans mon accord', { conversationId: 'easy-question', locale: 'fr-FR' });
    expect(mduOf(answer).intent).not.to.equal('smalltalk');
    expect(easyOf(answer) ?? false).to.equal(false);
  });

  it('the bot’s own easy-read phrases follow the easy-read rules', () => {
    const messages = BotMessages.fromFile(path.join(ROOT, 'knowledge/messages.yaml'));
    for (const key of EASY_READ_KEYS) for (const locale of LOCALES) expect(lintEasyRead(messages.get(key, locale), locale), `${key}.${locale}`).to.deep.equal([]);
  });
});
