/**
 * The one trainer of `learn/`: a linear model over sparse feature vectors, fitted by stochastic
 * gradient descent over the lines in a seeded order. Both models of the bot are trained with it:
 * the understanding model (softmax over topics and intents, AdaGrad; `trainSoftmax.ts`) and the
 * safety nets (logistic, crisis or not, medical or not, SGD with a decaying rate;
 * `safety/trainCrisisModel.ts`). Deterministic: the same vectors, labels and options give the same
 * weights, to the last bit.
 */
import type { SparseVector } from './TextFeatures.js';

export interface LinearFitOptions {
  /**
   * `softmax`: one output a class, labels 0..outputs-1. `logistic`: one output, p = sigmoid,
   * labels 0 or 1 (a binary model, what a two-class softmax with one class pinned at 0 would be).
   */
  readonly link: 'softmax' | 'logistic';
  readonly outputs: number;
  /** The number of features (bucket or vocabulary size): weights are `dimensions x outputs`, feature-major. */
  readonly dimensions: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly seed: number;
  /**
   * `adagrad`: a rate per weight (learningRate / sqrt(sum of squared gradients)); `sgd`: one rate
   * for all, learningRate / (1 + epoch / decayEpochs).
   */
  readonly optimiser: { readonly kind: 'adagrad' } | { readonly kind: 'sgd'; readonly decayEpochs: number };
  /** Gradients smaller than this (an output the line hardly touches) are skipped; 0 skips none. */
  readonly minGradient: number;
  /** What each line weighs; absent, classes weigh alike whatever their number of lines (sqrt of the imbalance). */
  readonly lineWeights?: readonly number[];
}

export interface LinearWeights {
  /** Feature-major: feature * outputs + output. */
  readonly weights: Float64Array;
  readonly bias: Float64Array;
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

/** Shuffles in place (Fisher-Yates) with a seeded generator. */
export function shuffleInPlace(items: number[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as number, items[i] as number];
  }
}

/** Classes weigh alike whatever their number of lines (a class with few lines is not a rare event). */
function balancedLineWeights(ys: readonly number[], classes: number): number[] {
  const counts = new Float64Array(classes);
  for (const y of ys) counts[y] = (counts[y] as number) + 1;
  const classWeight = Float64Array.from(counts, (n) => (n === 0 ? 0 : Math.sqrt(ys.length / classes / n)));
  return ys.map((y) => classWeight[y] as number);
}

/** Fits the weights and biases of a linear model on labelled sparse vectors. */
export function fitLinear(xs: readonly SparseVector[], ys: readonly number[], options: LinearFitOptions): LinearWeights {
  const logistic = options.link === 'logistic';
  const C = options.outputs;
  if (logistic && C !== 1) throw new Error('fitLinear: a logistic model has one output');
  const weights = new Float64Array(options.dimensions * C);
  const bias = new Float64Array(C);
  const adagrad = options.optimiser.kind === 'adagrad';
  const squares = adagrad ? new Float64Array(options.dimensions * C) : null;
  const biasSquares = new Float64Array(C);
  const lineWeights = options.lineWeights ?? balancedLineWeights(ys, logistic ? 2 : C);
  const order = xs.map((_, i) => i);
  const random = seededRandom(options.seed);
  const p = new Float64Array(C);
  const { l2, minGradient } = options;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffleInPlace(order, random);
    const rate = options.optimiser.kind === 'sgd' ? options.learningRate / (1 + epoch / options.optimiser.decayEpochs) : options.learningRate;
    for (const n of order) {
      const x = xs[n] as SparseVector;
      const y = ys[n] as number;
      const lineWeight = lineWeights[n] as number;
      let max = -Infinity;
      for (let c = 0; c < C; c++) {
        let z = bias[c] as number;
        for (let k = 0; k < x.index.length; k++) z += (x.value[k] as number) * (weights[(x.index[k] as number) * C + c] as number);
        p[c] = z;
        if (z > max) max = z;
      }
      let sum = 1;
      if (logistic) p[0] = 1 / (1 + Math.exp(-(p[0] as number)));
      else {
        sum = 0;
        for (let c = 0; c < C; c++) sum += p[c] = Math.exp((p[c] as number) - max);
      }
      for (let c = 0; c < C; c++) {
        const g = logistic ? ((p[c] as number) - y) * lineWeight : lineWeight * ((p[c] as number) / sum - (c === y ? 1 : 0));
        // An output the line barely touches is left alone: most of the work once the model fits, and no change it would notice.
        if (Math.abs(g) < minGradient) continue;
        if (squares) {
          biasSquares[c] = (biasSquares[c] as number) + g * g;
          bias[c] = (bias[c] as number) - (rate * g) / Math.sqrt((biasSquares[c] as number) + 1e-8);
          for (let k = 0; k < x.index.length; k++) {
            const at = (x.index[k] as number) * C + c;
            const gw = g * (x.value[k] as number) + l2 * (weights[at] as number);
            squares[at] = (squares[at] as number) + gw * gw;
            weights[at] = (weights[at] as number) - (rate * gw) / Math.sqrt((squares[at] as number) + 1e-8);
          }
        } else {
          bias[c] = (bias[c] as number) - rate * g;
          for (let k = 0; k < x.index.length; k++) {
            const at = (x.index[k] as number) * C + c;
            weights[at] = (weights[at] as number) - rate * (g * (x.value[k] as number) + l2 * (weights[at] as number));
          }
        }
      }
    }
  }
  return { weights, bias };
}
