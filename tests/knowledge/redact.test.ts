import { expect } from 'chai';
import { redactPersonalData } from '../../knowledge/redact.js';

describe('unanswered questions are anonymised before they are kept', () => {
  const cases: [string, string[], string[]][] = [
    // text, must not contain, must still contain
    ['mon numéro est 06 12 34 56 78, rappelez-moi', ['06 12', '78'], ['rappelez-moi', '[numéro]']],
    ['écrivez à jean.dupont@example.fr svp', ['jean.dupont', 'example.fr'], ['[e-mail]']],
    ["je m'appelle Marie Curie et je cherche un GEM", ['Marie', 'Curie'], ['GEM', '[nom]']],
    ['mon médecin, le Docteur Martin, ne répond pas', ['Martin'], ['ne répond pas']],
    ['my name is John Smith, where is the MDU?', ['John', 'Smith'], ['MDU']],
    ['appelez le +33 1 45 65 74 79 pour moi', ['45 65'], ['[numéro]']],
    ['Quand passe la permanence de Sophie Durand ?', ['Sophie', 'Durand'], ['permanence']],
  ];
  for (const [text, gone, kept] of cases) {
    it(`"${text}"`, () => {
      const redacted = redactPersonalData(text);
      for (const g of gone) expect(redacted, redacted).to.not.include(g);
      for (const k of kept) expect(redacted, redacted).to.include(k);
    });
  }
});
