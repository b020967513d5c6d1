/** The permanence schedule file (`knowledge/schedule.yaml`), edited by the MDU coordinator. */
import { z } from 'zod';
import { IsoDate, SourceRef } from '../knowledge/schema.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const Text = z.object({ fr: z.string().min(1), en: z.string().min(1) }).strict();
const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time is written HH:MM (24 h)');

const TimeRange = z
  .object({ days: z.array(z.enum(WEEKDAYS)).min(1), from: Time, to: Time })
  .strict()
  .refine((r) => r.from < r.to, { message: '"from" must be before "to"', path: ['to'] });

export const Association = z
  .object({
    id: z.string().regex(/^[a-z0-9_]+$/, 'an association id is lower case letters, digits and _'),
    name: z.string().min(2),
    kind: z.enum(['specialised', 'general', 'family', 'listening']),
    about: Text,
    aliases: z.array(z.string().min(2)).default([]),
  })
  .strict();
export type Association = z.infer<typeof Association>;

export const Permanence = z
  .object({
    association: z.string(),
    days: z.array(z.enum(WEEKDAYS)).min(1),
    from: Time,
    to: Time,
    /** Every week by default; `odd` or `even` ISO weeks for a fortnightly permanence. */
    weeks: z.enum(['every', 'odd', 'even']).default('every'),
  })
  .strict()
  .refine((r) => r.from < r.to, { message: '"from" must be before "to"', path: ['to'] });
export type Permanence = z.infer<typeof Permanence>;

export const ScheduleException = z
  .object({
    date: IsoDate,
    /** The whole MDU is closed that day. */
    closed: z.boolean().optional(),
    /** Only this association's permanence is cancelled that day. */
    association: z.string().optional(),
    cancelled: z.boolean().optional(),
    reason: Text.optional(),
  })
  .strict()
  .refine((e) => e.closed === true || (e.association !== undefined && e.cancelled === true), {
    message: 'an exception either closes the MDU (closed: true) or cancels one association (association + cancelled: true)',
  });
export type ScheduleException = z.infer<typeof ScheduleException>;

export const ScheduleFile = z
  .object({
    /** True for the example shipped with the software: never presented as real in production. */
    example: z.boolean(),
    timezone: z.string().default('Europe/Paris'),
    checked: IsoDate,
    sources: z.array(SourceRef).min(1),
    opening: z.array(TimeRange).min(1),
    associations: z.array(Association).min(1),
    permanences: z.array(Permanence),
    exceptions: z.array(ScheduleException).default([]),
  })
  .strict()
  .superRefine((file, ctx) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: file.timezone });
    } catch {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: `unknown time zone "${file.timezone}"` });
    }
    const ids = new Set<string>();
    file.associations.forEach((a, i) => {
      if (ids.has(a.id)) ctx.addIssue({ code: 'custom', path: ['associations', i, 'id'], message: `duplicate association id "${a.id}"` });
      ids.add(a.id);
    });
    file.permanences.forEach((p, i) => {
      if (!ids.has(p.association)) ctx.addIssue({ code: 'custom', path: ['permanences', i, 'association'], message: `no association has the id "${p.association}"` });
    });
    file.exceptions.forEach((e, i) => {
      if (e.association !== undefined && !ids.has(e.association)) {
        ctx.addIssue({ code: 'custom', path: ['exceptions', i, 'association'], message: `no association has the id "${e.association}"` });
      }
    });
  });
export type ScheduleFile = z.infer<typeof ScheduleFile>;
