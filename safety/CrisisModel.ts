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
import { undouble } from './normalise.js';

/** The file's name inside the lexicon folder. */
export const CRISIS_MODEL_FILE = 'crisis-model.json';

/** Words shorter than this have no prefix feature; longer ones get their first STEM_LENGTH letters. */
export const STEM_LENGTH = 5;

/**
 * Character n-grams of each word (padded with a space each side: ` mou`, `our`, `rir `), from
 * MIN_GRAM to MAX_GRAM letters: a word spelt another way ("swebtkt", "medok", "cachetons") still
 * shares most of its pieces with the words the model learnt.
 */
export const MIN_GRAM = 3;
export const MAX_GRAM = 5;

/**
 * Words that say how a person writes, not what they say: the crisis lines of the corpus are mostly
 * first-person statements ("it's over", "I can't"), the ordinary ones mostly questions, so these
 * words alone would teach the model that "it is about my sister" is a crisis. They give no
 * character n-gram, and a word or pair feature made only of them gets no weight (a word of a pair
 * that is not one of them keeps the pair). Negations ("pas", "plus", "rien", "not", "no") are not
 * among them: they carry meaning here.
 */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  // As the screen's normalisation writes them (doubled letters single: "been" is "ben", "all" is "al").
  (
    'i me my mine myself it its is am are was were be been being the a an to of and or in on at for with about from this that these those ' +
    'you your he she they we us our her his him them their do does did have has had so just what how can could would will m t d ll re ve s ' +
    'je j me m moi ma mon mes tu te toi ta ton tes il elle on nous vous ils elles le la les l un une des de du d et ou a au aux en est c ce ca ' +
    'cet cette que qu qui pour par avec dans sur se s y sa son ses notre votre leur suis es sommes etes sont ai as avons avez ont'
  )
    .split(' ')
    .map(undouble),
);

const FiniteNumber = z.number().refine(Number.isFinite, 'must be a finite number');

/** A feature: `w:word`, `b:word word` (neighbours), `p:prefix` (first letters of a long word), `c:gram` (letters of a padded word). */
const Weights = z.record(z.string().regex(/^[wbpc]:[a-z0-9?# ]+$/, 'a feature is w:, b:, p: or c: then normalised text'), FiniteNumber);

export const CrisisModelFile = z.strictObject({
  kind: z.literal('crisis-model'),
  version: z.literal(2),
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
  /** Feature -> weight (see `crisisFeatures`). */
  weights: Weights,
  /**
   * The medical net, on the same features: p(medical request) at or above its threshold makes a
   * medical request of a message no rule (and no crisis net) flagged. Absent: the rules alone.
   */
  medical: z
    .strictObject({
      threshold: z.number().gt(0).lt(1),
      bias: FiniteNumber,
      weights: Weights,
    })
    .optional(),
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
    if (hasGrams(word)) forEachGram(word, (g) => features.add(`c:${g}`));
  }
  return features;
}

/** Whether a word gives character n-grams: letters, at least MIN_GRAM - 1 of them, not a function word. */
function hasGrams(word: string): boolean {
  return word.length >= MIN_GRAM - 1 && /^[a-z]/.test(word) && !FUNCTION_WORDS.has(word);
}

/** Calls `f` with each character n-gram of ` word ` (MIN_GRAM to MAX_GRAM letters; repeats included). */
function forEachGram(word: string, f: (gram: string) => void): void {
  const padded = ` ${word} `;
  for (let n = MIN_GRAM; n <= MAX_GRAM; n++) for (let i = 0; i + n <= padded.length; i++) f(padded.slice(i, i + n));
}

/** One logistic regression over `crisisFeatures`: feature text -> index, one map per kind (no string built for a word). */
class LinearModel {
  private readonly words = new Map<string, number>();
  private readonly prefixes = new Map<string, number>();
  private readonly pairs = new Map<string, number>();
  private readonly grams = new Map<string, number>();
  private readonly weights: Float64Array;
  /** Per feature, the call that last counted it: each distinct feature counts once, with nothing allocated. */
  private readonly counted: Uint32Array;
  private call = 0;

  constructor(
    weights: Readonly<Record<string, number>>,
    private readonly bias: number,
  ) {
    const entries = Object.entries(weights);
    this.weights = new Float64Array(entries.length);
    this.counted = new Uint32Array(entries.length);
    entries.forEach(([feature, weight], i) => {
      const map = feature.startsWith('w:') ? this.words : feature.startsWith('p:') ? this.prefixes : feature.startsWith('c:') ? this.grams : this.pairs;
      map.set(feature.slice(2), i);
      this.weights[i] = weight;
    });
  }

  probability(normalised: string): number {
    return 1 / (1 + Math.exp(-this.score(normalised)));
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
    const addGram = (gram: string): void => add(this.grams.get(gram));
    let previous = '';
    for (const word of normalised.split(' ')) {
      add(this.words.get(word));
      if (word.length > STEM_LENGTH) add(this.prefixes.get(word.slice(0, STEM_LENGTH)));
      if (previous !== '') add(this.pairs.get(`${previous} ${word}`));
      if (this.grams.size > 0 && hasGrams(word)) forEachGram(word, addGram);
      previous = word;
    }
    return sum;
  }
}

export class CrisisModel {
  private readonly crisis: LinearModel;
  private readonly medical: LinearModel | null;

  private constructor(
    data: CrisisModelFile,
    /** p(crisis) at or above which the screen reports a crisis. */
    readonly threshold: number,
    /** The same, over a medical verdict of the rules (1: never). */
    readonly medicalThreshold: number,
    /** p(medical request) at or above which the medical net reports one (1: never, no medical net). */
    readonly medicalRequestThreshold: number,
  ) {
    this.crisis = new LinearModel(data.weights, data.bias);
    this.medical = data.medical ? new LinearModel(data.medical.weights, data.medical.bias) : null;
  }

  static fromData(data: CrisisModelFile): CrisisModel {
    return new CrisisModel(data, data.threshold, data.medicalThreshold ?? 1, data.medical?.threshold ?? 1);
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
    return this.crisis.probability(normalised);
  }

  /** Whether p(crisis) reaches the threshold. */
  isCrisis(normalised: string): boolean {
    return this.probability(normalised) >= this.threshold;
  }

  /** Whether p(crisis) reaches the higher threshold at which it overrules a medical verdict. */
  overrulesMedical(normalised: string): boolean {
    return this.probability(normalised) >= this.medicalThreshold;
  }

  /** p(medical request) of the same text (0 without a medical net). */
  medicalProbability(normalised: string): number {
    return this.medical ? this.medical.probability(normalised) : 0;
  }

  /** Whether the medical net takes the message for a request for medical advice. */
  isMedical(normalised: string): boolean {
    return this.medical !== null && this.medical.probability(normalised) >= this.medicalRequestThreshold;
  }
}
