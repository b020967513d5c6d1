/**
 * The rule floor, checked by construction rather than by example lines: every subject with every
 * way of telling a harm done now (self-harm in the present, someone beating or strangling someone
 * now), in French and English, is a crisis; the everyday uses of the same verbs are not. Grids
 * written in the twelfth session found holes no read line had shown: "elle se coupe", "mon fils se
 * brûle", "he bites himself", "my dad is hitting me", "my husband is strangling me" were not crises.
 */
import { expect } from 'chai';
import { SafetyScreen } from '../../safety/SafetyScreen.js';
import { LEXICON_DIR } from './corpus.js';

const screen = SafetyScreen.fromDirectory(LEXICON_DIR);

/** Every combination of the parts, joined by spaces. */
function grid(...parts: readonly (readonly string[])[]): string[] {
  return parts.reduce<string[]>((lines, part) => lines.flatMap((line) => part.map((p) => `${line} ${p}`.trim())), ['']);
}

/** Each line is a crisis (the numbers first). */
function expectCrises(lines: readonly string[]): void {
  for (const line of lines) expect(screen.assess(line).kind, line).to.equal('crisis');
}

/** No line raises the crisis alarm (nor is declined as medical). */
function expectNoAlarm(lines: readonly string[]): void {
  for (const line of lines) expect(screen.assess(line).kind, line).to.be.oneOf(['none', 'help_info']);
}

const TAILS_FR = ['', 'en ce moment, je fais quoi ?', 'depuis quelques jours, que faire ?'];
const TAILS_EN = ['', 'every night, what do I do?', 'right now, please help'];

