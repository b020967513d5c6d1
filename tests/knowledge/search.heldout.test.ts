/**
 * Held-out paraphrases: messages written for this test, not taken from the topics or from the
 * dev set, the way visitors type (SMS spelling, no accents, typos, mixed languages).
 * Run against the real topics of `knowledge/topics/`.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { parseTopicFile } from '../../knowledge/loadKnowledge.js';
import { KnowledgeIndex, loadSynonyms, type IndexableTopic } from '../../knowledge/search/KnowledgeIndex.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Held-out accuracy this engine reaches on the `answer` cases (measured, then asserted). */
const HELD_OUT_MIN_ACCURACY = 0.95;

type Case = [text: string, expected: string];

/** `expected` is a topic id (decision `answer`) or `fallback`. */
const CASES: Case[] = [
  // mdu.what
  ['c koi la maison des usagers', 'mdu.what'],
  ["c'est quoi exactement la MDU", 'mdu.what'],
  ["what's the mdu", 'mdu.what'],
  ['la maison des usagers ca sert a quoi', 'mdu.what'],
  ['what is this maison des usagers thing?', 'mdu.what'],
  // mdu.not
  ['est ce que la mdu soigne les gens', 'mdu.not'],
  ['can the MDU treat me?', 'mdu.not'],
  ['on peut avoir une consultation a la maison des usagers ?', 'mdu.not'],
  ['is the mdu a medical service', 'mdu.not'],
  // mdu.services
  ["qu'est ce qu'on peut faire a la mdu", 'mdu.services'],
  ['what can i do at the mdu', 'mdu.services'],
  ['la mdu propose quoi comme services', 'mdu.services'],
  // mdu.location
  ['ou est la maison des usagers', 'mdu.location'],
  ['where is the MDU located', 'mdu.location'],
  ['adresse de la mdu stp', 'mdu.location'],
  ['how do i find the mdu', 'mdu.location'],
  // mdu.hours
  ['la mdu est ouverte quand', 'mdu.hours'],
  ['horaires mdu', 'mdu.hours'],
  ['what time does the mdu open', 'mdu.hours'],
  ['opening hours of the maison des usagers', 'mdu.hours'],
  // mdu.associations
  ['quelles assos sont a la mdu', 'mdu.associations'],
  ['which associations are at the MDU', 'mdu.associations'],
  ['liste des associations presentes', 'mdu.associations'],
  // mdu.volunteers
  ['qui sont les benevoles', 'mdu.volunteers'],
  ['who are the volunteers at the mdu', 'mdu.volunteers'],
  ['les benevoles sont formes ?', 'mdu.volunteers'],
  // mdu.professionals
  ['je suis soignant, comment presenter la mdu a un patient', 'mdu.professionals'],
  ["I'm a nurse, how can I refer a patient to the MDU?", 'mdu.professionals'],
  ['en tant que medecin comment orienter une famille vers la maison des usagers', 'mdu.professionals'],
  // mdu.confidentiality
  ['est ce que ce que je dis a la mdu est confidentiel', 'mdu.confidentiality'],
  ['is what I say at the MDU kept confidential', 'mdu.confidentiality'],
  ['je peux rester anonyme a la mdu ?', 'mdu.confidentiality'],
  // mdu.partners
  ['partenaires de la maison des usagers', 'mdu.partners'],
  ['who does the mdu work with', 'mdu.partners'],
  // schedule.permanences
  ["quand passe l'asso bipolaire ?", 'schedule.permanences'],
  ['when is the association for OCD there?', 'schedule.permanences'],
  ['planning des permanences des associations', 'schedule.permanences'],
  ['what days do the associations come', 'schedule.permanences'],
  // schedule.today
  ['who is at the MDU today?', 'schedule.today'],
  ['y a qui aujourd hui a la mdu', 'schedule.today'],
  ['il y a quelqu un en ce moment a la maison des usagers ?', 'schedule.today'],
  ['quelle asso est la ajd', 'schedule.today'],
  // peer.support
  ['c quoi la pair aidance', 'peer.support'],
  ['what is a peer helper', 'peer.support'],
  ['un pair aidant ca fait quoi', 'peer.support'],
  // peer.groups
  ['groupe de parole c quoi', 'peer.groups'],
  ['faut s inscrire pour les groupes de parole ?', 'peer.groups'],
  ['how do the speech groups work', 'peer.groups'],
  // peer.gem
  ['gem c quoi', 'peer.gem'],
  ['where can I find a GEM', 'peer.gem'],
  ["groupe d'entraide mutuelle pres de chez moi", 'peer.gem'],
  // peer.recovery
  ['c koi le retablissement', 'peer.recovery'],
  ['what does recovery mean in mental health', 'peer.recovery'],
  ["on peut se retablir d'une maladie psy ?", 'peer.recovery'],
  // peer.families
  ["ma fille est malade, ou trouver de l'aide pour les parents", 'peer.families'],
  ['support for families of patients', 'peer.families'],
  ['je suis un proche, qui peut m aider', 'peer.families'],
  // rights.information
  ['le medecin doit il m informer sur mon diagnostic ?', 'rights.information'],
  ['do I have the right to know about my illness', 'rights.information'],
  ["droit a l'information du patient", 'rights.information'],
  // rights.consent
  ['je peux dire non a un soin ?', 'rights.consent'],
  ['can I refuse treatment', 'rights.consent'],
  ['consentement aux soins c quoi', 'rights.consent'],
  // rights.record
  ['comment avoir mon dossier médical', 'rights.record'],
  ['acces dossier medical delai', 'rights.record'],
  ['how do I request my medical file', 'rights.record'],
  // rights.trusted_person
  ['personne de confiance c quoi', 'rights.trusted_person'],
  ['what is a trusted person', 'rights.trusted_person'],
  ['comment designer une personne de confiance', 'rights.trusted_person'],
  // rights.advance_directives
  ['directives anticipees en psychiatrie', 'rights.advance_directives'],
  ['how do I write advance directives', 'rights.advance_directives'],
  // rights.complaint
  ["je veux porter plainte contre l'hopital", 'rights.complaint'],
  ['how do i make a complaint', 'rights.complaint'],
  ['pas content de la prise en charge de mon pere, je fais quoi pour reclamer', 'rights.complaint'],
  // rights.involuntary
  ['jld c quoi', 'rights.involuntary'],
  ['hdt mon frere droits', 'rights.involuntary'],
  ['my son was committed against his will, what are his rights', 'rights.involuntary'],
  ['hospitalisation sous contrainte recours', 'rights.involuntary'],
  ['c quoi une SDRE', 'rights.involuntary'],
  // rights.isolation
  ["ils ont mis mon frere en chambre d'isolement c'est legal ?", 'rights.isolation'],
  ['rules on restraint and seclusion', 'rights.isolation'],
  ['contention droits du patient', 'rights.isolation'],
  // rights.user_reps
  ['c qui les RU', 'rights.user_reps'],
  ['how to contact a user representative', 'rights.user_reps'],
  ['representant des usagers c quoi', 'rights.user_reps'],
  // rights.confidentiality
  ['secret medical et famille', 'rights.confidentiality'],
  ['can the doctor tell my parents about my illness', 'rights.confidentiality'],
  // help.emergency
  ['urgence psy numero', 'help.emergency'],
  ['what number do i call in an emergency', 'help.emergency'],
  ["en cas d'urgence la nuit je fais quoi", 'help.emergency'],
  // help.listening
  ["une ligne d'ecoute pour parler", 'help.listening'],
  ['numero d ecoute pour les familles', 'help.listening'],
  // bot.about
  ['t ki toi', 'bot.about'],
  ['am I talking to a robot', 'bot.about'],
  ['tu es une vraie personne ?', 'bot.about'],
  // bot.privacy
  ['vous gardez mes messages ?', 'bot.privacy'],
  ['how long do you keep this conversation', 'bot.privacy'],
  ['je veux effacer la conversation', 'bot.privacy'],
  // Typos
  ['maison des usgers c koi', 'mdu.what'],
  ['persone de confience', 'rights.trusted_person'],
  ['directive anticipé', 'rights.advance_directives'],
  ['hospitalisaton sans consentemnt', 'rights.involuntary'],
  ['benevols mdu', 'mdu.volunteers'],
  // Out of domain: must fall back
  ['quel temps fera-t-il ce weekend', 'fallback'],
  ['recette du gateau au chocolat', 'fallback'],
  ['score du match PSG hier', 'fallback'],
  ['how do I cook pasta', 'fallback'],
  ["what's the capital of australia", 'fallback'],
  ["acheter une voiture d'occasion", 'fallback'],
  ['raconte moi une blague', 'fallback'],
  ['bitcoin price today', 'fallback'],
  ['horaires du train pour Lyon', 'fallback'],
  ['meilleur restaurant du quartier', 'fallback'],
];

