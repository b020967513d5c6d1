/**
 * The crisis model, the screen's second net: the committed file is what `npm run train-safety`
 * makes of the committed corpus, a broken file is refused, and the screen reports a crisis the
 * model finds when no rule did. Its honest figures (leave-one-round-out) are in HELDOUT.md.
 */
import { expect } from 'chai';
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataFileError } from '../../bot/errors.js';
import { CRISIS_MODEL_FILE, CrisisModel, crisisFeatures, decodeNets, type CrisisModelFile } from '../../safety/CrisisModel.js';
import { CRISIS_MODEL_ID, MEDICAL_MODEL_ID, SafetyScreen } from '../../safety/SafetyScreen.js';
import { buildCrisisModelFile, knowledgeQuestions } from '../../safety/trainCrisisModel.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { mduOf, startTestBot } from '../helpers/testBot.js';
import { LEXICON_DIR, REPO_ROOT, TRAINING_DIRS, loadCorpus, loadDevSet } from './corpus.js';

const MODEL_FILE = path.join(LEXICON_DIR, CRISIS_MODEL_FILE);
const KNOWLEDGE_DIR = path.join(REPO_ROOT, 'knowledge');
const committed = JSON.parse(readFileSync(MODEL_FILE, 'utf8')) as CrisisModelFile;
const nets = decodeNets(committed);

/**
 * Crisis lines of blind rounds 1 and 3 kept as held-out sets D and E (never trained on), which
 * the rules missed when each round was first run (HELDOUT.md). Similar lines were written into
 * the tuning corpus afterwards, so this checks the committed model keeps them, not how it
 * generalises: that is `tests/safety/crisisModelRounds.ts`.
 */
/** What relatives and visitors write first: ordinary, whatever the words "I", "it", "my" suggest. */
const NEUTRAL_OPENERS = [
  "hello, it is about my sister",
  "it's about my brother",
  "I am writing about my mother",
  "hi, I have a question about my son",
  "it is for my father, he is in the hospital",
  "I'm his wife, can I visit him?",
  "I am a patient here",
  "I am the mother of a patient",
  "it's me again",
  "it is my first time here",
  "I am not sure this is the right place",
  "is it open today?",
  "it is about the association for families",
  "I just wanted to say thank you",
  "I am looking for information",
  "my brother is in ward 3, who do I talk to?",
  "I am calling on behalf of my aunt",
  "it's for a friend",
  "I have been here before",
  "I was told to come here",
  "c'est pour ma soeur",
  "je vous écris au sujet de mon frère",
  "c'est moi, la maman de Lucas",
  "je suis la femme d'un patient",
  "bonjour, c'est encore moi",
  "je suis patient ici depuis lundi",
  "c'est la première fois que je viens",
  "je ne sais pas si c'est le bon endroit",
  "je cherche des renseignements pour mon père",
  "c'est au sujet de ma fille hospitalisée",
];

const FIRST_MISSED = [
  "je me suis coupée encore hier soir, plus profond que d'habitude",
  'jai pas envie de me reveiller demain matin',
  "mon frere a un couteau et il crie qu'il va tuer mon pere",
  'i just want everything to stop',
  "j'ai vidé l'armoire à pharmacie sur mon lit et je suis en train de tout compter",
  'je suis assise dans la voiture dans le garage fermé, le moteur tourne',
  "my dad's gun is in the drawer and I keep going to look at it",
  'ce serait tellement plus simple si je n\'existais plus',
  'the voices tell me I have to hurt my neighbour before he poisons me',
  "mon père âgé ne mange plus depuis une semaine et répète qu'il veut se laisser partir",
];

/** A folder with the real lexicons but a single crisis rule that never fires: what the rules alone cannot see. */
function lexiconsWithoutCrisisRules(dir: string): void {
  for (const f of readdirSync(LEXICON_DIR)) if (!f.startsWith('crisis.') || f === CRISIS_MODEL_FILE) copyFileSync(path.join(LEXICON_DIR, f), path.join(dir, f));
  writeFileSync(
    path.join(dir, 'crisis.test.yaml'),
    'kind: crisis\nrules:\n  - id: crisis.test.never\n    category: self_harm\n    language: any\n    patterns: ["zzqxjw"]\n    comment: never fires\n',
  );
}

