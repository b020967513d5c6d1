/**
 * Clauses that name a topic to say it is *not* the question: "ce n'est pas une réclamation, je
 * voudrais juste savoir qui sont les représentants", "not a medical question: are you open on
 * Saturday?", "je ne cherche pas les urgences, je cherche le groupe de parole". The recognizer
 * reads the message without them (`Understanding.search`), and discounts the topic they name.
 *
 * Only a denied topic or request is set aside, never a negated wish that is itself the question:
 * "je ne veux pas être hospitalisé, ai-je le droit de refuser ?" and "I don't want my parents to
 * know" keep every word. So "je ne veux pas" / "I don't want" count only before a request
 * ("porter plainte", "to complain", "un avis médical"), "c'est pas" / "it's not" only before a
 * determiner or "pour", "about" ("c'est pas normal" stays), and a clause that ends with "?" is a
 * question ("la MDU, c'est pas un lieu de soins ?"), never a denial.
 *
 * Works on the folded text (`foldLetters`: lower case, no accents), which is what the model and
 * the lexical index read anyway; costs one regular expression test on messages without a negation.
 */
import { foldLetters } from '../foldText.js';

export interface DenialReading {
  /** The message, folded, without the clauses that set a topic aside. */
  readonly kept: string;
  /** The clauses set aside, folded, joined by " ; ". */
  readonly denied: string;
}

/** Cheap first test: no negation word, nothing to read. */
const NEGATION_CUE = /(?<![a-z])(?:pas|not|rien|nothing|sans|without|aucun|unrelated)(?![a-z])|n'?t(?![a-z])/;

/** What may follow "c'est pas" / "it's not" in a denial: a determiner, "pour", "about"... */
const FR_DET = "(?:une?|la|le|les|des|du|de|pour|au sujet|a propos|sur|concernant|ma|mon|mes|ta|ton|tes|sa|son|ses|votre|vos|question|l'|d')";
const EN_DET = '(?:a|an|the|about|for|regarding|related|concerning|my|your|his|her|on|medical|to do with|that kind)';
/** Idioms after "c'est pas" / "it's not" that are not a topic put aside. */
const FR_IDIOM = '(?:un peu|la peine|le cas|la (?:premiere|seule|meme|derniere) fois|le moment|de (?:ma|sa|ta|leur|notre) faute|de chance|la joie|du tout (?:normal|juste|possible))';
const EN_IDIOM = '(?:the (?:first|only|same|last) time|the case|a problem|my fault|(?:his|her|their) fault)';
/** A request that "je ne veux pas" / "I don't want to" can put aside ("porter plainte", "complain"). */
const FR_REQUEST =
  "(?:(?:faire|porter|deposer|poser|ecrire|envoyer|lancer) )?(?:(?:une?|de|la|les|des|d'|d'une?) ?)?(?:plainte|reclamation|recours|proces|me plaindre|(?:vous )?(?:deranger|embeter)|avis medical|conseil medical|diagnostic|rendez-vous|rdv|(?:vous )?parler (?:de|du|des|d'|a (?:quelqu'un|qqn|un humain|une personne|un benevole|une benevole)))";
const EN_REQUEST = '(?:to )?(?:complain|make a complaint|file|lodge|report|bother|sue|talk about|ask about|discuss|(?:a |an |any |the )?(?:medical advice|complaint|diagnosis|appointment|emergency|opening hours))';
/** Before a clause-initial "pas" / "not": the start, punctuation, or a linking word. */
const CLAUSE_START = '(?<=(?:^|[,;:.!?(\\n-]|(?<![a-z])(?:et|mais|hein|bon|alors|enfin|donc|ok|and|but|so|well|sorry|hi|hello|bonjour))\\s*)';

