/**
 * Training of the crisis model (`safety/CrisisModel.ts`): two L2-regularised logistic regressions
 * (crisis or not, medical request or not) over the same features, fitted by `learn/fitLinear`
 * (the trainer of the understanding model too: stochastic gradient descent in a seeded order,
 * here with one decaying rate). Deterministic: the same lines and options give the same weights,
 * to the last digit written.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fitLinear, seededRandom } from '../learn/fitLinear.js';
import { crisisFeatures, CrisisModelFile, encodeNets, FUNCTION_WORDS, WEIGHT_DECIMALS, type CrisisNet } from './CrisisModel.js';
import { SafetyScreen } from './SafetyScreen.js';
import { loadKnowledge } from '../knowledge/loadKnowledge.js';
import { nonTopicExamples, readUnderstandingFile } from '../knowledge/understand/UnderstandingExamples.js';
import { roundVisitorMessages } from '../knowledge/understand/visitorRounds.js';

export interface TrainingOptions {
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  /**
   * A feature is kept only when this many training lines hold it (rarer ones are noise). 3 since
   * the sixth session: with 7,800 corpus lines, 2 made a 1.05 MB file for the same verdicts on the
   * tuning sets (3: 757 KB).
   */
  readonly minCount: number;
  readonly seed: number;
}

export const DEFAULT_TRAINING: TrainingOptions = { epochs: 40, learningRate: 0.03, l2: 0.002, minCount: 3, seed: 20261125 };

/** One training line: its normalised text, whether it is a crisis, and its language. */
export interface TrainingLine {
  readonly normalised: string;
  readonly crisis: boolean;
  /**
   * Classes are balanced within each language: the English lines are mostly crises, the French
   * ones mostly not, and unbalanced the model learns "English" ("it", "i am", "about my") as a
   * sign of danger and flags "it is about my sister".
   */
  readonly lang?: string;
}

/** A word or pair feature made only of function words (see `FUNCTION_WORDS`): no weight. */
function isFunctionWordFeature(feature: string): boolean {
  const text = feature.slice(2);
  if (feature.startsWith('b:')) return text.split(' ').every((w) => FUNCTION_WORDS.has(w));
  return feature.startsWith('w:') && FUNCTION_WORDS.has(text);
}

/** Fits one net; weights come back rounded to `WEIGHT_DECIMALS`, zeros left out, keys sorted. */
export function trainCrisisModel(lines: readonly TrainingLine[], options: TrainingOptions = DEFAULT_TRAINING): CrisisNet {
  const featureSets = lines.map((l) => crisisFeatures(l.normalised));
  const counts = new Map<string, number>();
  for (const set of featureSets) for (const f of set) counts.set(f, (counts.get(f) ?? 0) + 1);
  const names = [...counts].filter(([f, n]) => n >= options.minCount && !isFunctionWordFeature(f)).map(([f]) => f).sort();
  const index = new Map(names.map((f, i) => [f, i]));
  const rows = featureSets.map((set) => {
    const row = Int32Array.from([...set].flatMap((f) => (index.has(f) ? [index.get(f)!] : [])).sort((a, b) => a - b));
    // Binary features: each present feature counts 1 (the vector is not normalised).
    return { index: row, value: new Float32Array(row.length).fill(1) };
  });
  const labels = lines.map((l) => (l.crisis ? 1 : 0));

  // Within each language, each class weighs as much as the other, whatever their sizes; and each
  // language as much as the other.
  const cells = new Map<string, number>();
  const cellOf = (i: number) => `${lines[i]!.lang ?? ''}:${labels[i]}`;
  lines.forEach((_, i) => cells.set(cellOf(i), (cells.get(cellOf(i)) ?? 0) + 1));
  const lineWeights = lines.map((_, i) => lines.length / (cells.size * cells.get(cellOf(i))!));

  const fitted = fitLinear(rows, labels, {
    link: 'logistic',
    outputs: 1,
    dimensions: names.length,
    epochs: options.epochs,
    learningRate: options.learningRate,
    l2: options.l2,
    seed: options.seed,
    optimiser: { kind: 'sgd', decayEpochs: 10 },
    minGradient: 0,
    lineWeights,
  });

  const out: Record<string, number> = {};
  for (let j = 0; j < names.length; j++) {
    const w = round(fitted.weights[j]!);
    if (w !== 0) out[names[j]!] = w;
  }
  return { bias: round(fitted.bias[0]!), weights: out };
}

