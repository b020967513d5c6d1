/**
 * The prefilter may only save work: with it, the screen must give exactly the assessment (and the
 * same matching rules) it gives when every rule is tried on every message.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import path from 'node:path';
import { loadKnowledge } from '../../knowledge/loadKnowledge.js';
import { loadLexicons } from '../../safety/loadLexicons.js';
import { RequiredWords, requiredLiterals, sampledCost } from '../../safety/requiredLiterals.js';
import { RulePrefilter } from '../../safety/RulePrefilter.js';
import { SafetyScreen } from '../../safety/SafetyScreen.js';
import { WordScanner } from '../../safety/WordScanner.js';
import { LEXICON_DIR, REPO_ROOT, loadCorpus, loadDevSet } from './corpus.js';

describe('safety prefilter', () => {
  // As the bot builds it: keyed on the words the knowledge base's questions hold least often.
  const ordinaryMessages = loadKnowledge(path.join(REPO_ROOT, 'knowledge')).topics.flatMap((t) => [...t.questions.fr, ...t.questions.en]);
  const fast = SafetyScreen.fromDirectory(LEXICON_DIR, { ordinaryMessages });
  const exhaustive = SafetyScreen.fromDirectory(LEXICON_DIR, { prefilter: false });
  const lexicons = loadLexicons(LEXICON_DIR);
  const allRules = [...lexicons.rules.crisis, ...lexicons.rules.medical, ...lexicons.rules.help_info];
  const corpus = [...loadCorpus(() => true), ...loadDevSet()].map((l) => l.text);
  const ruleTexts = allRules.flatMap((r) => [...r.examples, ...r.counterexamples]);

  it('gives the same assessment as trying every rule, on the corpus, the dev set and every rule example', function () {
    // Every rule on every line, twice: a guard against a hang on a shared machine, not a timing.
    // 77 s on a fresh clone with the eleventh session's 14,000 lines: the guard grows with the corpus.
    this.timeout(240_000);
    const texts = [...corpus, ...ruleTexts];
    expect(texts.length).to.be.greaterThan(1000);
    const flagged = { fast: 0, exhaustive: 0 };
    for (const text of texts) {
      const a = fast.assess(text);
      const b = exhaustive.assess(text);
      expect(a, text).to.deep.equal(b);
      if (b.kind === 'crisis' || b.kind === 'medical') flagged.exhaustive++;
      if (a.kind === 'crisis' || a.kind === 'medical') flagged.fast++;
    }
    // Not a vacuous comparison: hundreds of these messages are flagged.
    expect(flagged.fast).to.equal(flagged.exhaustive).and.to.be.greaterThan(500);
  });

  it('lists the same matching rules as trying every rule, on the corpus', function () {
    // Every rule on every line, twice: a guard against a hang on a shared machine, not a timing.
    this.timeout(120_000);
    for (const text of corpus) expect(fast.explain(text).matches, text).to.deep.equal(exhaustive.explain(text).matches);
  });

  it('gives the same assessment on corpus messages cut, glued, joined and misspelled', function () {
    // Every rule on every line, twice: a guard against a hang on a shared machine, not a timing.
    this.timeout(120_000);
    const pieces = corpus.flatMap((t) => t.split(/\s+/)).filter((w) => w.length > 0);
    // An index, not `constantFrom(...pieces)`: the corpus has more words than a call can take as arguments.
    const word = fc.nat({ max: pieces.length - 1 }).map((i) => pieces[i]!);
    const message = fc.oneof(
      fc.array(word, { minLength: 1, maxLength: 14 }).map((ws) => ws.join(' ')),
      fc.tuple(fc.constantFrom(...corpus), fc.constantFrom(...corpus)).map(([a, b]) => `${a} ${b}`),
      fc.tuple(fc.constantFrom(...corpus), fc.nat(), fc.nat()).map(([t, i, j]) => t.slice(i % (t.length + 1), (i % (t.length + 1)) + 5 + (j % 60))),
      fc.tuple(fc.constantFrom(...corpus), fc.nat()).map(([t, i]) => t.replace(' ', '').slice(0, t.length - (i % 3))),
    );
    fc.assert(
      fc.property(message, (text) => {
        expect(fast.assess(text), text).to.deep.equal(exhaustive.assess(text));
      }),
      { numRuns: 3000, seed: 20261125 },
    );
  });

  it('knows a required word for every pattern of the lexicons (none is tried on every message)', () => {
    const unknown = allRules.flatMap((r) =>
      r.alternatives.flatMap((p, i) => (requiredLiterals(p) === null && r.requires.every((q) => requiredLiterals(q) === null) ? [`${r.id}.patterns.${i}`] : [])),
    );
    expect(unknown).to.deep.equal([]);
  });

  it('tries only a few of the patterns on an ordinary message (fewer than 1 % of them on average)', () => {
    const prefilter = RulePrefilter.forLexicons(lexicons, sampledCost(ordinaryMessages.map((m) => fast.normalise(m))));
    const patternSlots = (['crisis', 'medical', 'help_info'] as const).flatMap((k) => prefilter.slots[k].patterns.flat());
    const ordinary = loadCorpus(() => true).filter((l) => l.expect === 'none');
    let tried = 0;
    for (const line of ordinary) {
      const seen = prefilter.scan(fast.normalise(line.text));
      tried += patternSlots.filter((slot) => seen[slot]).length;
    }
    expect(patternSlots.length).to.be.greaterThan(300);
    // One word per pattern tried about 2.5 % of them; two clauses and words of several pieces, 0.2 %.
    expect(tried / ordinary.length).to.be.lessThan(0.01 * patternSlots.length);
  });

  describe('requiredLiterals', () => {
    const words = (source: string) => requiredLiterals(new RegExp(source));

    it('finds the words of a plain sequence, glued or not', () => {
      expect(words('(?<![a-z0-9])me ?tuer(?![a-z0-9])')).to.deep.equal(['metuer', 'tuer']);
    });

    it('keeps every branch of an alternation, and gives up when one branch requires nothing', () => {
      expect(words('(?:pendre|noyer) (?:\\w+ ){0,3}ce soir')).to.deep.equal(['noyer', 'pendre']);
      expect(words('pendre|(?:\\w+ )+')).to.equal(null);
      expect(words('pendre|x?')).to.equal(null);
    });

    it('prefers long, rare words to short, common ones', () => {
      expect(words('(?:et|je) (?:\\w+ ){0,2}(?:lithium|depakine)')).to.deep.equal(['depakine', 'lithium']);
    });

    it('knows that a repeated part is required once, and an optional one not at all', () => {
      expect(words('(?:overdose )+now')).to.deep.equal(['overdose']);
      expect(words('(?:overdose )*x')).to.deep.equal(['x']);
    });

    it('expands small classes and treats large ones as anything', () => {
      expect(words('tranquili[sz]ant')).to.deep.equal(['tranquilisan', 'tranquilizan']); // cut to a dozen letters
      expect(words('[0-9]+ mg')).to.deep.equal(['mg']);
    });
  });

  describe('RequiredWords, as the screen uses it', () => {
    const clauses = (source: string) => new RequiredWords().of(new RegExp(source));

    it('keeps the words of a phrase together, never with a space at either end', () => {
      expect(clauses('(?<![a-z0-9])(?:ma|mon) vie(?![a-z0-9])')).to.deep.equal([['ma vie', 'mon vie']]);
      expect(clauses(' fin (?:\\w+ )?x')).to.deep.equal([['fin'], ['x']]);
    });

    it('never keeps a "#" (blanked spans) in a word', () => {
      expect(clauses('mourir # demain')).to.deep.equal([['mourir']]);
    });

    it('keeps the two most selective requirements of a sequence, rarest first', () => {
      expect(clauses('je (?:\\w+ ){0,3}mourir')).to.deep.equal([['mourir'], ['je']]);
    });

    it('takes the first and the second requirement of every branch of an alternation', () => {
      expect(clauses('(?:je (?:\\w+ )?mourir|j (?:\\w+ )?disparaitre)')).to.deep.equal([
        ['disparaitre', 'mourir'],
        ['j', 'je'],
      ]);
      // A branch with one requirement repeats it in the second clause.
      expect(clauses('(?:je (?:\\w+ )?mourir|overdose)')).to.deep.equal([
        ['mourir', 'overdose'],
        ['je', 'overdose'],
      ]);
    });
  });

  describe('WordScanner', () => {
    it('finds every word that occurs, also inside another word and overlapping', () => {
      const scanner = WordScanner.build(
        new Map<string, number[]>([
          ['he', [0]],
          ['she', [1]],
          ['hers', [2]],
          ['his', [3]],
          ['sedatif', [4]],
        ]),
      );
      const seen = new Uint8Array(5);
      scanner.scan('ushers', seen);
      expect([...seen]).to.deep.equal([1, 1, 1, 0, 0]);
      const none = new Uint8Array(5);
      scanner.scan('sedati f hi s', none);
      expect([...none]).to.deep.equal([0, 0, 0, 0, 0]);
    });

    it('starts again after a character no word holds, and lists each id once, when first seen', () => {
      const scanner = WordScanner.build(new Map<string, number[]>([['abc', [0]], ['bcd', [1, 2]], ['c', [2]]]));
      const seen = new Uint8Array(3);
      const newlySeen: number[] = [];
      scanner.scan('ab€c ab😀c xbcd abc', seen, newlySeen);
      expect([...seen]).to.deep.equal([1, 1, 1]);
      expect(newlySeen).to.deep.equal([2, 1, 0]);
      const split = new Uint8Array(3);
      scanner.scan('ab€cd', split);
      expect([...split]).to.deep.equal([0, 0, 1]);
    });
  });
});
