/** Contacts (phone numbers) as short Markdown lists, in French or English. */
import type { Contact } from './contactsSchema.js';
import type { Locale } from './schema.js';

export function renderContact(c: Contact, locale: Locale): string {
  const reach = [c.number ? `**${c.number}**` : undefined, c.address].filter(Boolean).join(', ');
  const hours = c.hours ? ` (${c.hours[locale]})` : '';
  const note = c.note ? ` ${c.note[locale]}` : '';
  return `- ${reach} — ${c.name[locale]}${hours}.${note}`;
}

export function renderContactGroup(contacts: readonly Contact[], group: Contact['group'], locale: Locale): string {
  return contacts
    .filter((c) => c.group === group)
    .map((c) => renderContact(c, locale))
    .join('\n');
}