const OPENER = new RegExp(
  // "ou si ce n'est pas son rôle", "whether it's not for me": an embedded question, not a denial.
  `(?<![a-z])(?<!(?:si|ou|if|or|whether) )(?:${[
    // ce n'est pas une réclamation / c'est pas pour me plaindre / c pas une urgence / il ne s'agit pas de...
    `(?:ce n' ?est|c' ?est|cest|c|ceci n' ?est|ma question n' ?est|ma demande n' ?est|il ne s' ?agit|il s' ?agit)(?: vraiment| absolument)? pas(?: du tout| vraiment)? (?!${FR_IDIOM})(?=${FR_DET})`,
    // je ne cherche pas les urgences / je demande pas un avis / je ne parle pas de l'isolement / je ne viens pas pour...
    `(?:je|j')(?: ne|n'| n')? ?(?:vous |te )?(?:cherche|recherche|demande)s? pas`,
    // je ne cherche ni un médecin ni un numéro d'urgence
    `(?:je|j')(?: ne|n'| n')? ?(?:vous |te )?(?:cherche|recherche|demande|veux|voudrais)s? ni`,
    `(?:je|j')(?: ne|n'| n')? ?(?:vous |te )?parle pas (?=de|du|des|d')`,
    `(?:je|j')(?: ne|n'| n')? ?(?:vous |te )?(?:viens|appelle|ecris|contacte) pas (?=pour)`,
    `(?:je|j')(?: ne|n'| n')? ?(?:vous |te )?suis pas la (?=pour)`,
    // je ne veux pas porter plainte / je voudrais pas vous déranger (never "je ne veux pas être hospitalisé")
    `(?:je|j')(?: ne|n'| n')? ?(?:veux|voudrais|veut|souhaite|cherche|compte) pas (?=${FR_REQUEST})`,
    // pas pour me plaindre / pas une réclamation / pas de question médicale (at the start of a clause)
    `${CLAUSE_START}pas (?=pour|une?(?![a-z])|au sujet|a propos|la question|le sujet|de (?:question|plainte|reclamation|urgence|soucis?)|d'(?:urgence|avis))`,
    // sans vouloir me plaindre / rien à voir avec / ma question ne concerne pas...
    `${CLAUSE_START}pas besoin (?=de|du|des|d')`,
    'sans vouloir',
    "loin de moi l' ?idee",
    "(?:ca |cela |ceci )?(?:n' ?a |a )?rien a voir avec",
    'aucun rapport avec',
    "(?:ma question|ma demande|mon message|ca|cela|ceci)(?: ne|n'| n')? ?(?:concerne|porte|parle) pas",
    // it's not about / this isn't a complaint / my question is not about...
    `(?:it|this|that|my question|the question|this question|my message)(?: is|'s|s| was)? not(?: really| actually| just)? (?!${EN_IDIOM})(?=${EN_DET}(?![a-z]))`,
    `(?:it|this|that|my question|the question|this question|my message)(?: isn't| isnt| wasn't| wasnt)(?: really| actually| just)? (?!${EN_IDIOM})(?=${EN_DET}(?![a-z]))`,
    "its not(?: really| actually)? (?=(?:a|an|the|about|for|regarding|related|my|medical)(?![a-z]))",
    // not a complaint / not about my record / not looking for a doctor (at the start of a clause)
    `${CLAUSE_START}not (?=(?:a|an|the|about|for|regarding|related|my|looking|asking|medical|after)(?![a-z]))`,
    `${CLAUSE_START}no need (?=for|of)`,
    // I'm not asking about / I am not looking for / I'm not here to complain
    "i(?:'m| am|m) not (?:really |actually )?(?:asking|looking|after|talking|writing|calling|here|interested|trying to (?:complain|make a fuss|cause trouble))",
    // I don't want to complain / I don't need medical advice (never "I don't want my parents to know")
    `i(?: do not| don't| dont) (?:want|need|wish|mean|intend) (?=${EN_REQUEST})`,
    '(?:has |have )?nothing to do with',
    'unrelated to',
    'without wanting to',
  ].join('|')})`,
  'g',
);

/** The end of a denied clause: punctuation, or a word that starts what is asked instead. */
const CLAUSE_END =
  /[,;:.!?()\n…—–]| - |(?<![a-z])(?:mais|but|plutot|rather|juste|just|only|seulement|simplement|instead|je voudrais|je veux|j'aimerais|je souhaite|je cherche|i want|i'd like|i would like|i need|i just|est-ce que|est ce que|can i|can you|could you|do you|is there|are there|y a-t-il|y a t il)(?![a-z])/g;

/** "..., si ?", "..., right?", "..., c'est ça ?": a tag that turns the clause before it into a question. */
const TAG_QUESTION = /^[,\s]*(?:\p{L}+[\s'-]*){1,3}\?/u;

/** Below this many words, what is left is not a question on its own: the message is read whole. */
const MIN_KEPT_WORDS = 3;

/** The words that turn from a denial to the question: "it's about whether", "c'est plutôt pour savoir si", "ma question porte sur". */
const PIVOT = /^(?:(?:but|mais|it'?s|it is|this is|c'?est|c est|ma question,?)\s+)*(?:(?:about|plutot|pour savoir|de savoir|sur|porte sur)\s+)*(?:whether|if|si|s')?\s*/i;

/**
 * The message without the clauses that put a topic aside, or `undefined` when it has none (or
 * when nothing would be left to read).
 */
export function setAsideDenials(text: string): DenialReading | undefined {
  const folded = foldLetters(text).replace(/[\u2018\u2019\u02bc\u00b4`]/g, "'");
  if (!NEGATION_CUE.test(folded)) return undefined;
  const spans: [number, number][] = [];
  OPENER.lastIndex = 0;
  for (let m = OPENER.exec(folded); m !== null; m = OPENER.exec(folded)) {
    if (m[0].length === 0) {
      OPENER.lastIndex++;
      continue;
    }
    const start = m.index;
    CLAUSE_END.lastIndex = start + m[0].length;
    const end = CLAUSE_END.exec(folded);
    const stop = end ? end.index : folded.length;
    // "la MDU, c'est pas un lieu de soins ?": a question, not a denial.
    if (end?.[0] !== '?' && !TAG_QUESTION.test(folded.slice(stop)) && folded.slice(start + m[0].length, stop).trim() !== '') spans.push([start, stop]);
    OPENER.lastIndex = Math.max(stop, start + m[0].length);
  }
  if (spans.length === 0) return undefined;
  let kept = '';
  let at = 0;
  const denied: string[] = [];
  for (const [start, stop] of spans) {
    kept += `${folded.slice(at, start)} `;
    denied.push(folded.slice(start, stop).trim());
    at = stop;
  }
  kept = (kept + folded.slice(at)).replace(/\s+/g, ' ').replace(/^[\s,;:.!)\-–—]+/, '').trim();
  // What turns from the denial to the question ("..., it's about whether they can keep me"): the question itself is what is asked.
  kept = kept.replace(PIVOT, '');
  if ((kept.match(/\p{L}+/gu) ?? []).length < MIN_KEPT_WORDS) return undefined;
  return { kept, denied: denied.join(' ; ') };
}
