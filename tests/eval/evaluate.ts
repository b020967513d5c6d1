/**
 * Runs an evaluation set (one JSON object a line: text, optional locale, expect) against the bot
 * over HTTP and scores it per class, as shared/contract.md defines: a line is right when the
 * bot's first reply other than a welcome has the expected intent (and topic, for `answer:`).
 */
import { readFileSync } from 'node:fs';
import type { Activity } from 'botbuilder';

export interface EvalLine {
  text: string;
  locale?: string;
  expect: string;
}
export interface EvalMiss {
  text: string;
  expected: string;
  got: string;
}
export interface Tally {
  total: number;
  right: number;
}
export interface EvalReport {
  total: number;
  right: number;
  byClass: Record<string, Tally>;
  /** Lines that expect an answer, by length band: `short` (12 words or fewer) and `long`. */
  byBand: Record<string, Tally>;
  /** Lines that expect an answer, by expected topic. */
  byTopic: Record<string, Tally>;
  /** Lines the bot met with a crisis reply although none was expected. */
  crisisAlarms: number;
  misses: EvalMiss[];
}

/** The length band of a message: `short` up to 12 words, `long` beyond. */
export function lengthBand(text: string): 'short' | 'long' {
  return text.trim().split(/\s+/).length > 12 ? 'long' : 'short';
}

function count(tally: Record<string, Tally>, key: string, right: boolean): void {
  const t = (tally[key] ??= { total: 0, right: 0 });
  t.total++;
  if (right) t.right++;
}

export function readEvalFile(file: string): EvalLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l, i) => {
      const line = JSON.parse(l) as EvalLine;
      if (typeof line.text !== 'string' || typeof line.expect !== 'string') throw new Error(`${file}:${i + 1}: needs "text" and "expect"`);
      return line;
    });
}

/** The class a line is scored in: `answer` for every `answer:<topic>`, else the intent. */
export function classOf(expect: string): string {
  return expect.startsWith('answer:') ? 'answer' : expect;
}

export async function evaluate(lines: EvalLine[], botUrl: string): Promise<EvalReport> {
  const report: EvalReport = { total: 0, right: 0, byClass: {}, byBand: {}, byTopic: {}, crisisAlarms: 0, misses: [] };
  let n = 0;
  for (const line of lines) {
    const replies = await post(botUrl, {
      type: 'message',
      id: `eval-${++n}`,
      text: line.text,
      locale: line.locale,
      channelId: 'webchat',
      serviceUrl: botUrl,
      deliveryMode: 'expectReplies',
      conversation: { id: `eval-conversation-${n}-${Date.now()}` },
      from: { id: `eval-visitor-${n}`, role: 'user' },
      recipient: { id: 'mdu-bot', role: 'bot' },
    } as Partial<Activity>);
    const first = replies.map((r) => (r.channelData as { mdu?: { intent: string; topic?: string } } | undefined)?.mdu).find((m) => m && m.intent !== 'welcome');
    const got = first ? (first.intent === 'answer' ? `answer:${first.topic}` : first.intent) : '(no reply)';
    const cls = classOf(line.expect);
    // "Who am I talking to?", "t'es un robot ?": small talk to the writer, and what the bot.about
    // topic answers (issue 15 asks that questions about the bot be answered, not chatted away).
    const right = got === line.expect || (line.expect === 'smalltalk' && got === 'answer:bot.about');
    count(report.byClass, cls, right);
    if (cls === 'answer') {
      count(report.byBand, lengthBand(line.text), right);
      count(report.byTopic, line.expect.slice('answer:'.length), right);
    }
    if (got === 'crisis' && line.expect !== 'crisis') report.crisisAlarms++;
    report.total++;
    if (right) {
      report.right++;
    } else {
      report.misses.push({ text: line.text, expected: line.expect, got });
    }
  }
  return report;
}

/**
 * The report as text: per class, per length band and per topic, then the misses. With
 * `aggregateOnly` the misses (the lines themselves) are left out: for a held-out set, whose lines
 * must never be read.
 */
export function formatReport(report: EvalReport, options: { aggregateOnly?: boolean } = {}): string {
  const pct = (r: number, t: number) => (t === 0 ? '-' : `${((100 * r) / t).toFixed(1)} %`);
  const rows = (prefix: string, tally: Record<string, Tally>) =>
    Object.entries(tally)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, { total, right }]) => `${prefix}.${key}: ${right}/${total} (${pct(right, total)})`);
  const lines = rows('eval', report.byClass);
  lines.push(`eval.all: ${report.right}/${report.total} (${pct(report.right, report.total)})`);
  lines.push(...rows('eval.answer.length', report.byBand));
  lines.push(`eval.crisis_alarms_unexpected: ${report.crisisAlarms}`);
  lines.push(...rows('eval.topic', report.byTopic));
  if (!options.aggregateOnly) for (const m of report.misses) lines.push(`MISS expected ${m.expected}, got ${m.got}: ${m.text}`);
  return lines.join('\n');
}

async function post(url: string, activity: Partial<Activity>): Promise<Partial<Activity>[]> {
  const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  if (!response.ok) throw new Error(`the bot answered ${response.status}`);
  return ((await response.json()) as { activities?: Partial<Activity>[] }).activities ?? [];
}
