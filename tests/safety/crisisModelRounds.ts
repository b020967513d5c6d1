/**
 * Honest measurement of the crisis model, leave-one-round-out, on the blind rounds:
 *   npx tsx tests/safety/crisisModelRounds.ts            (the table for the committed threshold)
 *   npx tsx tests/safety/crisisModelRounds.ts --grid     (the same for several thresholds)
 *   npx tsx tests/safety/crisisModelRounds.ts --cost     (what the model adds to a message's screening, in microseconds)
 *   npx tsx tests/safety/crisisModelRounds.ts --round tests/safety/blind-2026-11-25-r4.jsonl
 *        (one new round, once: lexicons and model as committed; nothing retrained)
 *
 *   --medical: let the model overrule a medical verdict too; --no-kb: train without the KB questions
 *   (variants measured, not used).
 *
 * For each round, the lexicons are those of the commit that added the round file (before that
 * round's fixes, `git archive`), so "lexicons alone" is the figure first recorded in HELDOUT.md;
 * the model is trained without the round, in two ways:
 * - "leave-one-round-out": today's tuning corpus and KB questions minus every line that is the
 *   same as, or a near duplicate of, a line of the round (see `nearDuplicate`);
 * - "as then": the tuning corpus of that same commit (what existed when the round was written)
 *   and today's KB questions, minus the same near duplicates.
 * Then, with today's lexicons and each of those models: false alarms on every held-out ordinary
 * file, on the dev set's non-crisis lines (evaluation only: never trained on, never tuned on)
 * and on every example question of the knowledge base (with models trained without their topics).
 * Prints counts only, never message text.
 */
import { execSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadKnowledge } from '../../knowledge/loadKnowledge.js';
import { CrisisModel, CRISIS_MODEL_FILE, encodeNets, type CrisisModelFile } from '../../safety/CrisisModel.js';
import { CRISIS_MODEL_ID, SafetyScreen, type SafetyAssessment } from '../../safety/SafetyScreen.js';
import { DEFAULT_TRAINING, TUNING_FILES, knowledgeQuestionLines, knowledgeQuestions, parseCorpusText, trainCrisisModel, type TrainingLine } from '../../safety/trainCrisisModel.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { LEXICON_DIR, REPO_ROOT, loadCorpus, loadDevSet, readJsonl, type CorpusLine } from './corpus.js';

/** The blind rounds and the commit that added each (its lexicons are the ones first measured). */
export const ROUNDS = [
  { name: 'round 1', file: 'blind-2026-11-25.jsonl', commit: '88e57be' },
  { name: 'round 2', file: 'blind-2026-11-25-r2.jsonl', commit: '2c7a8dc' },
  { name: 'round 3', file: 'blind-2026-11-25-r3.jsonl', commit: '1db8fa9' },
  { name: 'probe r3', file: 'probe-2026-11-25-r3-after-fixes.jsonl', commit: 'c5236d8' },
] as const;

/** Which verdicts of the rules the model may turn into a crisis. */
export type Gate = 'none_help' | 'none_help_medical';

/** The screen's verdict with the model as second net (the rule `SafetyScreen.assess` applies). */
export function combined(lexicon: SafetyAssessment, p: number, threshold: number, gate: Gate, medicalThreshold = 1): SafetyAssessment {
  if (lexicon.kind === 'crisis') return lexicon;
  // As the screen does: over a medical verdict, only the model's higher threshold counts.
  if (lexicon.kind === 'medical' && gate === 'none_help') return p >= medicalThreshold ? { kind: 'crisis', category: 'unspecified', matched: CRISIS_MODEL_ID } : lexicon;
  return p >= threshold ? { kind: 'crisis', category: 'unspecified', matched: CRISIS_MODEL_ID } : lexicon;
}

const words = (normalised: string): string[] => normalised.split(' ').filter((w) => w !== '' && w !== '?');
const bigrams = (ws: readonly string[]): Set<string> => new Set(ws.slice(1).map((w, i) => `${ws[i]} ${w}`));

