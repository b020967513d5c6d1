/**
 * Prints the safety screen's figures, for lexicon authors:
 *   npx tsx tests/safety/report.ts            (tuning corpus, round 7's tuning half, dev set: figures and every miss)
 *   npx tsx tests/safety/report.ts --heldout  (the held-out halves too: aggregate figures only, never a line)
 *   npx tsx tests/safety/report.ts --rules    (the rules alone, crisis, medical and confirmation nets off)
 *   npx tsx tests/safety/report.ts "some message"   (explains one message)
 *
 * For each set: crisis recall by family (lines that carry a `family`, blind rounds from round 7
 * on), explicit crisis recall, medical recall, and false alarms per 1,000 ordinary messages
 * (crisis alarms and medical verdicts counted apart).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { SafetyScreen } from '../../safety/SafetyScreen.js';
import { LEXICON_DIR, REPO_ROOT, describe, evaluate, isHeldOut, loadCorpus, loadDevSet, readJsonl, type CorpusLine } from './corpus.js';
import { familyFigures, type FamilyFigures } from './families.js';

const SAFETY_TESTS = path.join(REPO_ROOT, 'tests', 'safety');

/** Blind-round files kept apart from the corpus: tuning halves are read, held-out halves only counted. */
function blindFiles(heldOut: boolean): string[] {
  return readdirSync(SAFETY_TESTS)
    .filter((f) => /^blind-.*\.jsonl$/.test(f) && (heldOut ? f.includes('heldout') : f.includes('.tune.')))
    .sort()
    .map((f) => path.join(SAFETY_TESTS, f));
}

function readBlind(file: string): CorpusLine[] {
  return readJsonl(file).map((raw, i) => ({ ...(raw as CorpusLine), source: `${path.basename(file)}:${i + 1}` }));
}

function printFamilies(f: FamilyFigures): void {
  const pct = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)} %`);
  for (const [family, c] of f.crisisByFamily) console.log(`    ${family.padEnd(26)} ${c.caught}/${c.total} (${pct(c.caught, c.total)})`);
  if (f.explicit.total > 0) console.log(`    ${'explicit statements'.padEnd(26)} ${f.explicit.caught}/${f.explicit.total} (${pct(f.explicit.caught, f.explicit.total)})`);
  console.log(
    `    ordinary ${f.ordinary}: crisis alarms ${f.crisisAlarms} (${f.perThousand.crisis.toFixed(1)} per 1,000), ` +
      `medical verdicts ${f.medicalAlarms} (${f.perThousand.medical.toFixed(1)} per 1,000)`,
  );
}

const args = process.argv.slice(2);
const rulesOnly = args.includes('--rules');
const screen = SafetyScreen.fromDirectory(LEXICON_DIR, rulesOnly ? { crisisModel: null, confirmationModel: null } : {});
const texts = args.filter((a) => !a.startsWith('--'));
if (texts.length > 0) {
  for (const t of texts) console.log(JSON.stringify(screen.assess(t)), JSON.stringify(screen.explain(t)));
} else {
  const read: [string, CorpusLine[]][] = [
    ['corpus (tuning)', loadCorpus((f) => !isHeldOut(f))],
    ...blindFiles(false).map((f): [string, CorpusLine[]] => [path.basename(f), readBlind(f)]),
    ['dev.jsonl', loadDevSet()],
  ];
  for (const [name, lines] of read) {
    const f = evaluate(screen, lines);
    console.log(describe(name, f));
    printFamilies(familyFigures(screen, lines));
    for (const m of f.misses) console.log(`  ${m.line.expect.padEnd(9)} got ${JSON.stringify(m.got)}  ${m.line.source}  ${m.line.text}`);
  }
  if (args.includes('--heldout')) {
    // Never read: figures only, no line, no source.
    const counted: [string, CorpusLine[]][] = [
      ['held-out corpus (A, C-G)', loadCorpus(isHeldOut)],
      ...blindFiles(true).map((f): [string, CorpusLine[]] => [path.basename(f), readBlind(f)]),
    ];
    for (const [name, lines] of counted) {
      console.log(describe(name, evaluate(screen, lines)));
      printFamilies(familyFigures(screen, lines));
    }
  }
}
