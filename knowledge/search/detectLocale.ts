/**
 * Language detection for short chat messages: French or English, from function words, SMS forms,
 * accents and elisions. French wins ties (the MDU's visitors write mostly in French).
 */
import type { Locale } from '../schema.js';
import { normalizeText } from './normalize.js';

/** Words that are French and not English (after folding), with SMS spellings. */
const FR_WORDS = new Set(
  `le la les des du un une et est sont je tu il elle nous vous ils elles mon ma mes ton ta tes son sa ses
  notre votre leur leurs de pour avec sans dans sur chez que qui quoi quel quelle quels quelles comment
  quand ou pourquoi combien pas ne plus tres mais donc alors aussi ce cette ces cet ca cela ici peut peux
  veux voudrais faut faire fait avoir etre suis es sommes etes ai as avez avons ont va vais aller bonjour
  bonsoir salut merci oui non coucou aujourdhui demain hier maintenant moi toi lui eux y au aux parce
  quelquun personne rien tout tous toutes toute ya koi kwa c g slt bjr stp svp jsp pk pq pkoi pr ds tjr
  tjrs chui chuis ki ke kan bcp cc mrc mci dc tt jv jveux cest quest sil daccord entre apres avant
  encore deja faut-il est-ce estce`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words that are English and not French. */
const EN_WORDS = new Set(
  `the a an is are was were be been do does did what how when where who whom why which i you he she we
  they my your his her our their me him us them it its this that these those there here to of in for
  with without from by about and or not no yes can could would should will shall may might must have has
  had get got please hi hello hey thanks thank today tomorrow yesterday now anyone someone somebody
  anybody talk speak call help need want know like any some if at u ur r pls plz thx wat wot im dont
  cant wont doesnt isnt whats hows whos`
    .split(/\s+/)
    .filter(Boolean),
);

const ACCENTED = /[àâäçéèêëîïôöùûüÿœæ]/g;
const FR_ELISION = /(?:^|[^a-z])(?:l|d|j|qu|c|n|s|m|t)['\u2019](?=[a-zàâçéèêîôû])/gi;
const EN_CONTRACTION = /[a-z](?:n['\u2019]t|['\u2019](?:s|re|ve|ll|m|d))\b/gi;

/** Evidence for each language: the number of cues found. */
export function localeCues(text: string): { fr: number; en: number } {
  let fr = 0;
  let en = 0;
  fr += Math.min(3, (text.toLowerCase().match(ACCENTED) ?? []).length);
  fr += (text.match(FR_ELISION) ?? []).length;
  en += (text.match(EN_CONTRACTION) ?? []).length;
  for (const word of normalizeText(text).split(' ')) {
    if (FR_WORDS.has(word)) fr += 1;
    if (EN_WORDS.has(word)) en += 1;
  }
  return { fr, en };
}

/** The language of a visitor's message; French when unsure. */
export function detectLocale(text: string): Locale {
  const { fr, en } = localeCues(text);
  return en > fr ? 'en' : 'fr';
}
