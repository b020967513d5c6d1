/**
 * The generic text classifier of `learn/`: features that survive spelling, deterministic
 * training, calibrated probabilities, and a model file refused (naming the file and the field)
 * when it is broken.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataFileError } from '../../bot/errors.js';
import { SoftmaxModel } from '../../learn/SoftmaxModel.js';
import { textFeatures } from '../../learn/TextFeatures.js';
import { fitLinear } from '../../learn/fitLinear.js';
import { DEFAULT_SOFTMAX_TRAINING, trainSoftmax, type LabelledText } from '../../learn/trainSoftmax.js';
import { makeTempDir } from '../helpers/tempDir.js';

const SMALL = { ...DEFAULT_SOFTMAX_TRAINING, features: { bits: 12, minChar: 2, maxChar: 5 }, folds: 3 };

const LINES: LabelledText[] = [
  ...['à quelle heure vous ouvrez', 'horaires d’ouverture', 'vous fermez quand', 'ouvert le samedi ?', 'what time do you open', 'opening hours please'].map((text) => ({ text, label: 'hours' })),
  ...['où se trouve la maison', 'adresse svp', 'comment venir en métro', 'c’est où exactement', 'where are you', 'how do I get there'].map((text) => ({ text, label: 'location' })),
  ...['quel temps demain', 'recette de crêpes', 'score du match', 'raconte une blague', 'weather tomorrow', 'tell me a story'].map((text) => ({ text, label: 'other' })),
];
const CLASSES = ['hours', 'location', 'other'];

describe('learn: text features', () => {
  const cases: { a: string; b: string }[] = [
    { a: 'Été, HORAIRES', b: 'ete horaires' },
    { a: 'L’accès ?', b: "l'acces" },
    { a: 'Œuvre', b: 'oeuvre' },
  ];
  for (const { a, b } of cases) {
    it(`"${a}" and "${b}" have the same features (case, accents, punctuation)`, () => {
      expect(Array.from(textFeatures(a, SMALL.features).index)).to.deep.equal(Array.from(textFeatures(b, SMALL.features).index));
    });
  }
  it('gives a unit-length vector, and nothing for a text without letters', () => {
    const v = textFeatures('horaires de la MDU', SMALL.features);
    expect(Array.from(v.value).reduce((s, x) => s + x * x, 0)).to.be.closeTo(1, 1e-5);
    expect(textFeatures(' ?! ', SMALL.features).index.length).to.equal(0);
  });
  it('shares most features between a word and its misspelling', () => {
    const a = new Set(textFeatures('horaires', SMALL.features).index);
    const b = textFeatures('oraires', SMALL.features).index;
    const shared = Array.from(b).filter((i) => a.has(i)).length;
    expect(shared / b.length).to.be.above(0.5);
  });
});

describe('learn: softmax model', function () {
  this.timeout(20_000);
  const file = trainSoftmax(LINES, CLASSES, SMALL);
  const model = new SoftmaxModel(file);
  const table: { text: string; label: string }[] = [
    { text: 'vous ouvrez à quelle heure le samedi', label: 'hours' },
    { text: 'oraires douverture ?', label: 'hours' },
    { text: 'where is it, how do I come', label: 'location' },
    { text: 'c ou ladresse', label: 'location' },
    { text: 'une blague sur la météo', label: 'other' },
  ];
  for (const { text, label } of table) {
    it(`reads "${text}" as ${label}`, () => {
      const p = model.predict(text);
      const best = p.indexOf(Math.max(...p));
      expect(model.classes[best]).to.equal(label);
    });
  }
  it('gives probabilities that sum to 1', () => {
    const p = model.predict('horaires');
    expect(Array.from(p).reduce((s, x) => s + x, 0)).to.be.closeTo(1, 1e-9);
  });
  it('trains to the same file twice (deterministic)', () => {
    expect(JSON.stringify(trainSoftmax(LINES, CLASSES, SMALL))).to.equal(JSON.stringify(file));
  });
  it('fits a softmax temperature on held-out folds', () => {
    expect(file.temperature).to.be.within(0.2, 4);
    expect(file.report?.crossValidatedAccuracy).to.be.a('number');
  });
  it('refuses a label that is not a class', () => {
    expect(() => trainSoftmax([...LINES, { text: 'x y', label: 'nope' }], CLASSES, SMALL)).to.throw(/nope/);
  });

  describe('a broken model file is refused, naming the file and the field', () => {
    const tmp = makeTempDir('mdu-model-');
    after(() => tmp.cleanup());
    const broken: { name: string; edit: (f: Record<string, unknown>) => unknown; field: RegExp }[] = [
      { name: 'weights of the wrong size', edit: (f) => ({ ...f, weights: Buffer.from([1, 2, 3]).toString('base64') }), field: /weights/ },
      { name: 'a missing temperature', edit: (f) => ({ ...f, temperature: undefined }), field: /temperature/ },
      { name: 'one bias too few', edit: (f) => ({ ...f, bias: (f.bias as number[]).slice(1) }), field: /bias/ },
      { name: 'a class twice', edit: (f) => ({ ...f, classes: ['hours', 'hours', 'other'] }), field: /classes/ },
      { name: 'another kind of file', edit: (f) => ({ ...f, kind: 'crisis-model' }), field: /kind/ },
    ];
    for (const { name, edit, field } of broken) {
      it(name, () => {
        const target = path.join(tmp.dir, 'model.json');
        writeFileSync(target, JSON.stringify(edit({ ...file } as Record<string, unknown>)));
        let error: unknown;
        try {
          SoftmaxModel.fromFile(target);
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(DataFileError);
        expect((error as Error).message).to.include(target).and.match(field);
      });
    }
    it('a file that is not JSON', () => {
      const target = path.join(tmp.dir, 'bad.json');
      writeFileSync(target, '{"kind": ');
      expect(() => SoftmaxModel.fromFile(target)).to.throw(DataFileError, /bad\.json.*not valid JSON/);
    });
  });
});

describe('learn: one trainer for both models (fitLinear)', () => {
  // Binary features, as the safety nets use them: "danger" words against ordinary ones.
  const vector = (...ids: number[]) => ({ index: Int32Array.from(ids), value: new Float32Array(ids.length).fill(1) });
  const xs = [vector(0, 1), vector(0, 2), vector(1, 3), vector(4, 5), vector(5, 6), vector(4, 6)];
  const ys = [1, 1, 1, 0, 0, 0];
  const options = { link: 'logistic', outputs: 1, dimensions: 7, epochs: 30, learningRate: 0.1, l2: 0.001, seed: 7, optimiser: { kind: 'sgd', decayEpochs: 10 }, minGradient: 0 } as const;
  it('fits a logistic net (the safety nets) with one decaying rate, deterministically', () => {
    const a = fitLinear(xs, ys, options);
    const b = fitLinear(xs, ys, options);
    expect(Array.from(a.weights)).to.deep.equal(Array.from(b.weights));
    const p = (x: { index: Int32Array }) => 1 / (1 + Math.exp(-(Array.from(x.index).reduce((z, i) => z + (a.weights[i] as number), a.bias[0] as number))));
    expect(p(vector(0, 3))).to.be.above(0.5);
    expect(p(vector(5, 6))).to.be.below(0.5);
  });
  it('refuses a logistic net with more than one output', () => {
    expect(() => fitLinear(xs, ys, { ...options, outputs: 2 })).to.throw(/one output/);
  });
});