describe('crisis model: the committed file', () => {
  it('is what `npm run train-safety` makes of the committed corpus and knowledge base (run it after changing either)', function () {
    this.timeout(180_000);
    const trained = buildCrisisModelFile(TRAINING_DIRS, committed.source.trainedOn);
    const file = readFileSync(MODEL_FILE, 'utf8');
    if (trained !== file) {
      expect.fail(`${path.relative(REPO_ROOT, MODEL_FILE)} is not what the tuning corpus and the knowledge base's questions give: run \`npm run train-safety\` and commit the file`);
    }
  });

  it('is small, says where it comes from, and keeps a threshold that makes the model a second net, not a first one', () => {
    // Version 3: the feature names in one string, the weights as base64 integers (1.2 MB of JSON
    // objects in version 2; the corpus grew to ~3,800 lines in the fifth session): read once at start-up,
    // in a few milliseconds.
    // 1.5 MiB since the eighth session (batch s11 took the file past 1 MiB): read once at start-up.
    expect(readFileSync(MODEL_FILE).length).to.be.lessThan(1.5 * 1024 * 1024);
    expect(committed.version).to.equal(3);
    expect(Object.keys(nets.crisis.weights).some((f) => f.startsWith('c:'))).to.equal(true);
    expect(Object.keys(nets.medical?.weights ?? {}).length).to.be.greaterThan(1000);
    expect(committed.medical?.threshold).to.be.within(0.5, 0.99);
    expect(committed.source.corpus.join(' ')).to.include('tests/safety/corpus/crisis.jsonl');
    expect(committed.source.corpus.join(' ')).not.to.match(/heldout|dev\.jsonl/);
    expect(committed.source.trainedOn).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(committed.threshold).to.be.within(0.5, 0.99);
  });

  it('scores a message as the sum of the weights of its distinct features', () => {
    const model = CrisisModel.fromData(committed);
    const screen = SafetyScreen.fromDirectory(LEXICON_DIR, { crisisModel: null });
    const texts = [...loadCorpus(() => true).map((l) => l.text), 'je je je veux veux mourir mourir', ''];
    for (const text of texts) {
      const normalised = screen.crisisText(text);
      let z = nets.crisis.bias;
      let m = nets.medical!.bias;
      for (const f of crisisFeatures(normalised)) {
        z += nets.crisis.weights[f] ?? 0;
        m += nets.medical!.weights[f] ?? 0;
      }
      expect(model.probability(normalised), text).to.be.closeTo(1 / (1 + Math.exp(-z)), 1e-12);
      expect(model.medicalProbability(normalised), text).to.be.closeTo(1 / (1 + Math.exp(-m)), 1e-12);
    }
  });
});