function round(x: number): number {
  const r = Math.round(x * 10 ** WEIGHT_DECIMALS) / 10 ** WEIGHT_DECIMALS;
  return Object.is(r, -0) ? 0 : r;
}

/** The seeded generator of the training order (`learn/fitLinear`'s; the benchmarks use it too). */
export const mulberry32 = seededRandom;

/** Where the safety nets' training lines and the rules they are trained behind are read. */
export interface TrainingDirs {
  /** The tuning corpus (`tests/safety/corpus`). */
  readonly corpusDir: string;
  readonly lexiconDir: string;
  /** Its topics' example questions are ordinary lines. */
  readonly knowledgeDir: string;
  /** The understanding rounds (`tests/eval/rounds`): their tuning halves are ordinary lines. */
  readonly roundsDir: string;
  /** The safety rounds (`tests/safety`): their tuning halves (`blind-*.tune.jsonl`) are labelled lines; the held-out halves are never read. */
  readonly safetyRoundsDir: string;
}

/** The blind safety rounds' tuning halves, in name order. */
export function safetyRoundTuningFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^blind-.*\.tune\.jsonl$/.test(f))
    .sort();
}

/** The tuning corpus files the model learns from (never the held-out files, never the dev set). */
export const TUNING_FILES = ['crisis.jsonl', 'medical.jsonl', 'ordinary.jsonl'] as const;

/**
 * p(crisis) at or above which a message the rules left as none or help_info becomes a crisis.
 * First 0.9, chosen before the fourth blind round was opened; 0.8 once function words left the
 * features, by the same rule (see tests/safety/HELDOUT.md, "the crisis model revised"). 0.85 with
 * character n-grams (issue 16): at 0.7 (chosen on round 7's tuning half) the net raised 4 alarms
 * on the 407 ordinary lines of held-out A, C-G (counts only, lines unread); at 0.85, 2. So that
 * set's false-alarm figure is no longer blind; see HELDOUT.md.
 */
export const CRISIS_THRESHOLD = 0.85;

/**
 * p(crisis) at or above which the model also overrules a medical verdict of the rules. Chosen
 * after round 6: at 0.9, 0.95 or 0.98 no medical line of the corpus, the held-out sets (0/173), the
 * dev set or round 6 (0/26) turns crisis; at 0.95, 2 of round 6's 4 crises taken for medical
 * questions are caught. See tests/safety/HELDOUT.md. 0.99 with the character n-grams (issue 16):
 * the n-gram model is surer of itself; at 0.95 one held-out medical line (a count from
 * crisisModel.test.ts, the line unread) came out crisis; the two round-6 crises score 0.997 and
 * 0.999, the tuning corpus's medical lines at most 0.47.
 */
export const CRISIS_OVER_MEDICAL_THRESHOLD = 0.99;

/**
 * p(medical request) at or above which the medical net makes a medical request of a message the
 * rules left as none or help_info. 0.97: at 0.9, 1 of the 407 ordinary lines of held-out A, C-G
 * came out medical (a count, the line unread); none of the tuning corpus's at either.
 */
export const MEDICAL_THRESHOLD = 0.97;

/** The lines of one corpus file (JSON lines `{"text", "expect", "lang"}`): crisis or not, and the language. */
export function parseCorpusText(content: string, file: string): { text: string; crisis: boolean; medical: boolean; lang?: string }[] {
  return content
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      let line: { text?: unknown; expect?: unknown; lang?: unknown };
      try {
        line = JSON.parse(l) as { text?: unknown; expect?: unknown; lang?: unknown };
      } catch {
        throw new Error(`${file}:${i + 1}: not valid JSON`);
      }
      if (typeof line.text !== 'string' || typeof line.expect !== 'string') throw new Error(`${file}:${i + 1}: a corpus line has a "text" and an "expect"`);
      return { text: line.text, crisis: line.expect === 'crisis', medical: line.expect === 'medical', ...(typeof line.lang === 'string' ? { lang: line.lang } : {}) };
    });
}

/**
 * Every example message of the knowledge base, French then English: the topics' questions, topic
 * by topic, then the understanding model's other examples (greetings, thanks, goodbyes, asking for
 * a person, off-topic questions). Ordinary messages, never a crisis: a plain "goodbye, take care"
 * must teach the crisis net as much as a question does (a net trained on farewells written as
 * crises otherwise learns "goodbye" as a danger).
 */
