/**
 * `npx tsx bench/pipelineCost.ts [kb]`: CPU a message of each part of the message pipeline, in
 * process and warm (median of 11 passes, µs), over the load benchmark's messages (`kb`: a third of
 * the knowledge base's example questions). Run it on two trees one after the other to compare a
 * change; in the server the same code costs several times more (cold caches: see BENCHMARKS.md).
 */
import { loadRealParts } from './realParts.js';
import { BENCH_MESSAGES } from './messages.js';

const { index, model, understanding, questions, screen, nets } = loadRealParts();

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
