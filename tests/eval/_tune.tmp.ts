import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadKnowledge } from '/work/w-understand/knowledge/loadKnowledge.js';
import { PermanenceSchedule } from '/work/w-understand/schedule/PermanenceSchedule.js';
import { searchableTopics } from '/work/w-understand/knowledge/searchableTopics.js';
import { KnowledgeIndex } from '/work/w-understand/knowledge/search/KnowledgeIndex.js';
import { loadSynonyms } from '/work/w-understand/knowledge/search/synonyms.js';
import { SoftmaxModel } from '/work/w-understand/learn/SoftmaxModel.js';
import { Understanding, UNDERSTANDING, type Thresholds } from '/work/w-understand/knowledge/understand/Understanding.js';
import { ConversationIntents } from '/work/w-understand/dialogs/ConversationIntents.js';
const dir = '/work/w-understand/knowledge';
const kb = loadKnowledge(dir);
const schedule = PermanenceSchedule.fromFile(path.join(dir, 'schedule.yaml'));
const index = KnowledgeIndex.build(searchableTopics(kb.topics, schedule), loadSynonyms(path.join(dir, 'synonyms.yaml')));
const model = SoftmaxModel.fromFile(path.join(dir, 'understanding-model.json'));
const intents = ConversationIntents.fromFile(path.join(dir, 'conversation.yaml'));
const file = process.argv[2]!;
const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { text: string; expect: string; locale?: string });
const ids = kb.topics.map((t) => t.id);
function run(t: Thresholds, show: boolean) {
  const u = new Understanding(index, model, ids, t);
  let right = 0; let ans = 0; let ansR = 0; const by: Record<string, [number, number]> = {};
  for (const l of lines) {
    if (['crisis', 'medical'].includes(l.expect)) continue;
    const locale = l.locale?.startsWith('en') ? 'en' : 'fr';
    const ruled = intents.classify(l.text);
    let got: string;
    if (ruled) got = ruled === 'handoff_request' ? 'handoff' : 'smalltalk';
    else {
      const r = u.search(l.text, { locale });
      if (r.intent) got = r.intent === 'handoff_request' ? 'handoff' : 'smalltalk';
      else if (r.decision === 'answer') got = `answer:${r.hits[0]!.topicId}`;
      else got = r.decision;
      if (show && got !== l.expect) console.log(`MISS ${l.expect} got ${got} [${r.hits.slice(0, 2).map((h) => `${h.topicId} ${h.confidence}`).join(', ')} oos ${r.outOfScope}] ${l.text}`);
    }
    const cls = l.expect.startsWith('answer:') ? 'answer' : l.expect;
    by[cls] ??= [0, 0]; by[cls][1]++;
    if (got === l.expect) { right++; by[cls][0]++; }
  }
  return { right, by };
}
if (process.argv[3] === 'grid') {
  const results: [number, string][] = [];
  for (const lexicalWeight of [0, 1, 2, 3]) for (const answer of [0.3, 0.4, 0.5]) for (const intent of [0.4, 0.5, 0.6]) {
    const t = { ...UNDERSTANDING, lexicalWeight, answer, intent } as Thresholds;
    const r = run(t, false);
    results.push([r.right, `lw ${lexicalWeight} ans ${answer} int ${intent} ${JSON.stringify(r.by)}`]);
  }
  results.sort((a, b) => b[0] - a[0]);
  for (const [n, s] of results.slice(0, 12)) console.log(n, s);
} else {
  const r = run({ ...UNDERSTANDING } as Thresholds, true);
  console.log(r.right, JSON.stringify(r.by));
}
