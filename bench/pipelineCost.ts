/**
 * `npx tsx bench/pipelineCost.ts [kb]`: CPU a message of each part of the message pipeline, in
 * process and warm (median of 11 passes, µs), over the load benchmark's messages (`kb`: a third of
 * the knowledge base's example questions). Run it on two trees one after the other to compare a
 * change; in the server the same code costs several times more (cold caches: see BENCHMARKS.md).
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
import { BENCH_MESSAGES } from './messages.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const knowledgeDir = path.join(ROOT, 'knowledge');
const knowledge = loadKnowledge(knowledgeDir);
const schedule = PermanenceSchedule.fromFile(path.join(knowledgeDir, 'schedule.yaml'));
const index = KnowledgeIndex.build(searchableTopics(knowledge.topics, schedule), loadSynonyms(path.join(knowledgeDir, 'synonyms.yaml')));
const model = SoftmaxModel.fromFile(path.join(knowledgeDir, UNDERSTANDING_MODEL_FILE));
const understanding = new Understanding(index, model, knowledge.topics.map((t) => t.id));
const questions = knowledge.topics.flatMap((t) => [...t.questions.fr, ...t.questions.en]);
const screen = SafetyScreen.fromDirectory(path.join(ROOT, 'safety/lexicons'), { ordinaryMessages: questions });
const nets = CrisisModel.fromFile(path.join(ROOT, 'safety/lexicons', CRISIS_MODEL_FILE));

const texts = process.argv[2] === 'kb' ? questions.filter((_, i) => i % 3 === 0) : BENCH_MESSAGES.map((m) => m.text);
const masked = texts.map((t) => screen.crisisText(t));
const vectors = texts.map((t) => model.features(t));
const search = { locale: 'fr', audience: 'all' } as const;

// Warm: the JIT and the caches as after many messages.
for (let pass = 0; pass < 30; pass++) {
  for (const text of texts) {
    screen.assess(text);
    understanding.search(text, search);
  }
}

const cpuMicros = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

function measure(name: string, part: (i: number) => unknown): void {
  const rounds = Math.max(1, Math.round(2000 / texts.length));
  const passes: number[] = [];
  for (let pass = 0; pass < 11; pass++) {
    const start = cpuMicros();
    for (let round = 0; round < rounds; round++) for (let i = 0; i < texts.length; i++) part(i);
    passes.push((cpuMicros() - start) / (rounds * texts.length));
  }
  passes.sort((a, b) => a - b);
  console.log(`pipeline.${name}=${passes[5]!.toFixed(2)} us (min ${passes[0]!.toFixed(2)})`);
}

measure('safety_normalise', (i) => screen.normalise(texts[i]!));
measure('nets_probabilities', (i) => nets.probabilities(masked[i]!));
measure('safety_assess', (i) => screen.assess(texts[i]!));
measure('index_search', (i) => index.search(texts[i]!, search));
measure('model_predict_vector', (i) => model.predictVector(vectors[i]!));
measure('model_predict', (i) => model.predict(texts[i]!));
measure('understanding_search', (i) => understanding.search(texts[i]!, search));
