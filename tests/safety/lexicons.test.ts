/**
 * The lexicon files: validation at load (errors name the file and the rule id), every rule's own
 * examples and counterexamples, determinism and speed.
 */
import { expect } from 'chai';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { DataFileError } from '../../bot/errors.js';
import { CRISIS_MODEL_ID, SafetyScreen } from '../../safety/SafetyScreen.js';
import { loadLexicons } from '../../safety/loadLexicons.js';
import { makeTempDir } from '../helpers/tempDir.js';
import { LEXICON_DIR, loadCorpus, loadDevSet } from './corpus.js';

const screen = SafetyScreen.fromDirectory(LEXICON_DIR);

/** A copy of the real lexicons plus one extra file, loaded; returns the error thrown. */
function loadWithExtra(name: string, content: string): Error {
  const { dir, cleanup } = makeTempDir('mdu-safety-');
  try {
    for (const f of readdirSync(LEXICON_DIR)) if (f.endsWith('.yaml')) copyFileSync(path.join(LEXICON_DIR, f), path.join(dir, f));
    writeFileSync(path.join(dir, name), content);
    try {
      SafetyScreen.fromDirectory(dir);
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected the lexicons to be refused');
  } finally {
    cleanup();
  }
}

const rule = (fields: string) => `kind: crisis\nrules:\n  - id: crisis.test.ok\n    category: self_harm\n    language: fr\n    patterns: ["coucou"]\n    comment: a valid rule\n${fields}`;

describe('safety lexicons: validation', () => {
  it('the real lexicons load, with rules of every kind', () => {
    const lex = loadLexicons(LEXICON_DIR);
    expect(lex.rules.crisis.length).to.be.greaterThan(10);
    expect(lex.rules.medical.length).to.be.greaterThan(10);
    expect(lex.rules.help_info.length).to.be.greaterThan(0);
  });

  it('a bad regex names the file, the rule id and the pattern', () => {
    const error = loadWithExtra('zz-bad.yaml', rule('  - id: crisis.test.bad_regex\n    category: self_harm\n    language: fr\n    patterns: ["ok", "(unclosed"]\n    comment: a broken rule\n'));
    expect(error).to.be.instanceOf(DataFileError);
    expect(error.message).to.include('zz-bad.yaml').and.include('crisis.test.bad_regex').and.include('patterns.1').and.include('(unclosed');
  });

  it('a missing field names the file, the rule id and the field', () => {
    const error = loadWithExtra('zz-missing.yaml', rule('  - id: crisis.test.no_comment\n    category: self_harm\n    language: fr\n    patterns: ["x"]\n'));
    expect(error).to.be.instanceOf(DataFileError);
    expect(error.message).to.include('zz-missing.yaml').and.include('crisis.test.no_comment').and.include('comment');
  });

  it('an unknown category, language or field is refused', () => {
    expect(loadWithExtra('zz-cat.yaml', rule('  - id: crisis.test.cat\n    category: sadness\n    language: fr\n    patterns: ["x"]\n    comment: wrong category\n')).message).to.include('crisis.test.cat').and.include('category');
    expect(loadWithExtra('zz-lang.yaml', rule('  - id: crisis.test.lang\n    category: self_harm\n    language: de\n    patterns: ["x"]\n    comment: wrong language\n')).message).to.include('crisis.test.lang').and.include('language');
    expect(loadWithExtra('zz-field.yaml', rule('  - id: crisis.test.field\n    category: self_harm\n    language: fr\n    patterns: ["x"]\n    comment: unknown field\n    weight: 3\n')).message).to.include('crisis.test.field').and.include('weight');
  });

  it('a crisis rule cannot be silenced by an "unless" veto', () => {
    const error = loadWithExtra('zz-unless.yaml', rule('  - id: crisis.test.unless\n    category: self_harm\n    language: fr\n    patterns: ["x"]\n    unless: ["y"]\n    comment: vetoes are for medical rules\n'));
    expect(error.message).to.include('crisis.test.unless').and.include('unless');
  });

  it('an unknown macro, a bad except or a bad requires names the rule', () => {
    expect(loadWithExtra('zz-macro.yaml', rule('  - id: crisis.test.macro\n    category: self_harm\n    language: fr\n    patterns: ["@nosuchmacro"]\n    comment: unknown macro\n')).message).to.include('crisis.test.macro').and.include('@nosuchmacro');
    expect(loadWithExtra('zz-except.yaml', rule('  - id: crisis.test.except\n    category: self_harm\n    language: fr\n    patterns: ["x"]\n    except: ["[z"]\n    comment: bad except\n')).message).to.include('crisis.test.except').and.include('except');
    expect(loadWithExtra('zz-req.yaml', rule('  - id: crisis.test.req\n    category: self_harm\n    language: fr\n    patterns: ["x"]\n    requires: ["(?<"]\n    comment: bad requires\n')).message).to.include('crisis.test.req').and.include('requires');
  });

  it('a duplicated rule id names both files', () => {
    const error = loadWithExtra('zz-dup.yaml', rule('  - id: crisis.fr.want_to_die\n    category: self_harm\n    language: fr\n    patterns: ["x"]\n    comment: duplicate id\n'));
    expect(error.message).to.include('zz-dup.yaml').and.include('crisis.fr.want_to_die').and.include('crisis.fr.yaml');
  });

  it('invalid YAML and an unknown kind name the file', () => {
    expect(loadWithExtra('zz-yaml.yaml', 'kind: crisis\nrules: [\n').message).to.include('zz-yaml.yaml').and.include('YAML');
    expect(loadWithExtra('zz-kind.yaml', 'kind: poetry\nrules: []\n').message).to.include('zz-kind.yaml').and.include('kind');
  });

  it('an empty or missing folder is refused', () => {
    const { dir, cleanup } = makeTempDir('mdu-safety-');
    try {
      expect(() => SafetyScreen.fromDirectory(dir)).to.throw(DataFileError, /no lexicon file/);
      expect(() => SafetyScreen.fromDirectory(path.join(dir, 'nope'))).to.throw(DataFileError, /cannot read/);
    } finally {
      cleanup();
    }
  });
});

describe('safety lexicons: each rule catches its examples and spares its counterexamples', () => {
  const lex = loadLexicons(LEXICON_DIR);
  const rules = [...lex.rules.crisis, ...lex.rules.medical, ...lex.rules.help_info];
  it('every crisis and medical rule has a comment and at least one example', () => {
    for (const r of [...lex.rules.crisis, ...lex.rules.medical]) expect(r.examples.length, r.id).to.be.greaterThan(0);
  });
  for (const r of rules) {
    if (r.examples.length === 0 && r.counterexamples.length === 0) continue;
    it(r.id, () => {
      for (const text of r.examples) {
        const ids = screen.explain(text).matches.map((m) => m.id);
        expect(ids, `example ${JSON.stringify(text)} (normalised ${JSON.stringify(screen.normalise(text))})`).to.include(r.id);
      }
      for (const text of r.counterexamples) {
        const ids = screen.explain(text).matches.map((m) => m.id);
        expect(ids, `counterexample ${JSON.stringify(text)}`).not.to.include(r.id);
      }
    });
  }
});

describe('safety screen: determinism, speed, robustness', () => {
  const texts = [...loadCorpus(() => true), ...loadDevSet()].map((l) => l.text);

  it('gives the same assessment for the same text, every time and in every instance', function () {
    // Three passes over the corpus: a guard against a hang on a shared machine, not a timing.
    this.timeout(120_000);
    const other = SafetyScreen.fromDirectory(LEXICON_DIR);
    for (const t of texts) {
      const first = screen.assess(t);
      expect(screen.assess(t), t).to.deep.equal(first);
      expect(other.assess(t), t).to.deep.equal(first);
    }
  });

  it('reports a rule id, never the visitor text', () => {
    for (const t of texts) {
      const a = screen.assess(t);
      if (a.kind === 'crisis' || a.kind === 'medical') {
        expect(a.matched).to.match(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/);
        expect(Object.keys(a).sort()).to.deep.equal(['category', 'kind', 'matched']);
      }
    }
  });

  // CPU time, not wall time: the test machine may be shared with other jobs.
  const cpuMs = (f: () => void): number => {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };

  it('is fast: well under 1 ms a message on average, and a long message stays bounded', () => {
    for (const t of texts) screen.assess(t); // warm-up
    // The best of three passes: this runs in the same process as every other suite, and one pass
    // can pay for another suite's garbage (tenth session: 0.19-0.26 ms alone, 0.58 once in the suite).
    const perMessageMs = Math.min(
      ...[1, 2, 3].map(
        () =>
          cpuMs(() => {
            for (const t of texts) screen.assess(t);
          }) / texts.length,
      ),
    );
    // A guard against a pathological pattern, not a benchmark (`npx tsx bench/pipelineCost.ts` measures the cost): 0.2-0.3 ms alone, up to 0.53 in a busy suite.
    expect(perMessageMs).to.be.below(1);
    for (const unit of ['je voudrais des informations sur les permanences ', 'a b c d e f g h ', 'mon traitement me fait grossir, je ', 'azertyuiopqsdfghjklm ']) {
      const long = unit.repeat(200);
      expect(cpuMs(() => screen.assess(long)), unit).to.be.below(30);
    }
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const a = screen.assess(s);
        expect(['none', 'crisis', 'medical', 'help_info']).to.include(a.kind);
      }),
      { numRuns: 500 },
    );
  });

  it('a crisis message a rule sees stays a crisis whatever ordinary text comes before or after it', () => {
    // The tuning corpus only: a failure here is fixed by reading the lines it shows, which must
    // never be held-out lines (they measure what nobody has read). The rules are the floor that
    // must hold whatever surrounds a danger; the nets read each sentence too, but a net-only line
    // can still be diluted (17,994 of 18,468 joins hold: tests/safety/HELDOUT.md, fifth session).
    const tuning = loadCorpus((f) => !f.startsWith('heldout.'));
    const crisis = tuning.filter((l) => l.expect === 'crisis' && screen.explain(l.text).matches.some((m) => m.kind === 'crisis' && m.id !== CRISIS_MODEL_ID)).map((l) => l.text);
    const ordinary = tuning.filter((l) => l.expect === 'none' || l.expect === 'help_info').map((l) => l.text);
    fc.assert(
      fc.property(fc.constantFrom(...crisis), fc.constantFrom(...ordinary), fc.boolean(), (c, o, before) => {
        // Two things said in one message, each ending as a sentence does (a full stop added where
        // the line has none): a danger and a story merged into one clause with no stop at all
        // can be read as one event ("... il y a un an, il est sorti d'affaire").
        const sentence = (t: string): string => (/[.!?…]\s*$/.test(t) ? t : `${t}.`);
        const text = before ? `${sentence(o)} ${c}` : `${sentence(c)} ${o}`;
        expect(screen.assess(text).kind, text).to.equal('crisis');
      }),
      { numRuns: 1500, seed: 4 },
    );
  });
});
