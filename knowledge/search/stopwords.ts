/**
 * Stop words, after normalisation (lower case, no accents, elisions removed).
 *
 * Two kinds of words are treated apart:
 * - stop words carry no topic at all and are dropped (articles, pronouns, auxiliaries, "comment",
 *   "what", polite forms);
 * - weak words are kept with a small weight because they separate close questions
 *   ("où" vs "quand" for the MDU's place and hours, "c'est quoi" vs "qu'est-ce qu'on peut y faire",
 *   "pas"/"not" for what the MDU is not), but they never count towards the share of the query
 *   that matched, so "what", "how" or "can" alone never make an answer.
 */

export const STOP_WORDS_FR: ReadonlySet<string> = new Set(
  `a ai aie aies ait as au aux avec avez avais avait avoir avons ayant ca ce ceci cela celle celles
  celui certain certaine ces cet cette ceux chaque chez ci comme d dans de des donc dont du elle elles
  en encore es est et etaient etais etait ete etes etre eu eux faut il ils j je jusqu l la le les leur
  leurs lui m ma mais me meme mes moi mon n ne ni nos notre nous o on ont or ou par parce pour puis
  puisque que s sa se ses si soi son sont suis sur ta te tes toi ton tu un une uns unes vos votre vous
  y c t est-ce ceci voila voici alors aussi bien tres trop peu plus moins veux veut voudrais voudrait
  vouloir dois doit devez devrais dire dis dit sais savoir svp stp merci bonjour bonsoir salut coucou
  hello allo oui non ok daccord est ce quest cest sil plait tout tous toute toutes chose choses truc
  trucs bon ben bah euh hein genre vraiment juste deja the`
    .split(/\s+/)
    .filter(Boolean),
);

export const STOP_WORDS_EN: ReadonlySet<string> = new Set(
  `de des du la le les l d a about above after again all am an and any are as at be been being but by for from had has have
  having he her here hers him his i if in into is it its itself just me my myself of off on once only
  or other our ours out over own please so some such than that the their theirs them then there these
  they this those to too very was we were while whom will with would you your yours yourself hi hello
  hey thanks thank ok okay yes no tell know want wanted wants like need needs something anything thing
  things really also may might must shall should let lets dear sir madam im ive id ill youre whats
  hows whos wheres isnt dont cant wont doesnt didnt`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Kept with a small weight, never counted in the matched share: question words, negations and
 * the commonest verbs, which say little about the topic but are no sign of an off-topic message.
 */
export const WEAK_WORDS: ReadonlySet<string> = new Set(
  `ou quand qui combien pourquoi pas sans jamais aucun aucune rien where when who not without never
  nobody nothing anyone anybody someone somebody quelquun comment quel quelle quelles quels quoi faire
  fais fait peux peut peuvent pouvez pourrais pourrait pouvoir how what which why can could do does did
  doing possible possibles deposer depose aller vais va allez venir viens vient mettre met mis prendre
  prend pris donner donne trouver trouve chercher cherche passer passe besoin aimerais aimerait savoir
  obtenir obtient obtiens recevoir avoir go going come coming find look looking give take put make see
  able`
    .split(/\s+/)
    .filter(Boolean),
);
