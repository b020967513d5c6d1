/**
 * The content lint of `npm run kb:check`, with a fixed "today": what it flags a curator for, and
 * that the shipped content passes.
 */
import { expect } from 'chai';
import { loadKnowledge, type KnowledgeBase } from '../../knowledge/loadKnowledge.js';
import { lintKnowledge } from '../../knowledge/lintKnowledge.js';
import type { Topic } from '../../knowledge/schema.js';

const TODAY = new Date('2026-12-07T12:00:00Z');

function topic(id: string, changes: Partial<Topic> = {}): Topic {
  return {
    id,
    audience: 'all',
    title: { fr: `Titre ${id}`, en: `Title ${id}` },
    questions: { fr: [`Question un sur ${id} ?`, `Question deux sur ${id} ?`, `Question trois sur ${id} ?`], en: [`Question one on ${id}?`, `Question two on ${id}?`, `Question three on ${id}?`] },
    keywords: { fr: [], en: [] },
    related: [],
    sources: [{ label: 'Source', url: 'https://example.org/' }],
    checked: '2026-11-01',
    answers: { fr: 'Une réponse assez longue pour le test.', en: 'An answer long enough for the test.' },
    file: `knowledge/topics/${id}.md`,
    ...changes,
  };
}

function kb(topics: Topic[]): KnowledgeBase {
  return { topics, byId: new Map(topics.map((t) => [t.id, t])), contacts: [] };
}

const messagesOf = (findings: ReturnType<typeof lintKnowledge>) => findings.map((f) => `${f.level} ${f.file}: ${f.message}`);

describe('kb:check content lint', () => {
  it('passes the shipped knowledge base with no error', () => {
    const errors = lintKnowledge(loadKnowledge('knowledge'), TODAY).filter((f) => f.level === 'error');
    expect(messagesOf(errors)).to.deep.equal([]);
  });

  it('reports the required topics that are missing', () => {
    const findings = messagesOf(lintKnowledge(kb([topic('mdu.what')]), TODAY));
    expect(findings).to.include('error knowledge/topics: required topic "rights.record" is missing');
    expect(findings.join('\n')).to.not.include('"mdu.what" is missing');
  });

  it('flags the same example question in two topics as an error, and a near-identical one as a warning', () => {
    const a = topic('mdu.what', { questions: { fr: ["C'est quoi la maison des usagers ?", 'Deux ?', 'Trois ?'], en: ['One?', 'Two?', 'Three?'] } });
    const b = topic('mdu.not', { questions: { fr: ["c'est quoi la Maison des Usagers", 'Quatre ?', 'Cinq ?'], en: ['What is the users house for sick patients at the hospital?', 'Six?', 'Seven?'] } });
    const c = topic('mdu.services', { questions: { fr: ['Huit ?', 'Neuf ?', 'Dix ?'], en: ['What is the users house for patients at the hospital?', 'Eleven?', 'Twelve?'] } });
    const findings = lintKnowledge(kb([a, b, c]), TODAY).filter((f) => /very close to|the same as/.test(f.message));
    expect(findings.some((f) => f.level === 'error' && f.message.includes('the same as'))).to.equal(true);
    expect(findings.some((f) => f.level === 'warning' && f.message.includes('very close to'))).to.equal(true);
  });

  it('warns about entries not checked for 12 months, and refuses a checked date in the future', () => {
    const findings = messagesOf(lintKnowledge(kb([topic('mdu.what', { checked: '2025-10-15' }), topic('mdu.not', { checked: '2027-01-01' })]), TODAY));
    expect(findings).to.include('warning knowledge/topics/mdu.what.md: not checked for more than 12 months (checked 2025-10-15)');
    expect(findings).to.include('error knowledge/topics/mdu.not.md: checked date 2027-01-01 is in the future');
  });

  it('warns about a translation that is probably missing, and about a source link that is not https', () => {
    const unbalanced = topic('mdu.what', { questions: { fr: ['Un ?', 'Deux ?', 'Trois ?', 'Quatre ?', 'Cinq ?', 'Six ?', 'Sept ?'], en: ['One?', 'Two?', 'Three?'] } });
    const insecure = topic('mdu.not', { sources: [{ label: 'Old page', url: 'http://example.org/' }] });
    const findings = messagesOf(lintKnowledge(kb([unbalanced, insecure]), TODAY));
    expect(findings.join('\n')).to.match(/mdu\.what\.md: example questions are unbalanced between languages \(fr 7, en 3\)/);
    expect(findings).to.include('warning knowledge/topics/mdu.not.md: source link is not https: http://example.org/');
  });
});
