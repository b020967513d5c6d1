import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConversationIntents, type ConversationIntent } from '../../dialogs/ConversationIntents.js';
import { makeTempDir } from '../helpers/tempDir.js';

describe('conversational intents (knowledge/conversation.yaml)', () => {
  const intents = ConversationIntents.fromFile('knowledge/conversation.yaml');
  const cases: [string, ConversationIntent | undefined][] = [
    ['Je voudrais parler à un bénévole', 'handoff_request'],
    ["je voudrais parler à quelqu'un de l'association", 'handoff_request'],
    ['Can I talk to a real person?', 'handoff_request'],
    ['is there a human I can chat with', 'handoff_request'],
    ['mettez-moi en contact avec une association', 'handoff_request'],
    ['Is there a phone line I can call to talk to someone?', undefined],
    ['un numéro pour parler à quelqu’un la nuit ?', undefined],
    // Who answers, a condition or a denial: left to the recognizer, which reads the whole question (seventh session).
    ['are you a real volunteer or just a program?', undefined],
    ["si je parle à quelqu'un de la MDU de ma sœur, l'équipe du service le saura ?", undefined],
    ['je ne cherche pas à parler à un bénévole, je voudrais savoir comment faire une réclamation', undefined],
    ['could I talk with the coordinator directly?', 'handoff_request'],
    ["j'aimerais être rappelée par quelqu'un de l'association", 'handoff_request'],
    ['effacer mes données', 'erase_data'],
    ['Forget me', 'erase_data'],
    ['please delete my data', 'erase_data'],
    ['Bonjour', 'greeting'],
    ['bonjour, comment obtenir mon dossier ?', undefined],
    ['merci beaucoup', 'thanks'],
    ['au revoir', 'goodbye'],
    ["C'est quoi un GEM ?", undefined],
  ];
  for (const [text, expected] of cases) it(`"${text}" → ${expected ?? 'none'}`, () => expect(intents.classify(text)).to.equal(expected));

  it('refuses a broken pattern, naming the file and the field', () => {
    const tmp = makeTempDir();
    try {
      const file = path.join(tmp.dir, 'conversation.yaml');
      writeFileSync(file, "intents:\n  - id: greeting\n    patterns: ['(unclosed']\n");
      expect(() => ConversationIntents.fromFile(file)).to.throw(/conversation\.yaml: intents\.0\.patterns\.0/);
    } finally {
      tmp.cleanup();
    }
  });
});
