/**
 * Scores one blind file (same line format as the corpus) and prints every miss:
 *   npx tsx tests/safety/blind.ts tests/safety/blind-2026-11-25.jsonl
 * A blind file is written before it is ever run; its first output is the figure to record in
 * HELDOUT.md, before any lexicon change.
 */
import { SafetyScreen } from '../../safety/SafetyScreen.js';
import { LEXICON_DIR, describe, evaluate, readJsonl, type CorpusLine } from './corpus.js';

const screen = SafetyScreen.fromDirectory(LEXICON_DIR);
for (const file of process.argv.slice(2)) {
  const lines = readJsonl(file).map((raw, i) => ({ ...(raw as CorpusLine), source: `${file}:${i + 1}` }));
  const f = evaluate(screen, lines);
  console.log(describe(file, f));
  for (const m of f.misses) console.log(`  ${m.line.expect.padEnd(9)} got ${JSON.stringify(m.got)}  ${m.line.source}  ${m.line.text}`);
}