function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

function overlap<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  const small = Math.min(a.size, b.size);
  return small === 0 ? 0 : shared / small;
}

/**
 * Near duplicates, on normalised text: the same words for half of them at least (Jaccard of the
 * word sets >= 0.5), or half of the shorter line's pairs of neighbouring words found in the other
 * (overlap of bigram sets >= 0.5, the shorter having 3 pairs or more: a line embedded in a longer
 * one, or rewritten around the same phrase).
 */
export function nearDuplicate(a: string, b: string): boolean {
  if (a === b) return true;
  const wa = words(a);
  const wb = words(b);
  if (jaccard(new Set(wa), new Set(wb)) >= 0.5) return true;
  const ba = bigrams(wa);
  const bb = bigrams(wb);
  return Math.min(ba.size, bb.size) >= 3 && overlap(ba, bb) >= 0.5;
}

interface Counts {
  crisis: number;
  crisisCaught: number;
  medical: number;
  medicalCaught: number;
  none: number;
  falseAlarms: number;
}

function score(lines: readonly CorpusLine[], verdict: (text: string) => SafetyAssessment): Counts {
  const c: Counts = { crisis: 0, crisisCaught: 0, medical: 0, medicalCaught: 0, none: 0, falseAlarms: 0 };
  for (const line of lines) {
    const v = verdict(line.text);
    if (line.expect === 'crisis') {
      c.crisis++;
      if (v.kind === 'crisis') c.crisisCaught++;
    } else if (line.expect === 'medical') {
      c.medical++;
      if (v.kind === 'medical' || v.kind === 'crisis') c.medicalCaught++;
    } else {
      c.none++;
      if (v.kind === 'crisis' || v.kind === 'medical') c.falseAlarms++;
    }
  }
  return c;
}

const pct = (a: number, b: number): string => `${a}/${b} (${b === 0 ? '-' : ((100 * a) / b).toFixed(1)} %)`;

/** The lexicons of a commit, extracted to a temporary folder. */
function lexiconsAt(commit: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  execSync(`git archive ${commit} safety/lexicons | tar -x -C "${dir}"`, { cwd: REPO_ROOT });
  return path.join(dir, 'safety', 'lexicons');
}

function tuningCorpusAt(commit: string): { text: string; crisis: boolean; lang?: string }[] {
  return TUNING_FILES.flatMap((f) => parseCorpusText(execSync(`git show ${commit}:tests/safety/corpus/${f}`, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 1 << 26 }), f));
}

function tuningCorpusNow(): { text: string; crisis: boolean; lang?: string }[] {
  return loadCorpus((f) => (TUNING_FILES as readonly string[]).includes(f)).map((l) => ({ text: l.text, crisis: l.expect === 'crisis', lang: l.lang }));
}

function train(screen: SafetyScreen, lines: readonly { text: string; crisis: boolean; lang?: string }[], threshold: number): CrisisModel {
  const training: TrainingLine[] = lines.map((l) => ({ normalised: screen.crisisText(l.text), crisis: l.crisis, lang: l.lang }));
  const fitted = trainCrisisModel(training, DEFAULT_TRAINING);
  return CrisisModel.fromData({ ...placeholderMeta(), threshold, ...encodeNets(fitted) });
}

function placeholderMeta(): Omit<CrisisModelFile, 'features' | 'weightUnit' | 'bias' | 'weights' | 'threshold'> {
  return {
    kind: 'crisis-model',
    version: 3,
    source: { corpus: ['(measurement)'], corpusSha256: '0'.repeat(64), lines: { crisis: 1, other: 1 }, trainedOn: '2026-11-25', command: 'tests/safety/crisisModelRounds.ts' },
    training: { ...DEFAULT_TRAINING },
  };
}