/** Topics of `knowledge/topics`, with association names from the schedule (as the composition root does). */
function loadRealTopics(): IndexableTopic[] {
  const dir = path.join(root, 'knowledge/topics');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md')).sort() : [];
  const topics: IndexableTopic[] = [];
  for (const f of files) {
    // A topic file being written may be invalid for a moment: the knowledge lint reports it, search skips it.
    try {
      topics.push(parseTopicFile(path.join(dir, f), readFileSync(path.join(dir, f), 'utf8')));
    } catch (error) {
      console.warn(`      skipped ${f}: ${(error as Error).message.slice(0, 160)}`);
    }
  }
  const scheduleFile = path.join(root, 'knowledge/schedule.yaml');
  const permanences = topics.find((t) => t.id === 'schedule.permanences');
  if (permanences && existsSync(scheduleFile)) {
    const schedule = parseYaml(readFileSync(scheduleFile, 'utf8')) as { associations?: { name?: string; aliases?: string[] }[] };
    const names = (schedule.associations ?? []).flatMap((a) => [a.name ?? '', ...(a.aliases ?? [])]).filter((s) => s.length >= 2);
    const extended = { ...permanences, keywords: { fr: [...permanences.keywords.fr, ...names], en: [...permanences.keywords.en, ...names] } };
    topics.splice(topics.indexOf(permanences), 1, extended);
  }
  return topics;
}

