/**
 * Context that changes what alarming words mean, decided from the whole message: a danger that is
 * negated ("je ne suis pas suicidaire"), past and resolved ("mon frère a fait une TS l'an dernier,
 * il va mieux"), told as fiction or reported ("dans la série, un personnage fait une overdose"),
 * or the topic of a piece of work ("je prépare un mémoire sur la prévention du suicide"). And
 * questions about a right around a treatment (information, consent, confidentiality), which are
 * not requests for medical advice.
 *
 * `contextSpans` gives the parts of a message to set aside; the screen then looks again at what
 * is left, with the rules and the nets. Nothing is ever set aside when the message holds an
 * explicit present danger (`PRESENT_DANGER`), and what is left is judged like any message: "je ne
 * suis pas suicidaire mais j'ai pris 30 cachets" stays a crisis.
 *
 * Works on the raw text cut into clauses (punctuation and "mais" / "but" end a clause), each
 * clause normalised like the screen does, so the patterns below see normalised words.
 */

/** Why a part of a message was set aside. */
export type ContextKind = 'negated' | 'past_resolved' | 'reported' | 'about_information';

export interface ContextReading {
  /** The message, normalised, with the spans set aside blanked to `#`. */
  readonly remaining: string;
  /** The kinds of context found (empty: nothing set aside, `remaining` is the whole message). */
  readonly kinds: readonly ContextKind[];
  /**
   * `remaining` sentence by sentence (with context found): a danger told alone in its own sentence
   * ("… lisez le dossier avant. En finir.") is read there, as in a message without context.
   */
  readonly remainingSentences?: readonly string[];
}

/**
 * A pattern over normalised text. Letters doubled in the source are made single, as the
 * normalisation does to the text ("personne" is matched as "persone").
 */
const re = (source: string): RegExp => new RegExp(`(?<![a-z0-9])(?:${source.replace(/(?<!\\)([a-z])\1+/g, '$1')})(?![a-z0-9])`, 'g');

/** Pronouns and forms of the first person, as normalised. */
const FIRST_PERSON = '(?:je|j|moi|me|m|i|im|myself|my)';

/**
 * Explicit present danger: a first person now, a method, a time, a quantity taken. When the whole
 * message holds one of these, no context applies.
 */
const PRESENT_DANGER = re(
  [
    // "je vais me tuer", "je veux mourir" (without a negation in between), "I'm going to kill myself", "I want to die"
    `(?<!(?:dit|dire|disent|says|said|say|tels me|told me)(?: \\w+)? )(?:je|j) (?:vais|vai|veux|veut|compte|m aprete a|suis (?:pret|prete|decidee?)) (?:(?!pas|plus|jamais|aucun)[a-z]+ ){0,2}(?:me tuer|me suicider|mourir|en finir|me pendre|me jeter|sauter|me faire du mal|me couper|me scarifier|tuer|passer a l acte)`,
    `(?<!(?:dit|dire|says|said|say|tels me|told me) )i (?:am going to|am gona|will|want to|wana|plan to|am about to|am ready to) (?:(?!not|never)[a-z]+ ){0,2}(?:kil|die|end it|hang|jump|hurt|cut|overdose|shot)`,
    // now / tonight / right now with a danger word, no negation in between ("je précise tout de suite : je ne suis pas suicidaire")
    `(?:ce soir|cette nuit|maintenant|tout de suite|en ce moment|tonight|right now|now)(?: (?!(?:pas|plus|jamais|not|never|no)\\b)[a-z?]+){0,6} (?:mourir|tuer|suicid[a-z]*|sauter|pendre|die|kil|jump|overdose|cachets|pills)`,
    // a third person who says they will kill themselves ("he told me he'll kill himself as soon as he's discharged"): a future, never a past; not in a case supposed ("si quelqu'un me dit qu'il va se tuer")
    `(?<!(?:^|\\s)(?:si|if|when|quand|lorsqu|lorsque|whenever)\\s(?:\\S+\\s){0,5})(?:told me|says|said|tels me|texted|wrote|m a dit|me dit|a dit|m a ecrit) (?:that |qu |que )?(?:he|she|they|il|ele|ils|eles) (?:wil|ll|is going to|are going to|is gona|va|vont) (?:(?!pas|not|jamais|never)\\w+ )?(?:kil (?:himself|herself|themselves)|se tuer|se suicider|se jeter|se pendre|end (?:his|her|their) life|hang (?:himself|herself|themselves))`,
    // a wound now: "je saigne", "I'm bleeding" (an overdose told: TOLD_OVERDOSE)
    `(?:je saigne|i am bleding|ca saigne beaucoup|won t stop bleding)`,
    // a weapon or a threat now
    `(?:il|ele|he|she) (?:a|has|is holding|tient) (?:un|une|a) (?:couteau|arme|fusil|pistolet|knife|gun|weapon)`,
    // self-harm told without a time ("jme sui coupé grave"), a farewell for tomorrow ("si demain je suis plus là")
    `(?:je|j) (?:me|m) (?:suis |sui )?(?:coupe|coupee|scarifie|scarifiee|brule|brulee|taillade|tailladee|mutile|mutilee) (?:grave|profond|profondement|encore|a nouveau|ce soir|cette nuit)(?! (?:\\w+ ){0,3}il y a)|(?:demain|ce soir|cette nuit|bientot) (?:je (?:ne )?(?:suis|serai|serais) plus la|i (?:won t|wil not) be (?:here|around))`,
    // self-harm needed now: "I just need to cut, tonight again", "j'ai besoin de me couper"
    `i (?:just |realy )?(?:ned|have) to (?:cut|burn|hurt)(?: myself| again| tonight)?|(?<!(?:pas|jamais|aucune|aucun|plus|sans) (?:eu )?(?:d |de |l )?)(?:besoin|envie) de me (?:couper|scarifier|bruler|faire du mal)`,
    // a threat to the writer's life now: "il dit qu'il va me tuer", "he says he's going to kill me"
    `(?<!avais |avait |avaient |had )(?:va|vont|veut|veulent|menace de|menacent de) (?:me|nous|m) ?(?:tuer|frapper|etrangler|egorger|buter|planter|defoncer|faire (?:du|de) mal)|(?:is going to|are going to|gona|wil|ll|wants to|threatens to|would) (?:kil|hurt|beat|strangle|stab|shot) (?:me|us)`,
        // violence suffered now: "il me frappe", "he is hitting me"
    `(?:il|ele|ils|eles|mari|feme|compagnon|compagne|pere|mere|frere|soeur|copain|copine|ex|conjoint|conjointe|fils|fille|beau pere) (?:me|nous) (?:frape|frapent|bat|batent|cogne|cognent|etrangle|etranglent|tabase|tabasent)|(?:he|she|they) (?:is |are )?(?:hits|hiting|beats|beating|chokes|choking|strangles|strangling) (?:me|us)`,
  ].join('|'),
);

/**
 * An overdose told in the first person ("j'ai pris 30", "j'ai avalé toute la boîte", "I took 20",
 * "I swallowed the whole bottle"): present, unless its own sentence dates it in the past or the
 * next sentence does ("Quand j'étais étudiant, j'ai avalé une boîte. C'était il y a longtemps.").
 */
const TOLD_OVERDOSE = re(
  `(?:j ai|jai|g|je viens d|i have|i just|i) (?:\\w+ )?(?:pris|avale|tok|taken|swalowed) (?:\\w+ ){0,3}(?:\\d+(?! ans| an| years?| old)|tout|toute|tous|toutes|al|whole|entire|boite|boites|plaquettes?|box|bottle|pack)`,
);

/** A first person in the present tense ("je pense", "je veux", "I feel"): a clause that holds one is not told in the past. */
const PRESENT_FIRST_PERSON = re(
  `(?:je|j) (?:ne |n )?(?:pense|veux|vais|sens|peux|compte|dois|prends|bois|entends|vois|supporte|arrive|me coupe|me scarifie|me fais|me fait|en ai marre|ai envie|ai plus|n ai plus|suis a bout|suis en train)|i (?:do not |can not |cannot )?(?:think|want|am going|feel|can t|keep|need|cut|hear|see|have to|wish|am thinking|am having|am feling|am planing)`,
);

/** English verbs whose past is their present ("I cut"): a time in the clause says which, not the verb. */
const AMBIGUOUS_TENSE = re(`i (?:cut|hit|hurt|burst)`);

/** A negated danger: the person says they are not in danger (only the negation itself is set aside). */
const NEGATED = re(
  [
    `(?:je ne suis|je suis|j suis|chui|suis) pas (?:du tout |vraiment |en |)(?:suicidaire|en danger|en crise|depressif|depressive|dangereux|dangereuse)`,
    `(?:aucune|pas d|pas l|pas la moindre|sans (?:aucune )?) ?(?:envie|intention|ides?|penses?) (?:de (?:me )?|d )?(?:mourir|suicid[a-z]*|me tuer|me faire du mal|me faire de mal|passer a l acte|noires|en finir)`,
    `(?:je ne|j ne|je n|jn) (?:veux|compte|vais|pense) (?:pas|absolument pas|surtout pas) (?:du tout )?(?:mourir|me (?:tuer|suicider|faire (?:du|de) mal))`,
    // "j'ai pas du tout envie de me foutre en l'air", "je n'ai aucunement envie d'en finir"
    `(?:je n ai|j ai|jai|g) (?:pas|pas du tout|absolument pas|aucunement|jamais eu) (?:du tout )?(?:envie|l intention) (?:de |d )(?:me foutre en l air|en finir|me tuer|me suicider|mourir|me faire (?:du|de) mal)`,
    `(?:i am|im|i m) (?:not|never) (?:at al |remotely |)(?:suicidal|in danger|in crisis|going to hurt myself|going to kil myself|depresed|a danger)`,
    `(?:i am|im) (?:safe|ok|okay|fine) and not (?:in crisis|suicidal|in danger)`,
    `not (?:in crisis|suicidal|in danger)(?: at al)?`,
    `(?:je ne pense|je pense|j pense) (?:pas|plus|jamais) (?:au|a la|a) (?:suicide|mort|mourir|me tuer)`,
    `not (?:dying|going to die|planing to die) (?:any ?time son|tomorow|yet)|(?:pas pret|pas prete|pas pres) (?:de|a) mourir|pas encore morte?`,
    `(?:no|without any|not any) (?:intention|wish|plan|desire|thoughts?) (?:of|to) (?:dying|die|kil(?:ing)? myself|hurt(?:ing)? myself|harm(?:ing)? myself|suicide)`,
    // An accident told as such: "je me suis coupée avec les ciseaux, rien de grave", "burnt myself cooking"
    `(?:me suis coupee?|me suis brulee?|cut myself|burned myself|burnt myself) (?:\\w+ ){0,4}(?:avec|with|on|en|while) (?:\\w+ ){0,6}(?:rien de grave|nothing serious|pansement|plaster|band aid|accident|cooking|en cuisinant|en bricolant|gardening|en jardinant)`,
    `i do not (?:want|plan|intend) to (?:die|kil myself|hurt myself)`,
    // "je n'ai jamais voulu me faire du mal", "I've never wanted to hurt myself"
    `(?:je n ai|j ai|je n avais|j avais) jamais (?:voulu|eu envie|pense a|cherche a|essaye de) (?:de |a )?(?:me faire (?:du|de) mal|me tuer|me suicider|me couper|mourir|me blesser)`,
    `i (?:have|ve) never (?:wanted|tried|thought about|planned) (?:to )?(?:hurt|hurting|kil|kiling|harm|harming|cut|cuting) myself`,
    // "I've never self-harmed (and I'm not about to)", "je n'ai jamais pensé au suicide"
    `i (?:have|ve|had) never (?:\\w+ )?self harmed(?: and i am not about to)?|(?:je n ai|j ai|je n avais) jamais (?:\\w+ )?(?:pense|songe) (?:au|a la|a) (?:suicide|mort|mourir|me tuer|me suicider)`,
    // The danger itself negated, whatever the verb before it: "je ne pense pas du tout à mourir",
    // "je ne vais pas sauter du pont", "je ne cherche pas à me faire du mal", "j'ai pas d'idées de mort".
    // Never "ne ... plus vivre": the negated word is the danger, not life.
    `(?<!si |sinon |ou )(?:je ne|j ne|je n|jn|je) (?:me )?(?:\\w+ )?(?:pense|songe|vais|veux|compte|cherche|prevois|ai) (?:pas|jamais|surtout pas|absolument pas|aucunement)(?: du tout| vraiment| une seconde)? (?:a |de |d |au |a la )?(?:me |m )?(?:\\w+ )?(?:mourir|mort|suicide|suicider|tuer|faire (?:du|de) mal|jeter|pendre|sauter|en finir|couper|scarifier|paser a l acte|blesser)`,
    `je ne me (?:scarifie|coupe|mutile|brule|blese|fais|fait) (?:pas|jamais|plus)(?: de mal| du mal)?`,
    `(?:ne|n) (?:m|me|nous|l|la|le) (?:a|ont|avait) (?:jamais|pas) (?:ete )?(?:frape|frapee?|menace|menacee?|batu|batue|touche|touchee?|violente|violentee?)|(?:has|have|had) never (?:hit|beaten|threatened|hurt|touched|harmed) (?:me|us|her|him)|never (?:hit|beat|threatened) (?:me|us)`,
    `(?:je n ai|j ai|jai) (?:pas|jamais) (?:pris|avale) (?:trop|tout|toute|tous|de|des|mes|une)|i (?:did not|have not|never) (?:take|took|taken|swalow|swalowed) (?:to many|al|the whole|an overdose)`,
    `(?:not|no|never|pas|aucune|jamais|sans|is not|are not) (?:\\w+ ){0,2}(?:suicidal|dark|morbid) (?:thoughts|ideas)|(?:pas|aucune|jamais|sans|n a pas|n ont pas) (?:\\w+ ){0,2}(?:idees|penses) (?:suicidaires?|noires?|de mort)`,
    `(?:pas|aucune|jamais) (?:eu )?(?:du tout |vraiment )?(?:d |de )?(?:envie|intention|ides?|penses?|projet|pulsions?) (?:(?:de|d) (?:me |m )?)?(?:mourir|mort|suicide|suicider|en finir|me tuer|tuer|faire (?:du|de) mal|noires?|suicidaires?|morbides?)`,
    `personne ne (?:m|me|nous) (?:a |)(?:frape|frapee?|bat|batu|batue|menace|menacee?|agrese|agresee?|violente|violentee?)|(?:pas de|aucune|sans) violences?(?: a la maison| chez (?:nous|moi))?`,
    `(?:no|not any|without|zero) (?:dark|suicidal|morbid|intrusive|bad|self harm) (?:thoughts|ideas|urges|feelings)(?: here| at al)?`,
    // "no way I'd ever hurt myself", "je n'irai pas me jeter sous un train", "ni idées noires ni envie de disparaître",
    // "rien à voir avec une envie d'en finir", "suicide was never on my mind", "se pendre ? non, jamais",
    // "me tailler les veines, ce n'est pas mon truc", "j'ai coché la case idées noires par erreur"
    // What might have happened and did not: "il aurait pu se tuer", "he might have killed himself"
    `(?:aurait|aurais|auraient|aurions) pu (?:\\w+ ){0,2}(?:se tuer|mourir|y rester|me tuer|le tuer|la tuer)|(?:might|could) have (?:\\w+ )?(?:kiled|died|ben kiled)`,
    `(?:demande|asked|ask) (?:\\w+ ){0,4}(?:si|if|whether) (?:\\w+ ){1,6}(?:et|and) (?:j ai |i )?(?:repondu|said|answered|dit) (?:non|no)`,
    `nothing to do with (?:\\w+ ){0,2}(?:suicide|self harm|danger|crisis|violence)|i (?:have|ve) never (?:\\w+ )?(?:hurt|harmed|cut) myself|(?:lok|loks|loked) like (?:self harm|cuts|scars)|resemblent? a (?:de l |des )?(?:automutilation|scarifications?)|(?:n ai|n a|ai|a) plus d (?:idees|pensees) (?:noires|suicidaires|de mort)`,
    `no way (?:i d|i would|i wil|i am|i m|i) (?:ever )?(?:\\w+ ){0,2}(?:hurt|kil|cut|harm|jump|overdose)(?: myself)?|(?:je n irai|j irai) (?:pas|jamais) (?:me |m )?(?:\\w+ ){0,2}(?:jeter|tuer|pendre|suicider|couper)(?: \\w+){0,4}`,
    `(?:ni|zero|aucune?|pas la moindre) (?:\\w+ )?(?:idees? noires?|pensees? (?:suicidaires?|noires?)|idees? suicidaires?|envie de disparaitre|envie d en finir|envie de mourir|projet de (?:pasage a l acte|suicide))|rien a voir avec (?:une |un |des |de l |la |le )?(?:\\w+ ){0,2}(?:envie d en finir|envie de mourir|idees noires|suicide|danger|crise|detresse)`,
    `(?:suicide|kiling myself|self harm|hurting myself|dying|death) (?:was|is|has ben) never (?:\\w+ )?(?:on my mind|an option|in my head)|never (?:\\w+ )?(?:on my mind|crossed my mind)|(?:se|me|s|m) (?:\\w+ )?(?:pendre|tuer|suicider|jeter) \\? non(?: \\w+){0,3}|(?:me|m|se|s) (?:\\w+ ){1,3}(?:ce n est|c est) pas (?:mon|son) (?:truc|genre|style|delire)`,
    `(?:coche|cochee) (?:la |une )?case (?:\\w+ ){0,4}par erreur|(?:coche|cochee) la mauvaise case(?: \\w+){0,6}|(?:ticked|checked) the wrong box(?: \\w+){0,8}|(?:ticked|checked) (?:\\w+ ){0,6}by mistake`,
    `jamais (?:\\w+ ){1,3}ne (?:m|nous|l) a (?:\\w+ )?(?:frapee?|batue?|touchee?|violee?|menacee?|agresee?)|(?:je ne vais pas|je vais pas|i am not going to) (?:\\w+ )?(?:disparaitre|disapear)`,
    `(?:have not|has not|never) (?:\\w+ )?(?:cut|hurt|harmed|self harmed|burned|burnt) (?:myself|herself|himself) (?:\\w+ ){0,2}since|(?:ne me suis plus|me suis plus|ne s est plus|s est plus) (?:\\w+ )?(?:coupee?|scarifiee?|fait de mal|mutilee?|brulee?) (?:\\w+ ){0,2}depuis|no urge to`,
    `(?<!if |unles |or )i (?:did not|have not|never|do not|wil not|am not going to|am not) (?:\\w+ ){0,2}(?:hurt|cut|harm|kil|burn|hurting|cuting|harming|kiling)(?:ed)? myself`,
    `(?<!if |unles |or )i (?:do not|wil not|am not going to|am not gona) (?:want to |plan to |intend to |wish to )?(?:die|kil myself|hurt myself|end it(?: al)?|end my life|jump|overdose)`,
    `not (?:going to|gona|planing to|about to) (?:jump|die|kil myself|hurt myself|end it|overdose)(?: of)?(?: anything)?`,
    `(?:is not|are not|was never|is never|n est pas|n est jamais|n a jamais ete|not) (?:\\w+ )?(?:violente?s?|dangereuse?s?|dangereux|agresive?s?|agresifs?|dangerous|agresive|a danger to (?:anyone|himself|herself|others))(?: (?:at al|du tout|pour les autres|pour personne))?`,
    `(?:nobody|no one|noone) (?:has )?(?:hit|hits|hurt|hurts|beat|beats|beaten|threatened|threatens) (?:me|us)|(?:there is|there s|theres) no (?:violence|abuse)|no (?:violence|abuse) at home`,
  ].join('|'),
);

