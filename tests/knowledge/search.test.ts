/**
 * Unit tables for the knowledge search: normalisation, language detection, stemming and synonyms,
 * typo tolerance, ranking, decisions, the synonyms file validation. Synthetic topics only.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import {
  KnowledgeIndex,
  SEARCH_THRESHOLDS,
  detectLocale,
  loadSynonyms,
  parseSynonyms,
  type IndexableTopic,
  type Synonyms,
} from '../../knowledge/search/KnowledgeIndex.js';
import { Analyzer } from '../../knowledge/search/analyzer.js';
import { normalizeText } from '../../knowledge/search/normalize.js';
import { boundedDamerau, FuzzyVocabulary } from '../../knowledge/search/typo.js';
import type { Locale } from '../../knowledge/schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const synonyms: Synonyms = loadSynonyms(path.join(root, 'knowledge/synonyms.yaml'));

const topic = (
  id: string,
  title: [string, string],
  fr: string[],
  en: string[],
  keywords: [string[], string[]] = [[], []],
  audience: 'all' | 'staff' = 'all',
): IndexableTopic => ({ id, audience, title: { fr: title[0], en: title[1] }, questions: { fr, en }, keywords: { fr: keywords[0], en: keywords[1] } });

const TOPICS: IndexableTopic[] = [
  topic('mdu.what', ["Qu'est-ce que la Maison des usagers ?", 'What is the Maison des usagers?'], ["C'est quoi la MDU ?", 'À quoi sert la maison des usagers ?', 'Présentation de la MDU'], ['What is the MDU?', 'What is the MDU for?', 'Tell me about the MDU'], [['présentation', 'accueil'], ['about', 'welcome']]),
  topic('mdu.location', ['Où se trouve la MDU', 'Where the MDU is'], ['Comment venir à la MDU ?', "Quelle est l'adresse de la maison des usagers ?", 'Où est la MDU ?'], ['How do I get to the MDU?', 'What is the address?', 'Where is the MDU?'], [['plan', 'accès', 'métro', 'adresse'], ['map', 'directions', 'address']]),
  topic('mdu.hours', ["Horaires d'ouverture", 'Opening hours'], ['Quand la MDU est-elle ouverte ?', "Quels sont les horaires d'ouverture ?", 'La MDU est ouverte le samedi ?'], ['When is the MDU open?', 'What are the opening hours?', 'Is it open on Saturday?'], [['horaires', 'ouverture', 'fermeture'], ['hours', 'open', 'closed']]),
  topic('rights.record', ['Accès au dossier médical', 'Access to your medical record'], ['Comment obtenir mon dossier médical ?', 'Je veux une copie de mon dossier', 'Quel délai pour avoir mon dossier médical ?'], ['How do I get my medical records?', 'Can I have a copy of my file?', 'How long does it take to get my records?'], [['dossier', 'DMP', 'copie'], ['records', 'file', 'copy']]),
  topic('rights.trusted_person', ['La personne de confiance', 'The trusted person'], ["C'est quoi une personne de confiance ?", 'Comment désigner une personne de confiance ?', 'Qui peut être ma personne de confiance ?'], ['What is a trusted person?', 'How do I name a trusted person?', 'Who can be my support person?'], [['personne de confiance'], ['trusted person', 'support person']]),
  topic('rights.involuntary', ['Soins sans consentement', 'Care without consent'], ["C'est quoi une hospitalisation à la demande d'un tiers ?", 'Mon frère est hospitalisé sans son consentement, quels sont ses droits ?', 'Le juge des libertés doit-il voir mon père ?'], ['What is involuntary admission?', 'My son was admitted without his consent, what are his rights?', 'Will a judge review the admission?'], [['HDT', 'SDRE', 'SPI', 'JLD', 'contrainte'], ['involuntary', 'sectioned', 'judge']]),
  topic('peer.gem', ["Groupes d'entraide mutuelle (GEM)", 'Mutual aid groups (GEM)'], ["C'est quoi un GEM ?", "Comment trouver un groupe d'entraide mutuelle ?", 'Où est le GEM le plus proche ?'], ['What is a GEM?', 'How do I find a mutual aid group?', 'Where is the nearest GEM?'], [['entraide'], ['peer club']]),
  topic('mdu.professionals', ['La MDU pour les professionnels', 'The MDU for staff'], ['Comment orienter un patient vers la MDU ?', 'Je suis infirmière, que propose la MDU ?', 'Comment présenter la MDU à une famille ?'], ['How do I refer a patient to the MDU?', 'I am a nurse, what does the MDU offer?', 'How do I suggest the MDU to a family?'], [['soignant', 'infirmier', 'orienter'], ['staff', 'nurse', 'refer']], 'staff'),
];

const index = KnowledgeIndex.build(TOPICS, synonyms);

describe('knowledge search: normalisation', function () {
  const cases: [string, string][] = [
    ["L'Asso ?", 'asso'],
    ["Qu'est-ce que c'est ?", 'est ce que est'],
    ['Où ÊTES-vous ???', 'ou etes vous'],
    ["aujourd'hui", 'aujourdhui'],
    ['aujourd’hui', 'aujourdhui'],
    ["What's the MDU? I can't tell", 'what the mdu i can not tell'],
    ["don't", 'do not'],
    ['pair-aidant', 'pair aidant'],
    ['cœur  sœur', 'coeur soeur'],
    ['biiiien sûr', 'bien sur'],
    ['3114 et le 15', '3114 et le 15'],
  ];
  for (const [input, output] of cases) {
    it(`${JSON.stringify(input)} -> ${JSON.stringify(output)}`, function () {
      expect(normalizeText(input)).to.equal(output);
    });
  }
});

describe('knowledge search: language detection', function () {
  const cases: [string, Locale][] = [
    ["C'est quoi la maison des usagers ?", 'fr'],
    ['What is the Maison des usagers?', 'en'],
    ['c koi la mdu', 'fr'],
    ['who is at the MDU today?', 'en'],
    ['Où est la MDU', 'fr'],
    ['MDU', 'fr'],
    ['GEM ?', 'fr'],
    ["I'm looking for the MDU", 'en'],
    ['jld c quoi', 'fr'],
    ['hdt mon frere droits', 'fr'],
    ['Can I refuse treatment', 'en'],
    ['ya qqn ajd ?', 'fr'],
    ['pls help', 'en'],
    ['', 'fr'],
  ];
  for (const [text, locale] of cases) {
    it(`${JSON.stringify(text)} is ${locale}`, function () {
      expect(detectLocale(text)).to.equal(locale);
    });
  }

  it('uses the topics vocabulary when the message has no function word', function () {
    expect(index.search('involuntary admission').locale).to.equal('en');
    expect(index.search('hospitalisation contrainte').locale).to.equal('fr');
  });

  it('keeps the locale it is given', function () {
    expect(index.search('What is the MDU?', { locale: 'fr' }).locale).to.equal('fr');
  });
});

describe('knowledge search: stemming, stop words and synonyms', function () {
  const fr = new Analyzer('fr', synonyms);
  const en = new Analyzer('en', synonyms);
  const terms = (a: Analyzer, text: string): string[] => a.terms(text).map((t) => t.term);
  const cases: [Analyzer, string, string][] = [
    [fr, 'usagers', 'usager'],
    [fr, 'bénévoles', 'benevole'],
    [fr, 'hospitalisé', 'hospitalisation'],
    [fr, 'associations', 'asso'],
    [fr, 'MDU', 'maison des usagers'],
    [fr, 'la mdu', 'La Maison des Usagers'],
    [fr, 'jld', 'juge des libertés et de la détention'],
    [fr, 'c koi', ''],
    [fr, 'slt stp', ''],
    [fr, 'rdv', 'rendez-vous'],
    [en, 'records', 'record'],
    [en, 'volunteers', 'volunteer'],
    [en, 'pls tell me abt u', ''],
    [en, 'mdu', 'maison des usagers'],
    [en, 'restraints', 'restraint'],
  ];
  for (const [analyzer, a, b] of cases) {
    it(`${analyzer.locale}: ${JSON.stringify(a)} and ${JSON.stringify(b)} give the same terms`, function () {
      const ta = terms(analyzer, a).filter((t) => analyzer.kind(t) === 'word');
      const tb = terms(analyzer, b).filter((t) => analyzer.kind(t) === 'word');
      if (b === '') expect(ta).to.deep.equal([]);
      else expect(ta.filter((t) => tb.includes(t)).length).to.be.greaterThan(0, `${ta.join(' ')} vs ${tb.join(' ')}`);
    });
  }

  it('keeps where/when/not as weak words', function () {
    expect(fr.kind('ou')).to.equal('weak');
    expect(en.kind('when')).to.equal('weak');
    expect(fr.kind('pas')).to.equal('weak');
    expect(fr.kind('le')).to.equal('stop');
    expect(en.kind('record')).to.equal('word');
  });

  const searches: [string, string][] = [
    ['jld c quoi', 'rights.involuntary'],
    ['hdt mon frere droits', 'rights.involuntary'],
    ['c koi la maison des usagers', 'mdu.what'],
    ['DMP', 'rights.record'],
    ['gem', 'peer.gem'],
    ['what is a GEM', 'peer.gem'],
  ];
  for (const [text, id] of searches) {
    it(`${JSON.stringify(text)} finds ${id}`, function () {
      const r = index.search(text);
      expect(r.hits[0]?.topicId).to.equal(id);
      expect(r.decision).to.equal('answer');
    });
  }
});

describe('knowledge search: typo tolerance', function () {
  const distances: [string, string, number][] = [
    ['benevole', 'benevole', 0],
    ['benevol', 'benevole', 1],
    ['bnevole', 'benevole', 1],
    ['bneevole', 'benevole', 1],
    ['hopsital', 'hopital', 1],
    ['hospitla', 'hopital', 2],
    ['jage', 'juge', 1],
    ['consentemnt', 'consentement', 1],
    ['abc', 'xyz', 3],
  ];
  for (const [a, b, d] of distances) {
    it(`distance(${a}, ${b}) = ${d}`, function () {
      expect(boundedDamerau(a, b, 3)).to.equal(d);
    });
  }

  it('bounds the distance by the word length', function () {
    const vocabulary = new FuzzyVocabulary(['benevole', 'dossier', 'hospitalisation', 'gem', 'juge']);
    expect(vocabulary.nearest('benevol').words).to.deep.equal(['benevole']);
    expect(vocabulary.nearest('dosier').words).to.deep.equal(['dossier']);
    expect(vocabulary.nearest('hopitalisaton').words).to.deep.equal(['hospitalisation']);
    expect(vocabulary.nearest('gen').words).to.deep.equal([]); // short words: no guess
    expect(vocabulary.nearest('jage').words).to.deep.equal([]);
    expect(vocabulary.nearest('xenevole').words).to.deep.equal([]); // the first letter is seldom wrong
    expect(vocabulary.nearest('ebnevole').words).to.deep.equal(['benevole']); // but may be swapped
  });

  const searches: [string, string][] = [
    ['persone de confience', 'rights.trusted_person'],
    ['dosier medicale', 'rights.record'],
    ['hospitalisaton sans consentemnt', 'rights.involuntary'],
    ['adrese de la maison des usgers', 'mdu.location'],
    ['wat r the oppening hours', 'mdu.hours'],
  ];
  for (const [text, id] of searches) {
    it(`${JSON.stringify(text)} finds ${id}`, function () {
      const r = index.search(text);
      expect(r.hits[0]?.topicId).to.equal(id);
      expect(r.decision).to.equal('answer');
    });
  }
});

describe('knowledge search: ranking', function () {
  const cases: [string, string][] = [
    ['Où se trouve la maison des usagers ?', 'mdu.location'],
    ['Quand est-ce que la MDU est ouverte ?', 'mdu.hours'],
    ['When is the MDU open?', 'mdu.hours'],
    ['How do I get to the MDU?', 'mdu.location'],
    ['Can I get a copy of my medical records?', 'rights.record'],
    ['Je suis infirmier, comment orienter un patient ?', 'mdu.professionals'],
    ['c quoi le peer club', 'peer.gem'],
    ['what is a personne de confiance', 'rights.trusted_person'],
  ];
  for (const [text, id] of cases) {
    it(`${JSON.stringify(text)} ranks ${id} first`, function () {
      const r = index.search(text);
      expect(r.hits[0]?.topicId).to.equal(id);
    });
  }

  it('returns at most 5 hits, best first, with confidences in 0..1, deterministically', function () {
    const r = index.search('maison des usagers MDU horaires adresse dossier');
    expect(r.hits.length).to.be.at.most(5);
    for (let i = 1; i < r.hits.length; i++) expect(r.hits[i - 1]!.score).to.be.at.least(r.hits[i]!.score);
    for (const h of r.hits) expect(h.confidence).to.be.within(0, 1);
    expect(index.search('maison des usagers MDU horaires adresse dossier')).to.deep.equal(r);
  });

  it('prefers staff topics when staff asks', function () {
    const visitor = index.search('présenter la MDU');
    const staff = index.search('présenter la MDU', { audience: 'staff' });
    const score = (r: typeof visitor): number => r.hits.find((h) => h.topicId === 'mdu.professionals')?.score ?? 0;
    expect(score(staff)).to.be.greaterThan(score(visitor));
  });

  it('counts its topics', function () {
    expect(index.size).to.equal(TOPICS.length);
  });

  it('refuses two topics with the same id', function () {
    expect(() => KnowledgeIndex.build([TOPICS[0]!, TOPICS[0]!])).to.throw(/mdu\.what/);
  });
});

describe('knowledge search: decisions', function () {
  const cases: [string, 'answer' | 'clarify' | 'fallback'][] = [
    ["C'est quoi une personne de confiance ?", 'answer'],
    ['Comment obtenir mon dossier médical ?', 'answer'],
    ['Quelle est la météo demain ?', 'fallback'],
    ['Donne-moi la recette de la tarte aux pommes', 'fallback'],
    ['Who won the football match yesterday?', 'fallback'],
    ['', 'fallback'],
    ['???', 'fallback'],
    ['le la les', 'fallback'],
    ['where is it', 'fallback'],
    ['MDU', 'answer'], // alone, the MDU itself
  ];
  for (const [text, decision] of cases) {
    it(`${JSON.stringify(text)} -> ${decision}`, function () {
      const r = index.search(text);
      expect(r.decision, JSON.stringify(r.hits)).to.equal(decision);
      if (decision === 'fallback' && r.hits[0]) expect(r.hits[0].confidence).to.be.below(SEARCH_THRESHOLDS.answer);
    });
  }

  it('clarifies between two topics that fit equally, best first', function () {
    const twins = KnowledgeIndex.build(
      [
        ...TOPICS,
        topic('mdu.confidentiality', ['Confidentialité à la MDU', 'Confidentiality at the MDU'], ['Ce que je dis à la MDU reste-t-il confidentiel ?', 'Est-ce anonyme ?', 'Qui saura que je suis venu ?'], ['Is what I say at the MDU confidential?', 'Is it anonymous?', 'Who will know I came?'], [['confidentialité', 'anonymat'], ['confidentiality', 'anonymity']]),
        topic('rights.confidentiality', ['Confidentialité : le secret médical', 'Confidentiality: medical secrecy'], ['Le médecin peut-il parler de ma santé à ma famille ?', 'Qui a le droit de connaître mon diagnostic ?', 'Le secret médical, c’est quoi ?'], ['Can the doctor tell my family about my health?', 'Who may know my diagnosis?', 'What is medical secrecy?'], [['confidentialité', 'secret médical'], ['confidentiality', 'medical secrecy']]),
      ],
      synonyms,
    );
    const r = twins.search('confidentialité');
    expect(r.decision, JSON.stringify(r.hits)).to.equal('clarify');
    expect(r.hits.slice(0, 2).map((h) => h.topicId).sort()).to.deep.equal(['mdu.confidentiality', 'rights.confidentiality']);
    expect(r.hits[0]!.score).to.be.at.least(r.hits[1]!.score);
    expect(twins.search('secret médical').decision).to.equal('answer');
  });
});

describe('knowledge search: synonyms file', function () {
  it('the shipped file is valid and knows the usual abbreviations', function () {
    for (const key of ['mdu', 'gem', 'jld', 'hdt', 'sdre', 'spi', 'cdu', 'ru', 'toc']) expect(synonyms.both).to.have.property(key);
    for (const key of ['c', 'koi', 'pk', 'stp', 'asso'].filter((k) => k !== 'asso')) expect(synonyms.fr).to.have.property(key);
  });

  const bad: [string, unknown, RegExp][] = [
    ['a replacement that is not text', { fr: { koi: 3 } }, /fr\.koi/],
    ['an empty replacement', { both: { mdu: '' } }, /both\.mdu/],
    ['a per-language replacement without English', { both: { gem: { fr: 'groupe' } } }, /both\.gem/],
    ['an unknown section', { de: { was: 'what' } }, /de|\(root\)/],
    ['a key without letters', { fr: { '??': 'quoi' } }, /fr\.\?\?/],
  ];
  for (const [what, raw, field] of bad) {
    it(`refuses ${what}, naming the field`, function () {
      expect(() => parseSynonyms(raw, 'synonyms.yaml')).to.throw(field);
      expect(() => parseSynonyms(raw, 'synonyms.yaml')).to.throw(/^synonyms\.yaml: /);
    });
  }

  it('loadSynonyms names the file on bad YAML and on bad data', function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'synonyms-'));
    const broken = path.join(dir, 'broken.yaml');
    writeFileSync(broken, 'fr: [unclosed');
    expect(() => loadSynonyms(broken)).to.throw(/broken\.yaml/);
    const wrong = path.join(dir, 'wrong.yaml');
    writeFileSync(wrong, 'fr:\n  koi: [quoi]\n');
    expect(() => loadSynonyms(wrong)).to.throw(/wrong\.yaml: fr\.koi/);
    expect(() => loadSynonyms(path.join(dir, 'missing.yaml'))).to.throw(/missing\.yaml.*not found/);
  });
});
