/**
 * No knowledge answer may contain medical advice: dosages, instructions to take, change or stop a
 * treatment, or diagnostic claims. The checker is tested on sentences that must be caught, so
 * this test can fail.
 */
import { expect } from 'chai';
import { loadKnowledge } from '../../knowledge/loadKnowledge.js';
import { foldText } from '../../knowledge/foldText.js';
import { readFileSync } from 'node:fs';

const MEDICAL_ADVICE: { why: string; pattern: RegExp }[] = [
  { why: 'a dosage', pattern: /\b\d+([.,]\d+)? ?(mg|g|ml|gouttes?|drops?|comprimes?|tablets?|pills?|gelules?|capsules?)\b/ },
  { why: 'a dosing schedule', pattern: /\b(\d+|un|une|deux|trois|one|two|three) (fois|times) par (jour|semaine)\b|\b(once|twice|three times) (a|per) day\b/ },
  { why: 'an instruction to take a medicine', pattern: /\b(prenez|prends|take) (votre|vos|ton|tes|your|un|une|le|la|les|a|an|the)? ?(traitement|medicament|medicaments|comprime|treatment|medicine|medication|pill|antidepresseur|antidepressant|neuroleptique|anxiolytique)/ },
  { why: 'an instruction to stop or change a treatment', pattern: /\b(arretez|arrete|diminuez|diminue|reduisez|augmentez|changez|stop|reduce|increase|lower) (votre|vos|ton|tes|your|le|la|les|the)? ?(traitement|medicament|medicaments|dose|doses|posologie|treatment|medicine|medication|dosage)/ },
  { why: 'a stopped-treatment instruction', pattern: /\b(stop taking|arretez de prendre|cessez de prendre|vous pouvez arreter votre|you can stop your|you may stop your)\b/ },
  { why: 'a diagnostic claim', pattern: /\b(vous etes|vous avez|tu es|tu as|you are|you have) (probablement|surement|certainement|sans doute|probably|surely|certainly)? ?(une? )?(depression|depressif|depressive|schizophrene|schizophrenie|schizophrenia|schizophrenic|bipolaire|bipolar|psychose|psychosis|psychotic|toc|ocd|trouble|disorder|anorexie|anorexia|borderline)\b/ },
  { why: 'a symptom interpretation', pattern: /\b(ces symptomes|ce symptome|these symptoms|this symptom) (sont|est|signifient|indiquent|montrent|mean|means|indicate|show)\b/ },
  { why: 'weight-loss advice', pattern: /\b(pour (perdre du poids|maigrir)|to lose weight),? (il faut|mangez|evitez|eat|avoid|try)\b/ },
];

export function medicalAdviceIn(text: string): string | undefined {
  const folded = foldText(text);
  return MEDICAL_ADVICE.find((rule) => rule.pattern.test(folded))?.why;
}

describe('knowledge answers give no medical advice', () => {
  describe('the checker catches medical advice', () => {
    const mustCatch = [
      'Prenez 20 mg de fluoxétine le matin.',
      'Take your medication twice a day.',
      'Vous pouvez arrêter votre traitement si vous allez mieux.',
      'Diminuez la dose progressivement.',
      'Vous avez probablement une dépression.',
      'You are probably bipolar.',
      'Ces symptômes signifient une psychose.',
      'Pour maigrir, mangez moins de sucre.',
      'Stop taking the pills when you feel better.',
    ];
    for (const sentence of mustCatch) it(`catches: ${sentence}`, () => expect(medicalAdviceIn(sentence)).to.be.a('string'));
    const mustPass = [
      "Les questions sur votre traitement sont à poser au médecin qui vous suit ou à votre pharmacien.",
      'You have the right to refuse a treatment; talk about it with your doctor.',
      'Vous avez le droit de désigner une personne de confiance.',
      "La MDU propose des brochures d'information sur les médicaments.",
    ];
    for (const sentence of mustPass) it(`lets through: ${sentence}`, () => expect(medicalAdviceIn(sentence)).to.equal(undefined));
  });

  const kb = loadKnowledge('knowledge');
  for (const topic of kb.topics) {
    it(`${topic.id}: no dosage, treatment instruction or diagnostic claim`, () => {
      for (const [variant, text] of Object.entries(topic.answers)) {
        const found = text ? medicalAdviceIn(text) : undefined;
        expect(found, `${topic.id} (${variant}) contains ${found}`).to.equal(undefined);
      }
    });
  }

  it("the bot's own phrases give none either", () => {
    const phrases = readFileSync('knowledge/messages.yaml', 'utf8');
    expect(medicalAdviceIn(phrases)).to.equal(undefined);
  });
});