describe('crisis model: a broken file is refused, naming the file and the field', () => {
  function refused(mutate: (data: Record<string, unknown>) => unknown, asText?: string): DataFileError {
    const { dir, cleanup } = makeTempDir('mdu-model-');
    try {
      const file = path.join(dir, CRISIS_MODEL_FILE);
      writeFileSync(file, asText ?? JSON.stringify(mutate(structuredClone(committed) as unknown as Record<string, unknown>)));
      try {
        CrisisModel.fromFile(file);
      } catch (error) {
        expect(error).to.be.instanceOf(DataFileError);
        expect((error as Error).message).to.include(CRISIS_MODEL_FILE);
        return error as DataFileError;
      }
      throw new Error('expected the model file to be refused');
    } finally {
      cleanup();
    }
  }

  it('weights that are not base64, or not one a feature', () => {
    expect(refused((d) => ({ ...d, weights: 'high!' })).field).to.equal('weights');
    expect(refused((d) => ({ ...d, weights: (d['weights'] as string).slice(8) })).field).to.equal('weights');
    expect(refused((d) => ({ ...d, medical: { ...(d['medical'] as object), weights: 'AAAA' } })).field).to.equal('medical.weights');
  });

  it('a threshold out of (0, 1), a missing bias, an unknown field, a feature of the wrong shape or out of order', () => {
    expect(refused((d) => ({ ...d, threshold: 1.5 })).field).to.equal('threshold');
    expect(refused(({ bias: _bias, ...d }) => d).field).to.equal('bias');
    expect(refused((d) => ({ ...d, extra: 1 })).message).to.include('extra');
    const features = (d: Record<string, unknown>): string[] => (d['features'] as string).split('\n');
    const bad = refused((d) => ({ ...d, features: ['x:Mourir', ...features(d).slice(1)].join('\n') }));
    expect(bad.field).to.equal('features');
    expect(bad.message).to.include('line 1');
    expect(refused((d) => ({ ...d, features: [...features(d).slice(0, 2).reverse(), ...features(d).slice(2)].join('\n') })).message).to.include('sorted');
    expect(refused((d) => ({ ...d, source: { ...(d['source'] as object), trainedOn: 'yesterday' } })).field).to.equal('source.trainedOn');
  });

  it('a file that is not JSON, and a missing file', () => {
    expect(refused(() => null, '{"kind": "crisis-model",').message).to.include('not valid JSON');
    expect(() => CrisisModel.fromFile(path.join(LEXICON_DIR, 'nope.json'))).to.throw(DataFileError, /nope\.json.*file not found/);
  });

  it('the screen refuses to start with a broken model next to valid lexicons', () => {
    const { dir, cleanup } = makeTempDir('mdu-model-');
    try {
      for (const f of readdirSync(LEXICON_DIR)) if (f.endsWith('.yaml')) copyFileSync(path.join(LEXICON_DIR, f), path.join(dir, f));
      expect(() => SafetyScreen.fromDirectory(dir)).to.throw(DataFileError, /crisis-model\.json.*file not found/);
      writeFileSync(path.join(dir, CRISIS_MODEL_FILE), JSON.stringify({ ...committed, bias: 'x' }));
      expect(() => SafetyScreen.fromDirectory(dir)).to.throw(DataFileError, /crisis-model\.json.*bias/);
    } finally {
      cleanup();
    }
  });
});

