/** The bot's own phrases (`knowledge/messages.yaml`), every key required in both languages. */
import { z } from 'zod';
import { ErrorCodes } from '../bot/errors.js';
import { readDataFile } from './readDataFile.js';
import type { Locale } from './schema.js';

const Phrase = z.object({ fr: z.string().min(1), en: z.string().min(1) }).strict();
const KEYS = [
  'welcome', 'welcomeStaff', 'sourceLine', 'clarify', 'fallback', 'fallbackVolunteer', 'fallbackDanger', 'listeningLine', 'feedbackQuestion', 'feedbackThanks',
  'helpfulYes', 'helpfulNo', 'talkToVolunteer', 'greeting', 'thanks', 'goodbye', 'medical', 'crisisIntro', 'crisisAfter',
  'crisisVolunteer', 'crisisIntroEasy', 'crisisAfterEasy', 'medicalEasy', 'crisisStaffIntro', 'crisisStaffAfter', 'medicalStaff', 'checkedLine', 'easyReadButton', 'fullVersionButton', 'easyReadOn', 'easyReadOff', 'tooLong', 'notText', 'error', 'eraseConfirm', 'eraseYes', 'eraseNo', 'eraseDone', 'eraseKept',
] as const;
export type MessageKey = (typeof KEYS)[number];
/** The phrases written in easy read (FALC), checked by `npm run kb:check` like easy-read answers. */
export const EASY_READ_KEYS: readonly MessageKey[] = ['crisisIntroEasy', 'crisisAfterEasy', 'medicalEasy', 'easyReadOn'];
const MessagesFile = z.object(Object.fromEntries(KEYS.map((k) => [k, Phrase])) as Record<MessageKey, typeof Phrase>).strict();

export class BotMessages {
  private constructor(private readonly phrases: z.infer<typeof MessagesFile>) {}

  static fromFile(file: string): BotMessages {
    return new BotMessages(readDataFile(file, MessagesFile, ErrorCodes.KNOWLEDGE_FILE_INVALID));
  }

  /** The phrase in a language, with `{name}` slots filled. */
  get(key: MessageKey, locale: Locale, slots: Record<string, string | number> = {}): string {
    return this.phrases[key][locale].replace(/\{(\w+)\}/g, (whole, name: string) => (name in slots ? String(slots[name]) : whole));
  }
}
