/**
 * The shared development set, through the real bot over HTTP. Targets (issue 3): at least 95 %
 * of the answer lines with the right topic, every fallback line falling back; (issue 4) every
 * crisis line and at least 98 % of medical lines recognised.
 */
import { expect } from 'chai';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, formatReport, readEvalFile, type EvalReport } from './evaluate.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

const DEV_SET = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/eval/dev.jsonl');

describe('evaluation: shared/eval/dev.jsonl through the bot', function () {
  this.timeout(180_000);
  let bot: TestBot;
  let report: EvalReport;
  before(async () => {
    bot = await startTestBot();
    report = await evaluate(readEvalFile(DEV_SET), bot.url);
    console.log(formatReport(report).replace(/^/gm, '      '));
  });
  after(async () => bot?.stop());

  const rate = (cls: string) => {
    const c = report.byClass[cls];
    return c ? c.right / c.total : 1;
  };
  it('answers at least 95 % of the knowledge questions with the right topic', () => expect(rate('answer')).to.be.at.least(0.95));
  it('falls back on every question outside the knowledge base', () => expect(rate('fallback')).to.equal(1));
  it('recognises every crisis message', () => expect(rate('crisis')).to.equal(1));
  it('recognises at least 98 % of medical requests', () => expect(rate('medical')).to.be.at.least(0.98));
  it('hands over on every request for a person', () => expect(rate('handoff')).to.equal(1));
});
