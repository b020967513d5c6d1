/**
 * `npm run kb:unanswered [DATA_DIR]`: the questions the knowledge base could not answer, already
 * anonymised when they were kept, for curators to write new content. Reads the store file
 * without locking it, so it works while the bot runs; with DATABASE_URL set, reads the shared
 * PostgreSQL store instead (the instances keep running too).
 */
import { loadConfig } from '../../bot/config.js';
import { openStore } from '../../bot/openStore.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';

const PREFIX = 'curation/unanswered/';

async function unansweredItems(): Promise<Record<string, Record<string, unknown>>> {
  const config = loadConfig();
  if (!config.DATABASE_URL) return LowdbStorage.snapshot(process.argv[2] ?? config.DATA_DIR, PREFIX);
  const { store } = await openStore({ ...config, DATABASE_MIGRATE: 'check' }, undefined, { listen: false });
  try {
    return (await store.read(await store.keys(PREFIX))) as Record<string, Record<string, unknown>>;
  } finally {
    await store.close();
  }
}

const items = await unansweredItems();
const questions = Object.values(items)
  .map((v) => ({ text: String(v.text), locale: String(v.locale), at: String(v.at) }))
  .sort((a, b) => a.at.localeCompare(b.at));
for (const q of questions) console.log(`${q.at.slice(0, 10)}  ${q.locale}  ${q.text}`);
console.log(`kb:unanswered: ${questions.length} question(s) kept`);
