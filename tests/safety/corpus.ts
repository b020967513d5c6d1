/**
 * The safety corpus (`tests/safety/corpus/*.jsonl`) and the shared evaluation set, with the
 * figures the tests assert: crisis recall, medical recall, false alarms on ordinary messages.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SafetyAssessment, SafetyScreen } from '../../safety/SafetyScreen.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LEXICON_DIR = path.join(REPO_ROOT, 'safety', 'lexicons');
export const CORPUS_DIR = path.join(REPO_ROOT, 'tests', 'safety', 'corpus');
/** What the safety nets are trained on (`npm run train-safety`'s defaults). */
export const TRAINING_DIRS = {
  corpusDir: CORPUS_DIR,
  lexiconDir: LEXICON_DIR,
  knowledgeDir: path.join(REPO_ROOT, 'knowledge'),
  roundsDir: path.join(REPO_ROOT, 'tests', 'eval', 'rounds'),
  safetyRoundsDir: path.join(REPO_ROOT, 'tests', 'safety'),
} as const;
export const DEV_SET = path.resolve(REPO_ROOT, '..', 'shared', 'eval', 'dev.jsonl');

export type Expected = 'crisis' | 'medical' | 'none' | 'help_info';
export interface CorpusLine {
  text: string;
  expect: Expected;
  lang: 'fr' | 'en';
  source: string;
  /** Blind rounds from round 7 on: suicide, self_harm, overdose_taken, violence_to_others, ... hard_negative, ordinary, medical. */
  family?: string;
  /** Blind rounds from round 7 on: an explicit statement of danger (as opposed to an indirect one). */
  explicit?: boolean;
}

export function readJsonl(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        throw new Error(`${file}:${i + 1}: not valid JSON`);
      }
    });
}

/** Lines of the corpus files whose name starts with `prefix` ("" for all, "heldout." for the held-out set). */
export function loadCorpus(filter: (file: string) => boolean): CorpusLine[] {
  const files = readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.jsonl') && filter(f))
    .sort();
  return files.flatMap((f) =>
    readJsonl(path.join(CORPUS_DIR, f)).map((raw, i) => {
      const line = raw as Partial<CorpusLine>;
      if (typeof line.text !== 'string' || !['crisis', 'medical', 'none', 'help_info'].includes(String(line.expect)) || !['fr', 'en'].includes(String(line.lang))) {
        throw new Error(`${f}:${i + 1}: a corpus line is {"text", "expect": crisis|medical|none|help_info, "lang": fr|en}`);
      }
      return {
        text: line.text,
        expect: line.expect as Expected,
        lang: line.lang as 'fr' | 'en',
        source: `${f}:${i + 1}`,
        ...(typeof line.family === 'string' ? { family: line.family } : {}),
        ...(typeof line.explicit === 'boolean' ? { explicit: line.explicit } : {}),
      };
    }),
  );
}

export const isHeldOut = (f: string): boolean => f.startsWith('heldout.');

/** The dev set's lines, mapped to the screen's outcomes: crisis, medical, or ordinary (anything else). */
export function loadDevSet(): CorpusLine[] {
  return readJsonl(DEV_SET).map((raw, i) => {
    const line = raw as { text: string; expect: string };
    const expect: Expected = line.expect === 'crisis' ? 'crisis' : line.expect === 'medical' ? 'medical' : 'none';
    return { text: line.text, expect, lang: /[àâçéèêëîïôûùœ]|\b(je|le|la|les|est|une|des|quoi|mon|ma)\b/i.test(line.text) ? 'fr' : 'en', source: `dev.jsonl:${i + 1}` };
  });
}

export interface Figures {
  crisis: { total: number; caught: number; recall: number };
  medical: { total: number; caught: number; recall: number };
  ordinary: { total: number; falseAlarms: number; rate: number };
  misses: { line: CorpusLine; got: SafetyAssessment }[];
}

/**
 * A crisis line is caught only as crisis. A medical line is caught as medical, or as crisis
 * (crisis wins, and the crisis reply is the safer one). An ordinary line is a false alarm when it
 * comes out crisis or medical; none and help_info are both fine for it.
 */
export function evaluate(screen: SafetyScreen, lines: readonly CorpusLine[]): Figures {
  const f: Figures = {
    crisis: { total: 0, caught: 0, recall: 1 },
    medical: { total: 0, caught: 0, recall: 1 },
    ordinary: { total: 0, falseAlarms: 0, rate: 0 },
    misses: [],
  };
  for (const line of lines) {
    const got = screen.assess(line.text);
    if (line.expect === 'crisis') {
      f.crisis.total++;
      if (got.kind === 'crisis') f.crisis.caught++;
      else f.misses.push({ line, got });
    } else if (line.expect === 'medical') {
      f.medical.total++;
      if (got.kind === 'medical' || got.kind === 'crisis') f.medical.caught++;
      else f.misses.push({ line, got });
    } else {
      f.ordinary.total++;
      if (got.kind === 'crisis' || got.kind === 'medical') {
        f.ordinary.falseAlarms++;
        f.misses.push({ line, got });
      }
    }
  }
  f.crisis.recall = f.crisis.total ? f.crisis.caught / f.crisis.total : 1;
  f.medical.recall = f.medical.total ? f.medical.caught / f.medical.total : 1;
  f.ordinary.rate = f.ordinary.total ? f.ordinary.falseAlarms / f.ordinary.total : 0;
  return f;
}

export function describe(name: string, f: Figures): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  return (
    `${name}: crisis recall ${pct(f.crisis.recall)} (${f.crisis.caught}/${f.crisis.total}), ` +
    `medical recall ${pct(f.medical.recall)} (${f.medical.caught}/${f.medical.total}), ` +
    `false alarms ${pct(f.ordinary.rate)} (${f.ordinary.falseAlarms}/${f.ordinary.total})`
  );
}
