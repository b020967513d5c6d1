/**
 * The crisis model: a second net behind the crisis rules. A logistic regression over the words of
 * the normalised message, crisis masks applied (the text the crisis patterns see), gives p(crisis); the screen uses it only when
 * no crisis rule fired (`SafetyScreen.assess`).
 *
 * The model is data (`safety/lexicons/crisis-model.json`), produced from the tuning corpus by
 * `npm run train-safety` (`safety/trainCrisisModel.ts`, with `learn/fitLinear`), validated with
 * zod at start-up: a broken file is a `DataFileError` naming the file and the field. The file is
 * compact (the feature names in one string, the weights as base64 integers), so it is read in a
 * few milliseconds; the crisis and medical nets share one table of features, so a message is read
 * once for both.
 */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { FNV_PRIME, fnvSeed } from '../learn/TextFeatures.js';
import { z } from 'zod';
import { DataFileError, ErrorCodes } from '../bot/errors.js';
import { validateData } from '../knowledge/readDataFile.js';
import { undouble } from './normalise.js';

/** The file's name inside the lexicon folder. */
export const CRISIS_MODEL_FILE = 'crisis-model.json';

/**
 * The confirmation nets' file, in the same format: a crisis net trained only on the messages a
 * crisis rule fires on (real crises against ordinary messages that hold a danger's words: "c'est du
 * suicide de se garer ici", a volunteer asking for the protocol, a record that says "risque
 * suicidaire"), and a medical net trained the same way on the messages a medical rule fires on.
 * Under its threshold, a net sets its rule's verdict aside (`SafetyScreen.assess`).
 */
export const CONFIRMATION_MODEL_FILE = 'crisis-confirmation.json';

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
const FEATURE = /^[wbpc]:[a-z0-9?# ]+$/;

/** The weights of a net, little-endian Int32 in units of `WEIGHT_UNIT`, in base64. */
const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

/**
 * Weights are written as whole numbers of this unit: the trainer rounds them to 4 decimals, so the
 * file gives back exactly the numbers it trained (k / 10000 is the double nearest k x 0.0001).
 */
export const WEIGHT_DECIMALS = 4;
const WEIGHT_SCALE = 10 ** WEIGHT_DECIMALS;

export const CrisisModelFile = z.strictObject({
  kind: z.literal('crisis-model'),
  version: z.literal(3),
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
  /**
   * The features the nets weigh (see `crisisFeatures`), sorted, distinct, one a line: each is
   * `w:`, `b:`, `p:` or `c:` then normalised text. Checked line by line when the model is built.
   */
  features: z.string(),
  /** The unit of the weights: 10^-WEIGHT_DECIMALS. */
  weightUnit: z.literal(1 / WEIGHT_SCALE),
  bias: FiniteNumber,
  /** The crisis net's weight of each feature (0: none), little-endian Int32 in `weightUnit`s, base64. */
  weights: Base64,
  /**
   * The medical net, on the same features: p(medical request) at or above its threshold makes a
   * medical request of a message no rule (and no crisis net) flagged. Absent: the rules alone.
   */
  medical: z
    .strictObject({
      threshold: z.number().gt(0).lt(1),
      bias: FiniteNumber,
      weights: Base64,
    })
    .optional(),
});
export type CrisisModelFile = z.infer<typeof CrisisModelFile>;

/** One net as the trainer gives it: the bias and the weight of each feature (rounded to WEIGHT_DECIMALS, no zeros). */
export interface CrisisNet {
  readonly bias: number;
  readonly weights: Readonly<Record<string, number>>;
}

/** The file's fields that hold the nets, from the nets as the trainer gives them (one feature table for both). */
export function encodeNets(crisis: CrisisNet, medical?: CrisisNet & { readonly threshold: number }): Pick<CrisisModelFile, 'features' | 'weightUnit' | 'bias' | 'weights' | 'medical'> {
  const names = [...new Set([...Object.keys(crisis.weights), ...Object.keys(medical?.weights ?? {})])].sort();
  const encode = (net: CrisisNet): string => {
    const units = new Int32Array(names.length);
    names.forEach((f, i) => {
      const w = net.weights[f] ?? 0;
      const k = Math.round(w * WEIGHT_SCALE);
      if (k / WEIGHT_SCALE !== w || Math.abs(k) > 0x7fffffff) throw new Error(`encodeNets: the weight of ${f} (${w}) is not a whole number of 10^-${WEIGHT_DECIMALS}`);
      units[i] = k;
    });
    return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString('base64');
  };
  return {
    features: names.join('\n'),
    weightUnit: 1 / WEIGHT_SCALE,
    bias: crisis.bias,
    weights: encode(crisis),
    ...(medical ? { medical: { threshold: medical.threshold, bias: medical.bias, weights: encode(medical) } } : {}),
  };
}

/** The nets of a model file, feature -> weight (zeros left out): what the trainer gave. */
export function decodeNets(data: CrisisModelFile): { crisis: CrisisNet; medical?: CrisisNet } {
  const names = data.features === '' ? [] : data.features.split('\n');
  const decode = (bias: number, base64: string): CrisisNet => {
    const units = int32s(base64);
    const weights: Record<string, number> = {};
    names.forEach((f, i) => {
      if (units[i] !== 0) weights[f] = (units[i] as number) / WEIGHT_SCALE;
    });
    return { bias, weights };
  };
  return { crisis: decode(data.bias, data.weights), ...(data.medical ? { medical: decode(data.medical.bias, data.medical.weights) } : {}) };
}

function int32s(base64: string): Int32Array {
  const bytes = Buffer.from(base64, 'base64');
  // Copied into an aligned buffer of its own, read in place where the machine is little-endian (all Node platforms in practice).
  if (LITTLE_ENDIAN) return new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.length & ~3)));
  const units = new Int32Array(bytes.length >> 2);
  for (let i = 0; i < units.length; i++) units[i] = bytes.readInt32LE(i * 4);
  return units;
}

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