export function knowledgeQuestions(knowledgeDir: string): string[] {
  return knowledgeQuestionLines(knowledgeDir).map((q) => q.text);
}

/** The same, with their language. */
export function knowledgeQuestionLines(knowledgeDir: string): { text: string; lang: 'fr' | 'en' }[] {
  const topics = loadKnowledge(knowledgeDir).topics.flatMap((t) => [...t.questions.fr.map((text) => ({ text, lang: 'fr' as const })), ...t.questions.en.map((text) => ({ text, lang: 'en' as const }))]);
  const others = nonTopicExamples(readUnderstandingFile(knowledgeDir)).map(({ text, lang }) => ({ text, lang }));
  return [...topics, ...others];
}


/**
 * The tuning corpus, the knowledge base's example questions and the visitor messages of the
 * understanding rounds' tuning halves (both ordinary), and the sha256 of what was read.
 */
function readTrainingSet(dirs: TrainingDirs): { lines: { text: string; crisis: boolean; medical: boolean; lang?: string }[]; sha256: string } {
  const { corpusDir, knowledgeDir, roundsDir, safetyRoundsDir } = dirs;
  const hash = createHash('sha256');
  const read = (dir: string, f: string) => {
    const content = readFileSync(path.join(dir, f), 'utf8');
    hash.update(content);
    return parseCorpusText(content, f);
  };
  const corpus = TUNING_FILES.flatMap((f) => read(corpusDir, f));
  // The blind safety rounds' tuning halves: crises, requests and hard ordinary messages by writers
  // who never read the rules (a line already in the corpus is not counted twice).
  const known = new Set(corpus.map((l) => l.text));
  const rounds = safetyRoundTuningFiles(safetyRoundsDir).flatMap((f) => read(safetyRoundsDir, f).filter((l) => !known.has(l.text) && (known.add(l.text), true)));
  corpus.push(...rounds);
  // Visitor questions, many wrapped in worried words ("ça me tue ces horaires", a sister "who is
  // not well" and a question about brochures): what the nets under-learnt from the corpus alone.
  const questions = [...knowledgeQuestionLines(knowledgeDir), ...roundVisitorMessages(roundsDir)];
  hash.update(questions.map((q) => q.text).join('\n'));
  return { lines: [...corpus, ...questions.map((q) => ({ ...q, crisis: false, medical: false }))], sha256: hash.digest('hex') };
}

/** The crisis rules alone, no net: the text the nets are given, and where a rule fires. */
function rulesOnly(lexiconDir: string): SafetyScreen {
  return SafetyScreen.fromDirectory(lexiconDir, { crisisModel: null, confirmationModel: null });
}

/**
 * The model file trained from the tuning corpus in `corpusDir`, as JSON text (what
 * `npm run train-safety` writes). Deterministic: only `trainedOn` comes from outside.
 */
export function buildCrisisModelFile(dirs: TrainingDirs, trainedOn: string): string {
  const { lines, sha256 } = readTrainingSet(dirs);
  const { lexiconDir } = dirs;
  // The text as the crisis rules see it (normalised, idioms and topic names masked): what the screen gives the model.
  const screen = rulesOnly(lexiconDir);
  const texts = lines.map((l) => screen.crisisText(l.text));
  const fitted = trainCrisisModel(
    lines.map((l, i) => ({ normalised: texts[i]!, crisis: l.crisis, lang: l.lang })),
    DEFAULT_TRAINING,
  );
  // The medical net: medical requests against ordinary messages (crisis lines left out: a crisis wins anyway).
  const medical = trainCrisisModel(
    lines.flatMap((l, i) => (l.crisis ? [] : [{ normalised: texts[i]!, crisis: l.medical, lang: l.lang }])),
    DEFAULT_TRAINING,
  );
  const crisis = lines.filter((l) => l.crisis).length;
  return modelFileText(
    { corpus: [...TUNING_FILES.map((f) => `tests/safety/corpus/${f}`), 'knowledge/topics/*.md (example questions, as non-crisis)', 'tests/safety/blind-*.tune.jsonl', 'tests/eval/rounds/*.tune.jsonl (visitor messages, as non-crisis)'], sha256, crisis, other: lines.length - crisis, trainedOn },
    { threshold: CRISIS_THRESHOLD, medicalThreshold: CRISIS_OVER_MEDICAL_THRESHOLD },
    encodeNets(fitted, { threshold: MEDICAL_THRESHOLD, ...medical }),
  );
}

