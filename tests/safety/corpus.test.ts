/**
 * The safety screen against its corpus and the shared dev set.
 *
 * - `corpus/{crisis,medical,ordinary}.jsonl`: the tuning corpus, used while writing the lexicons.
 * - `corpus/heldout.*.jsonl`: written before the lexicons and never tuned against. A miss there is
 *   fixed by adding a similar (not the same) line to the tuning corpus and fixing the lexicon;
 *   the held-out files themselves are not edited.
 * - `../shared/eval/dev.jsonl`: crisis / medical lines must be caught, the others left alone.
 */
import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SafetyScreen } from '../../safety/SafetyScreen.js';
import { DEV_SET, LEXICON_DIR, REPO_ROOT, describe as describeFigures, evaluate, isHeldOut, loadCorpus, loadDevSet, readJsonl, type CorpusLine } from './corpus.js';

const screen = SafetyScreen.fromDirectory(LEXICON_DIR);

/** `aggregatesOnly`: a held-out set, whose lines are never printed (not even when a target fails). */
function assertTargets(name: string, lines: readonly CorpusLine[], aggregatesOnly = false): void {
  const f = evaluate(screen, lines);
  const misses = aggregatesOnly ? '' : f.misses.map((m) => `\n  expected ${m.line.expect}, got ${JSON.stringify(m.got)}: ${m.line.source} ${JSON.stringify(m.line.text)}`).join('');
  const summary = describeFigures(name, f) + misses;
  expect(f.crisis.recall, summary).to.equal(1);
  expect(f.medical.recall, summary).to.be.at.least(0.98);
  expect(f.ordinary.rate, summary).to.be.at.most(0.01);
}

describe('safety screen: corpus', () => {
  const tuning = loadCorpus((f) => !isHeldOut(f));
  const heldOut = loadCorpus(isHeldOut);
  const all = [...tuning, ...heldOut];
  // The blind rounds' held-out halves: lines nobody read, scored only as aggregates (HELDOUT.md).
  const blindHeldOut = readdirSync(path.join(REPO_ROOT, 'tests', 'safety'))
    .filter((f) => /^blind-.*\.heldout-[a-z]+\.jsonl$/.test(f))
    .flatMap((f) => readJsonl(path.join(REPO_ROOT, 'tests', 'safety', f)) as CorpusLine[]);

  it('is large and varied enough (>= 200 crisis, 200 medical, 400 ordinary; both languages; ~25 % held out)', () => {
    const count = (lines: readonly CorpusLine[], kind: 'crisis' | 'medical' | 'ordinary', lang?: 'fr' | 'en') =>
      lines.filter((l) => (kind === 'ordinary' ? l.expect === 'none' || l.expect === 'help_info' : l.expect === kind) && (!lang || l.lang === lang)).length;
    for (const kind of ['crisis', 'medical', 'ordinary'] as const) {
      const min = kind === 'ordinary' ? 400 : 200;
      expect(count(all, kind), kind).to.be.at.least(min);
      expect(count(all, kind, 'fr'), `${kind} fr`).to.be.at.least(min / 4);
      expect(count(all, kind, 'en'), `${kind} en`).to.be.at.least(min / 5);
      const share = (count(heldOut, kind) + count(blindHeldOut, kind)) / (count(all, kind) + count(blindHeldOut, kind));
      // The tuning corpus grew by ~2,000 lines in the fifth session; the unseen measure is now the
      // blind rounds' held-out halves (tests/safety/blind-*.heldout-*.jsonl, HELDOUT.md), so these
      // older held-out files may be a smaller share of the whole. In the sixth session 606 hard
      // negatives written blind to the rules joined the tuning corpus: ordinary lines' share fell to 13 %, and 470 more (blind to the rules too) to 11 %;
      // in the seventh session batches s8 and s9 (1,088 more ordinary lines, blind to the rules) to 8 %;
      // in the eighth, batch s11 (450 more) to 6.3 %; in the ninth, batch s13 (377 more) to about 6 %.
      // In the eleventh, 1,400 more lines: the blind rounds' held-out halves, the measure that is
      // actually unseen, now count in the share beside these files.
      expect(share, `${kind} held-out share`).to.be.within(0.05, 0.35);
    }
    const texts = all.map((l) => l.text.trim().toLowerCase());
    const duplicates = texts.filter((t, i) => texts.indexOf(t) !== i);
    expect(duplicates, 'duplicate corpus lines').to.deep.equal([]);
  });

  it('tuning corpus: crisis recall 100 %, medical recall >= 98 %, false alarms <= 1 %', () => {
    assertTargets('tuning corpus', tuning);
  });

  it('held-out corpus: same targets', () => {
    assertTargets('held-out corpus', heldOut, true);
  });

  it('answers help_info (not an alarm, not none) for most questions asking for emergency numbers', () => {
    const asked = all.filter((l) => l.expect === 'help_info');
    const answered = asked.filter((l) => screen.assess(l.text).kind === 'help_info');
    expect(answered.length / asked.length, asked.filter((l) => !answered.includes(l)).map((l) => l.text).join(' | ')).to.be.at.least(0.9);
  });
});

describe('safety screen: shared dev set', () => {
  it('exists where the tests look for it', () => {
    expect(existsSync(DEV_SET), DEV_SET).to.equal(true);
  });

  it('catches every crisis line and >= 98 % of medical lines; flags no other line', () => {
    assertTargets('dev.jsonl', loadDevSet());
  });

  it('leaves every non-crisis, non-medical line as none (or help_info)', () => {
    for (const line of loadDevSet().filter((l) => l.expect === 'none')) {
      expect(['none', 'help_info'], `${line.source} ${line.text}`).to.include(screen.assess(line.text).kind);
    }
  });
});
