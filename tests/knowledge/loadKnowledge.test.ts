import { expect } from 'chai';
import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { loadKnowledge, parseTopicFile } from '../../knowledge/loadKnowledge.js';
import { makeTempDir } from '../helpers/tempDir.js';

const good = `---
id: rights.record
title: { fr: Accéder à son dossier médical, en: Getting your medical record }
questions:
  fr: [Comment avoir mon dossier médical ?, Copie du dossier, Accès au dossier de mon père]
  en: [How do I get my medical record?, Copy of my file, Access to my father's record]
keywords: { fr: [dossier], en: [record] }
related: []
sources: [{ label: "Code de la santé publique, L1111-7", url: "https://www.legifrance.gouv.fr/" }]
checked: 2026-11-24
---

## fr
Vous pouvez demander votre dossier par écrit à la direction de l'hôpital.

## en
You can ask the hospital's management for your record in writing.
`;

describe('knowledge files', () => {
  it('parses a good topic file', () => {
    const topic = parseTopicFile('knowledge/topics/rights.record.md', good);
    expect(topic.id).to.equal('rights.record');
    expect(topic.answers.fr).to.match(/^Vous pouvez/);
    expect(topic.answers.en).to.match(/^You can/);
    expect(topic.audience).to.equal('all');
  });

  describe('refuses a broken topic file, naming the file and the field', () => {
    const cases: { label: string; text: string; field: string }[] = [
      { label: 'no front matter', text: '## fr\nBonjour', field: '(front matter)' },
      { label: 'invalid YAML', text: good.replace('title: {', 'title: {{'), field: '(front matter)' },
      { label: 'a missing English title', text: good.replace(', en: Getting your medical record', ''), field: 'title.en' },
      { label: 'too few example questions', text: good.replace(', Copie du dossier, Accès au dossier de mon père', ''), field: 'questions.fr' },
      { label: 'a checked date that is not a date', text: good.replace('checked: 2026-11-24', 'checked: hier'), field: 'checked' },
      { label: 'no source', text: good.replace(/sources: .*\n/, 'sources: []\n'), field: 'sources' },
      { label: 'an unknown field', text: good.replace('checked:', 'author: x\nchecked:'), field: '(root)' },
      { label: 'an id that does not match the file name', text: good.replace('id: rights.record', 'id: rights.other'), field: 'id' },
      { label: 'a missing English answer', text: good.replace(/## en[\s\S]*$/, ''), field: '## en' },
      { label: 'an unknown answer section', text: good + '\n## de\nHallo Welt, dies ist eine Antwort.\n', field: '## de' },
      { label: 'an unknown placeholder', text: good.replace('par écrit', 'par écrit {{schedule.tomorrow}}'), field: '## fr' },
    ];
    for (const c of cases) {
      it(c.label, () => {
        let message = '';
        try {
          parseTopicFile('knowledge/topics/rights.record.md', c.text);
        } catch (error) {
          message = (error as Error).message;
        }
        expect(message, 'the file must be refused').to.not.equal('');
        expect(message).to.include('knowledge/topics/rights.record.md');
        expect(message).to.include(`: ${c.field}:`);
      });
    }
  });

  it('refuses related topics that do not exist, and a broken contacts file', () => {
    const tmp = makeTempDir();
    try {
      mkdirSync(path.join(tmp.dir, 'topics'));
      writeFileSync(path.join(tmp.dir, 'topics', 'rights.record.md'), good.replace('related: []', 'related: [rights.nothing]'));
      copyFileSync('knowledge/contacts.yaml', path.join(tmp.dir, 'contacts.yaml'));
      expect(() => loadKnowledge(tmp.dir)).to.throw(/rights\.record\.md: related\.0: no topic has the id "rights\.nothing"/);
      writeFileSync(path.join(tmp.dir, 'topics', 'rights.record.md'), good);
      writeFileSync(path.join(tmp.dir, 'contacts.yaml'), 'contacts:\n  - id: x\n    group: emergency\n    number: "abc"\n');
      expect(() => loadKnowledge(tmp.dir)).to.throw(/contacts\.yaml: contacts\.0\.number/);
    } finally {
      tmp.cleanup();
    }
  });

  it('loads the shipped knowledge base', () => {
    const kb = loadKnowledge('knowledge');
    expect(kb.topics.length).to.be.greaterThan(30);
    expect(kb.contacts.map((c) => c.number)).to.include.members(['3114', '15', '112', '114']);
  });
});
