/**
 * The blind rounds' tuning halves teach both models (`knowledge/understand/visitorRounds.ts`); the
 * held-out halves must never be read, and a broken line stops training with its file and line.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataFileError } from '../../bot/errors.js';
import { roundTrainingLines, roundVisitorMessages } from '../../knowledge/understand/visitorRounds.js';

const CLASSES = new Set(['mdu.hours', 'rights.consent', 'handoff_request', 'out_of_scope']);
const line = (text: string, expect: string, locale = 'fr-FR') => JSON.stringify({ text, locale, expect, len: 'short' });

describe('visitor rounds as training lines', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mdu-rounds-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('labels answers with their topic, requests for a person and off-topic lines, and leaves small talk out', () => {
    writeFileSync(
      path.join(dir, 'understanding-x-r1.tune.jsonl'),
      [line('vous fermez a quelle heure', 'answer:mdu.hours'), line('can someone call me back?', 'handoff', 'en-US'), line('la meteo demain ?', 'fallback'), line('coucou', 'smalltalk'), ''].join('\n'),
    );
    expect(roundTrainingLines(dir, CLASSES)).to.deep.equal([
      { text: 'vous fermez a quelle heure', lang: 'fr', label: 'mdu.hours' },
      { text: 'can someone call me back?', lang: 'en', label: 'handoff_request' },
      { text: 'la meteo demain ?', lang: 'fr', label: 'out_of_scope' },
    ]);
    // Small talk is an ordinary message all the same, for the safety nets.
    expect(roundVisitorMessages(dir).map((m) => m.text)).to.include('coucou');
  });

  it('never reads a held-out half, even a broken one', () => {
    writeFileSync(path.join(dir, 'understanding-x-r1.tune.jsonl'), line('je peux refuser ?', 'answer:rights.consent'));
    writeFileSync(path.join(dir, 'understanding-x-r1.heldout.jsonl'), '{ not json');
    expect(roundTrainingLines(dir, CLASSES).map((l) => l.text)).to.deep.equal(['je peux refuser ?']);
    expect(roundVisitorMessages(dir)).to.have.length(1);
  });

  it('refuses a topic the knowledge base lacks, naming the file and the line', () => {
    const file = path.join(dir, 'understanding-x-r2.tune.jsonl');
    writeFileSync(file, [line('ok', 'answer:mdu.hours'), line('horaires du self ?', 'answer:mdu.canteen')].join('\n'));
    expect(() => roundTrainingLines(dir, CLASSES)).to.throw(DataFileError, `${file}: line 2: expect: no topic "mdu.canteen"`);
  });

  it('refuses a line that is not JSON or lacks its fields, naming the file and the line', () => {
    const file = path.join(dir, 'understanding-x-r3.tune.jsonl');
    writeFileSync(file, `${line('ok', 'answer:mdu.hours')}\n{"text": "sans attente"}\n`);
    expect(() => roundVisitorMessages(dir)).to.throw(DataFileError, `${file}: line 2`);
    writeFileSync(file, 'pas du json\n');
    expect(() => roundVisitorMessages(dir)).to.throw(DataFileError, `${file}: line 1: not valid JSON`);
  });
});
