/**
 * A multinomial logistic regression over hashed text features (`TextFeatures.ts`), read from a
 * JSON model file validated with zod: a broken file is refused at start-up, naming the file and
 * the field. Weights are stored quantised (8 bits per weight, one scale per class) in base64,
 * feature-major, so one message costs one pass over its few hundred buckets; in memory, four
 * classes' weights are read as one 32-bit word.
 */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { z } from 'zod';
import { DataFileError, describeIssues, ErrorCodes } from '../bot/errors.js';
import { textFeatures, type FeatureSettings, type SparseVector } from './TextFeatures.js';

export const SoftmaxModelFile = z
  .object({
    kind: z.literal('softmax-text-model'),
    version: z.literal(1),
    /** What the model was trained on (a hash of the training lines and options): the retrain test compares it. */
    trainedOn: z.string().regex(/^[0-9a-f]{64}$/),
    classes: z.array(z.string().min(1)).min(2),
    features: z.object({ bits: z.number().int().min(8).max(20), minChar: z.number().int().min(1).max(8), maxChar: z.number().int().min(1).max(8) }).strict(),
    /** Softmax temperature fitted on held-out folds of the training lines (calibration). */
    temperature: z.number().positive(),
    bias: z.array(z.number()),
    scale: z.array(z.number().nonnegative()),
    /** Int8 weights, feature-major (bucket * classes + class), base64. */
    weights: z.string().min(1),
    /** Figures of the training run, for people (not read by the bot). */
    report: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  })
  .strict();
export type SoftmaxModelFile = z.infer<typeof SoftmaxModelFile>;

export class SoftmaxModel {
  readonly classes: readonly string[];
  private readonly settings: FeatureSettings;
  /** Four int8 weights a word (classes padded to a multiple of four): one read for four classes. */
  private readonly packed: Int32Array;
  /** Classes padded to a multiple of four. */
  private readonly stride: number;
  private readonly scale: Float64Array;
  private readonly bias: Float64Array;
  private readonly temperature: number;
  private readonly logits: Float64Array;

  constructor(
    file: SoftmaxModelFile,
    /** The file the model came from, for error messages. */
    readonly source = '(model)',
  ) {
    const C = file.classes.length;
    const fail = (field: string, problem: string): never => {
      throw new DataFileError(ErrorCodes.KNOWLEDGE_FILE_INVALID, source, field, problem);
    };
    if (new Set(file.classes).size !== C) fail('classes', 'a class appears twice');
    if (file.features.minChar > file.features.maxChar) fail('features.minChar', 'is above maxChar');
    if (file.bias.length !== C) fail('bias', `has ${file.bias.length} values for ${C} classes`);
    if (file.scale.length !== C) fail('scale', `has ${file.scale.length} values for ${C} classes`);
    const bytes = Buffer.from(file.weights, 'base64');
    const expected = (1 << file.features.bits) * C;
    if (bytes.length !== expected) fail('weights', `holds ${bytes.length} weights, ${expected} expected (2^bits x classes)`);
    this.classes = file.classes;
    this.settings = file.features;
    this.stride = Math.ceil(C / 4) * 4;
    const padded = new Int8Array((1 << file.features.bits) * this.stride);
    for (let d = 0; d < 1 << file.features.bits; d++) padded.set(bytes.subarray(d * C, (d + 1) * C), d * this.stride);
    // Read as little-endian words below: on a big-endian machine the bytes of each word are swapped back first.
    if (endianness() === 'BE') for (let i = 0; i < padded.length; i += 4) padded.subarray(i, i + 4).reverse();
    this.packed = new Int32Array(padded.buffer);
    this.scale = Float64Array.from(file.scale);
    this.bias = Float64Array.from(file.bias);
    this.temperature = file.temperature;
    this.logits = new Float64Array(this.stride);
  }

  /** Reads and validates a model file; anything wrong is a `DataFileError` naming the file and the field. */
  static fromFile(file: string): SoftmaxModel {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (error) {
      const problem = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found (run npm run train)' : `not valid JSON: ${(error as Error).message}`;
      throw new DataFileError(ErrorCodes.KNOWLEDGE_FILE_INVALID, file, '(file)', problem);
    }
    const parsed = SoftmaxModelFile.safeParse(raw);
    if (!parsed.success) {
      const { field, problem } = describeIssues(parsed.error.issues);
      throw new DataFileError(ErrorCodes.KNOWLEDGE_FILE_INVALID, file, field, problem);
    }
    return new SoftmaxModel(parsed.data, file);
  }

  /**
   * Checks that the model knows every class the caller needs (e.g. every topic of the knowledge
   * base): a model trained before a topic was added is refused, naming the file and the field.
   */
  requireClasses(needed: Iterable<string>): this {
    const known = new Set(this.classes);
    const missing = [...needed].filter((c) => !known.has(c));
    if (missing.length > 0) {
      throw new DataFileError(ErrorCodes.KNOWLEDGE_FILE_INVALID, this.source, 'classes', `no class for ${missing.map((m) => `"${m}"`).join(', ')}: retrain with npm run train`);
    }
    return this;
  }

  /** The features of a text, as this model reads them. */
  features(text: string): SparseVector {
    return textFeatures(text, this.settings);
  }

  /** Calibrated probabilities of every class (in `classes` order) for a text. */
  predict(text: string): Float64Array {
    return this.predictVector(this.features(text));
  }

  predictVector(x: SparseVector): Float64Array {
    const C = this.classes.length;
    const z = this.logits;
    const w = this.packed;
    const words = this.stride >> 2;
    const { index, value } = x;
    // Eight classes at a time (two words of four), summed in locals over every feature in order:
    // the same sums in the same order as class by class, without a load and store of the logits
    // per feature and class. A feature's row is one cache line, read again while still in cache.
    for (let k = 0; k < words; k += 2) {
      const pair = k + 1 < words;
      let z0 = 0;
      let z1 = 0;
      let z2 = 0;
      let z3 = 0;
      let z4 = 0;
      let z5 = 0;
      let z6 = 0;
      let z7 = 0;
      for (let i = 0; i < index.length; i++) {
        const v = value[i] as number;
        const at = (index[i] as number) * words + k;
        // Byte j of a word is the weight of its class j (sign-extended by the shifts).
        const a = w[at] as number;
        z0 += v * ((a << 24) >> 24);
        z1 += v * ((a << 16) >> 24);
        z2 += v * ((a << 8) >> 24);
        z3 += v * (a >> 24);
        const b = pair ? (w[at + 1] as number) : 0;
        z4 += v * ((b << 24) >> 24);
        z5 += v * ((b << 16) >> 24);
        z6 += v * ((b << 8) >> 24);
        z7 += v * (b >> 24);
      }
      const c = 4 * k;
      z[c] = z0;
      z[c + 1] = z1;
      z[c + 2] = z2;
      z[c + 3] = z3;
      if (pair) {
        z[c + 4] = z4;
        z[c + 5] = z5;
        z[c + 6] = z6;
        z[c + 7] = z7;
      }
    }
    const out = new Float64Array(C);
    let max = -Infinity;
    for (let c = 0; c < C; c++) {
      const logit = ((z[c] as number) * (this.scale[c] as number) + (this.bias[c] as number)) / this.temperature;
      out[c] = logit;
      if (logit > max) max = logit;
    }
    let sum = 0;
    for (let c = 0; c < C; c++) sum += out[c] = Math.exp((out[c] as number) - max);
    for (let c = 0; c < C; c++) out[c] = (out[c] as number) / sum;
    return out;
  }
}