/** Bereavement by suicide told as such ("j'ai perdu mon ami par suicide", "a group for people bereaved by suicide"). */
const BEREAVED = re(
  [
    `(?:perdu|perdue) (?:\\w+ ){0,4}(?:par|a cause d un|d un) suicide|endeuil[a-z]* (?:\\w+ ){0,2}(?:par|apres) (?:un |le )?suicide|deuil (?:apres|par|d un|lie a un) (?:un )?suicide|(?:decedee?s?|morte?s?) (?:\\w+ ){0,2}par suicide|en memoire (?:des|de|d)`,
    `(?:on a eu|nous avons eu|il y a eu|on a vecu) (?:un|une) (?:suicide|tentative de suicide|ts|deces|pasage a l acte|agresion|crise clastique|incident) (?:\\w+ ){0,3}(?:dans l unite|dans le service|dans l equipe|au pavilon|le mois dernier|la semaine derniere|l an dernier|recemment)`,
    `(?:we had|there was|we lost a patient to) (?:a |an )?(?:suicide|suicide atempt|patient suicide)? ?(?:\\w+ ){0,3}(?:on the ward|in the unit|on our ward|last month|last week|last year)`,
    `apres (?:le|la|un|une) (?:suicide|tentative de suicide|ts|mort|deces) (?:d un|d une|de (?:notre|leur|son|sa|mon|ma|la|l))|after (?:a|the) (?:\\w+ s |\\w+ )?suicide|after the suicide of`,
    `(?:he|she|they) (?:is|has|are|have) pased(?: away| on)?|(?:deces|death|mort|deaths) (?:\\w+ )?(?:par|by) suicide|patient death|lost (?:\\w+ ){0,4}(?:to|from) suicide|bereave[a-z]* (?:\\w+ ){0,2}(?:by|after) suicide|(?:died|passed away|lost) (?:\\w+ ){0,2}(?:by|to) suicide|in memory of`,
    // A relative who died, of whatever cause ("ma grand-mère vient de mourir", "ma sœur est morte d'une overdose", "my father died on the ward")
    `(?:mon|ma|mes|son|sa|ses|notre|nos|leur|leurs|un|une) (?:\\w+ ){0,2}(?:vient de mourir|viennent de mourir|est (?:mort|morte|decedee?)|sont (?:morts|mortes|decedes))(?: (?:par|de|d|des suites d) (?:un |une |le |la |l )?(?:suicide|overdose|\\w+))?|(?:my|his|her|our|their|a) (?:\\w+ ){0,2}(?:died|passed away|has died|just died)(?: (?:by|of|from|to|after) (?:a |an |the )?(?:suicide|overdose|\\w+))?`,
    `(?:s est|se sont) suicidee?s? (?:\\w+ ){0,2}(?:quand (?:j|il|ele|on)|il y a|en (?:19|20)\\d\\d|l an)|(?:killed (?:himself|herself)|took (?:his|her|their) own life|committed suicide) (?:\\w+ ){0,3}(?:years? ago|months? ago|last year|when i was)`,
  ].join('|'),
);

/** Over for good, said without a time: a survivor of a danger, years clean ("a woman who survived domestic violence", "eight years clean"). */
const OVER_FOR_GOOD = re(
  [
    `(?:survived|survivors? of|survivante?s? (?:de|d)|who survived|qui a survecu a|ont survecu a) (?:\\w+ ){0,3}(?:domestic violence|domestic abuse|abuse|violence|violences?(?: conjugales| sexuelles| familiales)?|a suicide atempt|suicide atempts?|an overdose|une overdose|une tentative de suicide|incest|inceste|rape|un viol|assault)|(?:qui )?s en (?:sont|est) sortie?s?`,
    `(?:\\d+|one|two|thre|four|five|six|seven|eight|nine|ten|twelve|fiften|twenty|many|several) years? (?:clean|sober)|(?:clean|sober|sobre|abstinente?) (?:depuis|since|for) (?:\\w+ ){0,2}(?:ans|years|mois|months|19\\d\\d|20\\d\\d)`,
  ].join('|'),
);

/**
 * A danger as a case, not as anyone's now: how to react if someone tells of one, people who have
 * one as a group, an event named with an indefinite article after a procedure ("que faire si un
 * participant parle de suicide", "des patients qui se mutilent", "la trace d'une tentative de
 * suicide dans le dossier", "after self-harm"). Never with "si je" / "if I": a visitor asking what
 * to do if they feel like dying is asking for themselves.
 */
const AS_A_CASE = re(
  [
    `(?:que faire|quoi faire|comment (?:reagir|repondre|accompagner|orienter|l orienter|les orienter|faire|agir|aider|en parler)|conduite a tenir|quele attitude (?:adopter|avoir)|what (?:to|should i|should we|do i|do we) do|how (?:to|should i|should we|do i|do we|can i|can we) (?:react|respond|handle|help|deal|support|talk)|(?:the right|the best|a good) way to (?:react|respond)|who (?:to|should we|do we|should i) call|qui (?:appeler|contacter)|fiche reflexe|reference sheet) (?:\\w+ ){0,4}(?:si|if|when|quand|lorsqu|lorsque) (?:un|une|quelqu un|someone|somebody|a|an|un de nos|une de nos|one of our|l un de nos|un enfant|a child|a member|un adherent|une adherente|un participant|une participante|a participant|un patient|une patiente|a patient|une persone|a person|un jeune|a young person|un usager|une usagere|a user|un colegue|a colegue|un proche|l un d eux|l une d eles|l un d entre eux|one of them|l un de nos|l une de nos)(?: \\w+){0,14}`,
    `(?:des|les|aux|of|with|for|ces|these|those|some|de|see|meet|vois|rencontre|recois|acompagne|suport|work with|travaile avec) (?:\\w+ ){0,2}(?:patients|persones|gens|jeunes|ados|adolescents|people|youngsters|young people|tens|clients|users|usagers|femmes|women|victimes|victims|hommes|men|enfants|children|kids) (?:\\w+ )?(?:qui|who|that) (?:se |s )?(?:\\w+ )?(?:mutilent|scarifient|font du mal|automutilent|self harm|cut themselves|hurt themselves|are suicidal|sont suicidaires|ont fait une ts|have atempted suicide|atempted suicide|ont des idees suicidaires|have suicidal thoughts|are victims of|sont victimes de|subisent|have experienced|ont subi)(?: \\w+){0,3}`,
    `(?:si|if|when|whenever|quand|lorsqu|lorsque|face a|comment orienter|how to (?:help|respond to|answer|support)) (?:un jour |someday |some day |one day |ever )?(?:un |une |a |an )?(?:quelqu un|someone|somebody|visitor|visiteur|visiteuse|persone|person|patient|patiente|caler|apelant|usager|usagere|adherent|adherente|member|participant|participante|jeune|young person|eleve|pupil|student|etudiante?|proche|ami|amie|friend|relative|loved one|family member|colegue|coleague) (?:\\w+ ){0,3}(?:qui )?(?:me |m |nous |us )?(?:tells|says|told|mentions|talks|speaks|dit|dira|annonce|evoque|evoquera|parle|parlera|confie|wants|veut)(?: \\w+){0,12}|(?:une|a|someone|quelqu un|une persone|a person) (?:en|in) (?:a )?(?:crise suicidaire|suicidal crisis)|(?:quand|when|si|if) (?:on|we|you|a suicide|un suicide|suicide) (?:\\w+ ){0,2}(?:evoque|parle|mention|mentions|talk|talks|comes up|aborde)(?: \\w+){0,6}`,
    `(?:calls|appels|messages) (?:from|de) (?:someone|somebody|quelqu un|people|gens|persones|callers) (?:who|qui)(?: \\w+){0,12}|(?:des gens|des persones|people|callers|some people|certains|certaines persones) (?:\\w+ ){0,2}(?:disent|say|tel us|tel me|nous disent|me disent) (?:qu ils|qu eles|that they|they)(?! (?:\\w+ ){0,3}(?:me|m|nous|us|me) )(?: \\w+){0,8}|(?:des gens|des persones|people|callers) (?:\\w+ ){0,4}(?:qui|who) (?:parlent|talk|speak) (?:de|about|of) (?:se |s |killing |hurting |harming )?(?:\\w+ )?(?:tuer|suicider|jeter|pendre|faire du mal|themselves|suicide)(?: \\w+){0,6}`,
    `(?:combien de|how many) (?:\\w+ ){0,3}(?:persones|people|gens|jeunes|francais|deaths?|morts|deces|suicides|tentatives|patients)(?: \\w+){0,6}|(?:un|a|le|the) (?:cas|case|scenario|vignete) (?:\\w+ )?(?:fictif|fictive|fictional|clinique|clinical|d ecole|theorique|hypothetical)(?: \\w+){0,5}|(?:fictional|fictitious|hypothetical) case(?: \\w+){0,5}|(?:des dizaines|des centaines|beaucoup|plein|dozens|hundreds|lots|many) (?:de |d |of )?(?:suicides|overdoses|tentatives de suicide|suicide atempts|morts|deaths)`,
    `(?:apres|after|en cas de|in case of|trace d|record of|mention of|mention d|suite a|following) (?:une|un|a|an) (?:tentative de suicide|ts|suicide atempt|overdose|crise suicidaire|pasage a l acte)|after self harm|apres (?:une )?automutilation`,
    // A group or an association for a category of people ("un groupe pour les parents dont l'enfant a fait une TS", "support for families whose son attempted suicide").
    `(?:groupe|groupes|groupe de parole|asso|association|associations|group|groups|support group|support groups|charity|charities) (?:\\w+ ){0,3}(?:pour|for|de|des|of) (?:les |the )?(?:parents|proches|familles|meres|peres|freres et soeurs|conjoints|endeuilles|relatives|families|mothers|fathers|siblings|partners|spouses|people|persones|gens|survivants|survivors) (?:dont|whose|ayant|who have|who ve|qui ont)(?: \\w+){0,10}`,
    // Learning to spot a danger in others ("comment repérer un élève qui se scarifie", "how should we train staff to spot elder abuse").
    `(?:comment|how to|how do (?:i|we|you)|how can (?:i|we)|how should (?:i|we)|savoir|learn to|apprendre a|(?:train|teach|former|aprendre a) (?:\\w+ ){0,2}(?:to|a)) (?:on )?(?:\\w+ ){0,2}(?:reperer|repere|detecter|identifier|spot|recognise|recognize|detect|identify|notice) (?:\\w+ ){0,3}(?:eleve|eleves|student|students|pupil|pupils|employe|employes|employee|employees|salarie|salaries|customer|customers|client|clients|patient|patients|ado|ados|adolescents?|tenagers?|resident|residents|usager|usagers|jeune|jeunes|member|members|adherent|adherents|joueur|joueurs|player|players|athlete|athletes|enfant|enfants|child|children|kids|signs?|signes?|abuse|maltraitance|violence|violences)(?: \\w+){0,12}`,
    // How one answers a person met at work who tells a danger ("respond to a customer who says...", "comment on réagit quand un patient parle de...").
    `(?:respond|responding|react|reacting|reply|answer|reagir|repondre|reagit|repond|comment on (?:fait|parle|aborde)|how do (?:i|we|you) (?:react|respond|deal)) (?:\\w+ ){0,2}(?:to |with |a |aux |face a |quand |when |si |if )?(?:un|une|a|an|1|les|des|our|nos|their|leurs) (?:\\w+ )?(?:eleve|eleves|student|students|pupil|pupils|employe|employes|employee|employees|salarie|salaries|customer|customers|client|clients|patient|patients|ado|ados|adolescents?|tenagers?|resident|residents|usager|usagers|jeune|jeunes|member|members|adherent|adherents|joueur|joueurs|player|players|athlete|athletes|caler|calers|apelant|apelants|visitor|visitors|visiteur|visiteurs)(?: (?:qui|who|that|when|quand))?(?: \\w+){0,12}`,
  ].join('|'),
);

