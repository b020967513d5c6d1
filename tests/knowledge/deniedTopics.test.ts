/**
 * Messages that name a topic to say it is not the question ("ce n'est pas une réclamation, je
 * voudrais savoir qui sont les représentants"): the clause that puts the topic aside is found
 * (`setAsideDenials`) and the recognizer answers what is asked instead. A negated wish that is
 * itself the question ("je ne veux pas être hospitalisé, ai-je le droit de refuser ?", "I don't
 * want my parents to know") is never set aside. Sentences written for this table, French and English.
 */
import { expect } from 'chai';
import { loadRealTopics, realUnderstanding } from '../helpers/realTopics.js';
import { Understanding } from '../../knowledge/understand/Understanding.js';
import { setAsideDenials } from '../../knowledge/understand/setAsideDenials.js';

interface Case {
  text: string;
  /** The topic answered. */
  topic: string;
  /** The clause set aside (folded), or `null` when nothing may be. */
  denied: string | null;
}

const cases: Case[] = [
  // French: a topic put aside, the question after it
  { text: "ce n'est pas pour une plainte, je voudrais savoir comment contacter les représentants des usagers de l'hôpital", topic: 'rights.user_reps', denied: "ce n'est pas pour une plainte" },
  { text: "c'est pas pour porter plainte, je voudrais savoir qui représente les usagers à la commission", topic: 'rights.user_reps', denied: "c'est pas pour porter plainte" },
  { text: 'c pas une reclamation, qui sont les representants des usagers svp', topic: 'rights.user_reps', denied: 'c pas une reclamation' },
  { text: 'sans vouloir me plaindre, les représentants des usagers, ils servent à quoi ?', topic: 'rights.user_reps', denied: 'sans vouloir me plaindre' },
  { text: "c'est pas une urgence hein, je voulais juste savoir si la MDU est ouverte le samedi", topic: 'mdu.hours', denied: "c'est pas une urgence hein" },
  { text: "je ne demande pas d'avis médical, la MDU c'est ouvert le dimanche ?", topic: 'mdu.hours', denied: "je ne demande pas d'avis medical" },
  { text: 'je ne cherche pas les urgences psychiatriques, je cherche un groupe de parole pour les entendeurs de voix', topic: 'peer.groups', denied: 'je ne cherche pas les urgences psychiatriques' },
  { text: "ce n'est pas un GEM que je cherche, c'est un groupe de parole à l'hôpital", topic: 'peer.groups', denied: "ce n'est pas un gem que" },
  { text: "pas pour me plaindre, mais est-ce que l'UNAFAM tient une permanence chaque semaine chez vous et quel jour ?", topic: 'schedule.permanences', denied: 'pas pour me plaindre' },
  { text: "pas une question sur les horaires d'ouverture, je voudrais le planning des permanences des associations", topic: 'schedule.permanences', denied: "pas une question sur les horaires d'ouverture" },
  { text: 'rien à voir avec mon dossier médical : est-ce que vous avez des pairs aidants ?', topic: 'peer.support', denied: 'rien a voir avec mon dossier medical' },
  { text: "je ne cherche pas un groupe de parole, plutôt quelqu'un qui a vécu la même chose pour en parler seul à seul", topic: 'peer.support', denied: 'je ne cherche pas un groupe de parole' },
  { text: "pas pour les familles, c'est pour moi, c'est quoi la pair aidance ?", topic: 'peer.support', denied: 'pas pour les familles' },
  { text: "sans vouloir faire de réclamation, qui peut m'expliquer si j'ai le droit de refuser un médicament ?", topic: 'rights.consent', denied: 'sans vouloir faire de reclamation' },
  { text: "je ne veux pas faire une réclamation, je veux juste savoir si j'ai le droit de refuser les piqûres", topic: 'rights.consent', denied: 'je ne veux pas faire une reclamation' },
  { text: 'je ne veux pas porter plainte, je veux juste savoir si ce que je raconte à la MDU reste entre nous', topic: 'mdu.confidentiality', denied: 'je ne veux pas porter plainte' },
  { text: "ce n'est pas au sujet du secret médical, est-ce que ce que je dis aux bénévoles de la MDU est confidentiel ?", topic: 'mdu.confidentiality', denied: "ce n'est pas au sujet du secret medical" },
  { text: "ma question ne concerne pas l'hospitalisation sous contrainte, c'est sur les directives anticipées", topic: 'rights.advance_directives', denied: "ma question ne concerne pas l'hospitalisation sous contrainte" },
  { text: "je ne parle pas de la personne de confiance, je parle des directives anticipées, c'est quoi ?", topic: 'rights.advance_directives', denied: 'je ne parle pas de la personne de confiance' },
  { text: "ce n'est pas pour mon dossier, c'est pour savoir qui tient la permanence aujourd'hui", topic: 'schedule.today', denied: "ce n'est pas pour mon dossier" },
  { text: "je ne cherche pas les horaires, je voudrais savoir qui est là aujourd'hui", topic: 'schedule.today', denied: 'je ne cherche pas les horaires' },
  { text: "je ne parle pas de l'isolement, je voudrais savoir comment désigner une personne de confiance", topic: 'rights.trusted_person', denied: "je ne parle pas de l'isolement" },
  { text: "ce n'est pas une question médicale, je voudrais savoir ce qu'on peut faire concrètement à la maison des usagers", topic: 'mdu.services', denied: "ce n'est pas une question medicale" },
  { text: "ce n'est pas un lieu de soins je sais bien, mais qu'est-ce qu'on peut y faire ?", topic: 'mdu.services', denied: "ce n'est pas un lieu de soins je sais bien" },
  { text: "je cherche pas un psy, je cherche une asso qui aide les parents d'un enfant malade", topic: 'peer.families', denied: 'je cherche pas un psy' },
  { text: 'je ne cherche pas un groupe de parole, je veux déposer une réclamation contre le service', topic: 'rights.complaint', denied: 'je ne cherche pas un groupe de parole' },
  { text: "rien à voir avec l'isolement, je veux savoir comment sortir d'une hospitalisation à la demande d'un tiers", topic: 'rights.involuntary', denied: "rien a voir avec l'isolement" },
  { text: "ce n'est pas pour mon dossier médical, je veux savoir si le médecin peut parler de ma santé à ma mère", topic: 'rights.confidentiality', denied: "ce n'est pas pour mon dossier medical" },
  { text: "pas besoin du numéro d'urgence, je voulais savoir à quelle heure vous fermez ce soir", topic: 'mdu.hours', denied: "pas besoin du numero d'urgence" },
  { text: 'je veux pas d’un rdv, juste le numéro de téléphone de la maison des usagers', topic: 'mdu.contact', denied: "je veux pas d'un rdv" },
  { text: 'je ne viens pas pour me plaindre, qui défend les patients à la commission des usagers ?', topic: 'rights.user_reps', denied: 'je ne viens pas pour me plaindre' },
  { text: "ma question ne porte pas sur les directives anticipées mais sur la personne de confiance, je peux en changer ?", topic: 'rights.trusted_person', denied: 'ma question ne porte pas sur les directives anticipees' },
  // English
  { text: "not a complaint, I just want to know who the patients' representatives are", topic: 'rights.user_reps', denied: 'not a complaint' },
  { text: "this isn't about my medical record, can I write down in advance what care I want if I get ill again?", topic: 'rights.advance_directives', denied: "this isn't about my medical record" },
  { text: 'not about the trusted person, how do I write advance directives?', topic: 'rights.advance_directives', denied: 'not about the trusted person' },
  { text: "I'm not asking about emergencies, is there a support group where people talk about their illness?", topic: 'peer.groups', denied: "i'm not asking about emergencies" },
  { text: "not looking for a doctor, I'd like to meet someone who's been through psychosis and recovered", topic: 'peer.support', denied: 'not looking for a doctor' },
  // Reworded in the ninth session: "peer support with one person" now reads as a request for a peer helper (batch u6), a fair reading.
  { text: 'not the GEM, I mean peer support between two people, how does it work?', topic: 'peer.support', denied: 'not the gem' },
  { text: "it's not a medical question: is the MDU open on Saturdays?", topic: 'mdu.hours', denied: "it's not a medical question" },
  { text: "I don't want to make a complaint, I only want to know if the volunteers keep what I tell them private", topic: 'mdu.confidentiality', denied: "i don't want to make a complaint" },
  { text: "I'm not asking about medical confidentiality, do the MDU volunteers keep what I say to themselves?", topic: 'mdu.confidentiality', denied: "i'm not asking about medical confidentiality" },
  { text: 'nothing to do with my treatment, which association is there this afternoon?', topic: 'schedule.today', denied: 'nothing to do with my treatment' },
  { text: "my question isn't about restraint, it's about whether they can keep me in hospital against my will", topic: 'rights.involuntary', denied: "my question isn't about restraint" },
  { text: "it's not about being kept against my will, it's about whether I can refuse a medication", topic: 'rights.consent', denied: "it's not about being kept against my will" },
  { text: "not about my son's records, what is the maison des usagers?", topic: 'mdu.what', denied: "not about my son's records" },
  { text: "I'm not after a therapist, what can I actually do at the MDU?", topic: 'mdu.services', denied: "i'm not after a therapist" },
  { text: 'not a question about volunteers: what does the MDU offer to visitors?', topic: 'mdu.services', denied: 'not a question about volunteers' },
  { text: "I'm not asking about opening hours, which associations hold sessions on which days?", topic: 'schedule.permanences', denied: "i'm not asking about opening hours" },
  { text: 'not a complaint about the staff, I only need a copy of my medical file', topic: 'rights.record', denied: 'not a complaint about the staff' },
  { text: "I'm not here to complain, who are the user representatives and what do they do?", topic: 'rights.user_reps', denied: "i'm not here to complain" },
  { text: 'not looking for the opening hours, I need the weekly schedule of the associations', topic: 'schedule.permanences', denied: 'not looking for the opening hours' },
  // Asked as a question: "I'd like one-to-one support from someone who has recovered" is also a request for a peer volunteer (a handoff since batch u4).
  { text: "it's not about a group, what is one-to-one support from someone who has recovered?", topic: 'peer.support', denied: "it's not about a group" },
  // Negations that are the question: nothing set aside
  { text: 'je ne veux pas être hospitalisé, ai-je le droit de refuser ?', topic: 'rights.consent', denied: null },
  { text: "je veux pas prendre ce traitement, est-ce qu'on peut me forcer à l'avaler ?", topic: 'rights.consent', denied: null },
  { text: "I don't want my parents to know I'm in hospital, can the doctors tell them?", topic: 'rights.confidentiality', denied: null },
  { text: "je ne veux pas que ma famille sache ce que j'ai raconté aux bénévoles de la MDU", topic: 'mdu.confidentiality', denied: null },
  { text: "on ne m'a pas expliqué mon traitement, j'ai le droit de savoir ?", topic: 'rights.information', denied: null },
  { text: 'la MDU ce n’est pas un lieu de soins ?', topic: 'mdu.not', denied: null },
  { text: "la maison des usagers, c'est pas un endroit où on soigne, si ?", topic: 'mdu.not', denied: null },
  { text: 'on peut pas avoir un diagnostic chez vous ?', topic: 'mdu.not', denied: null },
  { text: "ce n'est pas normal qu'on m'ait enfermé seul dans une chambre fermée à clé toute la nuit", topic: 'rights.isolation', denied: null },
  { text: "I don't want to be tied to the bed again, is that allowed?", topic: 'rights.isolation', denied: null },
  { text: 'je ne veux pas rester ici, je suis en soins sans consentement, comment sortir ?', topic: 'rights.involuntary', denied: null },
  { text: "je ne veux pas que mon employeur sache que je suis hospitalisé, l'hôpital peut le lui dire ?", topic: 'rights.confidentiality', denied: null },
  { text: 'je ne suis pas d’accord avec mon hospitalisation sous contrainte, comment la contester ?', topic: 'rights.involuntary', denied: null },
  { text: 'vous ne faites pas de consultations à la MDU ?', topic: 'mdu.not', denied: null },
  { text: "I'm not the patient, I'm his mother and I'm exhausted, is there support for relatives?", topic: 'peer.families', denied: null },
];

describe('understanding: a topic named to say it is not the question', () => {
  describe('setAsideDenials finds the clause that puts a topic aside, and only that', () => {
    for (const c of cases) {
      it(`${c.denied === null ? 'keeps' : 'sets aside'}: ${c.text}`, () => {
        const reading = setAsideDenials(c.text);
        expect(reading?.denied ?? null).to.equal(c.denied);
      });
    }
    it('reads a message without a negation word at the cost of one test', () => {
      expect(setAsideDenials('Quels sont les horaires de la MDU ?')).to.equal(undefined);
    });
    it('reads the whole message when too little would be left', () => {
      expect(setAsideDenials("c'est pas une réclamation")).to.equal(undefined);
    });
  });

  describe('the recognizer answers the question asked, not the topic put aside', function () {
    const topics = loadRealTopics();
    let understanding: Understanding;
    before(function () {
      if (topics.length === 0) this.skip();
      understanding = realUnderstanding(topics).understanding;
    });
    for (const c of cases) {
      it(`${c.text} → ${c.topic}`, () => {
        const r = understanding.search(c.text);
        expect(`${r.decision}:${r.hits[0]?.topicId}`).to.equal(`answer:${c.topic}`);
      });
    }
  });
});