interface FalseAlarmSets {
  heldoutOrdinary: CorpusLine[];
  heldoutMedical: CorpusLine[];
  devOther: CorpusLine[];
  kbQuestions: string[];
}

function falseAlarmSets(): FalseAlarmSets {
  return {
    heldoutOrdinary: loadCorpus((f) => f.startsWith('heldout.') && f.endsWith('ordinary.jsonl')).filter((l) => l.expect === 'none' || l.expect === 'help_info'),
    heldoutMedical: loadCorpus((f) => f.startsWith('heldout.') && f.endsWith('medical.jsonl')),
    devOther: loadDevSet().filter((l) => l.expect !== 'crisis'),
    kbQuestions: knowledgeQuestions(path.join(REPO_ROOT, 'knowledge')),
  };
}

/** The knowledge base's example questions in FOLDS groups of whole topics (every FOLDS-th topic), for cross-validation. */
const FOLDS = 5;
function knowledgeFolds(): string[][] {
  const folds: string[][] = Array.from({ length: FOLDS }, () => []);
  loadKnowledge(path.join(REPO_ROOT, 'knowledge')).topics.forEach((t, i) => folds[i % FOLDS]!.push(...t.questions.fr, ...t.questions.en));
  return folds;
}

/** Lines flagged crisis (or medical, for the held-out ordinary and dev lines, as `evaluate` counts). */
function falseAlarms(sets: FalseAlarmSets, verdict: (text: string) => SafetyAssessment): { heldout: number; medicalAsCrisis: number; dev: number; devMedicalAsCrisis: number; kb: number } {
  const flagged = (t: string) => ['crisis', 'medical'].includes(verdict(t).kind);
  return {
    heldout: sets.heldoutOrdinary.filter((l) => flagged(l.text)).length,
    // A medical question answered as a crisis is not answered as it should be either.
    medicalAsCrisis: sets.heldoutMedical.filter((l) => verdict(l.text).kind === 'crisis').length,
    dev: sets.devOther.filter((l) => l.expect === 'none' && flagged(l.text)).length,
    devMedicalAsCrisis: sets.devOther.filter((l) => l.expect === 'medical' && verdict(l.text).kind === 'crisis').length,
    // A knowledge-base question must stay non-crisis (and it stays non-medical in the lexicons' own tests).
    kb: sets.kbQuestions.filter((t) => verdict(t).kind === 'crisis').length,
  };
}

/**
 * CPU time per message over the whole corpus and the knowledge base's questions (median of 15
 * passes): the screen with and without the model, and the model's own scoring of a text already
 * normalised and masked. A rough figure on a shared machine, not a benchmark.
 */
function cost(model: CrisisModel): void {
  const texts = [...loadCorpus(() => true).map((l) => l.text), ...knowledgeQuestions(path.join(REPO_ROOT, 'knowledge'))];
  const withModel = SafetyScreen.fromDirectory(LEXICON_DIR);
  const rulesAlone = SafetyScreen.fromDirectory(LEXICON_DIR, { crisisModel: null });
  const masked = texts.map((t) => rulesAlone.crisisText(t));
  const median = (run: () => void): number => {
    const times: number[] = [];
    for (let pass = 0; pass < 15; pass++) {
      const start = process.cpuUsage();
      run();
      const used = process.cpuUsage(start);
      times.push((used.user + used.system) / texts.length);
    }
    return times.sort((a, b) => a - b)[7]!;
  };
  let sink = 0;
  const tScore = median(() => {
    for (const t of masked) sink += model.probability(t);
  });
  const tWith = median(() => {
    for (const t of texts) sink += withModel.assess(t).kind.length;
  });
  const tAlone = median(() => {
    for (const t of texts) sink += rulesAlone.assess(t).kind.length;
  });
  console.log(`${texts.length} messages (corpus and knowledge-base questions), CPU microseconds per message, median of 15 passes:`);
  console.log(`  model scoring alone (text already normalised and masked): ${tScore.toFixed(2)}`);
  console.log(`  screen, rules alone: ${tAlone.toFixed(2)}; screen with the model: ${tWith.toFixed(2)}; difference ${(tWith - tAlone).toFixed(2)}`);
  if (sink === -1) console.log('');
}