const LONGEST_FUNCTION_WORD = Math.max(...[...FUNCTION_WORDS].map((w) => w.length));

/** Whether a word gives character n-grams: letters, at least MIN_GRAM - 1 of them, not a function word. */
function hasGrams(word: string): boolean {
  return word.length >= MIN_GRAM - 1 && /^[a-z]/.test(word) && !FUNCTION_WORDS.has(word);
}

/** Calls `f` with each character n-gram of ` word ` (MIN_GRAM to MAX_GRAM letters; repeats included). */
function forEachGram(word: string, f: (gram: string) => void): void {
  const padded = ` ${word} `;
  for (let n = MIN_GRAM; n <= MAX_GRAM; n++) for (let i = 0; i + n <= padded.length; i++) f(padded.slice(i, i + n));
}

const LITTLE_ENDIAN = endianness() === 'LE';

const KIND_CODE = { w: 119, p: 112, b: 98, c: 99 } as const;
const SPACE = 32;

/**
 * The features of both nets in one open-addressing table keyed by an FNV-1a hash of the feature
 * (its kind, then its text), computed over the message's characters in place: reading a message
 * builds no string. A hash match is confirmed letter by letter, so a lookup is exact.
 */
class FeatureTable {
  private readonly slots: Int32Array;
  private readonly hashes: Uint32Array;
  private readonly mask: number;

  /**
   * The features' texts are kept as one string (the model file's list) with each text's start and
   * length, not as tens of thousands of small strings: the table then weighs a few typed arrays
   * and one string on the heap, which the embedded store needs (tenth session: the store test
   * near the heap limit ran out of memory once the nets passed 83,000 features).
   */
  constructor(
    private readonly all: string,
    private readonly starts: Int32Array,
    private readonly lengths: Int32Array,
    private readonly kinds: Uint8Array,
  ) {
    const count = starts.length;
    let size = 16;
    while (size < count * 2) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.hashes = new Uint32Array(size);
    this.mask = size - 1;
    for (let id = 0; id < count; id++) {
      let h = fnvSeed(kinds[id] as number);
      const start = starts[id] as number;
      const end = start + (lengths[id] as number);
      for (let i = start; i < end; i++) h = Math.imul(h ^ all.charCodeAt(i), FNV_PRIME);
      h >>>= 0;
      let at = h & this.mask;
      while ((this.slots[at] as number) >= 0) at = (at + 1) & this.mask;
      this.slots[at] = id;
      this.hashes[at] = h;
    }
  }

  /** The id of the feature `kind` + `text[from, to)`, -1 when neither net knows it. */
  find(kind: number, text: string, from: number, to: number): number {
    let h = fnvSeed(kind);
    for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
    h >>>= 0;
    for (let at = h & this.mask; ; at = (at + 1) & this.mask) {
      const id = this.slots[at] as number;
      if (id < 0) return -1;
      if (this.hashes[at] === h && this.kinds[id] === kind && this.same(id, text, from, to)) return id;
    }
  }

