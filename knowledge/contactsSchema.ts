/** Phone numbers and addresses, kept in `knowledge/contacts.yaml` with the date each was checked. */
import { z } from 'zod';
import { IsoDate, SourceRef } from './schema.js';

const Text = z.object({ fr: z.string().min(1), en: z.string().min(1) }).strict();

export const Contact = z
  .object({
    id: z.string().regex(/^[a-z0-9_]+$/),
    group: z.enum(['emergency', 'listening', 'mdu']),
    number: z.string().regex(/^[0-9 +().]{2,20}$/, 'a phone number, digits and spaces').optional(),
    address: z.string().min(5).optional(),
    name: Text,
    hours: Text.optional(),
    note: Text.optional(),
    sources: z.array(SourceRef).min(1),
    checked: IsoDate,
  })
  .strict();
export type Contact = z.infer<typeof Contact>;

export const ContactsFile = z
  .object({ contacts: z.array(Contact).min(1) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.contacts.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['contacts', i, 'id'], message: `duplicate contact id "${c.id}"` });
      seen.add(c.id);
    });
  });
export type ContactsFile = z.infer<typeof ContactsFile>;
