/**
 * Training of the crisis model (`safety/CrisisModel.ts`): an L2-regularised logistic regression
 * fitted by stochastic gradient descent in a seeded order. Deterministic: the same lines and
 * options give the same weights, to the last digit written.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crisisFeatures, CrisisModelFile } from './CrisisModel.js';
import { SafetyScreen } from './SafetyScreen.js';
import { loadKnowledge } from '../knowledge/loadKnowledge.js';

export interface TrainingOptions {
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  /** A feature is kept only when this many training lines hold it (rarer ones are noise). */
  readonly minCount: number;
  readonly seed: number;
}

export const DEFAULT_TRAINING: TrainingOptions = { epochs: 40, learningRate: 0.1, l2: 0.002, minCount: 2, seed: 20261125 };

/** One training line: its normalised text, and whether it is a crisis. */
export interface TrainingLine {
  readonly normalised: string;
  readonly crisis: boolean;
}

/** Weights are written with this many decimals: small files, and the same text on every machine. */
const DECIMALS = 4;

/** Fits the model; weights come back with their keys sorted. */
export function trainCrisisModel(lines: readonly TrainingLine[], options: TrainingOptions = DEFAULT_TRAINING): Pick<CrisisModelFile, 'bias' | 'weights'> {
  const featureSets = lines.map((l) => crisisFeatures(l.normalised));
  const counts = new Map<string, number>();
  for (const set of featureSets) for (const f of set) counts.set(f, (counts.get(f) ?? 0) + 1);
  const names = [...counts].filter(([, n]) => n >= options.minCount).map(([f]) => f).sort();
  const index = new Map(names.map((f, i) => [f, i]));
  const rows = featureSets.map((set) => Int32Array.from([...set].flatMap((f) => (index.has(f) ? [index.get(f)!] : [])).sort((a, b) => a - b)));
  const labels = lines.map((l) => (l.crisis ? 1 : 0));

  // Each class weighs as much as the other, whatever their sizes.
  const positives = labels.reduce<number>((a, y) => a + y, 0);
  const classWeight = [lines.length / (2 * Math.max(1, lines.length - positives)), lines.length / (2 * Math.max(1, positives))];

  const weights = new Float64Array(names.length);
  let bias = 0;
  const random = mulberry32(options.seed);
  const order = lines.map((_, i) => i);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, random);
    const rate = options.learningRate / (1 + epoch / 10);
    for (const i of order) {
      const row = rows[i]!;
      let z = bias;
      for (let k = 0; k < row.length; k++) z += weights[row[k]!]!;
      const y = labels[i]!;
      const g = (1 / (1 + Math.exp(-z)) - y) * classWeight[y]!;
      bias -= rate * g;
      for (let k = 0; k < row.length; k++) {
        const j = row[k]!;
        weights[j] = weights[j]! - rate * (g + options.l2 * weights[j]!);
      }
    }
  }

  const out: Record<string, number> = {};
  for (let j = 0; j < names.length; j++) {
    const w = round(weights[j]!);
    if (w !== 0) out[names[j]!] = w;
  }
  return { bias: round(bias), weights: out };
}

function round(x: number): number {
  const r = Math.round(x * 10 ** DECIMALS) / 10 ** DECIMALS;
  return Object.is(r, -0) ? 0 : r;
}

/** A small seeded generator (mulberry32): the training order is the same on every run (the benchmarks use it too). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(items: number[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/** The tuning corpus files the model learns from (never the held-out files, never the dev set). */
export const TUNING_FILES = ['crisis.jsonl', 'medical.jsonl', 'ordinary.jsonl'] as const;

/**
 * p(crisis) at or above which a message the rules left as none or help_info becomes a crisis.
 * Chosen once, before the fourth blind round was opened (see tests/safety/HELDOUT.md).
 */
export const CRISIS_THRESHOLD = 0.9;

/** The lines of one corpus file (JSON lines `{"text", "expect", "lang"}`): crisis or not. */
export function parseCorpusText(content: string, file: string): { text: string; crisis: boolean }[] {
  return content
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      let line: { text?: unknown; expect?: unknown };
      try {
        line = JSON.parse(l) as { text?: unknown; expect?: unknown };
      } catch {
        throw new Error(`${file}:${i + 1}: not valid JSON`);
      }
      if (typeof line.text !== 'string' || typeof line.expect !== 'string') throw new Error(`${file}:${i + 1}: a corpus line has a "text" and an "expect"`);
      return { text: line.text, crisis: line.expect === 'crisis' };
    });
}

/** Every example question of the knowledge base, French then English, topic by topic: ordinary messages, never a crisis. */
export function knowledgeQuestions(knowledgeDir: string): string[] {
  return loadKnowledge(knowledgeDir).topics.flatMap((t) => [...t.questions.fr, ...t.questions.en]);
}


/**
 * The model file trained from the tuning corpus in `corpusDir`, as JSON text (what
 * `npm run train-safety` writes). Deterministic: only `trainedOn` comes from outside.
 */
export function buildCrisisModelFile(corpusDir: string, lexiconDir: string, knowledgeDir: string, trainedOn: string): string {
  const hash = createHash('sha256');
  const corpus = TUNING_FILES.flatMap((f) => {
    const content = readFileSync(path.join(corpusDir, f), 'utf8');
    hash.update(content);
    return parseCorpusText(content, f);
  });
  const questions = knowledgeQuestions(knowledgeDir);
  hash.update(questions.join('\n'));
  const lines = [...corpus, ...questions.map((text) => ({ text, crisis: false }))];
  // The text as the crisis rules see it (normalised, idioms and topic names masked): what the screen gives the model.
  const screen = SafetyScreen.fromDirectory(lexiconDir, { crisisModel: null });
  const fitted = trainCrisisModel(
    lines.map((l) => ({ normalised: screen.crisisText(l.text), crisis: l.crisis })),
    DEFAULT_TRAINING,
  );
  const crisis = lines.filter((l) => l.crisis).length;
  const data: CrisisModelFile = CrisisModelFile.parse({
    kind: 'crisis-model',
    version: 1,
    source: {
      corpus: [...TUNING_FILES.map((f) => `tests/safety/corpus/${f}`), 'knowledge/topics/*.md (example questions, as non-crisis)'],
      corpusSha256: hash.digest('hex'),
      lines: { crisis, other: lines.length - crisis },
      trainedOn,
      command: 'npm run train-safety',
    },
    training: { ...DEFAULT_TRAINING },
    threshold: CRISIS_THRESHOLD,
    ...fitted,
  });
  // One weight a line: a retrain reads as a diff.
  const head = JSON.stringify({ ...data, weights: undefined }, null, 2).replace(/\n}$/, '');
  const weights = Object.entries(data.weights)
    .map(([k, v]) => `    ${JSON.stringify(k)}: ${v}`)
    .join(',\n');
  return `${head},\n  "weights": {\n${weights}\n  }\n}\n`;
}
