/**
 * The cases the brief names explicitly, as a table: ordinary uses of crisis words, topic names,
 * rights questions, MDU questions about medicines, and their medical / crisis counterparts.
 */
import { expect } from 'chai';
import { SafetyScreen, type SafetyAssessment } from '../../safety/SafetyScreen.js';
import { LEXICON_DIR } from './corpus.js';

const screen = SafetyScreen.fromDirectory(LEXICON_DIR);

type Want = SafetyAssessment['kind'] | `crisis:${string}` | `medical:${string}` | 'none|help_info';

const TABLE: readonly [string, Want][] = [
  // ordinary uses of death words
  ['mort de rire', 'none'],
  ['mdr', 'none'],
  ['MDRRR', 'none'],
  ['tuer le temps', 'none'],
  ['je meurs de faim', 'none'],
  ["c'est mortel", 'none'],
  ['killing time', 'none'],
  ['this is killing me (laughing)', 'none'],
  ['dead tired', 'none'],
  ["je suis morte de rire et je veux mourir", 'crisis:suicidal_ideation'],
  ['mdr je veux mourir', 'crisis:suicidal_ideation'],
  ["ça me tue d'attendre, je veux en finir", 'crisis:suicidal_ideation'],
  // topic names and numbers: an answer, not an alarm
  ['prévention du suicide', 'none|help_info'],
  ["le 3114 c'est quoi", 'help_info'],
  ["la prévention du suicide, c'est quel numéro ?", 'help_info'],
  ["Qui appeler en cas d'urgence psychiatrique ?", 'none|help_info'],
  ['What is the suicide prevention number?', 'help_info'],
  ["j'appelle la prévention du suicide parce que je veux me tuer", 'crisis'],
  // rights questions
  ["l'isolement et la contention c'est légal ?", 'none'],
  ['mon frère est hospitalisé sans consentement', 'none'],
  ["j'ai le droit de refuser un traitement ?", 'none'],
  ['Est-ce que je peux refuser un traitement ?', 'none'],
  ['Can I refuse a treatment?', 'none'],
  ['comment obtenir mon dossier médical ?', 'none'],
  // MDU questions about medicines vs medical requests
  ['est-ce que la MDU a des brochures sur les médicaments ?', 'none'],
  ["où trouver de l'information sur les médicaments à la maison des usagers ?", 'none'],
  ['does the MDU have leaflets about medication?', 'none'],
  ["c'est quoi la schizophrénie ? il y a une association ?", 'none'],
  ['Can I get a diagnosis at the MDU?', 'none'],
  ['Est-ce que je peux arrêter mon traitement ?', 'medical:start_change_stop'],
  ['est-ce que je peux arrêter mon lithium ?', 'medical:start_change_stop'],
  ['can I stop my lithium?', 'medical:start_change_stop'],
  ['remplacer mon médicament', 'medical:start_change_stop'],
  ['quelle dose de lithium', 'medical:dosage'],
  ['mon traitement me shoote', 'medical:side_effects'],
  ['mon médicament me fait grossir', 'medical:side_effects'],
  ["je peux boire de l'alcool avec mon traitement ?", 'medical:interaction'],
  ['enceinte sous dépakine', 'medical:interaction'],
  ['quel antidépresseur est le mieux ?', 'medical:treatment_choice'],
  ['est-ce que je suis bipolaire ?', 'medical:diagnosis'],
  ["j'ai des hallucinations, je suis schizophrène ?", 'medical:diagnosis'],
  ['comment perdre du poids vite', 'medical:diet_weight'],
  ['régime pour maigrir', 'medical:diet_weight'],
  ['Le Xeroquel ça fait quoi ?', 'medical'],
  // crisis wins over medical
  ["j'ai pris toute ma boîte de Lexomil", 'crisis:overdose'],
  ['quelle est la dose mortelle de lithium ?', 'crisis:suicide_plan'],
  ['je veux arrêter mon traitement et mourir', 'crisis'],
  // the brief's crisis examples, one per category
  ['je veux mourir', 'crisis:suicidal_ideation'],
  ['jveux plus vivre', 'crisis:suicidal_ideation'],
  ['personne ne me regretterait', 'crisis:suicidal_ideation'],
  ['à quoi bon continuer', 'crisis:suicidal_ideation'],
  ["I don't want to be here anymore", 'crisis:suicidal_ideation'],
  ['everyone would be better off without me', 'crisis:suicidal_ideation'],
  ['sauter du pont ce soir', 'crisis:suicide_plan'],
  ["j'ai acheté une corde", 'crisis:suicide_plan'],
  ["j'ai pris toute ma boîte", 'crisis:overdose'],
  ['I took all my pills', 'crisis:overdose'],
  ['je me scarifie', 'crisis:self_harm'],
  ['je me suis fait du mal avec un couteau', 'crisis:self_harm'],
  ['cutting myself', 'crisis:self_harm'],
  ["mon ami dit qu'il va se tuer ce soir", 'crisis:third_party'],
  ['my sister wants to end her life', 'crisis:third_party'],
  ['mon mari me frappe', 'crisis:violence'],
  ["on m'a violée", 'crisis:violence'],
  ["I'm being abused", 'crisis:violence'],
  ["j'ai 14 ans et mon père me bat", 'crisis:minor_in_danger'],
];

describe('safety screen: hard negatives and the brief examples', () => {
  for (const [text, want] of TABLE) {
    it(`${JSON.stringify(text)} -> ${want}`, () => {
      const got = screen.assess(text);
      const shown = `${JSON.stringify(got)} ${JSON.stringify(screen.explain(text))}`;
      if (want === 'none|help_info') expect(['none', 'help_info'], shown).to.include(got.kind);
      else if (want.includes(':')) {
        const [kind, category] = want.split(':');
        expect(got.kind, shown).to.equal(kind);
        expect('category' in got ? got.category : undefined, shown).to.equal(category);
      } else expect(got.kind, shown).to.equal(want);
    });
  }
});