/**
 * What a document says (a record, a discharge letter, a form's field): quoted, not told. From
 * there to the end of the sentence ("the discharge letter says I overdosed, but I came in for
 * insomnia", "on m'a inscrit « automutilation » parce que...", "la case « risque suicidaire »").
 */
const DOCUMENT_SAYS = re(
  [
    `(?:record|file|discharge (?:leter|sumary)|notes|report|form|leter|chart) (?:\\w+ ){0,3}(?:says|said|mentions|mentioned|states|reads|shows|lists)`,
    `(?:dosier|compte rendu|courier(?: de sortie)?|fiche de liaison|notice|formulaire|lettre de sortie) (?:\\w+ ){0,3}(?:dit|indique|mentione|porte|est ecrit|il est ecrit|il est marque|marque)`,
    `(?:il est ecrit|il est marque|il y a marque|il y a ecrit|it says)|(?:they|ils) (?:put|wrote|noted|labeled) (?:\\w+ ){0,3}(?:in|on|dans|sur) (?:my|the|his|her|mon|ma|son|sa|le) (?:record|file|notes|chart|dosier)|on m a (?:inscrit|note|marque|diagnostique) (?:\\w+ ){1,3}(?:parce|a cause|dans|sur|alors)`,
    `(?:case|champ|field|rubrique|item|box|checkbox) (?:\\w+ ){0,4}(?:risque|risk|suicid[a-z]*|self harm|automutilation)|(?:risque|risk|suicid[a-z]*|self harm|automutilation) (?:\\w+ ){0,2}(?:case|champ|field|rubrique|item|box|checkbox)`,
  ].join('|'),
);

/** Said as a joke or a figure of speech (and not "ce n'est pas une blague"). */
const JOKE = re(`jk|jking|metaphoricaly|metaphoriquement|au sens figure|figuratively|c est (?:sa|ma|une|leur) blague|(?:his|her|my|our|their) (?:bit|runing joke)|a runing joke|notre blague|it (?:s|is) (?:his|her|my) bit|it (?:s|is) (?:just |only |al )?banter|(?:he|she|il|ele|(?:my|our) (?:\\w+ )?(?:mate|friend|husband|wife|partner|brother|sister|dad|mum|mom|son|daughter|boyfriend|girlfriend|flatmate|colegue)|(?:mon|notre) (?:pote|ami|mari|frere|pere|fils|copain|coloc|colegue)|(?:ma|notre) (?:pote|amie|feme|soeur|mere|file|copine|coloc|colegue)) (?:always |toujours )?(?:jokes|plaisante|blague)|(?:i|we|je|on) (?!(?:ne|n|do not|am not|are not|not|never)\\b)(?:\\w+ )?(?:joke|joking|plaisante|blague|rigole) (?:that|about|que|sur|en disant)|just kiding|je plaisante|c est pour rire|pour rigoler`);
/** A turn inside a sentence: what follows is said for real. */
const TURN = re(`mais|but|sauf que|however|cependant|pourtant|except|this time|cette fois`);
const NOT_A_JOKE = re(`(?:pas|not|no) (?:une |a )?(?:blague|joke|joking|kiding)|je ne plaisante pas|(?:je ne|je|j) rigole pas|not kiding`);

/** A time in the past: "il y a trois ans", "l'an dernier", "en 2019", "quand j'étais ado", "years ago", "I used to". */
const PAST = re(
  [
    `il y a (?:\\w+ ){0,2}(?:ans?|anes?|mois|semaines|jours|longtemps)|depuis (?:\\w+ ){0,2}(?:ans|anes)|(?:\\d+|a few|few|several|two|thre|four|five|six|seven|eight|nine|ten|twelve|fourten) (?:days?|weks?) ago|(?:when|quand|lorsque) (?:\\w+ ){1,2}(?:was|were|est|etait|a ete) (?:admited|admise?|hospitalisee?|brought in|amenee?)`,
    `l an (?:dernier|pase)|l ane (?:derniere|pase)|(?:en|depuis) (?:19|20)\\d\\d|autrefois|a l epoque|quand (?:j etais|il etait|ele etait|on etait)|a l adolescence|adolescente?|plus jeune|dans le pase|par le pase|il y a (?:quelques|plusieurs) (?:ans|anes)`,
    `(?:^|^\\w+ )(?:at|a) (?:1\\d|[2-9]\\d)(?= (?:i|j|je|he|she|il|ele|on|we) )`,
    `la semaine (?:derniere|pasee)|last wek|(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)(?: dernier| soir| matin)?|(?:last|on) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday) night|(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) (?:dernier|soir)|la nuit de (?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)|(?:a|at|on|upon) (?:son|sa|his|her) (?:admission|arivee|arival)|when (?:he|she|they) (?:was|were) (?:admitted|brought in)|quand (?:il|ele) est arivee?|(?:a|lors de) l admission`,
    `(?:en|au mois de|depuis) (?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)(?! prochain)|(?:in|last|since) (?:january|february|march|april|may|june|july|august|september|october|november|december)`,
    `(?:a|vers|at|around) (?:\\d+|douze|treize|quatorze|quinze|seize|dix sept|dix huit|vingt|trente|twelve|thirten|fourten|fiften|sixten|seventen|eighten|nineten|twenty) (?:ans|years old)|(?:during|at|in) (?:university|colege|uni|high schol|midle schol|secondary schol)|pendant (?:la fac|mes etudes)`,
    `au (?:colege|lycee)|a l ecole primaire|(?<!(?:back|is|are|now|be|go|goes|going|gets|started|starts|return|returned|returns) )at schol|in high schol|a (?:\\d+|quinze|seize|dix sept|dix huit|vingt|trente) ans(?= (?:\\w+ ){0,3}(?:(?:il|ele) a|j ai|aujourd ?hui|maintenant))`,
    `quand (?:j avais|il avait|ele avait|on avait)|dans (?:ma|sa|leur) jeunese|dans (?:mon|son) enfance|l (?:hiver|ete|automne|printemps) (?:dernier|pase)|le mois (?:dernier|pase)`,
    `when (?:i|he|she) was (?:\\d+|[a-z]+ years old)|in my youth|as a child|last (?:winter|summer|spring|autumn|month)|`+`(?:years?|months?) ago|last year|in (?:19|20)\\d\\d|as a (?:ten|tenager|child|kid)|when i was (?:young|younger|a ten|a tenager|a kid|a student)|i used to|used to|in the past|back then|a long time ago`,
  ].join('|'),
);

/**
 * A time long enough ago to date an event by itself: years back, a childhood, a year before the
 * last two. A danger told in such a clause, in the past tense, is set aside without a word that
 * it is resolved; what else the message says is judged again ("il y a dix ans j'ai fait une TS,
 * et ce soir j'y repense" keeps its alarm: RELAPSE, and the rest is read).
 */
const DISTANT_PAST = re(
  [
    `autrefois|jadis|il y a (?:des|plusieurs|quelques|bien des|de nombreuses|\\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|quinze|vingt|trente|une dizaine d|une quinzaine d|une vingtaine d) ?(?:\\w+ )?(?:ans|anes)|il y a (?:bien |tres |si )?longtemps|(?:en|vers) (?:19\\d\\d|20[01]\\d|202[0-4])|dans les anes (?:\\d0|soixante|soixante dix|quatre vingt|quatre vingt dix|2000)`,
    `(?:quand|lorsque) (?:j etais|il etait|ele etait|on etait|j avais|il avait|ele avait) (?:\\w+ ){0,2}(?:petite?|jeune|ado|adolescente?|enfant|etudiante?|\\d+ ans)|dans (?:ma|sa|leur|notre) (?:jeunese|adolescence)|dans (?:mon|son|leur) enfance|pendant (?:mes|ses|leurs|son|sa) (?:etudes|adolescence|enfance|jeunese)|dans une (?:ancienne|autre) vie|pendant le (?:confinement|covid)|during (?:the )?(?:lockdown|covid|pandemic)`,
    `(?:\\d+|a few|few|several|many|two|thre|four|five|six|seven|eight|nine|ten|twelve|fiften|twenty|thirty|a couple of) (?:\\w+ )?years? (?:ago|back|earlier)|(?:years|decades|a long time|long) ago|(?:in|back in) (?:19\\d\\d|20[01]\\d|202[0-4])|in the (?:\\d0s|19\\d0s|nineties|eighties|seventies)`,
    // A habit that is over: "my ex used to hit me", "I used to cut" (RELAPSE and ONGOING still keep "...and it started again").
    // A clinical history, and an event named as what came before: "des antécédents de TS", "a
    // history of self-harm", "my past suicidal thoughts", "après ma tentative de suicide, on m'a...".
    `par (?:mon|ma|son|sa) (?:ancien|ancienne|ex) (?:mari|compagnon|conjoint|copain|feme|compagne|conjointe|copine)|(?:de|from|between|entre) (?:19\\d\\d|20[01]\\d|202[0-4]) (?:a|to|et|and) (?:19\\d\\d|20[01]\\d|202[0-4])|pendant toute? (?:mon|ma|son|sa|leur) (?:adolescence|enfance|jeunese)|(?:all through|throughout) (?:my|his|her|their) (?:tens|childhod|youth|twenties)|(?:my|his|her) own (?:suicide atempt|atempt|overdose)|(?:ma|sa) propre (?:tentative|ts)`,
    `(?:des |ses |mes |avec |a des )?antecedents? (?:de|d)|atcd (?:de|d)|(?:a|with a|has a|had a|his|her|their|my|past) history of|(?:mes|ses|leurs|my|his|her|their) past (?:\\w+ )?(?:suicidal|suicide|self harm|atempts?|overdoses?|thoughts)|(?:idees|pensees|tentatives?|ts) (?:\\w+ ){0,2}passee?s|apres (?:ma|mon|sa|son|leur) (?:\\w+ )?(?:tentative|ts|overdose|pasage a l acte)|after (?:my|his|her|their) (?:\\w+ )?(?:suicide atempt|atempt|overdose)|(?:at|during|in) uni|(?:date|datent|remonte|remontent) (?:d avant|a (?:\\w+ ){0,3}(?:ans|anes))|dates? back to|(?<!how )long before|bien avant|(?:my|his|her|a|the) (?:first|previous|former|old) (?:marriage|relationship|partner|husband|wife)|(?:mon|ma|son|sa|un|une|dans une|dans un) (?:premier|premiere|ancien|ancienne|precedent|precedente) (?:mariage|couple|relation)|dans l enfance|in (?:my |his |her )?childhod|when (?:i|he|she) was (?:ten|eleven|twelve|thirten|fourten|fiften|sixten|seventen|eighten|nineten|twenty|thirty)|quand (?:j avais|il avait|ele avait) (?:\\w+ ){1,2}ans`,
    `(?:i|he|she|they|we|it|my \\w+|his \\w+|her \\w+) used to`,
    `when (?:i|he|she|we|they) (?:was|were) (?:young|younger|a ten|a tenager|a kid|a child|a student|at uni|at university|at colege|in colege|\\d+)|(?:in|back in|during) (?:my|his|her|their) (?:youth|tens|twenties|childhod|student days|schol days|university years|colege years)|as a (?:tenager|ten|child|kid)`,
  ].join('|'),
);

