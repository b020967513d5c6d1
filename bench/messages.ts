/**
 * What visitors write, for the load benchmarks: questions in French and English as people type
 * them (with and without accents, short and long), plus greetings, thanks, a request for a
 * person, a medical question and a message in distress, in roughly the proportions a public
 * information desk sees. Each conversation is a few of these in a row.
 */
export interface BenchMessage {
  text: string;
  locale?: string;
}

export const BENCH_MESSAGES: readonly BenchMessage[] = [
  { text: 'Bonjour', locale: 'fr-FR' },
  { text: "C'est quoi la Maison des usagers ?", locale: 'fr-FR' },
  { text: 'Quels sont les horaires de la MDU ?', locale: 'fr-FR' },
  { text: 'ou se trouve la maison des usagers dans l hopital', locale: 'fr-FR' },
  { text: 'Comment obtenir mon dossier médical ?', locale: 'fr-FR' },
  { text: 'je voudrais acceder a mon dossier medical svp' },
  { text: 'Quelles associations tiennent des permanences cette semaine ?', locale: 'fr-FR' },
  { text: "Y a-t-il une association pour les familles de personnes malades ?", locale: 'fr-FR' },
  { text: "Mon fils est hospitalisé sans son consentement, quels sont ses droits ?", locale: 'fr-FR' },
  { text: 'comment faire une reclamation contre le service', locale: 'fr-FR' },
  { text: "C'est quoi un GEM ?", locale: 'fr-FR' },
  { text: 'Est-ce que ce que je dis ici reste confidentiel ?', locale: 'fr-FR' },
  { text: "Qu'est-ce qu'un représentant des usagers ?", locale: 'fr-FR' },
  { text: "La MDU peut-elle m'aider à trouver un médecin ?", locale: 'fr-FR' },
  { text: 'On peut venir sans rendez-vous ?', locale: 'fr-FR' },
  { text: "j'aimerais rencontrer d'autres personnes qui vivent la même chose" },
  { text: "Je voudrais parler à un bénévole", locale: 'fr-FR' },
  { text: "Quelle dose de lithium dois-je prendre ?", locale: 'fr-FR' },
  { text: 'je me sens tres mal et je ne sais plus quoi faire' },
  { text: 'Merci beaucoup', locale: 'fr-FR' },
  { text: 'Quelle est la météo demain ?', locale: 'fr-FR' },
  { text: 'Hello', locale: 'en-US' },
  { text: 'What is the Maison des usagers?', locale: 'en-US' },
  { text: 'What are your opening hours?', locale: 'en-US' },
  { text: 'How can I get a copy of my medical records?', locale: 'en-US' },
  { text: 'which associations are there today', locale: 'en-US' },
  { text: 'Is there a support group for relatives?' },
  { text: 'My sister was admitted without her consent, what can she do?', locale: 'en-US' },
  { text: 'How do I make a complaint about my care?', locale: 'en-US' },
  { text: 'is this chat confidential', locale: 'en-US' },
  { text: 'Where is the MDU in the hospital?', locale: 'en-US' },
  { text: 'Can I talk to a real person?', locale: 'en-US' },
  { text: 'Should I stop taking my antidepressants?', locale: 'en-US' },
  { text: 'Thanks!', locale: 'en-US' },
  { text: 'who won the football match yesterday', locale: 'en-US' },
];
