/**
 * Conversational intents that are not knowledge topics (asking for a person, greetings, thanks,
 * erasing one's data, easy read on or off), from the patterns in `knowledge/conversation.yaml`.
 */
import { z } from 'zod';
import { DataFileError, ErrorCodes } from '../bot/errors.js';
import { readDataFile } from '../knowledge/readDataFile.js';
import { foldText } from '../knowledge/foldText.js';

export const CONVERSATION_INTENTS = ['handoff_request', 'erase_data', 'greeting', 'thanks', 'goodbye', 'easy_read_on', 'easy_read_off'] as const;
export type ConversationIntent = (typeof CONVERSATION_INTENTS)[number];

const IntentsFile = z
  .object({
    intents: z.array(
      z.object({ id: z.enum(CONVERSATION_INTENTS), patterns: z.array(z.string().min(2)).min(1), unless: z.array(z.string().min(2)).default([]) }).strict(),
    ),
  })
  .strict();

export class ConversationIntents {
  private constructor(private readonly rules: readonly { id: ConversationIntent; patterns: RegExp[]; unless: RegExp[] }[]) {}

  static fromFile(file: string): ConversationIntents {
    const data = readDataFile(file, IntentsFile, ErrorCodes.KNOWLEDGE_FILE_INVALID);
    const compile = (list: string[], field: string) =>
      list.map((p, j) => {
        try {
          return new RegExp(p);
        } catch (error) {
          throw new DataFileError(ErrorCodes.KNOWLEDGE_FILE_INVALID, file, `${field}.${j}`, (error as Error).message);
        }
      });
    const rules = data.intents.map((intent, i) => ({
      id: intent.id,
      patterns: compile(intent.patterns, `intents.${i}.patterns`),
      unless: compile(intent.unless, `intents.${i}.unless`),
    }));
    return new ConversationIntents(rules);
  }

  classify(text: string): ConversationIntent | undefined {
    const folded = foldText(text);
    return this.rules.find((rule) => rule.patterns.some((p) => p.test(folded)) && !rule.unless.some((p) => p.test(folded)))?.id;
  }
}
