/**
 * `npm run train-safety`: trains the crisis model (`safety/CrisisModel.ts`) on the tuning corpus
 * (`tests/safety/corpus/{crisis,medical,ordinary}.jsonl`) and the knowledge base's example
 * questions (as ordinary messages), and writes
 * `safety/lexicons/crisis-model.json`. Deterministic: the same corpus gives the same file (a test
 * checks the committed file against the corpus), apart from the date it was trained on.
 *   npm run train-safety [-- <corpus dir> <lexicon dir> <knowledge dir>]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataFileError } from '../../bot/errors.js';
import { CRISIS_MODEL_FILE, CrisisModel } from '../CrisisModel.js';
import { buildCrisisModelFile } from '../trainCrisisModel.js';

const corpusDir = path.resolve(process.argv[2] ?? 'tests/safety/corpus');
const lexiconDir = path.resolve(process.argv[3] ?? 'safety/lexicons');
const knowledgeDir = path.resolve(process.argv[4] ?? 'knowledge');
const out = path.join(lexiconDir, CRISIS_MODEL_FILE);
try {
  const text = buildCrisisModelFile(corpusDir, lexiconDir, knowledgeDir, new Date().toISOString().slice(0, 10));
  writeFileSync(out, text);
  CrisisModel.fromFile(out);
  console.log(`train-safety: ${path.relative(process.cwd(), out) || out} written (${Math.round(text.length / 1024)} KB)`);
} catch (error) {
  if (error instanceof DataFileError) {
    console.error(`ERROR ${error.message}`);
    process.exit(1);
  }
  throw error;
}
