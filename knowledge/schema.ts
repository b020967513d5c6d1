/**
 * The shape of a knowledge topic file (`knowledge/topics/<id>.md`), validated at start-up.
 *
 * A topic file is Markdown with a YAML front matter block. The front matter holds the metadata;
 * the body holds the answers, one `## <variant>` section per language (`fr`, `en`) and optionally
 * one per audience (`fr-staff`, `en-staff`) used when a member of staff asks in Teams.
 */
import { z } from 'zod';

export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Topic ids look like `rights.record`: a family and a name, lower case. */
export const TopicId = z.string().regex(/^[a-z]+(\.[a-z_]+)+$/, 'a topic id looks like "family.name" (lower case)');
export type TopicId = z.infer<typeof TopicId>;

const Bilingual = <T extends z.ZodType>(inner: T) => z.object({ fr: inner, en: inner }).strict();

/** An ISO calendar date (YYYY-MM-DD) that must be a real day. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is written YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a real date');

/**
 * What a reader must never see in a source label: a file name or a repository path (the reader
 * cannot open it), or a placeholder for a document that does not exist yet (not shown at all).
 */
const FILE_OR_PATH = /(?:^|[\s(«"'])(?:\.{0,2}\/)?(?:[\w.-]+\/)*[\w-]+\.(?:txt|md|ya?ml|json|ts|js|mjs|csv|docx?|odt|html?)\b|(?:^|[\s(])(?:\.{1,2}\/|\/)?(?:knowledge|shared|sources|tests?|safety|schedule|web|bot|data)\/[\w.-]/i;
const PLACEHOLDER = /à compléter|a completer|à remplacer|à venir|à préciser|to be (?:completed|confirmed|replaced)|\b(?:todo|tbd|tbc|fixme|xxx|lorem ipsum|placeholder)\b|\{\{|\}\}|<[a-z_ -]+>|\[(?:\.\.\.|…|[a-z_ ]*)\]|\.\.\.$|…$/i;

/** Why a source label cannot be shown to a reader, or undefined when it can. */
export function sourceLabelProblem(label: string): string | undefined {
  if (FILE_OR_PATH.test(label)) return 'a source is shown to readers: give its public title, not a file name or a path';
  if (PLACEHOLDER.test(label)) return 'a source that does not exist yet is not listed: no placeholder ("à compléter", "TODO", "{{...}}")';
  return undefined;
}

export const SourceRef = z
  .object({
    label: z
      .string()
      .min(3)
      .superRefine((label, ctx) => {
        const problem = sourceLabelProblem(label);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    url: z.string().url().optional(),
  })
  .strict();

export const TopicFrontMatter = z
  .object({
    id: TopicId,
    /** Who the topic is mainly written for. `staff` topics are offered first to hospital staff in Teams. */
    audience: z.enum(['all', 'staff']).default('all'),
    title: Bilingual(z.string().min(3).max(80)),
    /** Example questions visitors ask: the main signal for search, and the base of the ambiguity lint. */
    questions: Bilingual(z.array(z.string().min(3)).min(3)),
    /** Words and expressions (synonyms, abbreviations, colloquial forms) that point to this topic. */
    keywords: Bilingual(z.array(z.string().min(2))).default({ fr: [], en: [] }),
    related: z.array(TopicId).max(4).default([]),
    /** Where the content comes from, shown under the answer. Only the bot's own topics (`bot.*`) may have none. */
    sources: z.array(SourceRef).default([]),
    /** The day a person last checked the content against its sources. */
    checked: IsoDate,
  })
  .strict();
export type TopicFrontMatter = z.infer<typeof TopicFrontMatter>;

/**
 * `fr`/`en`: the visitors' answer. `*-staff`: for hospital staff in Teams. `*-easy`: easy-read
 * (FALC, « facile à lire et à comprendre »), shown when the visitor turns easy read on.
 */
export const AnswerVariant = z.enum(['fr', 'en', 'fr-staff', 'en-staff', 'fr-easy', 'en-easy']);
export type AnswerVariant = z.infer<typeof AnswerVariant>;

/** Answers are short: a chat bubble, not a page. */
export const AnswerText = z.string().min(20).max(1500);

export interface Topic extends TopicFrontMatter {
  answers: { fr: string; en: string; 'fr-staff'?: string; 'en-staff'?: string; 'fr-easy'?: string; 'en-easy'?: string };
  /** Path of the file the topic came from, for error messages and the lint. */
  file: string;
}
