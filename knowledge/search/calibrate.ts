/**
 * Calibration of the search confidence, and a measure of the ranking that needs no labelled data.
 *
 *   npx tsx knowledge/search/calibrate.ts [knowledge dir]
 *
 * 1. Leave one question out: every example question of every topic is removed from the topics,
 *    the index is rebuilt and the question searched. The best hit is right when it is the topic
 *    the question came from. This measures the ranking on visitors' phrasings the index has not
 *    seen, and gives labelled examples (features of the best hit -> right or wrong).
 * 2. Out-of-domain messages (below; none of them is in a test) are never right.
 * 3. A logistic regression on (coverage, share, margin x coverage) fits `CONFIDENCE_MODEL`; the tool prints
 *    the coefficients and, for candidate answer thresholds, how many right answers are kept and
 *    how many wrong ones (and out-of-domain ones) get through.
 *
 * Not used at run time.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { parseTopicFile } from '../loadKnowledge.js';
import { KnowledgeIndex, RANKING, confidenceFeatures, loadSynonyms, type IndexableTopic, type RankedTopic } from './KnowledgeIndex.js';

/** Messages about something else than the MDU (for calibration only). */
const OUT_OF_DOMAIN = [
  'Quel temps fait-il à Paris ?',
  'Je cherche un plombier pas cher',
  'Comment faire une pâte à crêpes',
  'Qui a gagné la coupe du monde ?',
  'Combien coûte un billet de train pour Marseille',
  'Je veux réserver une table au restaurant',
  'Où acheter des chaussures pas cher',
  'Quelle est la capitale du Canada',
  'Comment réparer mon vélo',
  'Les soldes commencent quand ?',
  "C'est quoi le prix de l'essence",
  'Je cherche un appartement à louer',
  'Comment installer Windows',
  'Quel film regarder ce soir',
  'Mon chat ne mange plus',
  "Comment apprendre l'anglais vite",
  'Résultat du loto',
  'Horaires de la piscine municipale',
  'Comment faire pousser des tomates',
  'Tu connais une bonne blague ?',
  'Quelle heure est-il à New York',
  'Traduire bonjour en espagnol',
  'Le PSG joue quand',
  'Je veux changer de forfait téléphone',
  'Comment déclarer mes impôts',
  'Où garer ma voiture à Paris',
  'Programme télé ce soir',
  'Comment faire un CV',
  'Le musée du Louvre est ouvert le lundi ?',
  'La boulangerie est fermée le dimanche ?',
  'Combien de calories dans une pizza',
  'Ma voiture fait un bruit bizarre',
  'Quel est le meilleur smartphone',
  'Comment on joue aux échecs',
  "What's the weather like in London",
  'Best pizza near me',
  'How do I fix my car',
  'Who is the president of France',
  'Tell me a joke',
  'How much is a flight to New York',
  'What time is the football on tonight',
  'Recommend a good book',
  'How do I bake bread',
  'Translate hello to Spanish',
  'Is the museum open on Sunday',
  'Where can I park my car',
  'How do I reset my password',
  'What movies are playing',
  'Can you help me with my homework',
  'How tall is the Eiffel tower',
  'Stock market news today',
  'Where is the nearest supermarket',
  'When does the train to Lyon leave',
  'My dog is sick what should I do',
  'How do I learn to play guitar',
  'Which bus goes to the airport',
];

interface Example {
  text: string;
  expected: string | null;
  top: RankedTopic | undefined;
  margin: number;
}

function loadTopics(dir: string): IndexableTopic[] {
  const topicsDir = path.join(dir, 'topics');
  const topics: IndexableTopic[] = [];
  for (const f of readdirSync(topicsDir).filter((n) => n.endsWith('.md')).sort()) {
    try {
      topics.push(parseTopicFile(path.join(topicsDir, f), readFileSync(path.join(topicsDir, f), 'utf8')));
    } catch (error) {
      console.warn(`skipped ${f}: ${(error as Error).message.slice(0, 120)}`);
    }
  }
  // As the composition root does: association names and aliases point to the schedule topic.
  const scheduleFile = path.join(dir, 'schedule.yaml');
  const permanences = topics.find((t) => t.id === 'schedule.permanences');
  if (permanences && existsSync(scheduleFile)) {
    const schedule = parseYaml(readFileSync(scheduleFile, 'utf8')) as { associations?: { name?: string; aliases?: string[] }[] };
    const names = (schedule.associations ?? []).flatMap((a) => [a.name ?? '', ...(a.aliases ?? [])]).filter((n) => n.length >= 2);
    topics[topics.indexOf(permanences)] = { ...permanences, keywords: { fr: [...permanences.keywords.fr, ...names], en: [...permanences.keywords.en, ...names] } };
  }
  return topics;
}

function example(index: KnowledgeIndex, text: string, expected: string | null): Example {
  const { ranked } = index.rank(text);
  const [top, second] = ranked;
  const margin = top ? (top.score - (second?.score ?? 0)) / top.score : 0;
  return { text, expected, top, margin };
}