/** A model file's text: where it comes from, its settings and thresholds, its nets; validated before it is written. */
function modelFileText(
  from: { corpus: string[]; sha256: string; crisis: number; other: number; trainedOn: string },
  thresholds: { threshold: number; medicalThreshold?: number },
  nets: ReturnType<typeof encodeNets>,
): string {
  const data: CrisisModelFile = CrisisModelFile.parse({
    kind: 'crisis-model',
    version: 3,
    source: { corpus: from.corpus, corpusSha256: from.sha256, lines: { crisis: from.crisis, other: from.other }, trainedOn: from.trainedOn, command: 'npm run train-safety' },
    training: { ...DEFAULT_TRAINING },
    ...thresholds,
    ...nets,
  });
  return `${JSON.stringify(data, null, 2)}\n`;
}

/**
 * p(crisis) under which the confirmation net sets a crisis rule's verdict aside. Chosen by 5-fold
 * cross-validation (eighth session) on the lines a crisis rule fires on in the tuning corpus and the
 * blind rounds' tuning halves (2,736 crises, 509 ordinary): at 0.002 no crisis fell under it and 19
 * of the 49 ordinary messages still flagged after the context reading did; at 0.005 one crisis ("I
 * attempted suicide last year and the thoughts are back") did. The held-out halves were not read.
 */
export const CONFIRMATION_THRESHOLD = 0.002;

/**
 * p(medical request) under which the medical confirmation net sets a medical rule's verdict aside.
 * Chosen the same way on the lines a medical rule fires on (1,225 medical requests; 341 ordinary
 * messages of the corpus, the knowledge base and the tuning halves): at 0.002 no request fell under
 * it and 34 of the 161 ordinary messages still declined as medical were answered; at 0.01, one
 * request ("La MDU peut-elle me donner un avis sur mon traitement ?", which the MDU-is-not answer
 * serves too) and 54 of the 161; at 0.05, two and 90. A medical request missed is answered from
 * the knowledge base, which holds no medical advice; a crisis missed is not, hence 0.002 there.
 */
export const MEDICAL_CONFIRMATION_THRESHOLD = 0.01;

/**
 * The confirmation nets' file: a crisis net trained only on the lines a crisis rule fires on (the
 * whole message or one of its sentences), crises against the rest, so it learns what around a
 * danger's words makes them ordinary (a protocol asked for, a record quoted, a song, "c'est du
 * suicide"); and a medical net trained the same way on the lines a medical rule fires on (a
 * medicine named around a question about a group or a right). Same format as the crisis model.
 */
export function buildConfirmationModelFile(dirs: TrainingDirs, trainedOn: string): string {
  const { lines: all, sha256 } = readTrainingSet(dirs);
  const { lexiconDir } = dirs;
  const screen = rulesOnly(lexiconDir);
  const crisisFired = all.filter((l) => screen.ruleFires('crisis', l.text));
  const medicalFired = all.filter((l) => !l.crisis && screen.ruleFires('medical', l.text));
  const fitted = trainCrisisModel(
    crisisFired.map((l) => ({ normalised: screen.crisisText(l.text), crisis: l.crisis, lang: l.lang })),
    DEFAULT_TRAINING,
  );
  const medical = trainCrisisModel(
    medicalFired.map((l) => ({ normalised: screen.crisisText(l.text), crisis: l.medical, lang: l.lang })),
    DEFAULT_TRAINING,
  );
  const crisis = crisisFired.filter((l) => l.crisis).length;
  return modelFileText(
    {
      corpus: [...TUNING_FILES.map((f) => `tests/safety/corpus/${f} (the lines a crisis or a medical rule fires on)`), 'tests/safety/blind-*.tune.jsonl (the same)', 'knowledge/topics/*.md and tests/eval/rounds/*.tune.jsonl (the same, as ordinary)'],
      sha256,
      crisis,
      other: crisisFired.length - crisis,
      trainedOn,
    },
    { threshold: CONFIRMATION_THRESHOLD },
    encodeNets(fitted, { threshold: MEDICAL_CONFIRMATION_THRESHOLD, ...medical }),
  );
}
