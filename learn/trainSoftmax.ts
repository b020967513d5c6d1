/**
 * Training of a `SoftmaxModel`: multinomial logistic regression with an L2 penalty, fitted by
 * AdaGrad over the lines in a seeded order (`fitLinear`, the trainer the safety nets use too).
 * Deterministic: the same lines and options give the same file, byte for byte. The softmax temperature is fitted on k held-out folds (each fold
 * predicted by a model trained on the others), so the probabilities mean about what they say.
 */
import { createHash } from 'node:crypto';
import { fitLinear } from './fitLinear.js';
import { textFeatures, type FeatureSettings, type SparseVector } from './TextFeatures.js';
import type { SoftmaxModelFile } from './SoftmaxModel.js';

export interface SoftmaxTraining {
  readonly features: FeatureSettings;
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly seed: number;
  /** Folds for the temperature (calibration); 0 or 1 keeps temperature 1. */
  readonly folds: number;
  /** Gradients smaller than this (a class the line hardly touches) are skipped. */
  readonly minGradient: number;
}

export const DEFAULT_SOFTMAX_TRAINING: SoftmaxTraining = {
  features: { bits: 15, minChar: 2, maxChar: 5 },
  epochs: 12,
  learningRate: 0.5,
  l2: 1e-5,
  seed: 20261207,
  folds: 4,
  minGradient: 1e-3,
};

export interface LabelledText {
  readonly text: string;
  readonly label: string;
}

export { seededRandom } from './fitLinear.js';

interface Fitted {
  weights: Float64Array;
  bias: Float64Array;
}

/** Multinomial logistic regression by AdaGrad (`fitLinear`), classes balanced. */
function fit(xs: readonly SparseVector[], ys: readonly number[], C: number, options: SoftmaxTraining): Fitted {
  return fitLinear(xs, ys, {
    link: 'softmax',
    outputs: C,
    dimensions: 1 << options.features.bits,
    epochs: options.epochs,
    learningRate: options.learningRate,
    l2: options.l2,
    seed: options.seed,
    optimiser: { kind: 'adagrad' },
    minGradient: options.minGradient,
  });
}

function logitsOf(model: Fitted, x: SparseVector, C: number): Float64Array {
  const z = Float64Array.from(model.bias);
  for (let k = 0; k < x.index.length; k++) {
    const base = (x.index[k] as number) * C;
    for (let c = 0; c < C; c++) z[c] = (z[c] as number) + (x.value[k] as number) * (model.weights[base + c] as number);
  }
  return z;
}

function logLoss(logits: readonly Float64Array[], ys: readonly number[], temperature: number): number {
  let total = 0;
  logits.forEach((z, n) => {
    let max = -Infinity;
    for (const v of z) max = Math.max(max, v / temperature);
    let sum = 0;
    for (const v of z) sum += Math.exp(v / temperature - max);
    total -= (z[ys[n] as number] as number) / temperature - max - Math.log(sum);
  });
  return total / logits.length;
}

/** What a model is trained on (lines, classes and options), as a hash: stored in the file, so a test can tell cheaply that the content changed. */
export function trainingHash(lines: readonly LabelledText[], classes: readonly string[], options: SoftmaxTraining): string {
  return createHash('sha256')
    .update(JSON.stringify({ options, classes, lines: lines.map((l) => [l.label, l.text]) }))
    .digest('hex');
}

/** Trains a model on labelled texts; `classes` fixes the order of the classes in the file. */
export function trainSoftmax(lines: readonly LabelledText[], classes: readonly string[], options: SoftmaxTraining = DEFAULT_SOFTMAX_TRAINING): SoftmaxModelFile {
  const C = classes.length;
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const ys = lines.map((l) => {
    const y = classIndex.get(l.label);
    if (y === undefined) throw new Error(`trainSoftmax: the label "${l.label}" is not among the classes`);
    return y;
  });
  const xs = lines.map((l) => textFeatures(l.text, options.features));
  const trainedOn = trainingHash(lines, classes, options);

  // Calibration: every line predicted by a model that never saw it.
  let temperature = 1;
  const report: Record<string, number> = { lines: lines.length };
  if (options.folds > 1) {
    const heldLogits: Float64Array[] = [];
    const heldYs: number[] = [];
    let right = 0;
    for (let f = 0; f < options.folds; f++) {
      const trainIdx = xs.map((_, i) => i).filter((i) => i % options.folds !== f);
      const testIdx = xs.map((_, i) => i).filter((i) => i % options.folds === f);
      const model = fit(trainIdx.map((i) => xs[i] as SparseVector), trainIdx.map((i) => ys[i] as number), C, options);
      for (const i of testIdx) {
        const z = logitsOf(model, xs[i] as SparseVector, C);
        heldLogits.push(z);
        heldYs.push(ys[i] as number);
        let best = 0;
        for (let c = 1; c < C; c++) if ((z[c] as number) > (z[best] as number)) best = c;
        if (best === ys[i]) right++;
      }
    }
    let bestLoss = Infinity;
    for (let t = 0.2; t <= 4.0001; t += 0.05) {
      const loss = logLoss(heldLogits, heldYs, t);
      if (loss < bestLoss) {
        bestLoss = loss;
        temperature = Math.round(t * 100) / 100;
      }
    }
    report.crossValidatedAccuracy = Math.round((10000 * right) / heldYs.length) / 10000;
    report.crossValidatedLogLoss = Math.round(10000 * bestLoss) / 10000;
  }

  const model = fit(xs, ys, C, options);
  const D = 1 << options.features.bits;
  const scale: number[] = [];
  const quantised = new Int8Array(D * C);
  for (let c = 0; c < C; c++) {
    let max = 0;
    for (let d = 0; d < D; d++) max = Math.max(max, Math.abs(model.weights[d * C + c] as number));
    const s = max / 127;
    scale.push(Number(s.toPrecision(8)));
    const used = scale[c] as number;
    for (let d = 0; d < D; d++) quantised[d * C + c] = used === 0 ? 0 : Math.round((model.weights[d * C + c] as number) / used);
  }
  return {
    kind: 'softmax-text-model',
    version: 1,
    trainedOn,
    classes: [...classes],
    features: { ...options.features },
    temperature,
    bias: Array.from(model.bias, (b) => Number(b.toPrecision(8))),
    scale,
    weights: Buffer.from(quantised.buffer).toString('base64'),
    report,
  };
}
