/**
 * Adds example questions to a topic file's front matter, in place, keeping everything else of
 * the file as it is (the answers, comments, key order): the curator's `npm run kb:teach` and bulk
 * additions use it, and a text edit of a few lines merges with other people's edits of the same
 * file.
 */
import { stringify } from 'yaml';
import type { Locale } from '../schema.js';
import { foldText } from '../foldText.js';

/** A question as one YAML list item (quoted only when YAML needs it). */
function yamlItem(question: string): string {
  const scalar = stringify(question.replace(/\s+/g, ' ').trim(), { lineWidth: 0 }).trimEnd();
  return `    - ${scalar}`;
}

/**
 * The file's text with `questions` appended to `questions.<locale>` of its front matter.
 * Questions already there (same folded text) are skipped. Throws when the list cannot be found.
 */
export function addExampleQuestions(fileText: string, locale: Locale, questions: readonly string[], existing: readonly string[] = []): { text: string; added: number } {
  const lines = fileText.split('\n');
  const end = lines.indexOf('---', 1);
  if (lines[0] !== '---' || end < 0) throw new Error('no front matter between two "---" lines');
  const start = lines.findIndex((l, i) => i < end && l === 'questions:');
  if (start < 0) throw new Error('no "questions:" in the front matter');
  const header = lines.findIndex((l, i) => i > start && i < end && l === `  ${locale}:`);
  if (header < 0) throw new Error(`no "questions.${locale}" list in the front matter`);
  let last = header;
  while (last + 1 < end && /^ {4}- /.test(lines[last + 1] as string)) last++;
  const seen = new Set(existing.map(foldText));
  const fresh: string[] = [];
  for (const q of questions) {
    const key = foldText(q);
    if (key.length === 0 || seen.has(key)) continue;
    seen.add(key);
    fresh.push(yamlItem(q));
  }
  lines.splice(last + 1, 0, ...fresh);
  return { text: lines.join('\n'), added: fresh.length };
}