describe('crisis model: the second net in the screen', () => {
  const screen = SafetyScreen.fromDirectory(LEXICON_DIR);

  it('flags, by itself, crisis lines of blind rounds the rules first missed', () => {
    for (const text of FIRST_MISSED) expect(screen.explain(text).matches.map((m) => m.id), text).to.include(CRISIS_MODEL_ID);
  });

  it('makes a crisis of what no rule sees: category unspecified, the model as matched id', () => {
    const { dir, cleanup } = makeTempDir('mdu-model-');
    try {
      lexiconsWithoutCrisisRules(dir);
      const withModel = SafetyScreen.fromDirectory(dir);
      const rulesAlone = SafetyScreen.fromDirectory(dir, { crisisModel: null });
      const unseen = FIRST_MISSED.filter((t) => rulesAlone.assess(t).kind === 'none');
      expect(unseen.length).to.be.greaterThan(5);
      for (const text of unseen) expect(withModel.assess(text), text).to.deep.equal({ kind: 'crisis', category: 'unspecified', matched: CRISIS_MODEL_ID });
    } finally {
      cleanup();
    }
  });

  it('gives the visitor the crisis reply, numbers first, when only the model sees the danger', async function () {
    this.timeout(180_000);
    const { dir, cleanup } = makeTempDir('mdu-model-');
    lexiconsWithoutCrisisRules(dir);
    const bot = await startTestBot({ SAFETY_DIR: dir });
    try {
      const [reply] = await bot.say("j'ai vidé l'armoire à pharmacie sur mon lit et je suis en train de tout compter", { locale: 'fr-FR' });
      expect(mduOf(reply).intent).to.equal('crisis');
      expect(reply!.text).to.include('3114').and.include('15');
      expect(reply!.text!.indexOf('3114')).to.be.lessThan(200);
    } finally {
      await bot.stop();
      cleanup();
    }
  });

  it('leaves the rules their answer: a crisis rule names its own category, a medical request stays medical', () => {
    expect(screen.assess('je veux mourir')).to.deep.equal({ kind: 'crisis', category: 'suicidal_ideation', matched: 'crisis.fr.want_to_die' });
    // The tuning corpus and the dev set only: a failure here must be fixable without reading a
    // held-out line. The held-out medical lines are counted by `report.ts --heldout` (figures only).
    for (const line of [...loadCorpus((f) => f.endsWith('medical.jsonl') && !path.basename(f).startsWith('heldout')), ...loadDevSet().filter((l) => l.expect === 'medical')]) {
      const verdict = screen.assess(line.text);
      if (verdict.kind === 'crisis') expect(verdict.matched, line.source).not.to.equal(CRISIS_MODEL_ID);
    }
  });

  it('overrules a medical verdict only when all but sure: medicines named with danger become a crisis', () => {
    // Round 6 (blind), two of the four crises the rules took for medical questions.
    const lines = [
      "jai la tete qui tourne j'ai pris mon traitement deux fois et en plus celui de ma mere par erreur, je vois flou",
      "sorry for my french, je suis à la gare et I don't want to go home ever again, I have my pills with me",
    ];
    const rulesAlone = SafetyScreen.fromDirectory(LEXICON_DIR, { crisisModel: null });
    for (const text of lines) {
      expect(rulesAlone.assess(text).kind, text).to.equal('medical');
      expect(screen.assess(text), text).to.deep.equal({ kind: 'crisis', category: 'unspecified', matched: CRISIS_MODEL_ID });
    }
    expect(committed.medicalThreshold).to.be.greaterThan(committed.threshold);
  });

  it('does not take a relative writing, or a first-person opener, for a crisis (style is not danger)', () => {
    // Written apart from the training lines. Before function words were left out of the features,
    // 5 of these (3 with the first model) came out crisis: "hello, it is about my sister", "I am
    // writing about my mother", "it's me again"... One is still flagged by the committed model ("bon"
    // weighs for "pour de bon"): at most one of thirty.
    const flagged = NEUTRAL_OPENERS.filter((t) => screen.assess(t).kind === 'crisis');
    expect(flagged.length, flagged.join(' | ')).to.be.at.most(1);
  });

  it('sees through SMS spelling: character n-grams score words it never saw written that way', () => {
    const model = CrisisModel.fromData(committed);
    const rulesAlone = SafetyScreen.fromDirectory(LEXICON_DIR, { crisisModel: null });
    // The same words, spelt out and in SMS: the n-grams keep most of the score.
    const plain = model.probability(rulesAlone.crisisText("j'ai avalé toutes mes pilules"));
    const sms = model.probability(rulesAlone.crisisText('jai avalé ttes mes pilul'));
    expect(plain).to.be.greaterThan(committed.threshold);
    expect(sms).to.be.greaterThan(0.5);
  });

  it('the medical net answers only where the rules and the help numbers are silent, category unspecified', () => {
    const { dir, cleanup } = makeTempDir('mdu-model-');
    try {
      for (const f of readdirSync(LEXICON_DIR)) if (!f.startsWith('medical.') || f === CRISIS_MODEL_FILE) copyFileSync(path.join(LEXICON_DIR, f), path.join(dir, f));
      writeFileSync(path.join(dir, 'medical.test.yaml'), 'kind: medical\nrules:\n  - id: medical.test.never\n    category: dosage\n    language: any\n    patterns: ["zzqxjw"]\n    comment: never fires\n');
      const netOnly = SafetyScreen.fromDirectory(dir);
      const medical = loadCorpus((f) => f === 'medical.jsonl');
      const caught = medical.filter((l) => netOnly.assess(l.text).kind === 'medical');
      expect(caught.length / medical.length).to.be.greaterThan(0.8);
      const v = netOnly.assess('je ne sais pas si je dois augmenter ma dose de lithium');
      if (v.kind === 'medical') expect(v).to.deep.equal({ kind: 'medical', category: 'unspecified', matched: MEDICAL_MODEL_ID });
    } finally {
      cleanup();
    }
  });

  it('never flags an example question of the knowledge base, nor a non-crisis line of the dev set', () => {
    const flagged = knowledgeQuestions(KNOWLEDGE_DIR).filter((q) => screen.assess(q).kind === 'crisis');
    expect(flagged).to.deep.equal([]);
    const dev = loadDevSet().filter((l) => l.expect !== 'crisis' && screen.assess(l.text).kind === 'crisis');
    expect(dev.map((l) => l.source)).to.deep.equal([]);
  });
});
