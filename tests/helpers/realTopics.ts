import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKnowledge } from '../../knowledge/loadKnowledge.js';
import type { Topic } from '../../knowledge/schema.js';
import { searchableTopics } from '../../knowledge/searchableTopics.js';
import { PermanenceSchedule } from '../../schedule/PermanenceSchedule.js';
import { KnowledgeIndex } from '../../knowledge/search/KnowledgeIndex.js';
import { loadSynonyms } from '../../knowledge/search/synonyms.js';
import { Understanding } from '../../knowledge/understand/Understanding.js';
import { UNDERSTANDING_MODEL_FILE } from '../../knowledge/understand/UnderstandingExamples.js';
import { SoftmaxModel } from '../../learn/SoftmaxModel.js';

/** The repository's root folder. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The shipped topics exactly as the bot indexes them. */
export function loadRealTopics(): Topic[] {
  const dir = path.join(ROOT, 'knowledge');
  return searchableTopics(loadKnowledge(dir).topics, PermanenceSchedule.fromFile(path.join(dir, 'schedule.yaml')));
}

/** What the dialogs search with (bot/main.ts): the lexical index over `topics` fused with the shipped model. */
export function realUnderstanding(topics: readonly Topic[]): { lexical: KnowledgeIndex; understanding: Understanding } {
  const lexical = KnowledgeIndex.build(topics, loadSynonyms(path.join(ROOT, 'knowledge/synonyms.yaml')));
  const model = SoftmaxModel.fromFile(path.join(ROOT, 'knowledge', UNDERSTANDING_MODEL_FILE));
  return { lexical, understanding: new Understanding(lexical, model, topics.map((t) => t.id)) };
}
