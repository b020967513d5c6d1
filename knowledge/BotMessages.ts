/** The bot's own phrases (`knowledge/messages.yaml`), every key required in both languages. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DataFileError, ErrorCodes, describeIssues } from '../bot/errors.js';
import type { Locale } from './schema.js';

const Phrase = z.object({ fr: z.string().min(1), en: z.string().min(1) }).strict();
const KEYS = [
  'welcome', 'welcomeStaff', 'sourceLine', 'clarify', 'fallback', 'fallbackVolunteer', 'feedbackQuestion', 'feedbackThanks',
  'helpfulYes', 'helpfulNo', 'talkToVolunteer', 'greeting', 'thanks', 'goodbye', 'medical', 'crisisIntro', 'crisisAfter',
  'crisisVolunteer', 'tooLong', 'notText', 'error', 'eraseConfirm', 'eraseYes', 'eraseNo', 'eraseDone', 'eraseKept',
] as const;
export type MessageKey = (typeof KEYS)[number];
const MessagesFile = z.object(Object.fromEntries(KEYS.map((k) => [k, Phrase])) as Record<MessageKey, typeof Phrase>).strict();

export class BotMessages {
  private constructor(private readonly phrases: z.infer<typeof MessagesFile>) {}

  static fromFile(file: string): BotMessages {
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new DataFileError(ErrorCodes.KNOWLEDGE_FILE_INVALID, file, '(file)', (error as Error).message.split('\n')[0] ?? 'unreadable');
    }
    const parsed = MessagesFile.safeParse(raw);
    if (!parsed.success) {
      const { field, problem } = describeIssues(parsed.error.issues);
      throw new DataFileError(ErrorCodes.KNOWLEDGE_FILE_INVALID, file, field, problem);
    }
    return new BotMessages(parsed.data);
  }

  /** The phrase in a language, with `{name}` slots filled. */
  get(key: MessageKey, locale: Locale, slots: Record<string, string | number> = {}): string {
    return this.phrases[key][locale].replace(/\{(\w+)\}/g, (whole, name: string) => (name in slots ? String(slots[name]) : whole));
  }
}