/** Resolved since: "il va mieux", "est suivi", "stabilisé", "c'est derrière moi", "is better", "I'm safe now". */
const RESOLVED = re(
  [
    `(?:tout|il|ele|c|son etat|la situation) (?:est|etait) (?:redevenue? )?stable(?! (?:\\w+ )?(?:mais|sauf))|(?:le suivi|tout|ca|les choses) se (?:pase|pasent) bien|`+`(?:things|it|everything|he|she|they|life) (?:have |has |s |is |are )?(?:ben |got |gotten |getting |going )(?:much |a lot |way |so much |far )?(?:beter|wel)(?: since| now)?|(?:has|have) (?:much |greatly )?improved|much improved`,
    `(?:va|vais|vont|alons|alez) (?:beaucoup |bien |)(?:mieux|bien)|(?:est|suis|sont) (?:bien )?(?:suivie?s?|stabilisee?s?|sortie?s? d afaire|guerie?s?|retablie?s?|remise?s?)|stabilisee?|c est derriere (?:moi|nous|lui|ele|eux)|derriere moi|s en est (?:sortie?|remise?)|m en suis (?:sortie?|remise?)|aujourd ?hui (?:je|il|ele|on) (?:va|vais) bien|tout va bien (?:maintenant|aujourd ?hui)|en securite maintenant`,
    `aujourd ?hui (?:je suis|il est|ele est) (?:\\w+ )?(?:bien|mieux|guerie?|heureuse?|stable|stabilisee?|en forme|suivie?|retablie?|pair aidante?|benevole|maman|papa|mariee?)|aujourd ?hui (?:j ai|il a|ele a) (?:un suivi|un travail|un boulot|repris|retrouve|des amis|une famille|un apartement|mon permis)|aujourd ?hui je fais (?:du|de la|des) |(?:je suis|il est|ele est) (?:devenue? )?pair aidante?|(?:a|ont|j ai) porte plainte|(?:j ai|il a|ele a) fait une therapie|a recuperee?|s est remise?|ca va (?:maintenant|aujourd ?hui|mieux|beaucoup mieux)|c est fini`,
    `sortie? de rea|sortie? de reanimation|out of intensive care|out of icu|came back to work|back to work|a repris le travail|sauvee? a temps|saved in time|refait ma vie|je suis partie?|(?:il|ele) est (?:maintenant )?(?:hospitalisee?|en securite|entouree?|suivie?)|(?:is|she s|he s) (?:now )?(?:in hospital|on the ward|an inpatient|admitted|safe)|(?:en securite|safe) (?:dans|in|on) (?:le|the) (?:service|ward)|hospitalisee? et entouree?|pris en charge|prise en charge|calmed down|came home|grounds leave|permision de sortie|a des permisions|has leave|faded|s est estompee?|s est dissipee?|(?:idees?|pensees?|envies?|voix|symptomes?|crises?|angoises?|pulsions?|cauchemars?|tout ca|ca|douleurs?|peurs?|eles) (?:\\w+ ){0,2}(?:a|ont|avait|avaient) (?:\\w+ )?disparue?s?|(?:s est|se sont) calmee?s?|calme depuis|calm (?:since|now)|(?:est|is) calme|rentree?s? (?:a la maison|chez (?:ele|lui|nous|moi)|ensemble)|sommes rentres|back at work|de retour au travail|a repris le travail|(?:is|was) discharged|sortie? d afaire|out of danger|hors de danger|(?:is|was) (?:now )?(?:in prison|in jail|convicted|locked up|sentenced)|(?:est|a ete|sont|ont ete) (?:\\w+ )?(?:en prison|condamnee?s?|incarceree?s?)|no contact since|plus (?:aucun|de) contact|(?:therapy|treatment|the meds|la therapie|le traitement|les soins) (?:\\w+ )?(?:cleared|helped|fixed|worked|a marche|a aide|les a chasees)|(?:elles|ils) sont parties?|(?:they|it) went away|they are gone|(?:est|suis|sont) sevree?s?|(?:is|am|are) (?:clean|sober) now|abstinent|sobre depuis`,
    `c est (?:du pase|loin|regle|termine|fini)|c etait (?:il y a|avant)|(?:se porte|se portent|me porte) (?:tres )?bien|(?:est|suis|sont) en (?:forme|securite|bone sante)|en securite depuis|(?:va|vais|vont) tres bien|(?:aujourd ?hui|maintenant|desormais) (?:ca va|tout va bien|je vais bien|il va bien|ele va bien|je suis bien|je les asume)|on s entend bien|(?:je suis|je me suis) reconstruite?|(?:j en ai|j ai|i am|i m) \\d+ (?:ans )?(?:now|aujourd ?hui|maintenant)|(?:aujourd ?hui|now|today) (?:j en ai|i am) \\d+|(?:je fais|i do|i give|j anime) (?:de la |des )?(?:prevention|prevention talks|temoignages|talks)|tourne la page|rebuilt my life|moved on|je (?:les|l) asume|(?:divorcee?|separee?|sortie?|remise?|stable) depuis|(?:est|suis|sont) soignee?s?`,
    // Stopped for years: "ça fait 4 ans que j'ai arrêté", "c fini depuis longtemps", "I stopped years ago".
    `(?:ca fait|cela fait) (?:\\w+ ){0,2}(?:ans|annees|mois) que (?:j ai|je l ai|il a|ele a|on a) arete|(?:j ai|il a|ele a) arete (?:\\w+ )?(?:depuis|il y a) (?:\\w+ )?(?:ans|annees|longtemps|mois)|c (?:est )?(?:fini|termine) depuis (?:longtemps|des annees|\\w+ ans)|(?:stopped|quit) (?:\\w+ )?(?:years|a long time) ago|(?:have not|havent|haven t) (?:cut|self harmed|hurt myself|done it) (?:in|for) (?:\\w+ )?years`,
    `(?:est|sont|suis) (?:\\w+ )?tiree?s? d afaire|c (?:est )?pase depuis|(?:a|ai|ont) repris (?:le |son |mon |leur )?(?:boulot|taf|travail|job|les cours|l ecole|le lycee)|ca s est (?:arete|termine|fini)|(?:j ai|il a|ele a) (?:repris|retrouve) (?:\\w+ )?gout a la vie|(?:je suis|il est|ele est) (?:\\w+ )?heureuse?(?! de (?:mourir|partir|en finir))|got (?:my|his|her) life back`,
    `(?:je me sens|i fel|i am feling) (?:bien|mieux|beaucoup mieux|wel|beter|much beter|great|fine)|(?:it|that|this) (?:s |has |is )?(?:worked|working) (?:wel|great|fine)|ca (?:a )?(?:bien |tres bien )?marche`,
    `(?:al|everything) (?:god|fine|ok|okay) now|(?:i am|he is|she is|they are|we are) (?:wel|fine|ok|okay|god|great|happy|safe|stable)(?: now)?|(?:that|it) (?:is |s |was )?(?:over|in the past|behind (?:me|us|him|her)|done)|(?:came|come|got|pulled|made it) through|(?:hapy|healthy|thriving) (?:adult|young (?:man|woman)) now|steady (?:life|job)|(?:clean|sober) for|(?:have|has) ben (?:clean|sober|safe|wel|fine|ok|okay|stable)`,
    `(?:j ai|je l ai|i) (?:quite|left) (?:cet homme|ce mec|him|her|mon mari|ma feme|my husband|my wife|my partner|mon compagnon|ma compagne)|(?:it s|it is) over now|we split|split up|(?:i have|i ve|have) ben (?:fine|wel|ok|okay)|ben fine for|pressed charges|went to therapy|`+`(?:is|am|are) (?:much |doing |)(?:beter|wel|fine|stable|safe|recovered)(?: now)?|(?:is|am|are) (?:safe|fine|ok|okay) now|doing (?:much |a lot |so much )?(?:beter|wel|fine|great)|long behind|behind (?:me|us|him|her|them)|got beter|has recovered|recovered|doing (?:wel|fine|great|beter)|(?:is|am) folowed|is folowed`,
  ].join('|'),
);

/**
 * A recent time ("hier soir", "last night", "ce matin"): a danger that recent is still a danger
 * (RELAPSE), unless the message says the person is now in care and safe (SAFE_IN_CARE).
 */
const RECENT_PAST = re(
  `hier(?: soir| matin| apres midi)?|avant hier|yesterday(?: evening| morning| afternoon)?|last night|la nuit derniere|cete nuit|ce matin|this morning|il y a (?:une|deux|trois|quelques|\\d+) (?:heures?|minutes)|(?:an|one|two|thre|a few|\\d+) (?:hours?|minutes) ago|tout a l heure|(?:ce|cet|this) (?:week end|weekend)`,
);

/**
 * Someone else now in care and safe: "il est en sécurité dans le service", "elle est hospitalisée",
 * "les soignants s'en occupent", "he's safe on the ward now", "the staff are looking after her".
 * Said of a third person only: a writer who tells their own attempt of last night keeps the numbers.
 */
const SAFE_IN_CARE = re(
  [
    `(?:il|ele|ils|eles) (?:est|sont) (?:maintenant |desormais |bien |donc )?(?:en securite|hors de danger|hospitalisee?s?|admise?s?|prise? en charge|entre de bones mains|aux urgences|en reanimation|sous surveilance|dans le service|a l hopital)|(?:les soignants|l equipe|les infirmiers|les infirmieres|les medecins|le service) (?:s en ocupent|s ocupent (?:de lui|d ele|d eux|bien)|le surveilent|la surveilent|les surveilent|veilent sur)|en securite (?:maintenant|dans le service|a l hopital)|hors de danger`,
    `(?:he|she|they) (?:is|are|s|re) (?:now )?(?:safe|out of danger|in hospital|in the hospital|on the ward|in god hands|being loked after|being cared for|admitted|under observation)|(?:the staf|the nurses|the doctors|the team|the ward) (?:are|is) (?:\\w+ )?(?:loking after|caring for|taking care of|watching over)|out of danger|safe (?:on|in) the (?:ward|unit|hospital)`,
  ].join('|'),
);

/** An intent still ahead: "il va recommencer", "dès sa sortie", "he'll try again when he gets out". */
const INTENT_AHEAD = re(
  `(?:va|vont|veut|veulent|voulait|alait|compte|(?<!(?:a|avoir|ont|avait|apres) )menace de) (?:\\w+ ){0,2}(?:se|me|nous|le|la|les|recomencer|refaire|tuer|mourir|sauter|fraper)|(?:will|wil|ll|wants to|is going to|going to|plans to|would) (?:\\w+ ){0,2}(?:kil|die|jump|hurt|do it|try|end|hit|beat)|(?:a|des) (?:sa|son) (?:sortie|retour)|(?:when|once|as son as) (?:he|she|they) (?:is |are |gets |get |comes |come )?(?:out|discharged|home|back)|quand (?:il|ele) (?:sortira|rentrera|reviendra)`,
);

/** A first person telling their own act: "j'ai...", "je me suis...", "I took", "I tried". */
const FIRST_PERSON_ACT = re(`(?:je|j) (?:ai|me suis|m ai|suis)|i (?:have |had |just )?(?:tok|tried|atempted|swalowed|cut|overdosed|wanted|was)|i ve`);

/**
 * An incident at work told by staff for what to do about it: a colleague or a patient of the ward
 * in a past tense ("une collègue a été agressée la semaine dernière", "a patient threatened a
 * nurse on our unit"), and a question on how to report it. Not when it goes on, comes back, or the
 * person is missing (ONGOING, NOW_OR_AGAIN).
 */
const WORKPLACE = re(
  `(?:un|une|mon|ma|notre|nos|des|deux|plusieurs|l|le|la|les) (?:\\w+ )?(?:colegues?|infirmiere?s?|ide|aide soignante?s?|soignante?s?|agents?|ash|interne|internes|medecins?|psychiatres?|cadres?|educatrices?|educateurs?|brancardiers?|secretaires?|patients? du service|patientes? du service)|(?:dans|de|a) (?:le |l |notre |mon )?(?:service|unite|pavilon)|(?:a|the|our|my|two|one of our|one of the|another) (?:\\w+ )?(?:coleagues?|nurses?|staf members?|healthcare asistants?|support workers?|orderly|orderlies|porters?|doctors?|psychiatrists?|interns?|residents?|receptionists?)|(?:on|in) (?:the|our|my) (?:ward|unit)`,
);
const REPORT_PROCEDURE = re(
  `signaler|signalement|declarer|declaration|(?:fiche (?:d )?)?(?:evenement|evenements) indesirables?|fei|procedure|protocole|rapport d incident|incident reports?|incident form|report (?:it|this|that|the incident)|(?:who|how) (?:do|should|can) (?:we|i) (?:report|tel|inform|notify)|reporting|the datix|datix|commision des usagers|cdu|representants? des usagers|user representatives?|debriefing|debrief|cellule (?:d )?(?:ecoute|soutien)|soutien (?:psychologique )?(?:pour|a) l equipe|staf support`,
);
/**
 * How to meet an indefinite person in danger: "comment répondre à un patient qui parle de
 * suicide", "que dire à une personne qui a des idées noires", "how should I respond to someone who
 * self-harms". Not "mon patient", "ce patient", nor someone in front of the writer (IN_FRONT_OF_ME).
 */
const HOW_TO_MEET_SOMEONE = re(
  `(?:comment|que|quoi|vers qui|a qui|ou|how|what|where|who) (?:\\w+ ){0,4}(?:repondre|reagir|dire|orienter|acueilir|aider|parler|faire|soutenir|accompagner|respond|react|say|refer|send|welcome|help|talk|handle|support|approach|deal) (?:\\w+ ){0,2}(?:un patient|une patiente|quelqu un|une personne|un usager|une victime|un proche|une proche|someone|somebody|a patient|a person|a victim|a relative|anyone|a visitor|un visiteur|une visiteuse)(?: \\w+)?`,
);
/** Someone there now: "devant moi", "in front of me", "à côté de moi", "on the phone with me". */
const IN_FRONT_OF_ME = re(`devant moi|en face de moi|a cote de moi|au telephone avec moi|in front of me|next to me|on the phone with me|with me now|ici meme`);
/** An act just done or under way: "qui vient d'avaler", "en train de", "who just took", "who is cutting". */
const JUST_DONE = re(`(?:vient|viennent|viens) (?:de|d)|en train|just|(?:is|are) \\w+ing`);
/** A description of the indefinite person is short; a clause that goes on tells more. */
const PRACTICE_WORDS = 16;

/** Yesterday: an incident at work that recent is still told for what to do about it ("ce midi" is not). */
const YESTERDAY = re(`hier|avant hier|yesterday`);
const NOW_OR_AGAIN = re(
  `en ce moment|right now|a l instant|just now|maintenant|now|ce soir|tonight|garde|keeps|cache|hides|de nouveau|a nouveau|again|recomence|started again|fugue|fugueur|a fugue|en fugue|disparue?|introuvable|missing|ran away|absconded|can not find|on ne (?:le|la) trouve plus`,
);

/** A danger back again: no past-and-resolved reading then. */
const RELAPSE = re(
  `(?:vient|viens|viennent) de (?:partir|dire|me dire|m ecrire|m apeler|sortir|quiter|s enfuir|fuguer|disparaitre|m avouer|avouer|m anoncer|me confier|me raconter|m envoyer)|just (?:left|told me|said|ran off|walked out|texted)|il y a (?:cinq|dix|quinze|vingt|trente) minutes|ce matin|cete nuit|this morning|last night|la nuit derniere|il y a (?:une|deux|trois|quelques|\\d+) (?:heures?|minutes)|(?:an|one|two|thre|a few|\\d+) (?:hours?|minutes) ago|tout a l heure|just now|a l instant|recomence|recomencer|rechute|de nouveau|a nouveau|encore une fois|come avant|j y repense|y repense|again|relapse|relapsed|coming back|it is back|back to(?! work| schol| the ward| normal| uni| colege| university| my job| his job| her job)|started again|cette semaine|ce soir|hier|yesterday|tonight|this week|these days|ces jours ci|en ce moment|depuis quelques jours|lately|recently|recemment`,
);

/**
 * Something that goes on since: a past without a word that it is resolved is set aside only when
 * nothing says it still weighs ("depuis je n'arrête pas d'y penser", "it still haunts me").
 */
const ONGOING = re(
  `(?:je|j) (?:ne |n )?(?:\\w+ )?(?:arete|arive|dors|suporte|reve|revis|pense|repense|sens)|toujours|(?<!existe |existent |ouvert |ouverte |valable |lieu )encore(?! (?:ouverte?|disponible|valable|lieu|d actualite))|chaque (?:jour|nuit)|tous les (?:jours|soirs)|depuis (?:ce jour|lors|ca|cette date)|tout le temps|sans aret|j y pense|y pense|stil(?! tabo| a tabo| a secret| hard to talk| run| runs| open| exist| exists| available| valid| on| hapening| going)|every (?:day|night)|al the time|constantly|keep|can not stop|haunts?|since then|ever since|never stoped|never went away|en train de|(?:is|are) (?:\\w+ )?(?:drinking|shouting|screaming|yeling|hiting|threatening|holding|waiting|loking for|coming)`,
);

/** A habit dated in the past by its own sentence: "à l'époque", "back then". */
const HABIT_DATED = re(
  `a l epoque|a cete epoque|en ce temps la|back then|at the time|in those days|in those years|en (?:19\\d\\d|20[01]\\d|202[0-4])|in (?:19\\d\\d|20[01]\\d|202[0-4])|au colege|au lycee|pendant (?:mon|son|mes|ses) (?:adolescence|etudes|ados)|a l adolescence|quand (?:j etais|il etait|ele etait) (?:\\w+ )?(?:petite?|ado|jeune|etudiante?|enfant|gamine?|au colege|au lycee)|in (?:high schol|my tens|my twenties)|^(?:\\w+ )?at schol|when (?:i|he|she) was (?:a )?(?:kid|ten|tenager|student|younger|at schol|in high schol)`,
);

/**
 * A habit ("tous les jours", "every day") dated by a time of the past in its own sentence ("parlait
 * de mourir tous les jours l'hiver dernier"): over, unless another word says it goes on ("still").
 */
const HABIT_WORDS = re(`tous les (?:jours|soirs)|chaque (?:jour|nuit|soir)|every (?:day|night)|al the time|tout le temps`);
const DATED_BY_A_PAST_TIME = re(
  `il y a (?:\\w+ ){0,2}(?:ans|anes|mois)|(?:l|cet|cete|ce) (?:hiver|ete|automne|printemps|an|ane) (?:dernier|derniere|pase|pasee)|(?:en|au mois de) (?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)|(?:last|that) (?:winter|summer|spring|autumn|fall|year)|(?:\\w+ )?(?:years?|months) ago|in (?:january|february|march|april|may|june|july|august|september|october|november|december)`,
);

