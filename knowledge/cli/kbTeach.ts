/**
 * `npm run kb:teach -- "<question>" <topic id> [fr|en]`: adds a visitor's question (for example
 * one of `npm run kb:unanswered`) as an example question of a topic, in the topic file's front
 * matter, in the question's language (detected when not given). Then `npm run train` teaches it
 * to the bot. The rest of the file is left exactly as it was.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataFileError } from '../../bot/errors.js';
import { loadKnowledge, parseTopicFile } from '../loadKnowledge.js';
import { LOCALES, type Locale } from '../schema.js';
import { detectLocale } from '../search/detectLocale.js';
import { addExampleQuestions } from '../understand/teachExample.js';

const [question, topicId, localeArg] = process.argv.slice(2);
const knowledgeDir = path.resolve(process.env.KNOWLEDGE_DIR ?? 'knowledge');
if (!question || !topicId || (localeArg !== undefined && !(LOCALES as readonly string[]).includes(localeArg))) {
  console.error('usage: npm run kb:teach -- "<question>" <topic id> [fr|en]');
  process.exit(2);
}
try {
  const knowledge = loadKnowledge(knowledgeDir);
  const topic = knowledge.byId.get(topicId);
  if (!topic) {
    console.error(`kb:teach: no topic has the id "${topicId}". Topics: ${[...knowledge.byId.keys()].sort().join(', ')}`);
    process.exit(1);
  }
  const locale = (localeArg as Locale | undefined) ?? detectLocale(question);
  const { text, added } = addExampleQuestions(readFileSync(topic.file, 'utf8'), locale, [question], [...topic.questions.fr, ...topic.questions.en]);
  if (added === 0) {
    console.log(`kb:teach: ${path.basename(topic.file)} already has this question; nothing changed`);
  } else {
    parseTopicFile(topic.file, text);
    writeFileSync(topic.file, text);
    console.log(`kb:teach: added to ${path.relative(process.cwd(), topic.file)} (questions.${locale}). Run npm run train to teach it to the bot.`);
  }
} catch (error) {
  if (error instanceof DataFileError) {
    console.error(`ERROR ${error.message}`);
    process.exit(1);
  }
  throw error;
}
