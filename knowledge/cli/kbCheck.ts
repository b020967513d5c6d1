/**
 * `npm run kb:check`: validates every content file as start-up does, then lints the content
 * (required topics, ambiguity between topics, missing translations, stale entries, links).
 * Exit code 1 when there is an error.
 */
import path from 'node:path';
import { DataFileError } from '../../bot/errors.js';
import { BotMessages, EASY_READ_KEYS } from '../BotMessages.js';
import { lintEasyRead } from '../easyReadLint.js';
import { LOCALES } from '../schema.js';
import { loadKnowledge } from '../loadKnowledge.js';
import { lintKnowledge } from '../lintKnowledge.js';
import { PermanenceSchedule } from '../../schedule/PermanenceSchedule.js';
import { ConversationIntents } from '../../dialogs/ConversationIntents.js';

const dir = path.resolve(process.argv[2] ?? 'knowledge');
try {
  const kb = loadKnowledge(dir);
  const schedule = PermanenceSchedule.fromFile(path.join(dir, 'schedule.yaml'));
  const messages = BotMessages.fromFile(path.join(dir, 'messages.yaml'));
  ConversationIntents.fromFile(path.join(dir, 'conversation.yaml'));
  const findings = lintKnowledge(kb, new Date(), { schedule: { file: schedule.file, checked: schedule.checked } });
  for (const key of EASY_READ_KEYS) {
    for (const locale of LOCALES) for (const p of lintEasyRead(messages.get(key, locale), locale)) findings.push({ level: p.level, file: path.join(dir, 'messages.yaml'), message: `${key}.${locale}: ${p.message}` });
  }
  for (const f of findings) console.log(`${f.level.toUpperCase()} ${path.relative(process.cwd(), f.file) || f.file}: ${f.message}`);
  const errors = findings.filter((f) => f.level === 'error').length;
  console.log(`kb:check: ${kb.topics.length} topics, ${kb.contacts.length} contacts, ${schedule.associations.length} associations${schedule.isExample ? ' (example schedule)' : ''}; ${errors} errors, ${findings.length - errors} warnings`);
  process.exit(errors > 0 ? 1 : 0);
} catch (error) {
  if (error instanceof DataFileError) {
    console.error(`ERROR ${error.message}`);
    process.exit(1);
  }
  throw error;
}