/** Fiction or reported speech: a film, a book, a song, a character, a quote. */
const REPORTED = re(
  [
    `dans (?:le|la|un|une|ce|cette|les) (?:film|serie|livre|roman|chanson|jeu|piece(?! d a cote| a cote| voisine| du fond)|bd|manga|documentaire|episode|emission)`,
    `(?:une|la|notre|cete|our|a|the) (?:piece|play)(?: de theatre)? (?:ou|dans laquele|qui raconte|where|in which)`,
    // Not "(pris|pris de) l'héroïne": the drug, not a story's heroine.
    `(?<!(?:pris|prend|prendre|de|d|sniffe|injecte) )(?:un|le|une|la|l) (?:personage|heros|heroine|acteur|actrice|chanteur|chanteuse)`,
    `(?:un|le|ce) (?:film|livre|roman|documentaire|manga|jeu video|sketch|sketche|stand up|spectacle) (?:ou|qui|dans lequel|dans lequel)|(?:a|the|this) (?:film|movie|book|novel|series|show|documentary|play|opera|game|sketch|stand up|comedy special|meme) (?:where|in which|that|which)`,
    `in (?:the|a|this|that) (?:film|movie|book|novel|song|show|series|game|play|episode|documentary)`,
    `(?:my|our) (?:favourite|favorite) (?:song|film|movie|bok|novel|show|series|game|band|singer|play)|(?:dans|in) (?:mon|ma|le|la|un|une|my|the|a|this|that) (?:\\w+ )?(?:polar|thriller|roman|jeu|jeu video|video game|game|serie|chanson|song|bok|novel|film|movie|manga|bd|episode|saison|season|chapitre|chapter)|(?:ma|mon|my) (?:chanson|song|film|movie|bok|livre|serie|show|jeu|game) (?:preferee?|prefere|favourite|favorite)|(?:we are|on) (?:studying|etudie) (?:\\w+ ){0,3}(?:at|en|in) (?:drama|theatre|clas|cours)`,
    `(?:l|un|le|la) (?:opera|spectacle|slam|podcast|piece de theatre|cine debat|documentaire)|(?:the|an|a) (?:opera|play|podcast|documentary|musical)`,
    `(?:a|the|one) (?:character|hero|heroine|actor|actres|singer)`,
    `(?:le|un|ce|mon) (?:livre|bouquin|roman|polar|film|manga|podcast|docu|documentaire) (?:que|qu) (?:je|j|on) (?:lis|lit|regarde|ecoute|ai lu|ai vu|viens de (?:lire|voir|finir))|(?:the|a|this) (?:book|novel|film|movie|podcast|documentary|show) (?:i am|i m|i have ben|we are) (?:reading|watching|listening to)`,
    // A role-play in a training: someone played, not someone met ("on a fait un jeu de rôle avec une personne qui voulait se pendre").
    `(?:jeu de role|jeux de role|role play|role played|roleplay|roleplayed|role playing|mise en situation|simulation) (?:\\w+ ){0,6}(?:ou|avec|with|where|in which|dans lequel|dans laquele|of|d)|(?:we|on) (?:\\w+ )?(?:role played|role play|roleplayed|joue le role)`,
    `(?:les paroles|the lyrics|lyrics|come on dit|as they say|the expression|l expression)`,
    `(?:the|a|that|this) (?:\\w+ ){0,2}song|(?:analyse|analyser|analyze|study|studying|etudier|comenter) (?:\\w+ ){0,4}(?:poem|poeme)|(?:poem|poeme) (?:by|de) [a-z]+`,
    // Not "elle parle à la télé", "he talks to the TV": a sign, not a programme.
    `aux infos|in the news|on the news|au journal|dans le journal|(?<!(?:parle|parlent|repond|repondent|crie|crient|hurle|hurlent|talks|talking|talk|shouts|shouting|screams|screaming|answers|answering) )(?:a la tele|on tv)|dans la presse|in the paper`,
    // A title named as such: "la chanson 'Mourir sur scène'", "the film 'Kill Bill'"
    `(?:la|une|cette) serie|(?:the|that|this|a) (?:\\w+ )?(?:series|tv show|show|novel)|scene de suicide|suicide scene|club (?:de )?lecture|book club|film debates?|`+`(?:la chanson|le film|le titre|le livre|le roman|la piece de theatre|l album|the song|the film|the movie|the book|the novel|the album|the title)`,
  ].join('|'),
);

/** A first person anywhere in a clause. */
const FIRST_PERSON_WORD = re(FIRST_PERSON);
/** A first person other than the one who watches, reads or likes the work ("que je regarde", "my favourite song"). */
const FIRST_PERSON_NOT_VIEWING = re(`${FIRST_PERSON} (?!regarde|lis|ai vu|ai lu|watch|watched|read|saw|listen)`);
const VIEWING = re(`(?:que )?(?:je|j) (?:regarde|lis|ai vu|ai lu|ecoute)|(?:i|we) (?:watched|read|saw|am watching|am reading)|(?:my|our) (?:favourite|favorite)|(?:ma|mon) (?:\\w+ )?(?:preferee?|prefere)|it (?:actualy )?helps me|ele me fait du bien|(?:ca|cela|ce qui) (?:m a|m avait|me) (?:\\w+ )?(?:choque|choquee|marque|marquee|boulverse|bouleverse|boulversee|bouleversee|retourne|retournee|fait pleurer|fait peur|hante|hantee|touche|touchee)|(?:it|that|which) (?:realy )?(?:shocked|upset|haunted|moved|scared|got to) me`);

/** A clause that goes on telling the story of a work named in the message ("..., they both die"). */
const STORY_GOES_ON = /^(?:they|he|she|il|ele|ils|eles|le heros|l heroine|the hero|the heroine|the character|le personage|tout le monde|everyone|everybody) /;

/** What a work is about: "ça parle de", "il traite de", "it deals with", "the story is about". */
const WORK_IS_ABOUT = re(
  `(?:ca|cela|il|ele|qui|l histoire|le livre|le film|le bouquin|le roman|la serie|le manga|la bd|le podcast|le documentaire|le docu|le polar|l episode) (?:\\w+ ){0,3}(?:parle|traite|raconte|aborde|evoque) (?:\\w+ ){0,2}(?:de|du|des|d|la|le|l)|(?:it|which|that|the story|the book|the film) (?:deals|talks|is|tells|touches) (?:\\w+ )?(?:with|about|of|on)`,
);

/**
 * A piece of work about a topic: "un mémoire sur", "un reportage sur", "a thesis on", "a piece about".
 * Never "plaquettes vides": a plaquette is a leaflet and a blister pack ("des plaquettes vides partout autour de lui").
 */
const ABOUT_INFORMATION = re(
  [
    `(?:memoire|these|expose|reportage|article|enquete|documentaire|etude|recherche|recherches|module|dosier|campagne|projet|formation|cours|conference|soiree|table ronde|debat|cine debat|exposition|expo|stand|forum|chifres|statistiques|sensibilisation|prevention|grand oral|oral|cas|journee|colloque|atelier|podcast|emision|questionaire|brochures?|plaquetes?(?! (?:vides?|de (?:cachets|comprimes|medicaments|gelules|pilules)))|temoignages?|intervention|travaile|travailer|formee?|former|reperage|flyers?|affiches?|depliants?|posters?) (?:\\w+ ){0,3}(?:sur|autour|concernant|a propos|au sujet|de prevention|contre|au|aux|aupres)|(?:j etudie|etudier|etudie les|etudie le|etudie la)`,
    `(?:self harm|suicide|suicide prevention|domestic violence|automutilation|prevention du suicide|violences conjugales) (?:awarenes|prevention|training|session|seance|workshop|atelier|day|journee|week|semaine|module|talks?|leaflets|brochures|campaign|campagne|conference)`,
    `(?:thesis|disertation|esay|paper|piece|article|report|research|study|project|campaign|presentation|course|evening|event|panel|debate|exhibition|stall|fair|forum|statistics|figures|data|training|awarenes|prevention|working|work|studying|teaching|day|talk|workshop|survey|podcast|leaflets|brochures|speakers?|questionaire|conference|seminar|module|lesson|lecture) (?:\\w+ ){0,3}(?:on|about|into|regarding|concerning|against)|(?:covering|reporting on|writing about|writing on|a story on|a story about)|(?:i study|i am studying|researching|studying)`,
  ].join('|'),
);

/** A clause told of a work longer than this is no longer only the story. */
const STORY_WORDS = 24;

/** A topic longer than this many words is not a topic any more. */
const TOPIC_WORDS = 14;

/** A person in a clause (a pronoun, a possessive, a relative): then it tells of someone, it is not a topic. */
const PERSON = re(
  `${FIRST_PERSON}|il|ele|ils|eles|lui|leur|sa|son|ses|ma|mon|mes|ta|ton|tes|he|she|they|him|her|his|their|them|your|you|tu|te|toi|vous`,
);

/** Who asks about information: a student, a journalist, a professional preparing a piece. */
const INFORMATION_ASKER = re(
  `(?:for|pour) (?:my|mon|ma|our|notre|un|une|a|an) (?:\\w+ ){0,2}(?:clas|course|lecture|homework|asignment|esay|thesis|disertation|exam|cours|devoir|expose|memoire|these|partiel)|^(?:teams )?(?:\\w+ )?(?:asistante? sociale|infirmiere?|interne|psychologue|educatrice?|educateur|medecin|psychiatre|aide soignante?|cadre de sante|ide|social worker|nurse|psychologist|psychiatrist|doctor|resident|healthcare asistant|psychology student|etudiante? en \\w+)|(?:je suis|j suis|chui|en tant qu|en tant que|i am a|i am an|as a|as an) (?:\\w+ )?(?:healthcare asistant|care worker|benevole|volunteer|infirmiere?|interne|pompier|psychologue|educatrice?|educateur|enseignante?|prof|professeure?|formatrice?|formateur|medecin|psychiatre|aide soignante?|asistante? sociale|policiere?|gendarme|urgentiste|chercheuse|chercheur|firefighter|paramedic|nurse|teacher|trainer|psychologist|doctor|resident|social worker|police oficer|researcher|gp)|(?:firefighter|paramedic|nurse|teacher|trainer|psychologist|doctor|social worker|researcher) here|en staf|en reunion (?:clinique|d equipe|de service)|aux transmisions|(?:nos|mes|plusieurs|des|de nos|de mes) patients|(?:my|our|one of my|one of our|several) patients|formation|me former|etre formee?|animateur|animatrice|training|be trained|facilitator|etudiante?|eleve|journaliste|chercheur|chercheuse|infirmiere? en formation|doctorante?|lyce[a-z]*|professeure?|enseignante?|formateur|formatrice|student|journalist|researcher|reporter|teacher|trainer|nursing student|i teach|j enseigne|je forme des|we train|i train|(?:en|in) (?:bts|ifsi|licence|master|nursing schol|med schol|fac de medecine)|(?:for|pour) (?:my|mon|ma) (?:\\w+ )?(?:class|course|homework|exam|cours|devoir|exposé|expose|partiel|examen|classe|memoire|these|thesis|disertation|master|licence)`,
);

/** What a question is for, said in the sentence after it ("... ? C'est pour un exposé."): a question asked for a piece of work. */
const PURPOSE_OF_ASKING = re(
  `(?:for|pour) (?:my|mon|ma|our|notre|un|une|a|an) (?:\\w+ ){0,2}(?:clas|course|lecture|homework|asignment|esay|thesis|disertation|exam|cours|devoir|expose|memoire|these|partiel)|(?:c est|it is|this is|its) (?:\\w+ )?(?:pour|for) (?:un|une|mon|ma|my|a|our|notre) (?:\\w+ )?(?:expose|memoire|these|cours|module|devoir|dosier|projet|thesis|esay|asignment|project|presentation|clas|course|article|reportage)`,
);

/** A danger named as a topic: a noun after a determiner or a preposition, never after "ma" / "my". */
const DANGER_AS_TOPIC = re(
  `(?:le|les|la|l|du|des|de|d|au|aux|sur|pour|on|about|of|and|et|the|to|in|into|with|is|are|est|module|clas|session|seance|topo|affiches?|covering|cover|covers|report on)(?: \\w+)? (?:suicidal crisis|suicidal crises|ts|risque suicidaire|risques suicidaires|suicide|suicides|tentatives? de suicide|automutilation|scarifications?|self harm|violences?(?: conjugales| domestiques| intrafamiliales)?|domestic violence|overdoses?|idees noires|idees suicidaires|personnes suicidaires|suicide atempts?|suicide prevention|prevention du suicide|crises? suicidaires?|pasages? a l acte|suicidal (?:patients|people|thoughts))`,
);

/** Someone close who has, does or wants something ("ma fille a des idées suicidaires"): a person's danger, not a topic. */
const SOMEONE_HAS = re(
  `(?:ma|mon|mes(?! patients| usagers| eleves| residents| clients)|sa|son|ses|notre|nos(?! patients| usagers| eleves| residents| clients)|leur|my|his|her|our(?! patients| clients| users)|their|il|ele|he|she|they|ils|eles) (?:\\w+ ){0,4}(?:a|ont|avait|has|have|had|fait|is|are|was|pense|thinks|veut|wants|parle|talks|keps|continue)`,
);

/** The asker's own act or wish ("j'ai fait une TS", "I attempted", "my suicide"): not a topic. */
const OWN_ACT = re(
  `(?:j ai|je|i have|i|i ve) (?:\\w+ )?(?:fait|tente|refait|atempted|tried|made)|(?:ma|mon|my) (?:\\w+ )?(?:ts|tentative|suicide|atempt|overdose)|(?:je|i) (?:veux|vais|want|am going|wil)`,
);

/**
 * A question about a right around a treatment: information, consent, refusal, confidentiality,
 * a second opinion, access to one's file. Not a request for medical advice.
 */
