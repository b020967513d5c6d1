/** Contacts (phone numbers) as short Markdown lists, in French or English. */
import type { Contact } from './contactsSchema.js';
import type { Locale } from './schema.js';

/** `compact` leaves out notes and addresses: for the crisis reply, where every line must be read at a glance. */
export function renderContact(c: Contact, locale: Locale, compact = false): string {
  const reach = [c.number ? `**${c.number}**` : undefined, compact ? undefined : c.address].filter(Boolean).join(', ');
  const hours = c.hours ? ` (${c.hours[locale]})` : '';
  const note = c.note && !compact ? ` ${c.note[locale]}` : '';
  return `- ${reach} — ${c.name[locale]}${hours}.${note}`;
}

export function renderContactGroup(contacts: readonly Contact[], group: Contact['group'], locale: Locale, compact = false): string {
  return contacts
    .filter((c) => c.group === group)
    .map((c) => renderContact(c, locale, compact))
    .join('\n');
}
