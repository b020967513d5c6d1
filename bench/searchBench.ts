/**
 * Knowledge search benchmark: `npx tsx bench/searchBench.ts`
 *
 * Builds an index of the real topics (`knowledge/topics`) and one of a generated base of 1,000
 * topics (8 questions a language, a Zipf-distributed vocabulary of 6,000 words), runs a few
 * hundred queries on each (questions reworded, shortened, with typos, and off-topic messages),
 * and prints one figure a line.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTopicFile } from '../knowledge/loadKnowledge.js';
import { KnowledgeIndex, loadSynonyms, type IndexableTopic } from '../knowledge/search/KnowledgeIndex.js';
import { mulberry32 as random } from '../safety/trainCrisisModel.js';
import { Understanding } from '../knowledge/understand/Understanding.js';
import { UNDERSTANDING_MODEL_FILE } from '../knowledge/understand/UnderstandingExamples.js';
import { SoftmaxModel } from '../learn/SoftmaxModel.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function loadRealTopics(): IndexableTopic[] {
  const dir = path.join(root, 'knowledge/topics');
  const topics: IndexableTopic[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.md')).sort()) {
    try {
      topics.push(parseTopicFile(path.join(dir, f), readFileSync(path.join(dir, f), 'utf8')));
    } catch {
      // An invalid topic file is the lint's business; the benchmark uses the others.
    }
  }
  return topics;
}

const SYLLABLES = 'ba be bi bo bu da de di do du fa fe fi fo la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo cha che cho gra gre tra tre pla ple on an in eur ion ment'.split(' ');
const FR_GLUE = ['le', 'la', 'les', 'de', 'des', 'un', 'une', 'est', 'que', 'pour', 'avec', 'comment', 'quand', 'où', 'je', 'mon', 'ma'];
const EN_GLUE = ['the', 'a', 'of', 'to', 'is', 'how', 'when', 'where', 'can', 'i', 'my', 'for', 'with', 'what'];

function generatedTopics(count: number, rnd: () => number): IndexableTopic[] {
  const vocabulary: string[] = [];
  const seen = new Set<string>();
  while (vocabulary.length < 6000) {
    const n = 2 + Math.floor(rnd() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rnd() * SYLLABLES.length)];
    if (!seen.has(w)) {
      seen.add(w);
      vocabulary.push(w);
    }
  }
  // Zipf: word i is drawn with a probability proportional to 1/(i+1).
  const cumulative: number[] = [];
  let sum = 0;
  for (let i = 0; i < vocabulary.length; i++) cumulative.push((sum += 1 / (i + 1)));
  const word = (): string => {
    const x = rnd() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo] as string;
  };
  const sentence = (topicWords: string[], glue: string[]): string => {
    const parts: string[] = [];
    const n = 4 + Math.floor(rnd() * 6);
    for (let i = 0; i < n; i++) {
      const r = rnd();
      parts.push(r < 0.35 ? (glue[Math.floor(rnd() * glue.length)] as string) : r < 0.75 ? (topicWords[Math.floor(rnd() * topicWords.length)] as string) : word());
    }
    return `${parts.join(' ')} ?`;
  };
  return Array.from({ length: count }, (_, i) => {
    const topicWords = Array.from({ length: 6 }, word);
    return {
      id: `gen.topic_${i}`,
      audience: i % 10 === 0 ? 'staff' : 'all',
      title: { fr: sentence(topicWords, FR_GLUE), en: sentence(topicWords, EN_GLUE) },
      questions: {
        fr: Array.from({ length: 8 }, () => sentence(topicWords, FR_GLUE)),
        en: Array.from({ length: 8 }, () => sentence(topicWords, EN_GLUE)),
      },
      keywords: { fr: topicWords.slice(0, 4), en: topicWords.slice(2, 6) },
    };
  });
}

/** A visitor's version of a question: some words dropped, maybe a typo, sometimes a stranger's words. */
function reword(text: string, rnd: () => number): string {
  const words = text.replace(/[?!.]/g, '').split(/\s+/).filter(() => rnd() > 0.2);
  if (words.length > 0 && rnd() < 0.4) {
    const k = Math.floor(rnd() * words.length);
    const w = words[k] as string;
    if (w.length > 4) {
      const i = 1 + Math.floor(rnd() * (w.length - 2));
      words[k] = w.slice(0, i) + w.slice(i + 1);
    }
  }
  return words.join(' ');
}