const RIGHTS = re(
  [
    `(?:le|les|mes|ses|nos|quels|quels sont les|quels sont mes) droits?|(?:ai je|j ai|a t on|avons nous|ont ils|a t il|a t ele|est ce que j ai|on a|il a|ele a) le droit|droit (?:de|d|a|au)`,
    `peut on (?:m|nous|lui|le|la) (?:imposer|obliger|forcer)|(?:peut|peuvent|can they|can you|can the doctors?) (?:\\w+ ){0,2}(?:forcer|obliger|force|make) (?:moi|lui|eux|me|him|her|us)(?![a-z])|(?:peut|peuvent|on peut|ont ils le droit de|can they|can you|can the doctors?) (?:\\w+ ){0,2}(?:me|m|nous|le|la|lui|him|her) (?:forcer|obliger|imposer|force|make)|(?:sans|avec) (?:mon|son|leur|votre) (?:consentement|acord)|consentement|confidentialite|confidentiel|confidentiele|secret (?:medical|profesionel)|recours|deuxieme avis|second avis|aces a (?:mon|son) dossier`,
    `(?:my|his|her|our|their) rights|(?:the|a|my|his|her|our|their) right to|(?:is it|do i have|have i got) (?:\\w+ )?right|(?:am i|are we|is he|is she) (?:alowed|entitled)|can they (?:force|make)|without (?:my|his|her|their) (?:consent|agreement|permision)|consent|confidential|confidentiality|second opinion|access (?:to )?(?:my|his|her) (?:medical )?(?:file|record|records)`,
    // Who may be told: "le médecin peut-il parler de mon traitement à ma mère ?", "ce que je dis sera répété à mon psy ?", "can the doctor tell my parents what I take?"
    `(?:peut|peuvent|va|vont|a t il le droit de|ont ils le droit de|est ce qu (?:il|ils|ele|eles|on) (?:peut|peuvent|va|vont))(?: t)?(?: il| ils| ele| eles| on)? (?:\\w+ ){0,2}(?:parler|dire|repeter|raconter|transmetre|comuniquer|devoiler|informer|prevenir|montrer)(?: \\w+){0,6} (?:a|aux) (?:mon|ma|mes|son|sa|ses|leur|leurs|votre|vos|l|la|le|les) ?(?:parents?|mere|pere|maman|papa|famile|feme|mari|conjointe?|compagnon|compagne|enfants?|employeur|patron|psychiatre|psy|medecin|docteur|generaliste|ecole|entourage|proches?)`,
    `(?:repete|repetee?s?|dit|dite?s?|transmise?s?|raconte|comuniquee?s?|note|notee?s?) (?:\\w+ ){0,2}(?:a|aux|dans) (?:mon|ma|mes|son|sa|ses|l|le|la|les) ?(?:psychiatre|psy|medecin|docteur|equipe|soignants|famile|parents|dosier)`,
    `(?:can|could|will|would|may|do|does|is|are|wil) (?:\\w+ ){0,3}(?:tel|inform|share|disclose|pas on|repeat|report|show)(?: \\w+){0,5} (?:to |with )?(?:my|his|her|their|the|our) (?:parents?|mother|mum|mom|father|dad|family|wife|husband|partner|employer|boss|psychiatrist|doctor|gp|school|relatives)`,
    // Taking part while on a treatment: "je suis sous lithium, ça pose problème pour être bénévole ?", "I take neuroleptics, can I still come to the group?"
    `(?:pose|poser|posera|pose t il|pose t ele) (?:un )?(?:probleme|soucis?) (?:\\w+ ){0,2}pour (?:etre|devenir|venir|participer|faire|aler|m inscrire)|(?:peux|puis|pourais|pourai|pouvons|peut) (?:je|on|il|ele|nous) (?:quand meme|toujours|encore|malgre tout|malgre ca) (?:venir|participer|faire|etre|devenir|m inscrire|aler|rejoindre)|compatible (?:avec|pour) (?:le |les |la |l )?(?:benevolat|groupes?|ateliers?|mdu|permanences?)|can (?:i|he|she|we) still (?:come|join|volunteer|attend|participate|go|take part)|(?:stop|prevent|bar) (?:me|him|her) (?:from )?(?:coming|joining|volunteering|attending|participating|taking part)`,
    // Who decides, pays or may know: "qui décide de mon traitement sous contrainte ?", "can my employer find out I'm on antidepressants?"
    `qui (?:decide|choisit|paie|paye|rembourse|prescrit|a aces)|who (?:decides|chooses|pays|can se|has aces)|(?:peut|peuvent|pourait|pouraient|va|vont) (?:\\w+ ){0,2}(?:savoir|apprendre|decouvrir|etre au courant|etre informee?)|find out|se prononcer sur|(?:interdite?s?|autorisee?s?|permise?s?) (?:dans|a|au|en)|(?:alowed|forbiden|baned|permited) (?:in|at|on)|change (?:my |of )?psychiatrist|changer de (?:psychiatre|psy|medecin)`,
    // Where a diagnosis is made, not what it is: "je cherche un endroit pour faire diagnostiquer mon fils, c'est chez vous ?"
    `(?:un endroit|un lieu|un service|a place|somewhere|where|ou) (?:\\w+ ){0,3}(?:faire )?(?:diagnostiquer|diagnostic|diagnose|diagnosed|diagnosis|evaluer|evaluation|asesed|asesment)|(?:c est|est ce) (?:chez vous|a la mdu|ici) (?:qu on|que|qu)(?: \\w+){0,4} (?:diagnosti[a-z]*|evalu[a-z]*)|(?:is the mdu|is it) (?:where|the place)`,
    // Practical questions around medicines (bringing them to a group, a pill box, expired ones, a
    // pharmacy, a bill, generics and reimbursement, a copy of the leaflet), and a treatment one
    // does not mean to stop, or imposed and discussed with a judge: no advice asked.
    `(?:apport[a-z]*|ramen[a-z]*|amen[a-z]*|emport[a-z]*|transport[a-z]*|rang[a-z]*|bring|carry|keep|store|jeter|throw away|dispose|rapport[a-z]*|take back|recuper[a-z]*|collect|pick up) (?:\\w+ ){0,3}(?:medicaments|medocs|traitement|treatment|tablets|pils|medication|medicines|meds|boite|ordonances?|prescriptions?)|(?:ordonances?|prescriptions?) (?:\\w+ ){0,2}(?:traduite|translated)|(?:casiers?|lockers?|administratif|paperwork|covered|prise en charge|boite a pilules|pilulier|pill (?:box|organiser|organizer)|perimes?|expired|(?:generiques?|generics?) (?:\\w+ ){0,4}(?:obligatoires?|mandatory|required)|rembourse[a-z]*|reimburs[a-z]*|facture|invoice|bil for|notice|leaflet for|pharmacie (?:de l hopital|est ele ouverte|ouverte)|hospital pharmacy)`,
    // Refusing a treatment is a right (consent), not advice: "on veut me mettre sous X, je peux refuser ?", "can I say no?",
    // and who may be told what one takes: "if my mum calls, can they tell her what I'm taking?"
    `(?:je peux|puis je|peux je|est ce que je peux|on peut|peut on|il peut|ele peut|peut il|peut ele|a t il le droit de|a t ele le droit de|ai je le droit de|j ai le droit de) (?:le |la |les |l )?(?:refuser(?! (?:de|d) (?:prendre|avaler|le prendre|la prendre|les prendre))|dire non)|(?:can|could|may) (?:i|we|he|she|they|my \w+) (?:\w+ )?(?:refuse|say no|decline|turn (?:it|them) down)|(?:tel|tels|inform) (?:her|him|them) what (?:i|he|she) (?:am |is |m )?(?:taking|on|take|takes|get|gets)`,
    `(?:je ne compte pas|je ne vais pas|je ne veux pas|i am not planing to|i am not going to|i do not want to|i do not plan to) (?:\\w+ ){0,2}(?:arreter|stop|changer|change)|(?:traitement|treatment|injection) (?:\\w+ ){0,2}(?:impose|imposee|force|forced)|son mot a dire|have a say|(?:can|could) (?:i|we|he|she) (?:join|come to|atend|go on|take part)|(?:je peux|puis je|peux je|est ce que je peux) (?:venir|participer|m inscrire|rejoindre)`,
    // What the MDU does, when it opens, whom a group accepts, whether a peer gives advice: questions about the place, not advice.
    `(?:at|a la|to the|chez) (?:the )?(?:mdu|maison des usagers)|(?:vous fermez|vous ouvrez|ouvert|ouverte|horaires?|a quele heure (?:vous|ca|c est|la|le)|opening hours|are you open|when do you (?:open|close))|acepte[a-z]* (?:les |des )?(?:gens|persones|people|members|patients) (?:\\w+ ){0,4}(?:traitement|treatment|medicaments|medication|sous)|(?:faut|must|have to) (?:il )?(?:etre|be) (?:gueri|guerie|cured)|(?:il|ele|ils|eles|le pair aidant|les pairs aidants|the per|per helpers?|they|he|she) (?:va|vont|peut|peuvent|can|wil|would|does|do) (?:\\w+ ){0,2}(?:donner|give) (?:des |me |moi )*(?:conseils|advice)`,
    // What the MDU or its people do ("la MDU peut faire un diagnostic ?", "can the people at the users' house tell me if my dose is right?"),
    // a question said not to be about the treatment ("ma question c'est pas le traitement", "je ne cherche pas un traitement", "not asking you"),
    // what a doctor must tell ("le médecin doit-il m'informer des effets secondaires ?"), and wishes written in advance ("écrire à l'avance quels médicaments je refuse").
    `(?:la|the) (?:mdu|maison des usagers|users house|users s house) (?:\\w+ ){0,3}(?:peut|peuvent|fait|font|donne|donnent|propose|can|could|does|do|give|gives|offer|offers|tel)|(?:people|volunteers|benevoles|gens) (?:at|of|de|a) (?:the |la )?(?:mdu|maison des usagers|users house)|(?:something|quelque chose) (?:they|qu ils|qu on) (?:do|fait|font) (?:there|la bas)`,
    `(?:ma question|ma demande|my question)(?: ce)? (?:n est|c est|is) (?:pas|not) (?:\\w+ ){0,2}(?:traitement|medicaments?|treatment|medication|medical)|(?:je ne cherche|je cherche|je ne demande|je demande) (?:pas|ni) (?:\\w+ ){0,2}(?:traitement|avis medical|conseil medical|medicaments?)|not (?:asking|after|looking for) (?:you|medical|for medical|treatment|advice)|(?:pas|not) (?:une question|a question) (?:\\w+ ){0,2}(?:medicale|de traitement|medical|about treatment)|question de droits?`,
    `(?:doit|doivent|est oblige de|sont obliges de|must|has to|have to|is obliged to|obliged to) (?:\\w+ ){0,2}(?:m informer|me prevenir|m expliquer|nous informer|l informer|le prevenir|inform me|tel me|explain to me|warn me)|(?:ecrire|rediger|noter|write|put) (?:\\w+ ){0,2}(?:a l avance|in advance|by advance)|directives anticipees|advance directives?|plan de crise|crisis plan`,
    // Meeting people, joining a group, what a group talks about, consent needed, how a treatment was handled (a complaint):
    // "mon fils est sous neuroleptiques, comment rencontrer d'autres parents ?", "they want to change my medication, do they need my agreement?"
    `(?:empeche|empecher|empechera|stop me from|prevent me from|stops me from|prevents me from) (?:\\w+ ){0,2}(?:devenir|etre|venir|participer|m inscrire|becoming|being|joining|volunteering|coming)|(?:efface|efacer|supprime|supprimer|erase|erased|delete|deleted) (?:\\w+ ){0,3}(?:messages|conversation|chat|donees|data|historique|history)|(?:garde|conserve|keps?|stores?) (?:\\w+ ){0,2}(?:mes |my )?(?:messages|conversations?|donees|data)|(?:est il|est ele|sont ils|is it|are they) (?:\\w+ ){0,2}(?:pris en charge|rembourse|rembursee?s?|reimbursed|covered)|a 100 ?(?:%|pour cent)? (?:\\w+ ){0,2}ald|(?:douane|customs)|(?:papier|attestation|letre|letter|certificat|certificate) (?:\\w+ ){0,2}(?:pour|for) (?:la douane|l avion|voyager|customs|the plane|travel|flying)|(?:dans|in) (?:mon|son|sa|my|his|her) (?:medical )?(?:dosier|record|file)|(?:copie|copy) (?:\\w+ ){0,3}(?:dosier|record|file)|(?:any|the) right to (?:know|se|aces|be told|refuse)|(?:se retablir|retablisement|guerir|s en sortir|recovery|recover|get beter) (?:\\w+ ){0,3}(?:avec|with|from|of) (?:une |la |un |le |a |the )?(?:schizophrenie|bipolarite|depresion|maladie psychique|trouble|troubles|schizophrenia|bipolar|depresion|mental ilnes|psychosis|psychose)|(?:mettre|met|metent|metez) en (?:contact|relation) avec (?:\\w+ ){0,2}(?:gens|persones|autres|parents|familes|pairs|benevoles|usagers)|put (?:me|us|him|her) in touch with (?:\\w+ ){0,2}(?:people|others|other|parents|families|pers|volunteers)|(?:rencontrer|meet|meting|rejoindre|join|parler avec|talk to|talking to|talk with|echanger avec) (?:\\w+ ){0,3}(?:parents|familles|families|autres|others|other|pers?|pairs?|pair aidante?s?|per helpers?|benevoles|volunteers|asociations?|groupes?|groups?|mediateur|mediator)|(?:dans|in|at) (?:un|le|les|a|the) (?:groupe|group|atelier|workshop|gem|permanence)|(?:need|ned|besoin de|faut il) (?:\\w+ )?(?:my|mon|ma|leur|his|her|son|sa) (?:agreement|acord|consent|consentement|permision|autorisation)|(?:how|la facon dont|comment) (?:\\w+ ){0,2}(?:treatment|traitement) (?:was|a ete) (?:handled|managed|gere|mene)|(?:does|do|is|can) (?:the )?(?:mdu|maison des usagers|users house)`,
    // The trusted person, a complaint, whether peers meddle with a treatment (seventh session, batch u2).
    `(?:stop|prevent|bar|empecher) (?:\\w+ )?(?:me|him|her|de) (?:from )?(?:leaving|partir|sortir)|prescription history|historique (?:de mes |des )?ordonances|(?:oublie|perdu|lost|forgot|left) (?:\\w+ ){0,2}(?:boite|medicaments|pils|medication|ordonance)|pas de (?:mes|ses) (?:medicaments|traitement)|personne de confiance|trusted person|(?:me plaindre|porter plainte|faire une reclamation|complain|make a complaint|file a complaint)|(?:se melent|se meler|interfere|meddle) (?:\\w+ ){0,2}(?:de son|de mon|with (?:his|my|her))`,
    // Consent given and taken back, a treatment imposed: "si j'ai dit oui à un traitement, je peux changer d'avis ?", "on peut me l'imposer ?"
    `(?:dit oui|donne mon acord|acepte|consenti) (?:\\w+ ){0,4}(?:changer d avis|revenir sur|retirer)|(?:changer d avis|retirer mon (?:acord|consentement)|withdraw my consent|change my mind)|(?:peut|peuvent|pouvez) (?:\\w+ ){0,2}(?:me|m|lui|nous) l (?:imposer|obliger)|(?:can|could) (?:they|the doctors?|the staf) (?:\\w+ ){0,2}(?:impose|force) (?:it|this|that|them) on (?:me|him|her)`,
    // Meeting an association, a place near the MDU, a permanence's day, chatting with a peer (ninth session, batch s14).
    `(?:rencontrer|meet|voir|contacter|joindre|contact) (?:l |the )?(?:unafam|argos|france depresion|schizo oui|fnapsy|un gem|the gem|le gem)|(?:pres de|near|close to|next to|a cote de) (?:la |the )?(?:mdu|maison des usagers)|permanences? (?:\\w+ ){0,6}(?:quel jour|quels jours|quand|a quele heure|what day|what days|when)|(?:chat|discuter) (?:\\w+ ){0,2}(?:with|avec) (?:a |an |un |une )?(?:per|pair)`,
    // Reading one's record, telling one's recovery (tenth session, batch s17): "un patient sous clozapine veut consulter son dossier", "un groupe où témoigner de mon rétablissement ?"
    `(?:consulter|lire|voir|aceder a|obtenir|recuperer|demander|avoir aces a) (?:\\w+ ){0,2}(?:mon|son|sa|leur|le|notre|votre) dosier|(?:se|read|aces|get|request|view) (?:\\w+ ){0,2}(?:my|his|her|their|the) (?:medical )?(?:records?|file|notes)|(?:temoigner|share my story|tel my story|share my experience) (?:\\w+ ){0,3}(?:retablisement|parcours|recovery|journey|experience)`,
    // The role of someone else: "les pairs aidants donnent des conseils sur les médocs ou c'est pas leur rôle ?"
    `(?:c est|est ce|ce n est|ce serait) (?:pas |bien |aussi )?(?:leur|son|votre|ton) (?:role|travail|boulot|metier|mission)|(?:is it|is that|it is not|isn t it) (?:\\w+ )?(?:their|his|her|your) (?:role|job|place)`,
  ].join('|'),
);

