/**
 * Held-out paraphrases: messages written for this test, not taken from the topics or from the
 * dev set, the way visitors type (SMS spelling, no accents, typos, mixed languages).
 * Run against the real topics of `knowledge/topics/`.
 */
import { expect } from 'chai';
import { loadRealTopics, realUnderstanding } from '../helpers/realTopics.js';

/**
 * Accuracy reached on the `answer` cases (measured, then asserted with a little room for topic
 * edits). CASES were written before tuning but then used while tuning (99 % at the last run);
 * FRESH_CASES were run once, after tuning, and never tuned on (82 % at that run, 94 % top-1).
 */
const HELD_OUT_MIN_ACCURACY = 0.95;
const FRESH_MIN_ACCURACY = 0.8;

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

/**
 * A second batch, written after the engine was tuned and run once without any change to the
 * engine afterwards: the honest figure for unseen messages.
 */
const FRESH_CASES: Case[] = [
  ['maison des usagers kesako', 'mdu.what'],
  ['explain the MDU to me please', 'mdu.what'],
  ['la mdu peut me faire une ordonnance ?', 'mdu.not'],
  ['can i get medication at the mdu', 'mdu.not'],
  ['on peut trouver des brochures sur le sommeil à la mdu ?', 'mdu.services'],
  ['does the mdu have info about quitting smoking', 'mdu.services'],
  ["la mdu c'est dans quel batiment", 'mdu.location'],
  ['im lost where is the users house', 'mdu.location'],
  ['vous ouvrez a quelle heure le matin', 'mdu.hours'],
  ['is the mdu open on weekends', 'mdu.hours'],
  ["y a combien d'associations a la mdu", 'mdu.associations'],
  ['list of the associations at the maison des usagers', 'mdu.associations'],
  ["les gens de l'accueil sont des malades aussi ?", 'mdu.volunteers'],
  ['are the volunteers trained', 'mdu.volunteers'],
  ['je suis psychologue dans le service, je peux envoyer mes patients à la MDU ?', 'mdu.professionals'],
  ['as a social worker how do I point families to the MDU', 'mdu.professionals'],
  ['si je vais à la mdu mon médecin sera au courant ?', 'mdu.confidentiality'],
  ['will anyone find out i went to the mdu', 'mdu.confidentiality'],
  ["la mdu travaille avec d'autres hopitaux ?", 'mdu.partners'],
  ['partners of the mdu', 'mdu.partners'],
  ["l'unafam vient quel jour", 'schedule.permanences'],
  ['which day is the anorexia association there', 'schedule.permanences'],
  ["y a quelqu'un cet aprem a la mdu", 'schedule.today'],
  ["who's on duty today", 'schedule.today'],
  ["c'est quoi l'entraide entre pairs", 'peer.support'],
  ['peer helper meaning', 'peer.support'],
  ['comment participer a un groupe de parole', 'peer.groups'],
  ['are there discussion groups at the mdu', 'peer.groups'],
  ["les gem c'est gratuit ?", 'peer.gem'],
  ['how do i join a mutual aid group', 'peer.gem'],
  ["est ce qu'on guérit d'une maladie psychique", 'peer.recovery'],
  ['recovery in psychiatry what is it', 'peer.recovery'],
  ["je suis la maman d'un patient, ou trouver du soutien", 'peer.families'],
  ['help for relatives of someone with schizophrenia', 'peer.families'],
  ["le medecin doit m'expliquer mon traitement ?", 'rights.information'],
  ['right to be informed about my health', 'rights.information'],
  ['est ce que je dois accepter tous les soins', 'rights.consent'],
  ['do i have to agree to treatment', 'rights.consent'],
  ["je veux consulter mon dossier a l'hopital", 'rights.record'],
  ['delay to receive my medical record', 'rights.record'],
  ['qui peut etre ma personne de confiance', 'rights.trusted_person'],
  ['trusted person role', 'rights.trusted_person'],
  ['rediger mes directives anticipees psy', 'rights.advance_directives'],
  ['advance directives mental health', 'rights.advance_directives'],
  ["comment faire une reclamation a l'hopital", 'rights.complaint'],
  ['i want to complain about the ward', 'rights.complaint'],
  ["soins a la demande d'un tiers recours", 'rights.involuntary'],
  ['can i challenge a compulsory admission', 'rights.involuntary'],
  ['combien de temps on peut rester en isolement', 'rights.isolation'],
  ['is restraint legal in psychiatry', 'rights.isolation'],
  ['comment contacter les representants des usagers', 'rights.user_reps'],
  ['who are the patient representatives', 'rights.user_reps'],
  ['mon employeur peut il savoir que je suis hospitalisé', 'rights.confidentiality'],
  ['medical secrecy and my family', 'rights.confidentiality'],
  ['numero urgence psychiatrique la nuit', 'help.emergency'],
  ['what to do in a mental health emergency', 'help.emergency'],
  ["ligne d'ecoute pour les proches", 'help.listening'],
  ['helpline to talk to someone anonymously', 'help.listening'],
  ['es tu un humain', 'bot.about'],
  ['are you a real person', 'bot.about'],
  ['est ce que cette conversation est enregistree', 'bot.privacy'],
  ['delete my chat history', 'bot.privacy'],
  ["quel est le prix d'un ticket de metro", 'fallback'],
  ['horoscope du jour', 'fallback'],
  ['how many calories in an apple', 'fallback'],
  ['ou acheter du pain', 'fallback'],
  ['who is the best footballer', 'fallback'],
];


