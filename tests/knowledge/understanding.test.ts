/**
 * Understanding visitors as they write (issue 15), through the real bot over HTTP: the most
 * common questions are answered at once (never a "which topic?"), slang is no alarm, a person is
 * asked for in many wordings, long messages are read for their question, and two questions in
 * one message get the first answered and the second offered as a button.
 */
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { mduOf, startTestBot, type TestBot } from '../helpers/testBot.js';

/** The first reply that is not a welcome. */
function firstAnswer(replies: Partial<Activity>[]): ReturnType<typeof mduOf> {
  const reply = replies.find((r) => mduOf(r).intent !== 'welcome');
  return mduOf(reply);
}

interface Case {
  text: string;
  locale?: string;
  /** `answer:<topic>`, or an intent. */
  expect: string;
}

function got(replies: Partial<Activity>[]): string {
  const m = firstAnswer(replies);
  return m.intent === 'answer' ? `answer:${m.topic}` : m.intent;
}

describe('understanding: visitors as they really write', function () {
  this.timeout(60_000);
  let bot: TestBot;
  let n = 0;
  before(async () => {
    bot = await startTestBot();
  });
  after(async () => bot?.stop());
  const ask = (text: string, locale?: string) => bot.say(text, { conversationId: `understanding-${++n}`, locale });

  describe('the most common questions are answered directly, never with a "which topic?"', () => {
    const common: Case[] = [
      { text: "Qu'est-ce que la maison des usagers ?", expect: 'answer:mdu.what' },
      { text: "C'est quoi la MDU ?", expect: 'answer:mdu.what' },
      { text: 'Où se trouve la maison des usagers ?', expect: 'answer:mdu.location' },
      { text: "Quels sont les horaires d'ouverture ?", expect: 'answer:mdu.hours' },
      { text: "Qui est là aujourd'hui ?", expect: 'answer:schedule.today' },
      { text: 'Quelles associations sont présentes ?', expect: 'answer:mdu.associations' },
      { text: 'Comment obtenir mon dossier médical ?', expect: 'answer:rights.record' },
      { text: "C'est quoi une personne de confiance ?", expect: 'answer:rights.trusted_person' },
      { text: 'Comment faire une réclamation ?', expect: 'answer:rights.complaint' },
      { text: 'Je peux refuser un traitement ?', expect: 'answer:rights.consent' },
      { text: "C'est quoi un pair aidant ?", expect: 'answer:peer.support' },
      { text: 'Il y a des groupes de parole ?', expect: 'answer:peer.groups' },
      { text: 'Quel numéro appeler en cas d’urgence ?', expect: 'answer:help.emergency' },
      { text: 'Vous êtes un robot ?', expect: 'answer:bot.about' },
      { text: 'What is the Maison des usagers?', locale: 'en-US', expect: 'answer:mdu.what' },
      { text: 'Where is the MDU?', locale: 'en-US', expect: 'answer:mdu.location' },
      { text: 'What are your opening hours?', locale: 'en-US', expect: 'answer:mdu.hours' },
      { text: 'How do I get my medical record?', locale: 'en-US', expect: 'answer:rights.record' },
      { text: 'What is a trusted person?', locale: 'en-US', expect: 'answer:rights.trusted_person' },
      { text: 'How do I make a complaint?', locale: 'en-US', expect: 'answer:rights.complaint' },
      { text: 'What is peer support?', locale: 'en-US', expect: 'answer:peer.support' },
      { text: 'Which associations are at the MDU?', locale: 'en-US', expect: 'answer:mdu.associations' },
      { text: 'Are you a bot?', locale: 'en-US', expect: 'answer:bot.about' },
    ];
    for (const c of common) {
      it(`"${c.text}" → ${c.expect}`, async () => expect(got(await ask(c.text, c.locale))).to.equal(c.expect));
    }
  });

  describe('slang that sounds dangerous is answered, never an alarm', () => {
    const slang: Case[] = [
      { text: 'ça me tue ces horaires, vous fermez à quelle heure ?', expect: 'answer:mdu.hours' },
      { text: "I'm dying to know when you open", locale: 'en-US', expect: 'answer:mdu.hours' },
    ];
    for (const c of slang) it(`"${c.text}" → ${c.expect}`, async () => expect(got(await ask(c.text, c.locale))).to.equal(c.expect));
  });

  describe('asking for a person without the words "bénévole" or "humain"', () => {
    const person: Case[] = [
      { text: 'passez-moi quelqu’un', expect: 'handoff' },
      { text: 'could someone call me back?', locale: 'en-US', expect: 'handoff' },
      { text: 'put me in touch with someone from the MDU', locale: 'en-US', expect: 'handoff' },
      // Ninth session: a person preferred to the bot, a member of staff asking for a peer helper.
      { text: 'Merci le robot, mais je préfère discuter avec une vraie personne.', expect: 'handoff' },
      { text: "I'd rather chat with a flesh-and-blood human than a bot, if that's possible.", locale: 'en-US', expect: 'handoff' },
      { text: "Je suis infirmière, une patiente voudrait échanger aujourd'hui avec un pair-aidant, vous pouvez organiser ça ?", expect: 'handoff' },
    ];
    for (const c of person) it(`"${c.text}" → handoff`, async () => expect(got(await ask(c.text, c.locale))).to.equal(c.expect));
  });

  describe('greetings, thanks and goodbyes are small talk, not unanswered questions', () => {
    const small: Case[] = [
      { text: 'merci, au revoir', expect: 'smalltalk' },
      { text: 'merci beaucoup pour toutes ces explications, bonne journée', expect: 'smalltalk' },
      { text: 'thanks a lot, have a nice evening', locale: 'en-US', expect: 'smalltalk' },
    ];
    for (const c of small) it(`"${c.text}" → smalltalk`, async () => expect(got(await ask(c.text, c.locale))).to.equal(c.expect));
  });

  describe('off-topic messages fall back', () => {
    const off: Case[] = [
      { text: 'quel temps fera-t-il à Marseille dimanche ?', expect: 'fallback' },
      { text: 'give me a good lasagna recipe', locale: 'en-US', expect: 'fallback' },
      // Close to the hospital, outside the MDU (seventh session)
      { text: "c'est payant de se garer sur le parking de l'hôpital ?", expect: 'fallback' },
      { text: 'is the hospital hiring psychiatric nurses at the moment?', locale: 'en-US', expect: 'fallback' },
    ];
    for (const c of off) it(`"${c.text}" → fallback`, async () => expect(got(await ask(c.text, c.locale))).to.equal(c.expect));
  });

  describe('long messages', () => {
    it('a story followed by a question is answered on the question', async () => {
      const text =
        "Bonjour, mon fils a 23 ans, il a été hospitalisé plusieurs fois depuis deux ans et à la maison c'est devenu très dur pour toute la famille. " +
        'Je ne sais plus vers qui me tourner. Existe-t-il un soutien pour les parents comme nous ?';
      expect(got(await ask(text))).to.equal('answer:peer.families');
    });
    it('two questions: the first is answered and the second offered first among the buttons', async () => {
      const text = "Bonjour. Jusqu'à quelle heure êtes-vous ouverts le vendredi ? Et comment on fait pour demander son dossier médical ?";
      const replies = await ask(text);
      const answer = replies.find((r) => mduOf(r).intent === 'answer');
      expect(mduOf(answer).topic).to.equal('mdu.hours');
      const first = answer?.suggestedActions?.actions[0];
      expect(JSON.stringify(first?.value)).to.include('rights.record');
    });
    it('an off-topic question beside a question the MDU answers: the MDU question is answered', async () => {
      // The whole message leans out of scope here; its second question is sure of the opening hours.
      const text = "Is there a cash machine in the hospital? Also, what are the MDU's opening hours on Fridays?";
      expect(got(await ask(text, 'en-US'))).to.equal('answer:mdu.hours');
      const french = "Petite question pratique : il y a un distributeur de billets dans l'hôpital ? Et surtout, quels jours l'UNAFAM tient-elle sa permanence à la MDU ?";
      expect(got(await ask(french))).to.equal('answer:schedule.permanences');
    });
  });
});
