/**
 * The message pipeline's parts as the bot builds them (bot/main.ts), from the repository's own
 * knowledge base, lexicons and models: for the in-process benchmarks and `bench/verdicts.ts`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKnowledge } from '../knowledge/loadKnowledge.js';
import { searchableTopics } from '../knowledge/searchableTopics.js';
import { KnowledgeIndex } from '../knowledge/search/KnowledgeIndex.js';
import { loadSynonyms } from '../knowledge/search/synonyms.js';
import { Understanding } from '../knowledge/understand/Understanding.js';
import { UNDERSTANDING_MODEL_FILE } from '../knowledge/understand/UnderstandingExamples.js';
import { SoftmaxModel } from '../learn/SoftmaxModel.js';
import { CRISIS_MODEL_FILE, CrisisModel } from '../safety/CrisisModel.js';
import { SafetyScreen } from '../safety/SafetyScreen.js';
import { PermanenceSchedule } from '../schedule/PermanenceSchedule.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function loadRealParts() {
  const knowledgeDir = path.join(ROOT, 'knowledge');
  const knowledge = loadKnowledge(knowledgeDir);
  const schedule = PermanenceSchedule.fromFile(path.join(knowledgeDir, 'schedule.yaml'));
  const index = KnowledgeIndex.build(searchableTopics(knowledge.topics, schedule), loadSynonyms(path.join(knowledgeDir, 'synonyms.yaml')));
  const model = SoftmaxModel.fromFile(path.join(knowledgeDir, UNDERSTANDING_MODEL_FILE));
  const understanding = new Understanding(index, model, knowledge.topics.map((t) => t.id));
  /** The knowledge base's example questions: the ordinary messages the prefilter is keyed on. */
  const questions = knowledge.topics.flatMap((t) => [...t.questions.fr, ...t.questions.en]);
  const screen = SafetyScreen.fromDirectory(path.join(ROOT, 'safety/lexicons'), { ordinaryMessages: questions });
  const nets = CrisisModel.fromFile(path.join(ROOT, 'safety/lexicons', CRISIS_MODEL_FILE));
  return { knowledge, index, model, understanding, questions, screen, nets };
}
