/**
 * `npx tsx bench/verdicts.ts [files...] > verdicts.txt`: what the bot decides on every line of
 * the tuning sets, one line each (safety verdict with the nets' probabilities, the understanding's
 * decision, top topics, intent and probabilities rounded to 3 decimals). A change meant to be
 * faster, not different, must leave the output identical: run it before and after and `diff`.
 * Without arguments: the dev set, the tuning halves of the rounds, the safety tuning corpus and
 * the knowledge base's example questions (never a held-out file).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadRealParts, ROOT } from './realParts.js';
import type { Locale } from '../knowledge/schema.js';

const held = (f: string): boolean => /held-?out/i.test(f);

function defaultFiles(): string[] {
  const inDir = (dir: string, keep: (f: string) => boolean): string[] =>
    readdirSync(path.join(ROOT, dir))
      .filter((f) => f.endsWith('.jsonl') && !held(f) && keep(f))
      .sort()
      .map((f) => path.join(ROOT, dir, f));
  return [
    path.resolve(ROOT, '../shared/eval/dev.jsonl'),
    ...inDir('tests/eval/rounds', (f) => f.includes('tune')),
    ...inDir('tests/safety', (f) => f.startsWith('blind-') || f.startsWith('probe-')),
    ...inDir('tests/safety/corpus', () => true),
  ];
}

const files = process.argv.length > 2 ? process.argv.slice(2) : defaultFiles();
if (files.some(held)) throw new Error('verdicts: held-out files stay unread');

const { knowledge, model, understanding, screen, nets } = loadRealParts();
const r3 = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(3));

function verdict(text: string, locale?: Locale): string {
  const safety = screen.assess(text);
  const u = understanding.search(text, locale ? { locale } : {});
  const top = u.hits.slice(0, 2).map((h) => `${h.topicId}:${r3(h.confidence)}`).join(',');
  const p = model.predict(text);
  let best = 0;
  for (let c = 1; c < p.length; c++) if ((p[c] as number) > (p[best] as number)) best = c;
  const masked = screen.crisisText(text);
  return [
    JSON.stringify(safety),
    `nets=${r3(nets.probability(masked))}/${r3(nets.medicalProbability(masked))}`,
    `${u.decision} ${u.intent ?? '-'} also=${u.also ?? '-'} oos=${r3(u.outOfScope)} ${top}`,
    `model=${model.classes[best]}:${r3(p[best])}`,
  ].join(' | ');
}

const seen = new Set<string>();
const lines: { text: string; locale?: Locale }[] = [];
for (const file of files) {
  for (const l of readFileSync(file, 'utf8').split('\n')) {
    if (l.trim() === '') continue;
    const { text, locale: tag } = JSON.parse(l) as { text: string; locale?: string };
    const locale = tag?.slice(0, 2);
    lines.push({ text, ...(locale === 'fr' || locale === 'en' ? { locale } : {}) });
  }
}
for (const t of knowledge.topics) for (const text of [...t.questions.fr, ...t.questions.en]) lines.push({ text });
for (const { text, locale } of lines) {
  const key = `${locale ?? ''}\u0000${text}`;
  if (seen.has(key)) continue;
  seen.add(key);
  console.log(`${JSON.stringify(text)}${locale ? ` [${locale}]` : ''} => ${verdict(text, locale)}`);
}