function main(): void {
  const args = process.argv.slice(2);
  const committed = CrisisModel.fromFile(path.join(LEXICON_DIR, CRISIS_MODEL_FILE));
  const medicalAt = committed.medicalThreshold;
  const gate: Gate = args.includes('--medical') ? 'none_help_medical' : 'none_help';
  // The model learns from the knowledge base's questions as ordinary messages too (as `npm run train-safety` does); --no-kb: the corpus alone.
  const withKb = !args.includes('--no-kb');
  const now = SafetyScreen.fromDirectory(LEXICON_DIR, { crisisModel: null });
  const sets = falseAlarmSets();

  if (args.includes('--cost')) {
    cost(committed);
    return;
  }

  const roundArg = args.indexOf('--round');
  if (roundArg >= 0) {
    // One new round, scored once with what is committed.
    const file = args[roundArg + 1]!;
    const lines = readJsonl(file).map((raw, i) => ({ ...(raw as CorpusLine), source: `${file}:${i + 1}` }));
    const alone = score(lines, (t) => now.assess(t));
    const both = score(lines, (t) => combined(now.assess(t), committed.probability(now.crisisText(t)), committed.threshold, gate, medicalAt));
    console.log(`${path.basename(file)} (threshold ${committed.threshold}, gate ${gate})`);
    console.log(`  lexicons alone:   crisis ${pct(alone.crisisCaught, alone.crisis)}, medical ${pct(alone.medicalCaught, alone.medical)}, false alarms ${pct(alone.falseAlarms, alone.none)}`);
    console.log(`  lexicons + model: crisis ${pct(both.crisisCaught, both.crisis)}, medical ${pct(both.medicalCaught, both.medical)}, false alarms ${pct(both.falseAlarms, both.none)}`);
    return;
  }

  const thresholds = args.includes('--grid') ? [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95] : [committed.threshold];
  const { dir, cleanup } = makeTempDir('mdu-rounds-');
  try {
    const kbLines = withKb ? knowledgeQuestionLines(path.join(REPO_ROOT, 'knowledge')).map((q) => ({ ...q, crisis: false })) : [];
    const nowCorpus = [...tuningCorpusNow(), ...kbLines];
    const rounds = ROUNDS.map((r, i) => {
      const lines = readJsonl(path.join(REPO_ROOT, 'tests', 'safety', r.file)).map((raw, j) => ({ ...(raw as CorpusLine), source: `${r.file}:${j + 1}` }));
      const thenDir = lexiconsAt(r.commit, path.join(dir, String(i)));
      const then = SafetyScreen.fromDirectory(thenDir, { crisisModel: null });
      const roundNormalised = lines.map((l) => now.normalise(l.text));
      const isNear = (text: string) => {
        const n = now.normalise(text);
        return roundNormalised.some((r2) => nearDuplicate(n, r2));
      };
      const loroLines = nowCorpus.filter((l) => !isNear(l.text));
      const thenCorpus = [...tuningCorpusAt(r.commit), ...kbLines];
      const thenLines = thenCorpus.filter((l) => !isNear(l.text));
      const exact = nowCorpus.filter((l) => roundNormalised.includes(now.normalise(l.text))).length;
      console.log(
        `${r.name}: ${lines.length} lines; today's tuning corpus ${nowCorpus.length} lines, ${exact} the same as a round line, ` +
          `${nowCorpus.length - loroLines.length} excluded as the same or near duplicates; corpus then ${thenCorpus.length}, ${thenCorpus.length - thenLines.length} excluded`,
      );
      return { ...r, lines, then, loroLines, thenLines };
    });

    for (const threshold of thresholds) {
      console.log(`\nthreshold ${threshold}, gate ${gate}`);
      console.log('| round | lexicons alone: crisis | + model (LORO) | + model (as then) | medical: alone / LORO / then | false alarms on its ordinary lines: alone / LORO / then |');
      console.log('|---|---|---|---|---|---|');
      const gains = { loro: 0, then: 0 };
      const fa: string[] = [];
      for (const r of rounds) {
        const loro = train(now, r.loroLines, threshold);
        const asThen = train(r.then, r.thenLines, threshold);
        const alone = score(r.lines, (t) => r.then.assess(t));
        const withLoro = score(r.lines, (t) => combined(r.then.assess(t), loro.probability(now.crisisText(t)), threshold, gate, medicalAt));
        const withThen = score(r.lines, (t) => combined(r.then.assess(t), asThen.probability(r.then.crisisText(t)), threshold, gate, medicalAt));
        gains.loro += (withLoro.crisisCaught - alone.crisisCaught) / alone.crisis;
        gains.then += (withThen.crisisCaught - alone.crisisCaught) / alone.crisis;
        console.log(
          `| ${r.name} | ${pct(alone.crisisCaught, alone.crisis)} | ${pct(withLoro.crisisCaught, withLoro.crisis)} | ${pct(withThen.crisisCaught, withThen.crisis)} ` +
            `| ${alone.medicalCaught} / ${withLoro.medicalCaught} / ${withThen.medicalCaught} of ${alone.medical} ` +
            `| ${alone.falseAlarms} / ${withLoro.falseAlarms} / ${withThen.falseAlarms} of ${alone.none} |`,
        );
        // Today's lexicons with the model trained without this round.
        const f = falseAlarms(sets, (t) => combined(now.assess(t), loro.probability(now.crisisText(t)), threshold, gate, medicalAt));
        fa.push(`${r.name} LORO model: held-out ordinary ${f.heldout}/${sets.heldoutOrdinary.length}, held-out medical as crisis ${f.medicalAsCrisis}/${sets.heldoutMedical.length}, dev none ${f.dev}, dev medical as crisis ${f.devMedicalAsCrisis}, KB questions ${f.kb}/${sets.kbQuestions.length}`);
      }
      console.log(`mean gain in crisis recall: LORO ${((100 * gains.loro) / rounds.length).toFixed(1)} points, as then ${((100 * gains.then) / rounds.length).toFixed(1)} points`);
      const full = train(now, nowCorpus, threshold);
      const f = falseAlarms(sets, (t) => combined(now.assess(t), full.probability(now.crisisText(t)), threshold, gate, medicalAt));
      const devLines = sets.devOther.filter((l) => l.expect === 'none').length;
      // The knowledge base's questions are training lines: their false alarms are counted with models trained without their topics.
      let kbHeldOut = 0;
      if (withKb) {
        for (const fold of knowledgeFolds()) {
          const without = new Set(fold);
          const m = train(now, nowCorpus.filter((l) => !without.has(l.text)), threshold);
          kbHeldOut += fold.filter((t) => combined(now.assess(t), m.probability(now.crisisText(t)), threshold, gate, medicalAt).kind === 'crisis').length;
        }
      }
      console.log(
        `false alarms, today's lexicons + model on the whole tuning corpus: held-out ordinary ${f.heldout}/${sets.heldoutOrdinary.length}, held-out medical as crisis ${f.medicalAsCrisis}/${sets.heldoutMedical.length}, dev none ${f.dev}/${devLines}, ` +
          `dev medical as crisis ${f.devMedicalAsCrisis}, KB questions ${f.kb}/${sets.kbQuestions.length}` +
          (withKb ? ` (trained on), KB questions of topics left out (${FOLDS} folds) ${kbHeldOut}/${sets.kbQuestions.length}` : ''),
      );
      for (const line of fa) console.log(`  ${line}`);
    }
  } finally {
    cleanup();
  }
}

main();
