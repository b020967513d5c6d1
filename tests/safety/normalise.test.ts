/** The normaliser: what the patterns see. */
import { expect } from 'chai';
import { SafetyScreen } from '../../safety/SafetyScreen.js';
import { compilePatternSource, fold, normalise, undouble } from '../../safety/normalise.js';
import { LEXICON_DIR } from './corpus.js';

const screen = SafetyScreen.fromDirectory(LEXICON_DIR);

const TABLE: readonly [string, string][] = [
  // case, accents, ligatures, apostrophes, punctuation
  ['Je VEUX Mourir', 'je veux mourir'],
  ['À quoi bon… continuer ?!', 'a quoi bon continuer ?'],
  ["j’ai envie d'en finir", 'j ai envie d en finir'],
  ['sœur', 'soeur'],
  ['prévention—du—suicide', 'prevention du suicide'],
  // repeated and doubled letters
  ['mourirrrr', 'mourir'],
  ['mourrir', 'mourir'],
  ['jveuuux mourir', 'je veux mourir'],
  ['frappe', 'frape'],
  // SMS spelling and misspellings
  ['jveux', 'je veux'],
  ['jve mourir', 'je veux mourir'],
  ['chui fatiguée', 'je suis fatigue'],
  ['jsuis', 'je suis'],
  ['g envie de crever', 'j ai envie de crever'],
  ['jpp', 'je n en peux plus'],
  ['sucide', 'suicide'],
  ['suicid', 'suicide'],
  ['je vais me tué', 'je vais me tue'],
  ['mesuicider', 'me suicider'],
  ['enfinir', 'en finir'],
  // digits for letters, numbers kept
  ['m0urir', 'mourir'],
  ['su1c1de', 'suicide'],
  ["j'ai 14 ans", 'j ai 14 ans'],
  ['le 3114', 'le 3114'],
  ['20mg', '20mg'],
  // English contractions and SMS
  ["I don't want to live", 'i do not want to live'],
  ["i cant go on", 'i can not go on'],
  ["I won't be here", 'i wil not be here'],
  ["I'm done", 'i am done'],
  ["she's going to kill herself", 'she is going to kil herself'],
  ['kill my self', 'kil myself'],
  ['u r the best', 'you are the best'],
  ['kms', 'kil myself'],
  // nothing left
  ['', ''],
  ['👍 !!!', ''],
];

describe('safety screen: normalisation', () => {
  for (const [input, want] of TABLE) {
    it(`${JSON.stringify(input)} -> ${JSON.stringify(want)}`, () => {
      expect(screen.normalise(input)).to.equal(want);
    });
  }

  it('fold keeps "?" as a word and drops other punctuation', () => {
    expect(fold("C'est quoi?!")).to.equal('c est quoi ?');
  });

  it('undouble collapses every run of a letter, not digits', () => {
    expect(undouble('aallloo 3114')).to.equal('alo 3114');
  });

  it('normalise without a spelling table still folds and undoubles', () => {
    expect(normalise('Jveux MOURRRIR')).to.equal('jveux mourir');
  });

  it('is idempotent on its own output', () => {
    for (const [input] of TABLE) {
      const once = screen.normalise(input);
      expect(screen.normalise(once), input).to.equal(once);
    }
  });
});

describe('safety screen: pattern language', () => {
  const macros = new Map([
    ['je', 'je|j'],
    ['die', '(?:mourir|crever)'],
  ]);

  it('expands @macros, lets a space match glued words, ~ skip up to 3 words, and collapses doubled letters', () => {
    const re = new RegExp(`^(?:${compilePatternSource('@je veux ~ @die', macros)})$`);
    expect(re.test('je veux mourir')).to.equal(true);
    expect(re.test('jeveux mourir')).to.equal(true);
    expect(re.test('je veux vraiment tellement mourir')).to.equal(true);
    expect(re.test('je veux a b c d mourir')).to.equal(false);
    const doubled = new RegExp(`^(?:${compilePatternSource('frappe', macros)})$`);
    expect(doubled.test('frape')).to.equal(true);
  });

  it('\\s is exactly one space (not glued)', () => {
    const re = new RegExp(`^(?:${compilePatternSource('la\\s(?!vie)[a-z]+', macros)})$`);
    expect(re.test('la ville')).to.equal(true);
    expect(re.test('la vie')).to.equal(false);
  });

  it('refuses an unknown macro', () => {
    expect(() => compilePatternSource('@nope', macros)).to.throw(/unknown macro @nope/);
  });
});