  /** The id of the character n-gram `padded[from, to)` of the word `text[start, end)` padded with a space each side. */
  findGram(text: string, start: number, end: number, from: number, to: number): number {
    let h = fnvSeed(KIND_CODE.c);
    for (let q = from; q < to; q++) h = Math.imul(h ^ paddedCode(text, start, end, q), FNV_PRIME);
    h >>>= 0;
    for (let at = h & this.mask; ; at = (at + 1) & this.mask) {
      const id = this.slots[at] as number;
      if (id < 0) return -1;
      if (this.hashes[at] === h && this.kinds[id] === KIND_CODE.c) {
        if (this.lengths[id] !== to - from) continue;
        const at0 = (this.starts[id] as number) - from;
        let same = true;
        for (let q = from; q < to && same; q++) same = this.all.charCodeAt(at0 + q) === paddedCode(text, start, end, q);
        if (same) return id;
      }
    }
  }

  private same(id: number, text: string, from: number, to: number): boolean {
    if (this.lengths[id] !== to - from) return false;
    const at0 = (this.starts[id] as number) - from;
    for (let i = from; i < to; i++) if (this.all.charCodeAt(at0 + i) !== text.charCodeAt(i)) return false;
    return true;
  }
}

/** The character at position q of ` word ` where the word is `text[start, end)`. */
function paddedCode(text: string, start: number, end: number, q: number): number {
  return q === 0 || q === end - start + 1 ? SPACE : text.charCodeAt(start + q - 1);
}

/** p(crisis) and p(medical request) of one text. */
export interface NetProbabilities {
  readonly crisis: number;
  readonly medical: number;
}

export class CrisisModel {
  private readonly table: FeatureTable;
  private readonly hasGramFeatures: boolean;
  private readonly crisisWeights: Float64Array;
  private readonly medicalWeights: Float64Array | null;
  private readonly crisisBias: number;
  private readonly medicalBias: number;
  /** Per feature, the call that last counted it: each distinct feature counts once, with nothing allocated. */
  private readonly counted: Uint32Array;
  private call = 0;
  /** The two nets' log-odds while a text is scored, in a typed array: summed in place, with no number allocated a feature. */
  private readonly sums = new Float64Array(2);
  /** The last text scored and its probabilities: the screen asks about the same text several times. */
  private lastText: string | null = null;
  private last: NetProbabilities = { crisis: 0, medical: 0 };

