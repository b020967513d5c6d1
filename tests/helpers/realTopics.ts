import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKnowledge } from '../../knowledge/loadKnowledge.js';
import type { Topic } from '../../knowledge/schema.js';
import { searchableTopics } from '../../knowledge/searchableTopics.js';
import { PermanenceSchedule } from '../../schedule/PermanenceSchedule.js';

/** The repository's root folder. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The shipped topics exactly as the bot indexes them. */
export function loadRealTopics(): Topic[] {
  const dir = path.join(ROOT, 'knowledge');
  return searchableTopics(loadKnowledge(dir).topics, PermanenceSchedule.fromFile(path.join(dir, 'schedule.yaml')));
}
