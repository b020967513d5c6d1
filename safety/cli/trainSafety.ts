/**
 * `npm run train-safety`: trains the crisis model (`safety/CrisisModel.ts`) on the tuning corpus
 * (`tests/safety/corpus/{crisis,medical,ordinary}.jsonl`) and the knowledge base's example
 * questions and the understanding rounds' tuning halves (as ordinary messages), and the blind safety
 * rounds' tuning halves (`tests/safety/blind-*.tune.jsonl`, labelled), and writes `safety/lexicons/crisis-model.json`; then the
 * confirmation net on the lines of the same set a crisis rule fires on, written to
 * `safety/lexicons/crisis-confirmation.json`. Deterministic: the same corpus gives the same file (a test
 * checks the committed file against the corpus), apart from the date it was trained on.
 *   npm run train-safety [-- <corpus dir> <lexicon dir> <knowledge dir> <rounds dir> <safety rounds dir>]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataFileError } from '../../bot/errors.js';
import { CONFIRMATION_MODEL_FILE, CRISIS_MODEL_FILE, CrisisModel } from '../CrisisModel.js';
import { buildConfirmationModelFile, buildCrisisModelFile } from '../trainCrisisModel.js';

const corpusDir = path.resolve(process.argv[2] ?? 'tests/safety/corpus');
const lexiconDir = path.resolve(process.argv[3] ?? 'safety/lexicons');
const knowledgeDir = path.resolve(process.argv[4] ?? 'knowledge');
const roundsDir = path.resolve(process.argv[5] ?? 'tests/eval/rounds');
const safetyRoundsDir = path.resolve(process.argv[6] ?? 'tests/safety');
const trainedOn = new Date().toISOString().slice(0, 10);
try {
  for (const [file, build] of [
    [CRISIS_MODEL_FILE, buildCrisisModelFile],
    [CONFIRMATION_MODEL_FILE, buildConfirmationModelFile],
  ] as const) {
    const out = path.join(lexiconDir, file);
    const text = build({ corpusDir, lexiconDir, knowledgeDir, roundsDir, safetyRoundsDir }, trainedOn);
    writeFileSync(out, text);
    CrisisModel.fromFile(out);
    console.log(`train-safety: ${path.relative(process.cwd(), out) || out} written (${Math.round(text.length / 1024)} KB)`);
  }
} catch (error) {
  if (error instanceof DataFileError) {
    console.error(`ERROR ${error.message}`);
    process.exit(1);
  }
  throw error;
}
