/**
 * Training of a `SoftmaxModel`: multinomial logistic regression with an L2 penalty, fitted by
 * AdaGrad over the lines in a seeded order. Deterministic: the same lines and options give the
 * same file, byte for byte. The softmax temperature is fitted on k held-out folds (each fold
 * predicted by a model trained on the others), so the probabilities mean about what they say.
 */
import { createHash } from 'node:crypto';
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

/** A small seeded generator (mulberry32): the same seed, the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Fitted {
  weights: Float64Array;
  bias: Float64Array;
}

function fit(xs: readonly SparseVector[], ys: readonly number[], C: number, options: SoftmaxTraining): Fitted {
  const D = 1 << options.features.bits;
  const weights = new Float64Array(D * C);
  const squares = new Float64Array(D * C);
  const bias = new Float64Array(C);
  const biasSquares = new Float64Array(C);
  // Classes weigh alike whatever their number of lines (a class with few lines is not a rare event).
  const counts = new Float64Array(C);
  for (const y of ys) counts[y] = (counts[y] as number) + 1;
  const classWeight = Float64Array.from(counts, (n) => (n === 0 ? 0 : Math.sqrt(ys.length / C / n)));
  const order = xs.map((_, i) => i);
  const random = seededRandom(options.seed);
  const p = new Float64Array(C);
  const { learningRate: lr, l2 } = options;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const n of order) {
      const x = xs[n] as SparseVector;
      const y = ys[n] as number;
      let max = -Infinity;
      for (let c = 0; c < C; c++) {
        let z = bias[c] as number;
        for (let k = 0; k < x.index.length; k++) z += (x.value[k] as number) * (weights[(x.index[k] as number) * C + c] as number);
        p[c] = z;
        if (z > max) max = z;
      }
      let sum = 0;
      for (let c = 0; c < C; c++) sum += p[c] = Math.exp((p[c] as number) - max);
      const cw = classWeight[y] as number;
      for (let c = 0; c < C; c++) {
        const g = cw * ((p[c] as number) / sum - (c === y ? 1 : 0));
        // A class the line barely touches is left alone: most of the work once the model fits, and no change it would notice.
        if (Math.abs(g) < options.minGradient) continue;
        biasSquares[c] = (biasSquares[c] as number) + g * g;
        bias[c] = (bias[c] as number) - (lr * g) / Math.sqrt((biasSquares[c] as number) + 1e-8);
        for (let k = 0; k < x.index.length; k++) {
          const at = (x.index[k] as number) * C + c;
          const gw = g * (x.value[k] as number) + l2 * (weights[at] as number);
          squares[at] = (squares[at] as number) + gw * gw;
          weights[at] = (weights[at] as number) - (lr * gw) / Math.sqrt((squares[at] as number) + 1e-8);
        }
      }
    }
  }
  return { weights, bias };
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
