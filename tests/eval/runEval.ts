/**
 * `npm run eval -- <file.jsonl> [--url http://127.0.0.1:3978] [--aggregate]`: scores an
 * evaluation set, per class, per length band and per topic. With --url it talks to a running
 * bot; without, it starts the bot in this process on a temporary store. --aggregate prints the
 * figures only, never a line (for held-out sets, which must stay unread).
 */
import { evaluate, formatReport, readEvalFile } from './evaluate.js';
import { startTestBot } from '../helpers/testBot.js';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--url');
const aggregateOnly = args.includes('--aggregate');
const urlIndex = args.indexOf('--url');
if (!file) {
  console.error('usage: npm run eval -- <file.jsonl> [--url <bot base URL>] [--aggregate]');
  process.exit(2);
}
const lines = readEvalFile(file);
if (urlIndex >= 0) {
  console.log(formatReport(await evaluate(lines, args[urlIndex + 1]!), { aggregateOnly }));
} else {
  const bot = await startTestBot();
  try {
    console.log(formatReport(await evaluate(lines, bot.url), { aggregateOnly }));
  } finally {
    await bot.stop();
  }
}
