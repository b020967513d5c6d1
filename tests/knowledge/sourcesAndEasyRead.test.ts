/**
 * What surrounds an answer: its sources (public titles, links where they exist, never a file or a
 * placeholder) and its easy-read version (FALC: the lint behind `npm run kb:check`).
 */
import { expect } from 'chai';
import { DataFileError } from '../../bot/errors.js';
import { EASY_MAX_WORDS, EASY_READ_TOPICS, lintEasyRead, unexplainedAcronyms } from '../../knowledge/easyReadLint.js';
import { lintKnowledge } from '../../knowledge/lintKnowledge.js';
import { loadKnowledge, parseTopicFile } from '../../knowledge/loadKnowledge.js';
import { sourceLabelProblem } from '../../knowledge/schema.js';
import path from 'node:path';
import { ROOT } from '../helpers/realTopics.js';

const topicWith = (sources: string, extra = ''): string => `---
id: rights.record
title: { fr: Accéder à son dossier médical, en: Getting your medical record }
questions:
  fr: [Comment avoir mon dossier médical ?, Copie du dossier, Accès au dossier de mon père]
  en: [How do I get my medical record?, Copy of my file, Access to my father's record]
related: []
sources: ${sources}
checked: 2026-12-07
---

## fr
Vous pouvez demander votre dossier par écrit à la direction de l'hôpital.

## en
You can ask the hospital's management for your record in writing.
${extra}`;

function refusal(text: string, file = 'knowledge/topics/rights.record.md'): DataFileError {
  try {
    parseTopicFile(file, text);
  } catch (error) {
    if (error instanceof DataFileError) return error;
    throw error;
  }
  throw new Error('the file was accepted');
}

describe('sources a reader can follow', () => {
  const refused = [
    'Mémoire sur la Maison des usagers (shared/sources/memoire-mdu-sainte-anne.txt)',
    'Planning des permanences (knowledge/schedule.yaml)',
    'memoire-mdu-sainte-anne.txt',
    'voir ../shared/contract.md',
    'Documents de la Maison des usagers (à compléter par la coordinatrice)',
    'Exemple : à remplacer par le planning réel',
    'TODO: find the decree',
    'Source {{source}}',
    'Brochure de la MDU <titre>',
  ];
  for (const label of refused) {
    it(`refuses "${label}", naming the file and the field`, () => {
      const error = refusal(topicWith(`[{ label: ${JSON.stringify(label)} }]`));
      expect(error.file).to.equal('knowledge/topics/rights.record.md');
      expect(error.field).to.equal('sources.0.label');
      expect(sourceLabelProblem(label)).to.be.a('string');
    });
  }

  const accepted = [
    'Circulaire DHOS/E1/2006/550 du 28 décembre 2006 relative à la mise en place de maisons des usagers',
    'Code de la santé publique, articles L1111-7 et R1111-9',
    'Service-public.fr, numéros d\'urgence (15, 17, 18, 112, 114)',
    'E. Beetlestone, A. Caria, C. Loubières, « Le soutien par les pairs dans une maison des usagers en psychiatrie. Expérience et pratiques », Santé publique, 2011',
    'Décret n° 2022-419 du 23 mars 2022 et instruction DGOS/R4/2022/85 du 29 mars 2022',
  ];
  for (const label of accepted) {
    it(`accepts "${label.slice(0, 50)}…"`, () => {
      expect(sourceLabelProblem(label)).to.equal(undefined);
    });
  }

  it('a topic without a source is refused, except the bot’s own topics', () => {
    expect(refusal(topicWith('[]')).field).to.equal('sources');
    const own = topicWith('[]').replace('id: rights.record', 'id: bot.about');
    expect(parseTopicFile('knowledge/topics/bot.about.md', own).sources).to.deep.equal([]);
  });

  it('an English easy-read version needs the French one first', () => {
    const error = refusal(topicWith('[{ label: "Code de la santé publique" }]', '\n## en-easy\nYou can ask for your record. Write a letter.\n'));
    expect(error.field).to.equal('## fr-easy');
  });
});

describe('easy read (FALC)', () => {
  it('passes short sentences, one a line, with abbreviations explained', () => {
    const text = "La Maison des usagers (MDU) est un lieu de l'hôpital.\nAppelez le 15.\nLe 15, c'est le SAMU (les secours médicaux).\n\n{{schedule.hours}}\n\n- Écrivez une lettre.";
    expect(lintEasyRead(text, 'fr')).to.deep.equal([]);
  });

  it('finds a sentence too long, in words and in characters', () => {
    const long = 'Vous pouvez obtenir votre dossier médical directement ou par un médecin que vous désignez vous-même quand vous voulez.';
    const problems = lintEasyRead(long, 'fr').map((p) => p.message);
    expect(problems.some((m) => m.includes(`(at most ${EASY_MAX_WORDS})`))).to.equal(true);
    expect(problems.some((m) => m.includes('characters'))).to.equal(true);
  });

  it('finds an abbreviation nobody explained, and accepts one explained where it first appears', () => {
    expect(unexplainedAcronyms('Allez au CPOA. Le CPOA reçoit jour et nuit.')).to.deep.equal(['CPOA']);
    expect(unexplainedAcronyms('Le CPOA (urgences psychiatriques) reçoit. Le CPOA est ouvert.')).to.deep.equal([]);
    expect(unexplainedAcronyms('La commission des usagers (CDU) vous répond.')).to.deep.equal([]);
    expect(unexplainedAcronyms('Envoyez un SMS au 114.')).to.deep.equal([]);
  });

  it('warns of two sentences on one line, and refuses the inclusive-writing middle dot', () => {
    const problems = lintEasyRead('Venez. Appelez.\nUn·e bénévole vous répond.', 'fr');
    expect(problems.find((p) => p.level === 'warning')?.message).to.match(/2 sentences on one line/);
    expect(problems.find((p) => p.message.includes('middle dot'))?.level).to.equal('error');
  });

  it('the shipped knowledge base: every topic visitors ask most has an easy-read version, and no easy-read text breaks the rules', () => {
    const kb = loadKnowledge(path.join(ROOT, 'knowledge'));
    for (const id of EASY_READ_TOPICS) {
      expect(kb.byId.get(id)?.answers['fr-easy'], id).to.be.a('string');
      expect(kb.byId.get(id)?.answers['en-easy'], id).to.be.a('string');
    }
    const findings = lintKnowledge(kb, new Date('2026-12-07T12:00:00Z')).filter((f) => f.message.includes('-easy'));
    expect(findings).to.deep.equal([]);
  });

  it('a missing easy-read version of a required topic is an error of kb:check', () => {
    const kb = loadKnowledge(path.join(ROOT, 'knowledge'));
    const topic = kb.byId.get('help.listening')!;
    const without = { ...topic, answers: { fr: topic.answers.fr, en: topic.answers.en } };
    const byId = new Map(kb.byId);
    byId.set(topic.id, without);
    const findings = lintKnowledge({ ...kb, topics: kb.topics.map((t) => (t.id === topic.id ? without : t)), byId }, new Date('2026-12-07T12:00:00Z'));
    expect(findings.find((f) => f.message.includes('easy-read version'))?.level).to.equal('error');
  });
});
