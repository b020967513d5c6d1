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
export interface EvalReport {
  total: number;
  right: number;
  byClass: Record<string, { total: number; right: number }>;
  misses: EvalMiss[];
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
  const report: EvalReport = { total: 0, right: 0, byClass: {}, misses: [] };
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
    const bucket = (report.byClass[cls] ??= { total: 0, right: 0 });
    bucket.total++;
    report.total++;
    if (got === line.expect) {
      bucket.right++;
      report.right++;
    } else {
      report.misses.push({ text: line.text, expected: line.expect, got });
    }
  }
  return report;
}

export function formatReport(report: EvalReport): string {
  const pct = (r: number, t: number) => (t === 0 ? '-' : `${((100 * r) / t).toFixed(1)} %`);
  const lines = Object.entries(report.byClass)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([cls, { total, right }]) => `eval.${cls}: ${right}/${total} (${pct(right, total)})`);
  lines.push(`eval.all: ${report.right}/${report.total} (${pct(report.right, report.total)})`);
  for (const m of report.misses) lines.push(`MISS expected ${m.expected}, got ${m.got}: ${m.text}`);
  return lines.join('\n');
}

async function post(url: string, activity: Partial<Activity>): Promise<Partial<Activity>[]> {
  const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  if (!response.ok) throw new Error(`the bot answered ${response.status}`);
  return ((await response.json()) as { activities?: Partial<Activity>[] }).activities ?? [];
}
