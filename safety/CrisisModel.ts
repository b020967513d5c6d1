/**
 * The crisis model: a second net behind the crisis rules. A logistic regression over the words of
 * the normalised message, crisis masks applied (the text the crisis patterns see), gives p(crisis); the screen uses it only when
 * no crisis rule fired (`SafetyScreen.assess`).
 *
 * The model is data (`safety/lexicons/crisis-model.json`), produced from the tuning corpus by
 * `npm run train-safety` (`safety/trainCrisisModel.ts`), validated with zod at start-up: a broken
 * file is a `DataFileError` naming the file and the field.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DataFileError, ErrorCodes } from '../bot/errors.js';
import { validateData } from '../knowledge/readDataFile.js';

/** The file's name inside the lexicon folder. */
export const CRISIS_MODEL_FILE = 'crisis-model.json';

/** Words shorter than this have no prefix feature; longer ones get their first STEM_LENGTH letters. */
export const STEM_LENGTH = 5;

const FiniteNumber = z.number().refine(Number.isFinite, 'must be a finite number');

export const CrisisModelFile = z.strictObject({
  kind: z.literal('crisis-model'),
  version: z.literal(1),
  /** What it was trained on and when (provenance only, never read by the screen). */
  source: z.strictObject({
    corpus: z.array(z.string().min(1)).min(1),
    corpusSha256: z.string().regex(/^[0-9a-f]{64}$/, 'the sha256 of the corpus files, in hex'),
    lines: z.strictObject({ crisis: z.number().int().positive(), other: z.number().int().positive() }),
    trainedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date, YYYY-MM-DD'),
    command: z.string().min(1),
  }),
  /** The training settings, so that a retrain can be compared. */
  training: z.strictObject({
    epochs: z.number().int().positive(),
    learningRate: z.number().positive(),
    l2: z.number().nonnegative(),
    minCount: z.number().int().positive(),
    seed: z.number().int(),
  }),
  /** p(crisis) at or above this makes a message the rules left as none or help_info a crisis. */
  threshold: z.number().gt(0).lt(1),
  /**
   * p(crisis) at or above this makes a crisis of a message the rules took for a medical question
   * (a double dose with blurred sight); absent, a medical verdict always stands.
   */
  medicalThreshold: z.number().gt(0).lt(1).optional(),
  bias: FiniteNumber,
  /** Feature -> weight. Features: `w:word`, `b:word word` (neighbours), `p:prefix` (first letters of a long word). */
  weights: z.record(z.string().regex(/^[wbp]:[a-z0-9?# ]+$/, 'a feature is w:, b: or p: then normalised text'), FiniteNumber),
});
export type CrisisModelFile = z.infer<typeof CrisisModelFile>;

/**
 * The distinct features of a normalised message: each word, each pair of neighbouring words, and
 * the first letters of each long word (French endings vary: `mourir`, `mourrai`, `mourant`).
 */
export function crisisFeatures(normalised: string): Set<string> {
  const features = new Set<string>();
  if (normalised === '') return features;
  const words = normalised.split(' ');
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    features.add(`w:${word}`);
    if (word.length > STEM_LENGTH) features.add(`p:${word.slice(0, STEM_LENGTH)}`);
    if (i > 0) features.add(`b:${words[i - 1]!} ${word}`);
  }
  return features;
}

export class CrisisModel {
  /** Feature text (without its `w:` / `p:` / `b:` tag) -> index in `weights`, one map per kind: no string built for a word. */
  private readonly words = new Map<string, number>();
  private readonly prefixes = new Map<string, number>();
  private readonly pairs = new Map<string, number>();
  private readonly weights: Float64Array;
  /** Per feature, the call that last counted it: each distinct feature counts once, with nothing allocated. */
  private readonly counted: Uint32Array;
  private call = 0;

  private constructor(
    weights: Readonly<Record<string, number>>,
    private readonly bias: number,
    /** p(crisis) at or above which the screen reports a crisis. */
    readonly threshold: number,
    /** The same, over a medical verdict of the rules (1: never). */
    readonly medicalThreshold: number,
  ) {
    const entries = Object.entries(weights);
    this.weights = new Float64Array(entries.length);
    this.counted = new Uint32Array(entries.length);
    entries.forEach(([feature, weight], i) => {
      const map = feature.startsWith('w:') ? this.words : feature.startsWith('p:') ? this.prefixes : this.pairs;
      map.set(feature.slice(2), i);
      this.weights[i] = weight;
    });
  }

  static fromData(data: CrisisModelFile): CrisisModel {
    return new CrisisModel(data.weights, data.bias, data.threshold, data.medicalThreshold ?? 1);
  }

  /** Reads and validates a model file; anything wrong is a `DataFileError` naming the file and the field. */
  static fromFile(file: string): CrisisModel {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (error) {
      const problem = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `not valid JSON: ${(error as Error).message}`;
      throw new DataFileError(ErrorCodes.LEXICON_FILE_INVALID, file, '(file)', problem);
    }
    return CrisisModel.fromData(validateData(CrisisModelFile, raw, file, ErrorCodes.LEXICON_FILE_INVALID));
  }

  /** p(crisis) of a normalised message, crisis masks applied (as `SafetyScreen.crisisText` gives it). */
  probability(normalised: string): number {
    return 1 / (1 + Math.exp(-this.score(normalised)));
  }

  /** Whether p(crisis) reaches the threshold. */
  isCrisis(normalised: string): boolean {
    return this.probability(normalised) >= this.threshold;
  }

  /** Whether p(crisis) reaches the higher threshold at which it overrules a medical verdict. */
  overrulesMedical(normalised: string): boolean {
    return this.probability(normalised) >= this.medicalThreshold;
  }

  /** The log-odds: the bias plus the weight of each distinct feature of `crisisFeatures(normalised)`. */
  private score(normalised: string): number {
    let sum = this.bias;
    if (normalised === '') return sum;
    if (++this.call === 0xffffffff) {
      this.counted.fill(0);
      this.call = 1;
    }
    const call = this.call;
    const add = (index: number | undefined): void => {
      if (index === undefined || this.counted[index] === call) return;
      this.counted[index] = call;
      sum += this.weights[index]!;
    };
    let previous = '';
    for (const word of normalised.split(' ')) {
      add(this.words.get(word));
      if (word.length > STEM_LENGTH) add(this.prefixes.get(word.slice(0, STEM_LENGTH)));
      if (previous !== '') add(this.pairs.get(`${previous} ${word}`));
      previous = word;
    }
    return sum;
  }
}
