/**
 * Visitor messages of the blind rounds' tuning halves (`tests/eval/rounds/*.tune.jsonl`), as
 * training lines. Each round is written by a helper who read none of the knowledge base, as
 * visitors write (situations, SMS spelling, English, staff); once scored, half of it is kept
 * unread (`*.heldout.jsonl`, never read here) and the other half teaches the models:
 * - the understanding model: a topic's answer, a request for a person, or out of scope;
 * - the safety nets: ordinary messages (never a crisis, never a request for medical advice),
 *   the plain questions wrapped in worried words that the corpus alone under-represents.
 * Small talk lines are left out: "bonjour, t'es qui ?" is a greeting or a question about the bot,
 * and the round does not say which.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DataFileError, ErrorCodes } from '../../bot/errors.js';
import { validateData } from '../readDataFile.js';

const RoundLine = z
  .object({
    text: z.string().min(1),
    locale: z.enum(['fr-FR', 'en-US', 'fr', 'en']),
    expect: z.string().regex(/^(answer:[a-z_.]+|handoff|smalltalk|fallback)$/),
    len: z.enum(['short', 'long']).optional(),
  })
  .strict();

export interface RoundTrainingLine {
  readonly text: string;
  readonly lang: 'fr' | 'en';
  /** A topic id, `handoff_request` or `out_of_scope`. */
  readonly label: string;
}

/** The tuning halves' files, in name order (a fixed training order). */
export function roundTuningFiles(roundsDir: string): string[] {
  return readdirSync(roundsDir)
    .filter((f) => f.endsWith('.tune.jsonl'))
    .sort()
    .map((f) => path.join(roundsDir, f));
}

/** Every line of the tuning halves, validated; a broken line is refused with its file and line number. */
function readRoundLines(roundsDir: string): (z.infer<typeof RoundLine> & { file: string; lineNumber: number })[] {
  return roundTuningFiles(roundsDir).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((raw, i) => {
        if (raw.trim() === '') return [];
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          throw new DataFileError(ErrorCodes.KNOWLEDGE_FILE_INVALID, file, `line ${i + 1}`, 'not valid JSON');
        }
        return [{ ...validateData(RoundLine, parsed, file, ErrorCodes.KNOWLEDGE_FILE_INVALID, (field) => `line ${i + 1}: ${field}`), file, lineNumber: i + 1 }];
      }),
  );
}

const langOf = (locale: string): 'fr' | 'en' => (locale.startsWith('fr') ? 'fr' : 'en');

/** Every visitor message of the tuning halves, small talk included: ordinary messages for the safety nets. */
export function roundVisitorMessages(roundsDir: string): { text: string; lang: 'fr' | 'en' }[] {
  return readRoundLines(roundsDir).map((line) => ({ text: line.text, lang: langOf(line.locale) }));
}

/**
 * Every line of the tuning halves but small talk, labelled with a class of the understanding
 * model. A topic that `knownClasses` lacks is refused with the file and the line.
 */
export function roundTrainingLines(roundsDir: string, knownClasses: ReadonlySet<string>): RoundTrainingLine[] {
  return readRoundLines(roundsDir).flatMap((line) => {
    if (line.expect === 'smalltalk') return [];
    const label = line.expect === 'handoff' ? 'handoff_request' : line.expect === 'fallback' ? 'out_of_scope' : line.expect.slice('answer:'.length);
    if (!knownClasses.has(label)) throw new DataFileError(ErrorCodes.KNOWLEDGE_FILE_INVALID, line.file, `line ${line.lineNumber}: expect`, `no topic "${label}" in the knowledge base`);
    return [{ text: line.text, lang: langOf(line.locale), label }];
  });
}
