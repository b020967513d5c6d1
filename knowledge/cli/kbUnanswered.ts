/**
 * `npm run kb:unanswered [DATA_DIR]`: the questions the knowledge base could not answer, already
 * anonymised when they were kept, for curators to write new content. Reads the store file
 * without locking it, so it works while the bot runs.
 */
import { LowdbStorage } from '../../store/LowdbStorage.js';

const dataDir = process.argv[2] ?? process.env.DATA_DIR ?? './data';
const items = await LowdbStorage.snapshot(dataDir, 'curation/unanswered/');
const questions = Object.values(items)
  .map((v) => ({ text: String(v.text), locale: String(v.locale), at: String(v.at) }))
  .sort((a, b) => a.at.localeCompare(b.at));
for (const q of questions) console.log(`${q.at.slice(0, 10)}  ${q.locale}  ${q.text}`);
console.log(`kb:unanswered: ${questions.length} question(s) kept`);