/** A request for advice inside a rights question ("dois-je", "combien", "should I"): the medical verdict stands. */
const ADVICE = re(
  `a quele heure (?:prendre|je prends|dois je|faut il)|pause|suspendre|interompre|c est bien|est ce bien|is it ok|is that ok|is it fine|is it god|what time (?:should|to take|do i take)|together|ensemble|en meme temps|at the same time|mix|mixing|melanger|avec (?:de l |l )?alcol|with (?:alcohol|alcol|drinks)|dois je|devrais je|faut il que je|est ce que je dois|je dois (?:arreter|prendre|changer|augmenter|baiser|diminuer|reduire)|combien (?:de|d)|quele dose|quel dosage|quel medicament (?:prendre|choisir)|(?<!who |where |whom |which |who else )should i|how much|how many|(?:me|moi|m) (?:doner|donez|dire) (?:un |votre |son |leur |ton )?(?:avis|opinion) (?:sur|on|about) (?:mon|ma|mes) (?:traitement|medicaments?|dose)|(?:give me|tel me) (?:your |an |some )?(?:opinion|advice) (?:on|about) (?:my) (?:treatment|medication|meds|dose|pils)|(?:can|could|may) i (?:switch|change|stop|increase|decrease|lower|double|skip) (?:from|to|my|the|it|them|dose|doses)|(?:est ce que je peux|puis je|je peux) (?:passer de|changer(?! d avis)|arreter|augmenter|diminuer|baiser|doubler|sauter)|which (?:drug|medication|medicine) (?:should|is best)|which \\w+ (?:is best|is beter|should|to take)|(?:is )?best for me|le meilleur pour moi|la meilleure pour moi|quel \\w+ (?:est le meilleur|prendre|choisir)|(?:je veux|je vais|j ai envie d|je compte|i want to|i m going to|i am going to|i plan to|i wana) (?:\\w+ )?(?:arreter|stop|quit|change|changer|baiser|reduce|reduire|diminuer|sevrer)|what dose|is it safe to|risque|risquee?|dangereux|dangereuse|risky|dangerous|safe to`,
);

/**
 * Clauses: punctuation, a new line, "mais" / "but" / "sauf que", or a capital letter after a
 * small letter (a new sentence without its full stop: "je pense à la mort En 2015 j'ai...") ends one.
 */
function clauses(text: string): string[] {
  return text.split(CLAUSE_END).filter((c) => c.trim() !== '');
}

/**
 * Where a clause ends. A capital ends one only on a word that starts sentences: a title inside a
 * sentence ("l'opéra Madame Butterfly se termine par...") is not a new clause.
 */
