/**
 * `npm run kb:unanswered [DATA_DIR]`: the questions the knowledge base could not answer, already
 * anonymised when they were kept, for curators to write new content, each with the three topics
 * the understanding model finds likeliest (with their probabilities). A question that belongs to
 * one of them is taught with `npm run kb:teach -- "<question>" <topic id>`, then `npm run train`.
 * Reads the store file without locking it, so it works while the bot runs; with DATABASE_URL set,
 * reads the shared PostgreSQL store instead (the instances keep running too).
 */
import path from 'node:path';
import { loadConfig } from '../../bot/config.js';
import { openStore } from '../../bot/openStore.js';
import { LowdbStorage } from '../../store/LowdbStorage.js';
import { SoftmaxModel } from '../../learn/SoftmaxModel.js';
import { loadKnowledge } from '../loadKnowledge.js';
import { UNDERSTANDING_MODEL_FILE } from '../understand/UnderstandingExamples.js';
import { likeliestTopics } from '../understand/Understanding.js';

const PREFIX = 'curation/unanswered/';
const config = loadConfig();
const knowledgeDir = path.resolve(config.KNOWLEDGE_DIR);
const model = SoftmaxModel.fromFile(path.join(knowledgeDir, UNDERSTANDING_MODEL_FILE));
const topicIds = new Set(loadKnowledge(knowledgeDir).topics.map((t) => t.id));

async function unansweredItems(): Promise<Record<string, Record<string, unknown>>> {
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
for (const q of questions) {
  const likely = likeliestTopics(model, topicIds, q.text, 3)
    .map((t) => `${t.topicId} ${Math.round(100 * t.probability)} %`)
    .join(', ');
  console.log(`${q.at.slice(0, 10)}  ${q.locale}  ${q.text}\n            likeliest: ${likely}`);
}
console.log(`kb:unanswered: ${questions.length} question(s) kept; teach one with npm run kb:teach -- "<question>" <topic id>, then npm run train`);
