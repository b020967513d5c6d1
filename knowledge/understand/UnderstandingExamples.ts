/**
 * The training lines of the understanding model: every topic's example questions, title and
 * keywords (`knowledge/topics/*.md`), plus `knowledge/understanding.yaml`: examples of the
 * conversational intents (asking for a person, erasing one's data, greetings, thanks, goodbyes)
 * and of messages the MDU cannot answer (off-topic). A coordinator grows both files; `npm run
 * train` turns them into the model.
 */
import path from 'node:path';
import { z } from 'zod';
import { ErrorCodes } from '../../bot/errors.js';
import { readDataFile } from '../readDataFile.js';
import { loadKnowledge } from '../loadKnowledge.js';
import { PermanenceSchedule } from '../../schedule/PermanenceSchedule.js';
import { searchableTopics } from '../searchableTopics.js';
import type { LabelledText } from '../../learn/trainSoftmax.js';
import { roundTrainingLines } from './visitorRounds.js';

/** Classes of the model that are not topics. */
export const INTENT_CLASSES = ['handoff_request', 'erase_data', 'greeting', 'thanks', 'goodbye'] as const;
export type IntentClass = (typeof INTENT_CLASSES)[number];
export const OUT_OF_SCOPE = 'out_of_scope';

const Examples = z.object({ fr: z.array(z.string().min(2)).min(3), en: z.array(z.string().min(2)).min(3) }).strict();

export const UnderstandingFile = z
  .object({
    intents: z.object(Object.fromEntries(INTENT_CLASSES.map((id) => [id, Examples])) as Record<IntentClass, typeof Examples>).strict(),
    out_of_scope: Examples,
  })
  .strict();
export type UnderstandingFile = z.infer<typeof UnderstandingFile>;

export const UNDERSTANDING_FILE = 'understanding.yaml';
export const UNDERSTANDING_MODEL_FILE = 'understanding-model.json';

export function readUnderstandingFile(knowledgeDir: string): UnderstandingFile {
  return readDataFile(path.join(knowledgeDir, UNDERSTANDING_FILE), UnderstandingFile, ErrorCodes.KNOWLEDGE_FILE_INVALID);
}

/** The classes of the model, in a fixed order: topics (sorted), then intents, then out of scope. */
export function understandingClasses(topicIds: readonly string[]): string[] {
  return [...[...topicIds].sort(), ...INTENT_CLASSES, OUT_OF_SCOPE];
}

/**
 * Every training line, in a fixed order: the knowledge base's, then, with `roundsDir`, the
 * visitor messages of the blind rounds' tuning halves (`visitorRounds.ts`).
 */
export function understandingLines(knowledgeDir: string, roundsDir: string | null): { classes: string[]; lines: LabelledText[] } {
  const knowledge = loadKnowledge(knowledgeDir);
  const schedule = PermanenceSchedule.fromFile(path.join(knowledgeDir, 'schedule.yaml'));
  const topics = [...searchableTopics(knowledge.topics, schedule)].sort((a, b) => (a.id < b.id ? -1 : 1));
  const extra = readUnderstandingFile(knowledgeDir);
  const lines: LabelledText[] = [];
  for (const topic of topics) {
    for (const locale of ['fr', 'en'] as const) {
      lines.push({ text: topic.title[locale], label: topic.id });
      for (const q of topic.questions[locale]) lines.push({ text: q, label: topic.id });
      for (const k of topic.keywords[locale]) lines.push({ text: k, label: topic.id });
    }
  }
  for (const { text, label } of nonTopicExamples(extra)) lines.push({ text, label });
  const classes = understandingClasses(topics.map((t) => t.id));
  if (roundsDir !== null) for (const { text, label } of roundTrainingLines(roundsDir, new Set(classes))) lines.push({ text, label });
  return { classes, lines };
}

/** The examples that are not a topic's (intents, then out of scope; French then English for each), with their language. */
export function nonTopicExamples(extra: UnderstandingFile): { text: string; label: IntentClass | typeof OUT_OF_SCOPE; lang: 'fr' | 'en' }[] {
  const lines: { text: string; label: IntentClass | typeof OUT_OF_SCOPE; lang: 'fr' | 'en' }[] = [];
  for (const id of INTENT_CLASSES) for (const lang of ['fr', 'en'] as const) for (const text of extra.intents[id][lang]) lines.push({ text, label: id, lang });
  for (const lang of ['fr', 'en'] as const) for (const text of extra.out_of_scope[lang]) lines.push({ text, label: OUT_OF_SCOPE, lang });
  return lines;
}