const CLAUSE_END =
  /[.;!?:,\n()]+|\s(?:[Mm]ais|[Bb]ut|sauf que|[Hh]owever|cependant|pourtant)\s|(?<=[a-zà-ÿ0-9'"»”])\s+(?=(?:Je|J['’]|Il|Elle|Ils|Elles|On|Nous|Vous|En|Depuis|Hier|Aujourd|Maintenant|Mais|Et|Quand|Comment|Pourquoi|Est|C['’]|Ça|Ca|Mon|Ma|Mes|Ce|My|We|He|She|They|It|Now|But|And|When|How|What|Today|Yesterday|Since|Is|Are|Can|Do)\b)/u;

/**
 * Whether the message tells an explicit present danger: a first person now, a method, a time (see
 * PRESENT_DANGER), or an overdose told in the first person that no sentence dates in the past.
 * No context reading and no net sets such a message aside.
 */
export function holdsPresentDanger(text: string, normalise: (text: string) => string): boolean {
  const whole = normalise(text);
  return whole !== '' && (test(PRESENT_DANGER, whole) || tellsOverdoseNow(sentencesOf(text).map((sentence) => normalise(sentence))));
}

/** An overdose told in the first person in one of the sentences, which neither it nor the next dates in the past. */
function tellsOverdoseNow(sentenceTexts: readonly string[]): boolean {
  return sentenceTexts.some((here, i) => {
    if (!test(TOLD_OVERDOSE, here)) return false;
    const next = sentenceTexts[i + 1] ?? '';
    const dated = test(DISTANT_PAST, here) || test(PAST, here) || datingOf(next) !== undefined;
    return !dated || test(RELAPSE, here);
  });
}

/**
 * Reads the context of a message. `normalise` is the screen's normalisation (same spelling table).
 */
export function readContext(message: string, normalise: (text: string) => string): ContextReading {
  const none: ContextReading = { remaining: normalise(message), kinds: [] };
  // A title in quotation marks is the name of a work, whatever words it holds; a danger laughed
  // off before an ordinary question is a joke.
  const titles = titlesSetAside(message);
  const text = laughedOffSetAside(titles, normalise);
  const titled = titles !== message;
  const laughed = text !== titles;
  const whole = normalise(text);
  if (none.remaining === '' || test(PRESENT_DANGER, whole)) return none;
  const sentenceList = sentencesOf(text);
  const sentenceTexts = sentenceList.map((sentence) => normalise(sentence));
  if (tellsOverdoseNow(sentenceTexts)) return none;
  const kinds = new Set<ContextKind>([...(titled ? (['reported'] as const) : []), ...(laughed ? (['negated'] as const) : [])]);
  // A danger of last night told with the person now in care and safe ("hospitalisé hier soir après
  // avoir menacé de se tuer ; il est en sécurité dans le service"): a recent past, not a danger back.
  const recentInCare = test(SAFE_IN_CARE, whole) && !test(FIRST_PERSON_ACT, whole) && !test(INTENT_AHEAD, whole) && !test(RELAPSE, whole.replace(RECENT_PAST, ' '));
  const relapse = test(RELAPSE, whole) && !recentInCare;
  const reportQuestion = test(REPORT_PROCEDURE, whole);
  const nowInMessage = relapse || test(NOW_OR_AGAIN, whole) || test(IN_FRONT_OF_ME, whole) || test(JUST_DONE, whole);
  // A past is read as past in its own sentence: resolved there or at the opening of the sentence
  // right after it ("Il va mieux."), and nothing there says it still goes on. Another sentence's "I'm stable
  // now" says nothing of this one's danger.
  const sentences = sentenceList.map((sentence, i) => ({ sentence, normalised: sentenceTexts[i]! }));
  const parts = sentences.map(({ sentence, normalised: here }, i): string[] => {
    const next = sentences[i + 1]?.normalised ?? '';
    // Said as a joke in this sentence ("...; c'est sa blague à chaque visite"): the sentence is set aside.
    // Not when the sentence turns ("il plaisante qu'il va sauter, mais ce soir il m'a dit adieu"): what follows is not the joke.
    if (test(JOKE, here) && !test(NOT_A_JOKE, whole) && !test(TURN, here)) {
      kinds.add('negated');
      return ['#'];
    }
    // An incident at work told by staff to ask how to report it: the incident is the subject of the question.
    if (reportQuestion && test(WORKPLACE, here) && test(PAST_TENSE, here) && (test(PAST, here) || test(DISTANT_PAST, here) || test(YESTERDAY, here)) && !test(ONGOING, here) && !test(NOW_OR_AGAIN, here) && !test(INTENT_AHEAD, here) && !test(PRESENT_FIRST_PERSON, here)) {
      kinds.add('about_information');
      return ['#'];
    }
    // A sentence that tells a work and no one's own life ("Dans le film « ... », un élève se suicide."): the story.
    if (test(REPORTED, here) && here.split(' ').length <= STORY_WORDS && !test(FIRST_PERSON_NOT_VIEWING, here.replace(VIEWING, ' '))) {
      kinds.add('reported');
      return ['#'];
    }
    // What a document says: from there to the end of the sentence.
    const quoted = firstIndex(DOCUMENT_SAYS, here);
    if (quoted >= 0 && !test(RELAPSE, here.slice(quoted))) {
      kinds.add('reported');
      return [here.slice(0, quoted), '#'];
    }
    // "every day" is a habit of that past when the sentence or the next dates it ("je pensais à la mort tous les jours à l'époque", "...every single day. That was 2016.").
    // The time the sentence after gives this one ("C'était en 2017.", "L'agression a eu lieu en 2014.", "Ça remonte à 2009.").
    const datedByNext = datingOf(next);
    const habitOnlyDated = test(DATED_BY_A_PAST_TIME, here) && !test(ONGOING, here.replace(HABIT_WORDS, ' '));
    const ongoing = relapse || (test(ONGOING, here) && !test(HABIT_DATED, here) && !habitOnlyDated && datedByNext === undefined);
    // Resolved here, or at the opening of the sentence after ("Il va mieux.", "Elle va beaucoup mieux
    // maintenant et..."), or anywhere in a sentence after that dates this one ("C'était il y a deux semaines, il est calme depuis.").
    const nextOpening = next.split(' ').slice(0, NEXT_OPENING_WORDS).join(' ');
    // Not when the sentence after tells its own past first ("J'ai été hospitalisé en 2015, tout va bien depuis."): its resolution is of that.
    // Not when the sentence after opens on another person ("... il a fait une TS l'an dernier. Ma sœur
    // est suivie dans un service..."): its resolution is that person's.
    const resolvedNext = opensOnAnotherPerson(next, here) ? -1 : firstIndex(RESOLVED, nextOpening);
    const ownPast = Math.min(...[firstIndex(PAST, next), firstIndex(DISTANT_PAST, next)].map((i) => (i < 0 ? Infinity : i)));
    // Dated by the sentence after, resolved in it or at the opening of the one after that ("... C'était en 2017. Il va beaucoup mieux.").
    const afterDating = datedByNext === undefined ? '' : (sentences[i + 2]?.normalised ?? '').split(' ').slice(0, NEXT_OPENING_WORDS).join(' ');
    const resolved = !ongoing && (test(RESOLVED, here) || (recentInCare && (test(SAFE_IN_CARE, here) || test(SAFE_IN_CARE, nextOpening))) || (resolvedNext >= 0 && !(ownPast < resolvedNext && datedByNext === undefined)) || (datedByNext !== undefined && (test(RESOLVED, next) || test(RESOLVED, afterDating))));
    // A work named in this sentence or the one before: what it is about; the story it tells goes on only in this one.
    const work = { here: test(REPORTED, here), near: test(REPORTED, here) || (i > 0 && test(REPORTED, sentences[i - 1]!.normalised)) };
    // Who asks (a student, a member of staff) is said in this sentence or the one before; or the
    // sentence after says what an impersonal question is for ("... ? C'est pour un exposé.").
    const asker = test(INFORMATION_ASKER, here) || (i > 0 && test(INFORMATION_ASKER, sentences[i - 1]!.normalised)) || (test(PURPOSE_OF_ASKING, next) && !test(FIRST_PERSON_WORD, here));
    return withTimesAttached(clauses(sentence), normalise).map((clause) => readClause(datedByNext ? `${clause} ${datedByNext}` : clause, resolved, !ongoing, work, asker));
  });
  if (kinds.size === 0) return none;
  return { remaining: parts.flat().join(' ').replace(/ +/g, ' ').trim(), kinds: [...kinds], remainingSentences: parts.map((p) => p.join(' ').replace(/ +/g, ' ').trim()) };

  function readClause(clause: string, resolved: boolean, distantPast: boolean, work: { here: boolean; near: boolean }, asker: boolean): string {
    let c = normalise(clause);
    if (c === '') return c;
    const negated = c.replace(NEGATED, ' # ');
    if (negated !== c) {
      kinds.add('negated');
      c = negated;
    }
    const mourned = c.replace(BEREAVED, ' # ').replace(OVER_FOR_GOOD, ' # ');
    if (mourned !== c) {
      kinds.add('past_resolved');
      c = mourned;
    }
    const cases = c.replace(AS_A_CASE, ' # ');
    if (cases !== c) {
      kinds.add('about_information');
      c = cases;
    }
    if ((resolved ? test(PAST, c) || test(DISTANT_PAST, c) : distantPast && test(DISTANT_PAST, c)) && !test(PRESENT_FIRST_PERSON, c.replace(AMBIGUOUS_TENSE, ' '))) {
      kinds.add('past_resolved');
      return pastSetAside(c);
    }
    // Last night's danger, the person in care and safe now: the clause told in a past tense is that past.
    if (resolved && recentInCare && test(PAST_TENSE, c) && !test(PRESENT_FIRST_PERSON, c.replace(AMBIGUOUS_TENSE, ' '))) {
      kinds.add('past_resolved');
      return '#';
    }
    // Resolved, and told in the imperfect, a state of the past ("mon ex me menaçait de mort, | il
    // est en prison depuis deux ans"): the clause is the past.
    if (resolved && test(IMPERFECT, c) && !test(PRESENT_FIRST_PERSON, c.replace(AMBIGUOUS_TENSE, ' '))) {
      kinds.add('past_resolved');
      return '#';
    }
    // Fiction or a quote: the clause, when it holds no first person but "que je regarde / lis".
    if (test(REPORTED, c) && c.split(' ').length <= STORY_WORDS && !test(FIRST_PERSON_NOT_VIEWING, c.replace(VIEWING, ' '))) {
      kinds.add('reported');
      return '#';
    }
    // What a work named elsewhere in the message is about ("... Le Fils, | ça parle de suicide").
    if ((work.near && test(WORK_IS_ABOUT, c)) || (work.here && STORY_GOES_ON.test(c) && !test(FIRST_PERSON_WORD, c))) {
      kinds.add('reported');
      return '#';
    }
    // A piece of work about the topic: from the work's name to the end of the clause, when no first person is in that part.
    const at = firstIndex(ABOUT_INFORMATION, c);
    if (at >= 0) {
      // The topic is a noun phrase: a few words, up to the first person named after it ("un exposé
      // sur l'automutilation chez les ados | pour mon master"); what follows is judged again.
      const after = c.slice(at).split(' ');
      const person = after.findIndex((w, i) => i > 0 && test(PERSON, w));
      const topic = person < 0 ? after : after.slice(0, person);
      if (topic.length <= TOPIC_WORDS) {
        kinds.add('about_information');
        return `${c.slice(0, at)} # ${person < 0 ? '' : after.slice(person).join(' ')}`.trim();
      }
    }
    // How to meet someone in danger, asked as a practice ("comment réagir face à quelqu'un qui se
    // scarifie ?", "where do I refer someone who threatens to kill themselves?"): an indefinite
    // person, not someone met now; the few words that describe them are the topic.
    const practice = firstIndex(HOW_TO_MEET_SOMEONE, c);
    if (practice >= 0 && !nowInMessage) {
      const after = c.slice(practice).split(' ');
      if (after.length <= PRACTICE_WORDS) {
        kinds.add('about_information');
        return `${c.slice(0, practice)} #`.trim();
      }
    }
    // An asker of information (a student, a journalist, a member of staff): a danger named as a
    // topic ("des tentatives de suicide", "the suicide module", "sur l'automutilation") is the
    // subject of the question, unless the clause tells the asker's own danger.
    if (asker && !test(PRESENT_FIRST_PERSON, c) && !test(OWN_ACT, c) && !test(SOMEONE_HAS, c)) {
      const topics = c.replace(DANGER_AS_TOPIC, ' # ');
      if (topics !== c) {
        kinds.add('about_information');
        return topics;
      }
    }
    return c;
  }
}

/**
 * A short span in quotation marks named as a work: after a word that names or uses one ("la
 * chanson", "le film", "s'appelle", "je lis", "we're rehearsing", "Nirvana's") or before its
 * author ("« Mourir d'aimer » d'Aznavour"). Not after a verb of saying or writing: "il m'a dit
 * « je vais te tuer »" is a threat reported, not a title. Replaced by a neutral word.
 */
function titlesSetAside(text: string): string {
  return text.replace(QUOTED, (span, offset: number) => {
    if (span.split(/\s+/).length > TITLE_WORDS + 1) return span;
    const before = text.slice(Math.max(0, offset - 40), offset);
    const after = text.slice(offset + span.length, offset + span.length + 30);
    if (LYRICS_SAY.test(before)) return ' oeuvre ';
    if (SAID_BEFORE.test(before)) return span;
    return WORK_BEFORE.test(before) || AUTHOR_AFTER.test(after) || NAMED_AS_A_WORK_AFTER.test(after) ? ' oeuvre ' : span;
  });
}

/**
 * The opening of a message laughed off ("lol", "mdr", "😂") and left for an ordinary question
 * ("jvais tuer mon frère il a mangé mes chocolats 😂 sinon c'est où la permanence ?", "si je rate
 * encore le bus je me pends lol, non sérieux le 62 s'arrête où ?"): a joke, replaced by a neutral
 * word. Never an intent against oneself or an overdose told ("je vais me tuer lol, vous êtes
 * ouverts ?", "took all my pills lol, anyway are you open?"), nor "ce n'est pas une blague".
 */
function laughedOffSetAside(text: string, normalise: (text: string) => string): string {
  const m = LAUGHED_OFF.exec(text);
  if (!m) return text;
  const span = normalise(m[1] ?? m[2]!);
  if (test(SELF_DANGER_NOW, span) || tellsOverdoseNow([span]) || test(PILLS, span) || test(NOT_A_JOKE, normalise(text))) return text;
  return ` rire ${text.slice(m[0].length)}`;
}

/** The opening sentence, then laughter, then a turn to something else ("bref", "sinon", "non sérieux", "anyway"). */
const LAUGHED_OFF =
  /^(?:\s*(?:lol|lmao|lmfao|mdr+|ptdr+|xptdr+|haha+)\b[\s,!]*([^?.!\n…]{3,200}?)[.!…]*|([^?.!\n…]{3,200}?)(?:\s*(?:\b(?:lol|lmao|lmfao|rofl|mdr+|ptdr+|xptdr+|xd|jk|haha+|hihi+)\b|[😂🤣😅😆😹😄]))+)[\s,.;:!…-]*(?:bref|sinon|anyway|separate question|other question|serious question|on another note|autre question|question s[ée]rieuse|non s[ée]rieux|non s[ée]rieusement|plus s[ée]rieusement|s[ée]rieusement|rien à voir|rien a voir|au fait|btw|but seriously|seriously though|en vrai|bon)\b/iu;

/** Pills, a box, a bottle: an overdose is never laughed off ("took all my pills lol, anyway are you open?"). */
const PILLS = re(`pils|tablets|meds|medication|medicines|cachets|comprimes|medocs|medicaments|boite|boites|box|plaquetes?|blisters?|botle|flacon|gelules|pilules|cp`);

/** An intent against oneself, said now: never laughed off. */
const SELF_DANGER_NOW = re(
  `(?:je|j) (?:vais|vai|veux|veut|compte|vas) (?:\\w+ ){0,2}(?:me tuer|me suicider|mourir|en finir|me pendre|me jeter|sauter|me faire du mal|me couper|me scarifier|me foutre en l air)|(?:j ai|g) (?:\\w+ )?envie de (?:mourir|crever|en finir|me tuer|disparaitre)|i (?:am going to|am gona|want to|wana|wil|plan to) (?:\\w+ ){0,2}(?:kil myself|die|end it|hang myself|jump|hurt myself|cut)|kms|kil myself`,
);

/** A title is a few words. */
const TITLE_WORDS = 9;
const QUOTED = /«[^»\n]{1,80}»|"[^"\n]{1,80}"|“[^”\n]{1,80}”|(?<!\p{L})'(?:[^'\n]|(?<=\p{L})'(?=\p{L})){1,60}'(?!\p{L})/gu;
const WORK_BEFORE =
  /(?:chanson|titre|morceau|album|single|tube|g[eé]n[eé]rique|jingle|bande originale|soundtrack|film|livre|roman|po[eè]me|pi[eè]ce|s[eé]rie|spectacle|op[eé]ra|th[eè]me|song|movie|book|novel|track|poem|play|series|show|theme|musical|s['’]appelle|appel[eé]e?|intitul[eé]e?|called|named|titled|entitled|\blis|relis|regarde|regard[eé]|\bvu|[eé]coute|[eé]cout[eé]|chante|chanter|chantons|r[eé]p[eè]te|r[eé]p[eé]tons|joue|jouer|jouons|read|reading|watch|watched|watching|listen to|listening to|\bsing|singing|rehears\w*|playing|perform\w*|obsessed with|obs[eé]d[eé]e? par|fan de|fan of|\p{Lu}[\p{L}*]*['’]s)\s*[,:]?\s*$/iu;
const AUTHOR_AFTER = /^\s*(?:de|d['’]|by|from)\s*\p{Lu}/u;
/**
 * A title said to be one right after it ("'Suicide Is Painless' is the theme from M*A*S*H"), or
 * named so in apposition ("« Suicide Is Painless », le générique de M*A*S*H").
 */
const NAMED_AS_A_WORK_AFTER = /^\s*(?:(?:,|\s[-–—])?\s*(?:is|was|c['’]est|est|[eé]tait)\s+|(?:,|\s?[-–—])\s*)(?:the|a|an|le|la|un|une)\s+(?:\p{L}+\s+)?(?:song|theme|title|track|film|movie|book|novel|poem|chanson|titre|livre|roman|po[eè]me|g[eé]n[eé]rique|morceau)\b(?!\s+(?:de ma vie|de mon existence|of my life))/iu;
/** What a song's words say ("le refrain dit « j'ai envie de mourir »"): the song, not a person. */
const LYRICS_SAY =
  /(?:(?:refrain|couplet|paroles|chorus|lyrics|chanson|song|morceau|verse)\s+(?:qui\s+)?(?:dit|disent|r[eé]p[eè]te|says|say|go|goes)|(?:chanson|song|refrain|chorus|lyrics|paroles|morceau|track|rap|po[eè]me|poem)\b[^.?!"«“]{0,30}\b(?:line|lines|ligne|phrase|vers|words|mots))\W*$/iu;
const SAID_BEFORE = /(?:dit|dire|dis|cri[eé]|hurl[eé]|[eé]crit|envoy[eé]|r[eé]p[eé]t[eé]|said|says|say|told|tells|wrote|writes|yelled|shouted|texted|sms|texto|message)\W*$/iu;

/** A sentence opening on a relative named by a possessive ("ma sœur", "my brother"). */
const PERSON_OPENING =
  /^(?:\w+ )?(?:mon|ma|mes|notre|nos|son|sa|ses|my|our|his|her) (?:\w+ )?(pere|mere|papa|maman|mari|feme|copain|copine|frere|soeur|fils|file|fils|oncle|tante|cousine?|grand pere|grand mere|amie?|voisine?|colegue|father|mother|dad|mum|mom|husband|wife|partner|boyfriend|girlfriend|brother|sister|son|daughter|uncle|aunt|cousin|grandfather|grandmother|friend|neighbour|neighbor|colleague)\b/;

/** Whether `next` opens on a relative that `here` does not name: another person's sentence. */
function opensOnAnotherPerson(next: string, here: string): boolean {
  const m = PERSON_OPENING.exec(next);
  return m !== null && !new RegExp(`\\b${m[1]}\\b`).test(here);
}

/** The first words of the next sentence, where a resolution still speaks of this one ("Elle va beaucoup mieux maintenant et ..."). */
const NEXT_OPENING_WORDS = 12;

/** A sentence that dates the one before it: "C'était il y a deux semaines.", "That was ten days ago." */
const NEXT_DATES_THIS = /^(?:c etait|ca s est pase|c est arive|that was|it was|this was|this hapened|that hapened|la derniere fois(?: que| qu)?(?: \w+){0,4} c etait|the last time(?: \w+){0,4} was)\s/;

/**
 * The time in the past a sentence gives the one before it, if it is one that dates it: "C'était
 * il y a deux semaines.", "L'agression a eu lieu en 2014.", "Les faits datent de 2021.", "Ça
 * remonte à 2009.", "It happened in 2017.", or tells it ended then ("Je l'ai quitté en 2016.",
 * "The school closed in 2001."). A short sentence, and nothing in it says it is back.
 */
function datingOf(next: string): string | undefined {
  if (NEXT_DATES_THIS.test(next)) {
    const time = firstMatch(PAST, next) ?? firstMatch(DISTANT_PAST, next);
    if (time) return time[0];
  }
  // Its verb of dating or ending opens it: "Back in 2012 I cut myself...; I stopped after therapy" tells its own event.
  const verb = firstIndex(DATES_OR_ENDS, next);
  if (next.split(' ').length > DATING_WORDS || verb < 0 || next.slice(0, verb).split(' ').length > DATING_VERB_WORDS || test(RELAPSE, next)) return undefined;
  const time = firstMatch(DISTANT_PAST, next) ?? firstMatch(PAST, next);
  if (time) return time[0];
  const year = firstMatch(BARE_YEAR, next);
  return year ? `en ${year[0]}` : undefined;
}

/** A sentence that dates a sentence is short. */
const DATING_WORDS = 14;

/** Words before its verb of dating or ending: "Tout cela a cessé...", "L'agression a eu lieu...". */
const DATING_VERB_WORDS = 5;

/** What a dating sentence says: when it happened, or that it ended. */
const DATES_OR_ENDS = re(
  `^(?:c etait|c t|ct|ca s est pase|c est arive|ca remonte|ca date|that was|it was|this was|it hapened|this hapened|that hapened|it took place)|(?:a eu lieu|ont eu lieu|took place|hapened|remonte|remontent|datent|date de|date d|dates back)|(?:est parti|est partie|sont partis|l ai quite|a cese|ont cese|s est arete|se sont aretes|closed|ended|stoped|left him|left her|moved out|divorce)`,
);

/** A year before the last two, alone ("au printemps 2017", "c t en 2008"). */
const BARE_YEAR = re(`(?:19\\d\\d|20[01]\\d|202[0-4])`);

/** Sentences: a full stop, a question or exclamation mark, a new line. */
function sentencesOf(text: string): string[] {
  return text.split(/[.!?\n…]+/).filter((s) => s.trim() !== '');
}

/**
 * A clause that is only a time ("..., il y a six ans ;", "..., years ago.") dates the clause before
 * it, or the one after it when it opens the sentence ("Il y a dix ans, j'ai..."): the two are read as one.
 */
function withTimesAttached(parts: string[], normalise: (text: string) => string): string[] {
  const joined: string[] = [];
  let opening: string | null = null;
  for (const part of parts) {
    const clause = normalise(part);
    const time = firstMatch(PAST, clause) ?? firstMatch(DISTANT_PAST, clause);
    // Only a time: at most one word beside it ("c'était il y a six ans").
    const onlyTime = time !== null && clause.replace(NEXT_DATES_THIS, '').split(' ').length - time[0].split(' ').length <= 1;
    if (onlyTime && joined.length > 0) joined[joined.length - 1] += ` ${part}`;
    // A time opening the sentence dates the clause after it ("Il y a dix ans, | j'ai avalé...").
    else if (onlyTime && joined.length === 0 && opening === null) opening = part;
    else {
      joined.push(opening === null ? part : `${opening} ${part}`);
      opening = null;
    }
  }
  if (opening !== null) joined.push(opening);
  return joined;
}

/** Words before a time in the past that still belong to the event it dates ("mon frère a fait une TS | l'an dernier"). */
const EVENT_WORDS = 10;

/**
 * The part of a clause told in the past, blanked: from a time at its start ("il y a dix ans
 * j'avais..."), the clause from there on; from a time at its end ("... l'an dernier"), the few
 * words before it too. A clause that runs on past either reading (two sentences without a full
 * stop) keeps its other part: "il ne répond plus depuis trois jours ... il y a dix ans j'avais..."
 */
function pastSetAside(clause: string): string {
  const words = clause.split(' ');
  // The earlier of the two times ("after my suicide attempt | in March | I was put in seclusion").
  const past = firstMatch(PAST, clause);
  const distant = firstMatch(DISTANT_PAST, clause);
  const m = past && distant ? (distant.index < past.index ? distant : past) : (past ?? distant);
  if (!m) return clause;
  const start = clause.slice(0, m.index).split(' ').filter((w) => w !== '').length;
  const end = start + m[0].split(' ').length;
  if (start <= 2) return '#';
  const before = words.slice(Math.max(0, start - EVENT_WORDS), start).join(' ');
  if (words.length - end <= 3) return `${words.slice(0, Math.max(0, start - EVENT_WORDS)).join(' ')} #`.trim();
  // A time in the middle: the words before it are its event when told in the past ("i took too
  // many pills | a long time ago | and came through it"), else another sentence run on.
  // The time as the verb of its event ("ma TS | date d'avant mes enfants"), or as its complement
  // ("mes idées noires | d'il y a quelques années", "my dark thoughts | from years ago"): the words before are the event.
  const complement = /(?:^| )(?:d|de|du|from|of)$/.test(words.slice(0, start).join(' '));
  if (test(PAST_TENSE, before) || DATING_VERB.test(m[0]) || complement) {
    // What follows goes on telling the same event ("... en 2016 | après avoir trop bu et pris des cachets").
    const after = words.slice(end).join(' ');
    return [...words.slice(0, Math.max(0, start - EVENT_WORDS)), '#', ...(EVENT_GOES_ON.test(after) ? [] : words.slice(end))].join(' ').trim();
  }
  return `${words.slice(0, start).join(' ')} #`.trim();
}

/** A time told by a verb of dating: "date d'avant", "remonte à", "dates back to". */
const DATING_VERB = /^(?:date|datent|remonte|remontent|dates?) /;

/** Words after a time that go on telling the event it dates: "après avoir...", "after drinking...", "pendant...". */
const EVENT_GOES_ON = /^(?:(?:night|evening|morning|afternoon|soir|matin|nuit|aprem) )?(?:apres|after|avant|before|pendant|during|a cause|because of|suite a|following) /;

/** A verb in a past tense, as normalised: "j'ai", "avait", "était", "took", "cut herself"... */
const PAST_TENSE = re(
  `(?:a|ont) (?:\\w+ )?(?:avale|pris|fait|tente|essaye|bu|vecu|subi|eu|ete|voulu|menace|frape|batu)|(?:j|il|ele|ele|on|ils|eles|eles|tu|nous|vous) (?:a|ai|as|ont|avons|avez|avait|avais|avaient|etait|etais|etaient)|ete|[a-z]{2,}(?:ait|ais|aient)|[a-z]{3,}ed|tok|had|was|were|did|made|got|wrote|went|came|fel|ran|drank|swalowed|overdosed|cut (?:himself|herself|myself|themselves)`,
);

/** The French imperfect of a verb, or years of it, a state or habit of the past ("me menaçait", "frappait", "threatened me for years"); not the conditional ("ce serait plus simple si je n'étais plus là"). */
const IMPERFECT = re(`(?!(?:se|au|voud|pou|fau|dev|fe|i|vaud|sau|viend|tiend|ve|prefere|aime|souhaite)ra(?:it|ient)(?![a-z]))[a-z]{2,}(?:ait|aient)|(?:je|j|tu) (?:ne |n )?(?:me |m |te |t )?(?![a-z]*rais(?![a-z]))[a-z]{2,}ais(?![a-z])|for years|for a long time|for ages|pendant longtemps|pendant (?:des|\\w+) (?:anes|ans)`);

/** Whether a question is about a right around a treatment, with no request for advice in it. */
export function isRightsQuestion(normalised: string): boolean {
  return test(RIGHTS, normalised) && !test(ADVICE, normalised);
}

function test(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  const found = pattern.test(text);
  pattern.lastIndex = 0;
  return found;
}

function firstMatch(pattern: RegExp, text: string): RegExpExecArray | null {
  pattern.lastIndex = 0;
  const m = pattern.exec(text);
  pattern.lastIndex = 0;
  return m;
}

function firstIndex(pattern: RegExp, text: string): number {
  pattern.lastIndex = 0;
  const m = pattern.exec(text);
  pattern.lastIndex = 0;
  return m ? m.index : -1;
}