/** The features of `confidenceOf`, in the order of `CONFIDENCE_MODEL`. */
const features = (e: Example): number[] => {
  const f = confidenceFeatures(e.top ?? { coverage: 0, share: 0 }, e.margin);
  return [f.coverage, f.share, f.marginCoverage];
};

/**
 * Out-of-domain examples weigh this much more than leave-one-out ones: a wrong answer to an
 * off-topic message costs more than a fallback on a real question.
 */
const OUT_OF_DOMAIN_WEIGHT = 8;

/** Weighted logistic regression by gradient descent, with a little L2. */
function fit(xs: number[][], ys: number[], weights: number[]): number[] {
  const d = (xs[0]?.length ?? 0) + 1;
  const w = new Array<number>(d).fill(0);
  const rate = 0.5;
  for (let epoch = 0; epoch < 20000; epoch++) {
    const grad = new Array<number>(d).fill(0);
    xs.forEach((x, i) => {
      const z = (w[0] as number) + x.reduce((s, v, k) => s + v * (w[k + 1] as number), 0);
      const err = (1 / (1 + Math.exp(-z)) - (ys[i] as number)) * (weights[i] as number);
      grad[0] = (grad[0] as number) + err;
      x.forEach((v, k) => (grad[k + 1] = (grad[k + 1] as number) + err * v));
    });
    const total = weights.reduce((a, b) => a + b, 0);
    for (let k = 0; k < d; k++) w[k] = (w[k] as number) - rate * ((grad[k] as number) / total + (k > 0 ? 0.001 * (w[k] as number) : 0));
  }
  return w;
}

function main(): void {
  const factor = process.argv.find((a) => a.startsWith('--unknown='));
  if (factor) (RANKING as { unknownWordFactor: number }).unknownWordFactor = Number(factor.slice('--unknown='.length));
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dir = path.resolve(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? path.join(here, '..'));
  const topics = loadTopics(dir);
  const synonyms = loadSynonyms(path.join(dir, 'synonyms.yaml'));
  const examples: Example[] = [];
  for (const topic of topics) {
    for (const locale of ['fr', 'en'] as const) {
      topic.questions[locale].forEach((question, i) => {
        const without = topics.map((t) =>
          t === topic ? { ...t, questions: { ...t.questions, [locale]: t.questions[locale].filter((_, k) => k !== i) } } : t,
        );
        examples.push(example(KnowledgeIndex.build(without, synonyms), question, topic.id));
      });
    }
  }
  const full = KnowledgeIndex.build(topics, synonyms);
  const outside = OUT_OF_DOMAIN.map((text) => example(full, text, null));

  const right = examples.filter((e) => e.top?.topicId === e.expected);
  console.log(`leave-one-out top-1: ${right.length}/${examples.length} (${((100 * right.length) / examples.length).toFixed(1)} %)`);
  if (process.argv.includes('--misses')) {
    for (const e of examples) if (e.top?.topicId !== e.expected) console.log(`  miss ${e.expected} <- ${e.top?.topicId ?? '-'}: ${e.text}`);
  }

  const all = [...examples, ...outside];
  const xs = all.map(features);
  const ys = all.map((e) => (e.expected !== null && e.top?.topicId === e.expected ? 1 : 0));
  const w = fit(
    xs,
    ys,
    all.map((e) => (e.expected === null ? OUT_OF_DOMAIN_WEIGHT : 1)),
  );
  const r = (k: number): string => (w[k] as number).toFixed(2);
  console.log(`CONFIDENCE_MODEL = { bias: ${r(0)}, coverage: ${r(1)}, share: ${r(2)}, marginCoverage: ${r(3)} }`);
  const conf = (e: Example): number => {
    const f = features(e);
    return 1 / (1 + Math.exp(-((w[0] as number) + f.reduce((acc, v, k) => acc + v * (w[k + 1] as number), 0))));
  };
  for (const threshold of [0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7]) {
    const kept = right.filter((e) => conf(e) >= threshold).length;
    const wrong = examples.filter((e) => e.top?.topicId !== e.expected && conf(e) >= threshold).length;
    const ood = outside.filter((e) => conf(e) >= threshold).length;
    console.log(`  answer >= ${threshold}: right kept ${kept}/${right.length}, wrong answered ${wrong}, out-of-domain answered ${ood}/${outside.length}`);
  }
  const histogram = (list: Example[]): string => {
    const bins = new Array<number>(10).fill(0);
    for (const e of list) bins[Math.min(9, Math.floor((e.top?.coverage ?? 0) * 10))] += 1;
    return bins.map((b) => String(b).padStart(4)).join('');
  };
  console.log(`coverage by tenths:      ${Array.from({ length: 10 }, (_, i) => String(i / 10).padStart(4)).join('')}`);
  console.log(`  right (leave-one-out): ${histogram(right)}`);
  console.log(`  wrong (leave-one-out): ${histogram(examples.filter((e) => e.top?.topicId !== e.expected))}`);
  console.log(`  out of domain:         ${histogram(outside)}`);
  const worst = [...outside].sort((a, b) => conf(b) - conf(a)).slice(0, 5);
  for (const e of worst) console.log(`  out-of-domain ${conf(e).toFixed(2)} ${e.top?.topicId ?? '-'}: ${e.text}`);
}

main();
