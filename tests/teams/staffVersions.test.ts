/**
 * Every topic through the Teams path (the real adapter and server, a Teams-shaped activity from a
 * member of staff): the staff version where the topic has one, written to staff; and the crisis
 * and medical replies meant for a professional.
 */
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { mduOf, startTestBot, type TestBot } from '../helpers/testBot.js';
import { loadRealTopics } from '../helpers/realTopics.js';
import { LOCALES, type Locale, type Topic } from '../../knowledge/schema.js';
import { TENANT, personalMessage, staffUser } from './teamsActivities.js';

const where = { serviceUrl: 'https://smba.trafficmanager.net/emea/' };
const locales: Record<Locale, string> = { fr: 'fr-FR', en: 'en-US' };

/** Words that show an answer speaks to a professional about a patient or a family, not to the patient. */
const ADDRESSES_STAFF: Record<Locale, RegExp> = {
  fr: /\b(un patient|le patient|au patient|d'un patient|patients|un proche|une famille|orienter|orientez|guider|votre unité|vos patients|la personne|une orientation|pas une prescription|le proposer|suggérer)\b/i,
  en: /\b(a patient|the patient|patients|a relative|a family|refer|guide|your unit|your patients|the person|a referral|not a prescription|suggest)\b/i,
};
/** Words of the visitors' version that must not reach staff ("you can get your record"). */
const TO_THE_PATIENT: Record<Locale, RegExp> = {
  fr: /^Vous pouvez obtenir votre dossier|le médecin qui vous suit|vous n'êtes pas seul/i,
  en: /^You can get your medical record|your doctor\b|you are not alone/i,
};

/** The first words of a section's first line with no placeholder: enough to recognise it. */
function signature(section: string): string {
  const line = section.split('\n').find((l) => l.trim() && !l.includes('{{'))!;
  return line.replace(/\*\*/g, '').trim().slice(0, 40);
}

function plain(text: string | undefined): string {
  return (text ?? '').replace(/\*\*/g, '');
}

/** Topics whose staff version the issue requires. */
const MUST_HAVE_STAFF = ['rights.record', 'rights.involuntary', 'rights.complaint', 'rights.confidentiality', 'rights.isolation', 'schedule.today', 'schedule.permanences', 'mdu.hours'];

describe('Teams: every topic, as staff read it', function () {
  this.timeout(60_000);
  let bot: TestBot;
  const topics: Topic[] = loadRealTopics();
  before(async () => {
    bot = await startTestBot({ TEAMS_TENANT_ID: TENANT, RATE_LIMIT_MESSAGES: '0', RATE_LIMIT_PUBLIC: '0' });
  });
  after(async () => {
    await bot.stop();
  });

  async function askTopic(topic: Topic, locale: Locale): Promise<Partial<Activity>> {
    const replies = await bot.send(personalMessage(staffUser, topic.id, { ...where, locale: locales[locale] }, { mdu: 'topic', id: topic.id, msteams: { type: 'messageBack' } }));
    const answer = replies.find((r) => r.type === 'message');
    expect(mduOf(answer), topic.id).to.include({ intent: 'answer', topic: topic.id });
    return answer!;
  }

  it('the topics the issue names all have a staff version', () => {
    for (const id of MUST_HAVE_STAFF) expect(topics.find((t) => t.id === id)?.answers['fr-staff'], id).to.be.a('string');
  });

  for (const locale of LOCALES) {
    it(`${locale}: each topic uses its staff version where it has one, which speaks to staff; never an easy-read button`, async () => {
      let withStaff = 0;
      for (const topic of topics) {
        const answer = await askTopic(topic, locale);
        const text = plain(answer.text);
        const staff = topic.answers[`${locale}-staff`];
        if (staff) {
          withStaff++;
          expect(text, `${topic.id} (${locale}) should be its staff version`).to.include(signature(staff));
          expect(staff, `${topic.id} (${locale}-staff) should address staff`).to.match(ADDRESSES_STAFF[locale]);
          expect(text, `${topic.id} (${locale}) speaks to the patient`).not.to.match(TO_THE_PATIENT[locale]);
        } else {
          expect(text, topic.id).to.include(signature(topic.answers[locale]));
        }
        expect(JSON.stringify(answer.attachments ?? []), topic.id).not.to.match(/easyRead/);
        expect((answer.channelData as { mdu: Record<string, unknown> }).mdu, topic.id).not.to.have.property('easyRead');
      }
      expect(withStaff).to.be.greaterThanOrEqual(MUST_HAVE_STAFF.length);
    });
  }

  it('a nurse reporting that a patient speaks of suicide gets what a professional does, not a visitor script', async () => {
    const replies = await bot.send(personalMessage(staffUser, 'Un patient vient de me dire qu’il veut se suicider ce soir', where));
    const crisis = replies.find((r) => mduOf(r).intent === 'crisis');
    const text = plain(crisis?.text);
    expect(text).to.include('procédure de votre unité');
    expect(text).to.include('psychiatre de garde');
    expect(text).to.include('CPOA');
    expect(text).to.include('3114 répond aussi aux professionnels');
    expect(text).to.match(/\b15\b/);
    expect(text).not.to.include('vous n’êtes pas seul');
    expect(text).not.to.include("Ce que vous vivez compte");
  });

  it('in English too', async () => {
    const replies = await bot.send(personalMessage(staffUser, 'A patient just told me he wants to kill himself tonight', { ...where, locale: 'en-US' }));
    const text = plain(replies.find((r) => mduOf(r).intent === 'crisis')?.text);
    expect(text).to.include("Follow your unit's procedure");
    expect(text).to.include('3114 also takes calls from professionals');
  });

  it('a member of staff asking a dose gets no clinical advice, and where the references are', async () => {
    const replies = await bot.send(personalMessage(staffUser, 'Quelle dose de lithium je peux donner à mon patient ?', where));
    const medical = replies.find((r) => mduOf(r).intent === 'medical');
    const text = plain(medical?.text);
    expect(text).to.include("Je ne donne pas d'avis clinique, aux professionnels non plus");
    expect(text).to.include("pharmacie de l'hôpital");
    expect(text).not.to.include('le médecin qui vous suit');
  });

  it('a visitor on the website still gets the visitors’ crisis reply', async () => {
    const replies = await bot.say('je veux me suicider ce soir', { conversationId: 'web-crisis', locale: 'fr-FR' });
    const text = plain(replies.find((r) => mduOf(r).intent === 'crisis')?.text);
    expect(text).to.include('vous n’êtes pas seul'.replace('’', "'"));
    expect(text).not.to.include('procédure de votre unité');
  });
});
