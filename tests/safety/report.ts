/**
 * Prints the safety screen's figures and every miss, for lexicon authors:
 *   npx tsx tests/safety/report.ts            (tuning corpus + dev set)
 *   npx tsx tests/safety/report.ts --heldout  (the held-out set too)
 *   npx tsx tests/safety/report.ts "some message"   (explains one message)
 */
import { SafetyScreen } from '../../safety/SafetyScreen.js';
import { LEXICON_DIR, describe, evaluate, isHeldOut, loadCorpus, loadDevSet } from './corpus.js';

const screen = SafetyScreen.fromDirectory(LEXICON_DIR);
const args = process.argv.slice(2);
const texts = args.filter((a) => !a.startsWith('--'));
if (texts.length > 0) {
  for (const t of texts) console.log(JSON.stringify(screen.assess(t)), JSON.stringify(screen.explain(t)));
} else {
  const sets: [string, ReturnType<typeof loadCorpus>][] = [
    ['corpus', loadCorpus((f) => !isHeldOut(f))],
    ['dev.jsonl', loadDevSet()],
  ];
  if (args.includes('--heldout')) sets.push(['held-out', loadCorpus(isHeldOut)]);
  for (const [name, lines] of sets) {
    const f = evaluate(screen, lines);
    console.log(describe(name, f));
    for (const m of f.misses) console.log(`  ${m.line.expect.padEnd(8)} got ${JSON.stringify(m.got)}  ${m.line.source}  ${m.line.text}`);
  }
}