  private constructor(
    data: CrisisModelFile,
    source: string,
    /** p(crisis) at or above which the screen reports a crisis. */
    readonly threshold: number,
    /** The same, over a medical verdict of the rules (1: never). */
    readonly medicalThreshold: number,
    /** p(medical request) at or above which the medical net reports one (1: never, no medical net). */
    readonly medicalRequestThreshold: number,
  ) {
    const fail = (field: string, problem: string): never => {
      throw new DataFileError(ErrorCodes.LEXICON_FILE_INVALID, source, field, problem);
    };
    const all = data.features;
    const names = all === '' ? [] : all.split('\n');
    const starts = new Int32Array(names.length);
    const lengths = new Int32Array(names.length);
    const kinds = new Uint8Array(names.length);
    let gramFeatures = false;
    let offset = 0;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      if (!FEATURE.test(name)) fail('features', `line ${i + 1} ("${name.slice(0, 40)}") is not w:, b:, p: or c: then normalised text`);
      if (i > 0 && !((names[i - 1] as string) < name)) fail('features', `line ${i + 1} is not after line ${i} (sorted, distinct)`);
      kinds[i] = name.charCodeAt(0);
      // The text after "k:", in place in the whole list.
      starts[i] = offset + 2;
      lengths[i] = name.length - 2;
      offset += name.length + 1;
      if (kinds[i] === KIND_CODE.c) gramFeatures = true;
    }
    const weightsOf = (base64: string, field: string): Float64Array => {
      if (base64.length % 4 !== 0 || Buffer.byteLength(base64, 'base64') !== names.length * 4) fail(field, `holds ${Buffer.byteLength(base64, 'base64')} bytes of base64, ${names.length * 4} expected (4 a feature)`);
      return Float64Array.from(int32s(base64), (k) => k / WEIGHT_SCALE);
    };
    this.table = new FeatureTable(all, starts, lengths, kinds);
    this.hasGramFeatures = gramFeatures;
    this.crisisWeights = weightsOf(data.weights, 'weights');
    this.medicalWeights = data.medical ? weightsOf(data.medical.weights, 'medical.weights') : null;
    this.crisisBias = data.bias;
    this.medicalBias = data.medical?.bias ?? 0;
    this.counted = new Uint32Array(names.length);
  }

  static fromData(data: CrisisModelFile, source = '(model)'): CrisisModel {
    return new CrisisModel(data, source, data.threshold, data.medicalThreshold ?? 1, data.medical?.threshold ?? 1);
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
    return CrisisModel.fromData(validateData(CrisisModelFile, raw, file, ErrorCodes.LEXICON_FILE_INVALID), file);
  }

  /**
   * p(crisis) and p(medical request) of a normalised message, crisis masks applied (as
   * `SafetyScreen.crisisText` gives it): the bias plus the weight of each distinct feature of
   * `crisisFeatures(normalised)`, through a sigmoid. One pass over the text for both nets.
   */
  probabilities(normalised: string): NetProbabilities {
    if (normalised === this.lastText) return this.last;
    const [crisis, medical] = this.score(normalised);
    this.last = { crisis: 1 / (1 + Math.exp(-crisis)), medical: this.medicalWeights ? 1 / (1 + Math.exp(-medical)) : 0 };
    this.lastText = normalised;
    return this.last;
  }

  /** The log-odds of both nets; the features are met in the order `crisisFeatures` lists them, and each counts once. */
  private score(text: string): [number, number] {
    const sums = this.sums;
    sums[0] = this.crisisBias;
    sums[1] = this.medicalBias;
    if (text === '') return [sums[0], sums[1]];
    if (++this.call === 0xffffffff) {
      this.counted.fill(0);
      this.call = 1;
    }
    const table = this.table;
    let previousStart = -1;
    let previousEmpty = true;
    for (let start = 0; start <= text.length; ) {
      let end = text.indexOf(' ', start);
      if (end < 0) end = text.length;
      const length = end - start;
      this.add(table.find(KIND_CODE.w, text, start, end));
      if (length > STEM_LENGTH) this.add(table.find(KIND_CODE.p, text, start, start + STEM_LENGTH));
      // Words are separated by single spaces: a pair is the span from the first word's start to the second's end.
      if (!previousEmpty) this.add(table.find(KIND_CODE.b, text, previousStart, end));
      if (this.hasGramFeatures && this.wordHasGrams(text, start, end)) {
        const padded = length + 2;
        for (let n = MIN_GRAM; n <= MAX_GRAM; n++) for (let i = 0; i + n <= padded; i++) this.add(table.findGram(text, start, end, i, i + n));
      }
      previousStart = start;
      previousEmpty = length === 0;
      start = end + 1;
    }
    return [sums[0], sums[1]];
  }

  /** Adds feature `id`'s weights to `sums` (nothing for -1, or a feature this call already counted). */
  private add(id: number): void {
    if (id < 0 || this.counted[id] === this.call) return;
    this.counted[id] = this.call;
    const sums = this.sums;
    sums[0] = (sums[0] as number) + (this.crisisWeights[id] as number);
    if (this.medicalWeights) sums[1] = (sums[1] as number) + (this.medicalWeights[id] as number);
  }

  /** `hasGrams` on `text[start, end)`, building the word only when it may be a function word. */
  private wordHasGrams(text: string, start: number, end: number): boolean {
    const length = end - start;
    if (length < MIN_GRAM - 1) return false;
    const first = text.charCodeAt(start);
    if (first < 97 || first > 122) return false;
    return length > LONGEST_FUNCTION_WORD || !FUNCTION_WORDS.has(text.slice(start, end));
  }

  /** p(crisis) of a normalised message, crisis masks applied (as `SafetyScreen.crisisText` gives it). */
  probability(normalised: string): number {
    return this.probabilities(normalised).crisis;
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
    return this.probabilities(normalised).medical;
  }

  /** Whether the file holds a medical net. */
  get hasMedicalNet(): boolean {
    return this.medicalWeights !== null;
  }

  /** Whether the medical net takes the message for a request for medical advice. */
  isMedical(normalised: string): boolean {
    return this.medicalWeights !== null && this.medicalProbability(normalised) >= this.medicalRequestThreshold;
  }
}