describe('safety screen: the rule floor by construction', () => {
  it('self-harm told in the present, whoever does it, is a crisis (French)', () => {
    const lines = [
      ...grid(['je me'], ['coupe', 'scarifie', 'brûle', 'frappe', 'mutile'], TAILS_FR),
      ...grid(['il se', 'elle se', 'mon fils se', 'ma fille se', 'mon frère se'], ['coupe', 'scarifie', 'brûle', 'frappe', 'mutile', 'taillade les bras', 'cogne la tête contre le mur'], TAILS_FR),
    ];
    expectCrises(lines);
  });

  it('self-harm told in the present, whoever does it, is a crisis (English)', () => {
    const lines = [
      ...grid(['I'], ['cut', 'burn', 'hit', 'scratch', 'hurt', 'bite', 'punch'], ['myself'], TAILS_EN),
      ...grid(['he', 'my son', 'my brother'], ['cuts', 'burns', 'hits', 'scratches', 'hurts', 'bites', 'punches', 'is cutting', 'is burning'], ['himself'], TAILS_EN),
      ...grid(['she', 'my daughter'], ['cuts', 'burns', 'scratches', 'bites', 'is hurting'], ['herself'], TAILS_EN),
    ];
    expectCrises(lines);
  });

  it('someone beating, strangling or threatening someone now is a crisis (French and English)', () => {
    const lines = [
      ...grid(['mon mari', 'mon père', 'mon copain', 'mon fils', 'mon voisin'], ['me frappe', 'me bat', 'me tabasse', 'frappe ma mère', 'frappe les enfants', "m'étrangle", 'me menace avec un couteau'], ['', 'là maintenant, aidez-moi']),
      ...grid(['my husband', 'my dad', 'my boyfriend', 'my son', 'my neighbour'], ['hits me', 'is hitting me', 'beats me', 'is beating my mum', 'is strangling me', 'is punching my sister', 'hits the kids', 'threatens me with a knife'], ['', 'right now', ', please help']),
    ];
    expectCrises(lines);
  });

  it('a danger told as past, dated and resolved, before an ordinary question, is not an alarm (French and English)', () => {
    // Twelfth session: 183 of 1,120 such lines alarmed (a habit dated by a season or a month, "things have been better since").
    const lines = [
      ...grid(
        ['Mon frère a fait une tentative de suicide', "Mon frère s'est scarifié", 'Mon frère a avalé une boîte de cachets', 'Ma fille parlait de mourir tous les jours', 'Ma fille a voulu se jeter par la fenêtre'],
        ['en mars.', "l'hiver dernier.", 'il y a deux ans.'],
        ["Aujourd'hui ça va bien.", 'Tout va mieux depuis.', 'Le suivi se passe bien et tout est stable maintenant.'],
        ['Existe-t-il un groupe pour les familles ?'],
      ),
      ...grid(
        ['My brother attempted suicide', 'My brother cut himself badly', 'My brother swallowed a box of pills', 'My daughter talked about dying every day', 'My daughter tried to jump from a bridge'],
        ['in March.', 'last winter.', 'two years ago.'],
        ['Things have been better since.', 'Everything is fine now.', 'Life has been much better since.'],
        ['How can I volunteer at the MDU?'],
      ),
    ];
    expectNoAlarm(lines);
    // What goes on, or comes back, is not a past.
    expectCrises([
      "Il y a deux mois j'ai commencé à me scarifier tous les jours, je n'arrive pas à arrêter",
      "Mon frère parle de mourir tous les jours depuis l'hiver dernier",
      "Last winter I thought about dying every day, and now it's back, tonight I want to die",
      'My brother attempted suicide last winter. Things were better, but since yesterday he talks about it again.',
    ]);
  });

  it('staff telling an incident at work to ask how to report it is not an alarm (French and English)', () => {
    // Thirteenth session: 33 of these 90 lines alarmed ("un infirmier a été frappé par un patient la semaine dernière. À qui le signaler ?").
    const lines = [
      ...grid(
        ['Une collègue a été agressée', 'Un infirmier a été frappé par un patient', 'Un patient a menacé une aide-soignante avec un couteau', 'Une patiente a fait une tentative de suicide dans le service'],
        ['la semaine dernière.', 'lundi dernier.'],
        ['À qui faut-il le signaler ?', 'Comment déclarer un événement indésirable ?'],
      ),
      ...grid(
        ['A colleague was assaulted on the ward', 'A nurse was punched by a patient', 'A patient threatened a nurse with a knife', 'A patient attempted suicide on our unit'],
        ['last week.', 'last Monday.'],
        ['Who do we report it to?', 'What is the procedure for an incident report?'],
      ),
    ];
    expectNoAlarm(lines);
    // Still going on, back again, or the person missing: a danger.
    expectCrises([
      'Un patient a menacé une infirmière avec un couteau, il est toujours dans le couloir. Comment faire un signalement ?',
      "Un patient du service a fugué après avoir dit qu'il allait se pendre. À qui le signaler ?",
      'A patient on our unit attempted suicide last week and tonight he is trying again. Who do we report it to?',
    ]);
  });

  it('a danger of last night, the person now in care and safe, before a question is not an alarm (French and English)', () => {
    // Thirteenth session: 45 of 72 such lines alarmed ("hier soir" read as a danger back again).
    const lines = [
      ...grid(
        ['Mon fils a été hospitalisé hier soir après avoir menacé de se tuer.', "Ma mère a été admise aux urgences après une overdose.", "Ma fille a été hospitalisée après s'être scarifiée."],
        ['Il est en sécurité maintenant dans le service.', "Les soignants s'en occupent et c'est calme maintenant."],
        ['Quels sont ses droits ?', 'Peut-on lui rendre visite ?'],
      ),
      ...grid(
        ['My son was admitted last night after threatening to kill himself.', 'My brother was sectioned after threatening us.', 'My daughter was admitted after cutting herself.'],
        ['He is safe on the ward now.', 'The staff are looking after them and things are calm now.'],
        ['What are his rights?', 'Can we visit?'],
      ),
    ];
    expectNoAlarm(lines);
    // The writer's own act of last night, or an intent still ahead: a danger.
    expectCrises([
      "J'ai avalé tous mes cachets hier soir, je suis aux urgences, ils disent que je suis hors de danger. Quels sont mes droits ?",
      "Mon fils a été hospitalisé hier soir, il est en sécurité, mais il dit qu'il va se tuer dès sa sortie.",
      'My brother was admitted last night after an overdose. He is safe now, but he says he will try again when he gets out.',
    ]);
  });

  it('how to meet someone in danger, asked as a practice, is not an alarm; someone there now is (French and English)', () => {
    // Thirteenth session: 19 of 40 such lines alarmed ("Je suis infirmière, comment réagir face à quelqu'un qui se scarifie ?").
    const lines = [
      ...grid(['Je suis infirmière,', 'En tant que bénévole,', "Je travaille à l'accueil,"], ['comment répondre à un patient qui parle de suicide ?', "comment réagir face à quelqu'un qui se scarifie ?", "vers qui orienter quelqu'un qui menace de se tuer ?", 'que dire à une personne qui a des idées noires ?']),
      ...grid(['I am a nurse,', 'As a volunteer,', 'I work at the front desk,'], ['how should I respond to a patient who talks about suicide?', 'what do I say to someone with dark thoughts?', 'where do I refer someone who threatens to kill themselves?']),
    ];
    expectNoAlarm(lines);
    expectCrises([
      "comment aider quelqu'un qui vient d'avaler toute sa boîte de cachets ?",
      "Il y a quelqu'un devant moi qui dit qu'il va se tuer, comment réagir ?",
      'how do I help someone who is cutting himself right now',
      'what do I say to my daughter who wants to kill herself?',
    ]);
    // Hurt doing something else is not self-harm.
    expectNoAlarm(['I cut myself peeling vegetables at the cooking workshop, is there a first aid kit at the MDU?', 'I burnt myself with the soldering iron at the workshop, when does it start again?']);
  });

  it('an evening about a danger is not an alarm', () => {
    expectNoAlarm([
      'Notre association organise une soirée sur les violences conjugales. Qui pourrais-je interroger ?',
      'Our association is holding an evening on domestic violence. Who could I interview?',
    ]);
  });

  it('the same verbs in their everyday uses are not', () => {
    expectNoAlarm([
      'mon fils se coupe les cheveux tout seul maintenant, il peut venir à l’atelier ?',
      'ma mère se brûle souvent avec la poêle, elle a des troubles de mémoire, qui peut nous aider ?',
      'elle se coupe du monde depuis son hospitalisation, il existe des groupes de familles ?',
      'I hit myself on the door this morning lol, is the MDU open?',
      'my dad is beating my mum at scrabble again, any board game afternoons at the MDU?',
      'my son is hitting the books for his exams, can he still come to the group?',
      'the kids are beating the high score on the arcade game, is the games room open?',
    ]);
  });
});