describe('knowledge search: held-out paraphrases', function () {
  const topics = loadRealTopics();
  before(function () {
    if (topics.length === 0) this.skip();
  });

  function run(cases: Case[], label: string): { accuracy: number; answers: number; fallbackMisses: string[] } {
    // What the bot searches with: the lexical index fused with the trained model.
    const { understanding: index } = realUnderstanding(topics);
    const known = new Set(topics.map((t) => t.id));
    const answerCases = cases.filter(([, e]) => e !== 'fallback' && known.has(e));
    const fallbackCases = cases.filter(([, e]) => e === 'fallback');
    const misses: string[] = [];
    let right = 0;
    let top1 = 0;
    for (const [text, expected] of answerCases) {
      const r = index.search(text);
      if (r.hits[0]?.topicId === expected) top1 += 1;
      if (r.decision === 'answer' && r.hits[0]?.topicId === expected) right += 1;
      else misses.push(`  ${JSON.stringify(text)} expected ${expected}, got ${r.decision} ${r.hits.slice(0, 2).map((h) => `${h.topicId}:${h.confidence}`).join(' ')}`);
    }
    const fallbackMisses: string[] = [];
    for (const [text] of fallbackCases) {
      const r = index.search(text);
      if (r.decision !== 'fallback') fallbackMisses.push(`  ${JSON.stringify(text)} expected fallback, got ${r.decision} ${r.hits.slice(0, 2).map((h) => `${h.topicId}:${h.confidence}`).join(' ')}`);
    }
    const accuracy = right / Math.max(1, answerCases.length);
    const pct = (x: number): string => ((100 * x) / Math.max(1, answerCases.length)).toFixed(1);
    console.log(`      ${label}: ${right}/${answerCases.length} answers right (${pct(right)} %, top-1 ${pct(top1)} %), ${fallbackCases.length - fallbackMisses.length}/${fallbackCases.length} fallbacks right`);
    if (misses.length + fallbackMisses.length > 0) console.log([...misses, ...fallbackMisses].join('\n'));
    return { accuracy, answers: answerCases.length, fallbackMisses };
  }

  it(`answers at least ${HELD_OUT_MIN_ACCURACY * 100} % of the held-out questions and falls back on every out-of-domain one`, function () {
    const { accuracy, answers, fallbackMisses } = run(CASES, 'held-out');
    expect(answers).to.be.at.least(80);
    expect(accuracy).to.be.at.least(HELD_OUT_MIN_ACCURACY);
    expect(fallbackMisses).to.deep.equal([]);
  });

  it(`answers at least ${FRESH_MIN_ACCURACY * 100} % of the fresh batch, never tuned on, and falls back on its off-topic messages`, function () {
    const { accuracy, fallbackMisses } = run(FRESH_CASES, 'fresh held-out');
    expect(accuracy).to.be.at.least(FRESH_MIN_ACCURACY);
    expect(fallbackMisses).to.deep.equal([]);
  });
});
