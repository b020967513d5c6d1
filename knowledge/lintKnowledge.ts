/**
 * The content lint behind `npm run kb:check`: what the schema cannot see on one file alone.
 * Errors stop a release; warnings are for the curator's next pass.
 */
import type { Contact } from './contactsSchema.js';
import { EASY_READ_TOPICS, lintEasyRead } from './easyReadLint.js';
import { foldText } from './foldText.js';
import type { KnowledgeBase } from './loadKnowledge.js';
import { REQUIRED_TOPICS } from './requiredTopics.js';
import { LOCALES, type Topic } from './schema.js';

export interface LintFinding {
  level: 'error' | 'warning';
  file: string;
  message: string;
}

const STALE_AFTER_DAYS = 365;
/** Two example questions this alike (shared words over all words) in two topics make search hesitate. */
const NEAR_DUPLICATE = 0.8;

export function lintKnowledge(kb: KnowledgeBase, today: Date, extraFiles: { schedule?: { file: string; checked: string } } = {}): LintFinding[] {
  const findings: LintFinding[] = [];
  const add = (level: LintFinding['level'], file: string, message: string) => findings.push({ level, file, message });

  for (const id of REQUIRED_TOPICS) if (!kb.byId.has(id)) add('error', 'knowledge/topics', `required topic "${id}" is missing`);
  for (const id of EASY_READ_TOPICS) {
    const topic = kb.byId.get(id);
    if (topic && topic.answers['fr-easy'] === undefined) add('error', topic.file, 'an easy-read version ("## fr-easy") is required for this topic');
  }

  for (const topic of kb.topics) {
    if (ageInDays(topic.checked, today) > STALE_AFTER_DAYS) add('warning', topic.file, `not checked for more than 12 months (checked ${topic.checked})`);
    if (ageInDays(topic.checked, today) < 0) add('error', topic.file, `checked date ${topic.checked} is in the future`);
    const [fr, en] = [topic.questions.fr.length, topic.questions.en.length];
    if (fr < en / 2 || en < fr / 2) add('warning', topic.file, `example questions are unbalanced between languages (fr ${fr}, en ${en}): a translation is probably missing`);
    for (const source of topic.sources) {
      if (source.url && !source.url.startsWith('https://')) add('warning', topic.file, `source link is not https: ${source.url}`);
    }
    for (const locale of LOCALES) {
      const easy = topic.answers[`${locale}-easy`];
      if (easy !== undefined) for (const p of lintEasyRead(easy, locale)) add(p.level, topic.file, `## ${locale}-easy: ${p.message}`);
    }
    for (const locale of LOCALES) {
      const seen = new Set<string>();
      for (const q of topic.questions[locale]) {
        const folded = foldText(q);
        if (seen.has(folded)) add('warning', topic.file, `example question repeated: "${q}"`);
        seen.add(folded);
      }
    }
  }

  for (const [a, b, qa, qb, similarity] of ambiguousPairs(kb.topics)) {
    add(similarity === 1 ? 'error' : 'warning', a.file, `example question "${qa}" is ${similarity === 1 ? 'the same as' : 'very close to'} "${qb}" in ${b.id}: visitors asking it will be asked to choose`);
  }

  for (const c of kb.contacts) checkContact(c, today, add);
  if (extraFiles.schedule && ageInDays(extraFiles.schedule.checked, today) > STALE_AFTER_DAYS) {
    add('warning', extraFiles.schedule.file, `schedule not checked for more than 12 months (checked ${extraFiles.schedule.checked})`);
  }
  return findings;
}

function checkContact(c: Contact, today: Date, add: (level: LintFinding['level'], file: string, message: string) => void): void {
  if (ageInDays(c.checked, today) > STALE_AFTER_DAYS) add('warning', 'knowledge/contacts.yaml', `contact "${c.id}" not checked for more than 12 months`);
  if (!c.number && !c.address) add('error', 'knowledge/contacts.yaml', `contact "${c.id}" has neither a number nor an address`);
}

function* ambiguousPairs(topics: readonly Topic[]): Generator<[Topic, Topic, string, string, number]> {
  const entries = topics.flatMap((t) => LOCALES.flatMap((l) => t.questions[l].map((q) => ({ topic: t, q, words: new Set(foldText(q).split(' ').filter((w) => w.length > 2)) }))));
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const a = entries[i]!;
      const b = entries[j]!;
      if (a.topic.id === b.topic.id || a.words.size === 0 || b.words.size === 0) continue;
      let shared = 0;
      for (const w of a.words) if (b.words.has(w)) shared++;
      const similarity = shared / (a.words.size + b.words.size - shared);
      if (similarity >= NEAR_DUPLICATE) yield [a.topic, b.topic, a.q, b.q, similarity];
    }
  }
}

function ageInDays(isoDate: string, today: Date): number {
  return (today.getTime() - Date.parse(`${isoDate}T00:00:00Z`)) / 86_400_000;
}
