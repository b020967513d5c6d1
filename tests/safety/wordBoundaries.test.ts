/**
 * Tokenisation: no crisis rule fires inside another word or on an everyday use of a word that
 * also names a danger ("vous êtes ouvert quand" is not "ouvert les veines"). Every crisis rule
 * (through `explain`, which tries them all) and the screen as it runs (rules, nets, context) are
 * tried on a list of everyday words, alone and in questions, and on every example question of the
 * knowledge base: zero crisis verdicts.
 */
import { expect } from 'chai';
import path from 'node:path';
import { SafetyScreen } from '../../safety/SafetyScreen.js';
import { knowledgeQuestions } from '../../safety/trainCrisisModel.js';
import { LEXICON_DIR, REPO_ROOT } from './corpus.js';

/** Everyday words that hold, or sit next to, a word of danger (written for this test). */
const EVERYDAY_WORDS = [
  'ouvert', 'ouverte', 'ouverts', 'ouverture', 'ouvrir', 'ouvre', 'rouvre', 'coupé', 'coupure de courant', 'coupe-file', 'découper',
  'pendule', 'suspendu', 'dépendance administrative', 'tuerie', 'tutelle', 'mortier', 'mortadelle', 'amortir', 'immortel', 'mourre',
  'saut de ligne', 'sauter une ligne', 'sautoir', 'pont de l\'Ascension', 'fenêtre de tir', 'lame de fond', 'corde vocale', 'cordonnier',
  'veineux', 'avenir', 'finir le dossier', 'la fin du mois', 'arme blanche (musée)', 'armoire', 'armée du salut', 'gazette', 'gazon',
  'brûlerie', 'cachet de la poste', 'comprimé de texte', 'dose de rire', 'overdose de réunions', 'toxique (relation au travail)',
  'open', 'opening hours', 'reopen', 'cutlery', 'shortcut', 'haircut', 'killer app', 'skill', 'skilled', 'kilometre', 'pilgrim',
  'pillow', 'hanger', 'hanging exhibition', 'jumper', 'jumpstart', 'overdue', 'deadline', 'dead end street', 'die-cast', 'diet coke',
  'bridge club', 'roofing', 'rope course', 'gunnery museum', 'knife and fork', 'poison ivy', 'drugstore opening hours', 'shooting star',
  'about', 'abouti', 'dela', 'mesure', 'tutu', 'nuit blanche', 'bout du tunnel', 'crever un pneu', 'se tuer à la tâche',
];

/** Everyday questions built on those words (written for this test). */
const EVERYDAY_QUESTIONS = [
  'vous êtes ouvert quand ?',
  'vous êtes ouverts quand',
  'c\'est ouvert le samedi ?',
  'la permanence est ouverte entre midi et deux ?',
  'on peut rouvrir mon dossier ?',
  'la ligne a coupé, vous pouvez rappeler ?',
  'il y a eu une coupure de courant à la MDU ?',
  'j\'ai un pneu crevé, je serai en retard',
  'je suis crevée, la réunion peut être décalée ?',
  'c\'est la fin du mois, les bons de transport sont-ils disponibles ?',
  'il faut finir le dossier avant quand ?',
  'je me tue à la tâche pour l\'association, on peut avoir de l\'aide ?',
  'où accrocher les affiches pour l\'expo suspendue ?',
  'le cachet de la poste fait foi ?',
  'are you open on Sundays?',
  'when do you open?',
  'is the shortcut through the garden open?',
  'can I get a haircut voucher from the social worker?',
  'the deadline for the form is when?',
  'is there a dead end street behind the hospital where I can park?',
  'where do I hang my coat?',
  'is the bridge club still meeting on Thursdays?',
  'do you have a knife and fork at the cafeteria?',
  'I am dying to know when the next workshop is!',
  'this form is killing me, can someone help me fill it?',
];

describe('safety screen: no crisis inside another word', () => {
  const screen = SafetyScreen.fromDirectory(LEXICON_DIR);

  it('no crisis rule fires on an everyday word, alone or in a question', () => {
    const fired: string[] = [];
    for (const text of [...EVERYDAY_WORDS, ...EVERYDAY_QUESTIONS]) {
      // `explain` tries every rule (not only the most urgent one) and the nets.
      const crisis = screen.explain(text).matches.filter((m) => m.kind === 'crisis' && m.id !== 'model.crisis');
      if (crisis.length > 0) fired.push(`${text} -> ${crisis.map((m) => m.id).join(', ')}`);
    }
    expect(fired).to.deep.equal([]);
  });

  it('the screen as it runs (rules, nets, context) raises no alarm on them', () => {
    const alarms = [...EVERYDAY_WORDS, ...EVERYDAY_QUESTIONS].filter((t) => screen.assess(t).kind === 'crisis');
    expect(alarms).to.deep.equal([]);
  });

  it('every example question of the knowledge base: zero crisis verdicts', function () {
    this.timeout(20_000);
    const questions = knowledgeQuestions(path.join(REPO_ROOT, 'knowledge'));
    expect(questions.length).to.be.greaterThan(100);
    expect(questions.filter((q) => screen.assess(q).kind === 'crisis')).to.deep.equal([]);
  });

  it('a word of danger glued to another word is still seen where it is the word itself', () => {
    // The boundary works both ways: "ouvert les veines" stays a crisis.
    for (const text of ["je me suis ouvert les veines", "j'ai ouvert le gaz et je me suis allongée", 'I cut myself again tonight']) {
      expect(screen.assess(text).kind, text).to.equal('crisis');
    }
  });
});