const OFF_TOPIC = ['Quelle est la météo demain ?', 'recette de la tarte aux pommes', 'Who won the football match yesterday?', 'bitcoin price today', 'how do I fix my bike'];

function queriesFor(topics: readonly IndexableTopic[], count: number, rnd: () => number): string[] {
  const out: string[] = [];
  while (out.length < count) {
    const topic = topics[Math.floor(rnd() * topics.length)] as IndexableTopic;
    const list = rnd() < 0.5 ? topic.questions.fr : topic.questions.en;
    const question = list[Math.floor(rnd() * list.length)];
    if (question === undefined) continue;
    const r = rnd();
    out.push(r < 0.1 ? (OFF_TOPIC[Math.floor(rnd() * OFF_TOPIC.length)] as string) : r < 0.55 ? question : reword(question, rnd));
  }
  return out;
}

/** Messages over 12 words, as visitors write situations: read sentence by sentence as well. */
const LONG_MESSAGES = [
  "Bonjour, mon fils a été hospitalisé la semaine dernière et je suis complètement perdue. Est-ce qu'il existe un soutien pour les familles comme nous ?",
  "I was admitted last year and I would like to read what the doctors wrote about me. How do I ask for my file and how long does it take?",
  "Je viens de province en voiture pour voir ma sœur, j'arrive vers 16 heures. Vous êtes encore ouverts à cette heure-là ? Et c'est où exactement ?",
];

function time(index: Pick<KnowledgeIndex, 'search'>, queries: readonly string[]): { median: number; p99: number } {
  for (const q of queries.slice(0, 50)) index.search(q); // warm-up
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const q of queries) {
      const t0 = performance.now();
      index.search(q);
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  const at = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))] as number;
  return { median: at(0.5), p99: at(0.99) };
}

function main(): void {
  const synonyms = loadSynonyms(path.join(root, 'knowledge/synonyms.yaml'));
  const rnd = random(20240901);
  const fmt = (x: number): string => x.toFixed(3);

  const real = loadRealTopics();
  const realStart = performance.now();
  const realIndex = KnowledgeIndex.build(real, synonyms);
  const realBuild = performance.now() - realStart;
  const realTimes = time(realIndex, queriesFor(real, 400, rnd));

  const generated = generatedTopics(1000, rnd);
  KnowledgeIndex.build(generated.slice(0, 50), synonyms); // warm the JIT and the stem memo on a small base
  const buildStart = performance.now();
  const bigIndex = KnowledgeIndex.build(generated, synonyms);
  const bigBuild = performance.now() - buildStart;
  const bigTimes = time(bigIndex, queriesFor(generated, 400, rnd));

  // What the bot searches with: the lexical index fused with the trained model (search + model).
  const model = SoftmaxModel.fromFile(path.join(root, 'knowledge', UNDERSTANDING_MODEL_FILE));
  const understanding = new Understanding(realIndex, model, real.map((t) => t.id));
  const understandingTimes = time(understanding, queriesFor(real, 400, rnd));
  const longTimes = time(understanding, Array.from({ length: 60 }, (_, i) => LONG_MESSAGES[i % LONG_MESSAGES.length] as string));

  console.log(`search.real.topics=${realIndex.size}`);
  console.log(`search.real.build_ms=${fmt(realBuild)}`);
  console.log(`search.real.median_ms=${fmt(realTimes.median)}`);
  console.log(`search.real.p99_ms=${fmt(realTimes.p99)}`);
  console.log(`search.understanding.median_ms=${fmt(understandingTimes.median)}`);
  console.log(`search.understanding.p99_ms=${fmt(understandingTimes.p99)}`);
  console.log(`search.understanding.long.median_ms=${fmt(longTimes.median)}`);
  console.log(`search.1000.median_ms=${fmt(bigTimes.median)}`);
  console.log(`search.1000.p99_ms=${fmt(bigTimes.p99)}`);
  console.log(`search.1000.build_ms=${fmt(bigBuild)}`);
}

main();
