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

const TAILS_FR = ['', 'en ce moment, je fais quoi ?', 'depuis quelques jours, que faire ?'];
const TAILS_EN = ['', 'every night, what do I do?', 'right now, please help'];

describe('safety screen: the rule floor by construction', () => {
  it('self-harm told in the present, whoever does it, is a crisis (French)', () => {
    const lines = [
      ...grid(['je me'], ['coupe', 'scarifie', 'brûle', 'frappe', 'mutile'], TAILS_FR),
      ...grid(['il se', 'elle se', 'mon fils se', 'ma fille se', 'mon frère se'], ['coupe', 'scarifie', 'brûle', 'frappe', 'mutile', 'taillade les bras', 'cogne la tête contre le mur'], TAILS_FR),
    ];
    for (const line of lines) expect(screen.assess(line).kind, line).to.equal('crisis');
  });

  it('self-harm told in the present, whoever does it, is a crisis (English)', () => {
    const lines = [
      ...grid(['I'], ['cut', 'burn', 'hit', 'scratch', 'hurt', 'bite', 'punch'], ['myself'], TAILS_EN),
      ...grid(['he', 'my son', 'my brother'], ['cuts', 'burns', 'hits', 'scratches', 'hurts', 'bites', 'punches', 'is cutting', 'is burning'], ['himself'], TAILS_EN),
      ...grid(['she', 'my daughter'], ['cuts', 'burns', 'scratches', 'bites', 'is hurting'], ['herself'], TAILS_EN),
    ];
    for (const line of lines) expect(screen.assess(line).kind, line).to.equal('crisis');
  });

  it('someone beating, strangling or threatening someone now is a crisis (French and English)', () => {
    const lines = [
      ...grid(['mon mari', 'mon père', 'mon copain', 'mon fils', 'mon voisin'], ['me frappe', 'me bat', 'me tabasse', 'frappe ma mère', 'frappe les enfants', "m'étrangle", 'me menace avec un couteau'], ['', 'là maintenant, aidez-moi']),
      ...grid(['my husband', 'my dad', 'my boyfriend', 'my son', 'my neighbour'], ['hits me', 'is hitting me', 'beats me', 'is beating my mum', 'is strangling me', 'is punching my sister', 'hits the kids', 'threatens me with a knife'], ['', 'right now', ', please help']),
    ];
    for (const line of lines) expect(screen.assess(line).kind, line).to.equal('crisis');
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
    for (const line of lines) expect(screen.assess(line).kind, line).to.be.oneOf(['none', 'help_info']);
    // What goes on, or comes back, is not a past.
    for (const line of [
      "Il y a deux mois j'ai commencé à me scarifier tous les jours, je n'arrive pas à arrêter",
      "Mon frère parle de mourir tous les jours depuis l'hiver dernier",
      "Last winter I thought about dying every day, and now it's back, tonight I want to die",
      'My brother attempted suicide last winter. Things were better, but since yesterday he talks about it again.',
    ]) expect(screen.assess(line).kind, line).to.equal('crisis');
  });

  it('the same verbs in their everyday uses are not', () => {
    for (const line of [
      'mon fils se coupe les cheveux tout seul maintenant, il peut venir à l’atelier ?',
      'ma mère se brûle souvent avec la poêle, elle a des troubles de mémoire, qui peut nous aider ?',
      'elle se coupe du monde depuis son hospitalisation, il existe des groupes de familles ?',
      'I hit myself on the door this morning lol, is the MDU open?',
      'my dad is beating my mum at scrabble again, any board game afternoons at the MDU?',
      'my son is hitting the books for his exams, can he still come to the group?',
      'the kids are beating the high score on the arcade game, is the games room open?',
    ]) expect(screen.assess(line).kind, line).to.be.oneOf(['none', 'help_info']);
  });
});
