/**
 * Loads and validates the knowledge base at start-up: `topics/*.md` and `contacts.yaml`.
 * A broken file stops start-up with a `DataFileError` that names the file and the field.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DataFileError, ErrorCodes } from '../bot/errors.js';
import { readDataFile, validateData } from './readDataFile.js';
import { ContactsFile, type Contact } from './contactsSchema.js';
import { AnswerText, AnswerVariant, TopicFrontMatter, type Topic } from './schema.js';

/** Placeholders an answer may hold, filled at answer time from the schedule and contacts data. */
export const PLACEHOLDERS = [
  'schedule.hours',
  'schedule.today',
  'schedule.permanences',
  'schedule.associations',
  'contacts.emergency',
  'contacts.listening',
  'contacts.mdu',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
const PLACEHOLDER_PATTERN = /\{\{\s*([a-z.]+)\s*\}\}/g;

export interface KnowledgeBase {
  topics: readonly Topic[];
  byId: ReadonlyMap<string, Topic>;
  contacts: readonly Contact[];
}

export function loadKnowledge(dir: string): KnowledgeBase {
  const topicsDir = path.join(dir, 'topics');
  const files = readdirSync(topicsDir)
    .filter((f) => f.endsWith('.md'))
    .sort();
  if (files.length === 0) throw new DataFileError(ErrorCodes.KNOWLEDGE_FILE_INVALID, topicsDir, '(folder)', 'no topic file (*.md) found');
  const topics = files.map((f) => parseTopicFile(path.join(topicsDir, f), readFileSync(path.join(topicsDir, f), 'utf8')));
  const byId = new Map<string, Topic>();
  for (const topic of topics) {
    const previous = byId.get(topic.id);
    if (previous) throw invalid(topic.file, 'id', `"${topic.id}" is also the id of ${path.basename(previous.file)}`);
    byId.set(topic.id, topic);
  }
  for (const topic of topics) {
    topic.related.forEach((id, i) => {
      if (!byId.has(id)) throw invalid(topic.file, `related.${i}`, `no topic has the id "${id}"`);
      if (id === topic.id) throw invalid(topic.file, `related.${i}`, 'a topic cannot be related to itself');
    });
  }
  const contacts = loadContacts(path.join(dir, 'contacts.yaml'));
  return { topics, byId, contacts };
}

/** Parses one topic file: YAML front matter between `---` lines, then `## fr` / `## en` answer sections. */
export function parseTopicFile(file: string, text: string): Topic {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) throw invalid(file, '(front matter)', 'the file must start with a YAML front matter block between two "---" lines');
  const [, yamlText = '', body = ''] = match;
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (error) {
    throw invalid(file, '(front matter)', `not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const meta = validateData(TopicFrontMatter, raw, file, ErrorCodes.KNOWLEDGE_FILE_INVALID);
  if (meta.sources.length === 0 && !meta.id.startsWith('bot.')) throw invalid(file, 'sources', 'name at least one source (only the bot\'s own topics, bot.*, may have none)');
  const expectedId = path.basename(file, '.md');
  if (meta.id !== expectedId) throw invalid(file, 'id', `the id "${meta.id}" must match the file name "${expectedId}.md"`);

  const answers: Partial<Record<AnswerVariant, string>> = {};
  const sections = body.split(/^##[ \t]+/m).slice(1);
  for (const section of sections) {
    const newline = section.indexOf('\n');
    const heading = (newline === -1 ? section : section.slice(0, newline)).trim();
    const content = newline === -1 ? '' : section.slice(newline + 1).trim();
    const variant = AnswerVariant.safeParse(heading);
    if (!variant.success) throw invalid(file, `## ${heading}`, 'an answer section is "## fr", "## en", "## fr-staff", "## en-staff", "## fr-easy" or "## en-easy"');
    if (answers[variant.data] !== undefined) throw invalid(file, `## ${heading}`, 'this section appears twice');
    const checkedText = AnswerText.safeParse(content);
    if (!checkedText.success) throw invalid(file, `## ${heading}`, checkedText.error.issues[0]?.message ?? 'invalid answer');
    for (const [, name] of content.matchAll(PLACEHOLDER_PATTERN)) {
      if (!(PLACEHOLDERS as readonly string[]).includes(name ?? '')) {
        throw invalid(file, `## ${heading}`, `unknown placeholder {{${name}}} (known: ${PLACEHOLDERS.join(', ')})`);
      }
    }
    answers[variant.data] = content;
  }
  for (const required of ['fr', 'en'] as const) {
    if (!answers[required]) throw invalid(file, `## ${required}`, `the answer in ${required === 'fr' ? 'French' : 'English'} is missing`);
  }
  if (Boolean(answers['fr-staff']) !== Boolean(answers['en-staff'])) {
    throw invalid(file, answers['fr-staff'] ? '## en-staff' : '## fr-staff', 'a staff answer must exist in both languages');
  }
  if (answers['en-easy'] && !answers['fr-easy']) throw invalid(file, '## fr-easy', 'an easy-read answer exists in French first');
  return { ...meta, answers: answers as Topic['answers'], file };
}

export function loadContacts(file: string): Contact[] {
  return readDataFile(file, ContactsFile, ErrorCodes.KNOWLEDGE_FILE_INVALID).contacts;
}

/** The placeholders a text uses. */
export function placeholdersIn(text: string): Placeholder[] {
  return [...text.matchAll(PLACEHOLDER_PATTERN)].map((m) => m[1] as Placeholder);
}

export function fillPlaceholders(text: string, fill: (name: Placeholder) => string): string {
  return text.replace(PLACEHOLDER_PATTERN, (_whole, name: string) => fill(name as Placeholder));
}

function invalid(file: string, field: string, problem: string): DataFileError {
  return new DataFileError(ErrorCodes.KNOWLEDGE_FILE_INVALID, file, field, problem);
}