describe('knowledge search: held-out paraphrases', function () {
  const topics = loadRealTopics();
  before(function () {
    if (topics.length === 0) this.skip();
  });

  it(`answers at least ${HELD_OUT_MIN_ACCURACY * 100} % of the held-out questions and falls back on every out-of-domain one`, function () {
    const index = KnowledgeIndex.build(topics, loadSynonyms(path.join(root, 'knowledge/synonyms.yaml')));
    const known = new Set(topics.map((t) => t.id));
    const answerCases = CASES.filter(([, e]) => e !== 'fallback' && known.has(e));
    const fallbackCases = CASES.filter(([, e]) => e === 'fallback');
    const misses: string[] = [];
    let right = 0;
    for (const [text, expected] of answerCases) {
      const r = index.search(text);
      if (r.decision === 'answer' && r.hits[0]?.topicId === expected) right += 1;
      else misses.push(`  ${JSON.stringify(text)} expected ${expected}, got ${r.decision} ${r.hits.slice(0, 2).map((h) => `${h.topicId}:${h.confidence}`).join(' ')}`);
    }
    const fallbackMisses: string[] = [];
    for (const [text] of fallbackCases) {
      const r = index.search(text);
      if (r.decision !== 'fallback') fallbackMisses.push(`  ${JSON.stringify(text)} expected fallback, got ${r.decision} ${r.hits.slice(0, 2).map((h) => `${h.topicId}:${h.confidence}`).join(' ')}`);
    }
    const accuracy = right / Math.max(1, answerCases.length);
    console.log(`      held-out: ${right}/${answerCases.length} answers right (${(accuracy * 100).toFixed(1)} %), ${fallbackCases.length - fallbackMisses.length}/${fallbackCases.length} fallbacks right`);
    if (misses.length + fallbackMisses.length > 0) console.log([...misses, ...fallbackMisses].join('\n'));
    expect(answerCases.length).to.be.at.least(80);
    expect(accuracy).to.be.at.least(HELD_OUT_MIN_ACCURACY);
    expect(fallbackMisses).to.deep.equal([]);
  });
});
