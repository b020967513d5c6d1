/**
 * The understanding model is data made by one command (`npm run train`) from the content: the
 * committed file must be what a retrain gives, so nobody ships examples the bot never learnt (or
 * a model trained on content that is not in the repository).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFileError } from '../../bot/errors.js';
import { SoftmaxModel, SoftmaxModelFile } from '../../learn/SoftmaxModel.js';
import { DEFAULT_SOFTMAX_TRAINING, trainingHash, trainSoftmax } from '../../learn/trainSoftmax.js';
import { loadKnowledge } from '../../knowledge/loadKnowledge.js';
import { UNDERSTANDING_MODEL_FILE, understandingLines, INTENT_CLASSES, OUT_OF_SCOPE } from '../../knowledge/understand/UnderstandingExamples.js';
import { addExampleQuestions } from '../../knowledge/understand/teachExample.js';

const KNOWLEDGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../knowledge');
const MODEL_FILE = path.join(KNOWLEDGE_DIR, UNDERSTANDING_MODEL_FILE);
const ROUNDS_DIR = path.resolve(KNOWLEDGE_DIR, '../tests/eval/rounds');

describe('understanding model: the committed file', function () {
  const committedText = readFileSync(MODEL_FILE, 'utf8');
  const committed = SoftmaxModelFile.parse(JSON.parse(committedText));
  const { classes, lines } = understandingLines(KNOWLEDGE_DIR, ROUNDS_DIR);

  it('was trained on the examples as they are now (else: npm run train)', () => {
    expect(trainingHash(lines, classes, DEFAULT_SOFTMAX_TRAINING), 'the examples changed since the model was trained: run npm run train').to.equal(committed.trainedOn);
  });

  it('is byte for byte what a retrain gives (deterministic training)', function () {
    // A full training: about a minute on a busy machine.
    this.timeout(600_000);
    expect(`${JSON.stringify(trainSoftmax(lines, classes))}\n`).to.equal(committedText);
  });

  it('has a class for every topic, every conversational intent and out of scope', () => {
    const topics = loadKnowledge(KNOWLEDGE_DIR).topics.map((t) => t.id);
    expect(() => SoftmaxModel.fromFile(MODEL_FILE).requireClasses([...topics, ...INTENT_CLASSES, OUT_OF_SCOPE])).not.to.throw();
  });

  it('refuses a model that lacks a topic, naming the file and the field', () => {
    const model = SoftmaxModel.fromFile(MODEL_FILE);
    expect(() => model.requireClasses(['rights.new_topic'])).to.throw(DataFileError, /understanding-model\.json: classes: .*rights\.new_topic/);
  });
});

describe('kb:teach: adding an example question to a topic file', () => {
  const file = [
    '---',
    'id: mdu.hours',
    'title:',
    '  fr: Horaires',
    '  en: Hours',
    'questions:',
    '  fr:',
    '    - La MDU ouvre à quelle heure ?',
    '  en:',
    '    - What time does the MDU open?',
    'keywords:',
    '  fr: [horaires]',
    '---',
    '',
    '## fr',
    'Réponse.',
  ].join('\n');
  it('appends to the list of the language, and leaves the rest of the file as it was', () => {
    const { text, added } = addExampleQuestions(file, 'fr', ['vous fermez à quelle heure ?']);
    expect(added).to.equal(1);
    expect(text).to.equal(file.replace('    - La MDU ouvre à quelle heure ?\n', '    - La MDU ouvre à quelle heure ?\n    - vous fermez à quelle heure ?\n'));
  });
  it('quotes what YAML would misread', () => {
    const { text } = addExampleQuestions(file, 'en', ['note: open on Sundays?']);
    expect(text).to.include('    - "note: open on Sundays?"');
  });
  it('skips a question already there, whatever its accents and case', () => {
    expect(addExampleQuestions(file, 'fr', ['la mdu ouvre a quelle heure'], ['La MDU ouvre à quelle heure ?']).added).to.equal(0);
  });
  it('refuses a file without front matter', () => {
    expect(() => addExampleQuestions('## fr\nRéponse', 'fr', ['x y'])).to.throw(/front matter/);
  });
});
