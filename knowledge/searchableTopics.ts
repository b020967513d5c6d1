/**
 * The topics as the search engine indexes them: the knowledge base, plus the schedule's own words
 * for associations (their names and the conditions visitors name them by) on
 * `schedule.permanences`, so "quand passe l'asso bipolaire ?" finds the permanences.
 */
import type { PermanenceSchedule } from '../schedule/PermanenceSchedule.js';
import type { Topic } from './schema.js';

export function searchableTopics(topics: readonly Topic[], schedule: Pick<PermanenceSchedule, 'associations'>): Topic[] {
  const names = schedule.associations.flatMap((a) => [a.name, ...a.aliases]);
  return topics.map((t) =>
    t.id === 'schedule.permanences' ? { ...t, keywords: { fr: [...t.keywords.fr, ...names], en: [...t.keywords.en, ...names] } } : t,
  );
}
