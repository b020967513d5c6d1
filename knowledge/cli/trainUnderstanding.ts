/**
 * `npm run train`: trains the understanding model (topics, conversational intents, out of scope)
 * on the topics' example questions, `knowledge/understanding.yaml` and the visitor messages of the
 * blind rounds' tuning halves (`tests/eval/rounds/*.tune.jsonl`), writes
 * `knowledge/understanding-model.json`, then the script runs `npm run train-safety` (the crisis
 * model also learns from the example questions). Deterministic: the same content gives the same
 * file, byte for byte (a test retrains and compares).
 *   npm run train [-- <knowledge dir> [<rounds dir>]]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataFileError } from '../../bot/errors.js';
import { SoftmaxModel } from '../../learn/SoftmaxModel.js';
import { trainSoftmax } from '../../learn/trainSoftmax.js';
import { UNDERSTANDING_MODEL_FILE, understandingLines } from '../understand/UnderstandingExamples.js';

const knowledgeDir = path.resolve(process.argv[2] ?? 'knowledge');
const roundsDir = path.resolve(process.argv[3] ?? 'tests/eval/rounds');
const out = path.join(knowledgeDir, UNDERSTANDING_MODEL_FILE);
try {
  const started = performance.now();
  const { classes, lines } = understandingLines(knowledgeDir, roundsDir);
  const model = trainSoftmax(lines, classes);
  const text = `${JSON.stringify(model)}\n`;
  writeFileSync(out, text);
  SoftmaxModel.fromFile(out);
  const report = model.report ?? {};
  console.log(
    `train: ${path.relative(process.cwd(), out) || out} written (${Math.round(text.length / 1024)} KB; ${lines.length} lines, ${classes.length} classes; ` +
      `cross-validated accuracy ${report.crossValidatedAccuracy}, temperature ${model.temperature}; ${Math.round(performance.now() - started)} ms)`,
  );
} catch (error) {
  if (error instanceof DataFileError) {
    console.error(`ERROR ${error.message}`);
    process.exit(1);
  }
  throw error;
}
