/**
 * Turns text into index terms for one language: normalisation, synonyms, stop words, stemming.
 * Terms are stems; the French and English stems share one vocabulary so that a visitor who mixes
 * languages still meets the topics.
 */
import frStemmer from 'natural/lib/natural/stemmers/porter_stemmer_fr.js';
import enStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import type { Locale } from '../schema.js';
import { tokenize } from './normalize.js';
import { STOP_WORDS_EN, STOP_WORDS_FR, WEAK_WORDS } from './stopwords.js';
import { SynonymTable, type Synonyms } from './synonyms.js';

/** Stems are pure functions of the word: one memo per language, shared by every index. */
const STEM_CACHES: Record<Locale, Map<string, string>> = { fr: new Map(), en: new Map() };

export type WordKind = 'stop' | 'weak' | 'word';

/** Language-specific analysis: synonyms, stop words and a memoised stemmer. */
export class Analyzer {
  readonly synonyms: SynonymTable;
  private readonly stopWords: ReadonlySet<string>;
  private readonly stemCache: Map<string, string>;
  private readonly stemmer: { stem(word: string): string };

  constructor(
    readonly locale: Locale,
    synonyms: Synonyms | undefined,
  ) {
    this.synonyms = new SynonymTable(synonyms, locale);
    this.stopWords = locale === 'fr' ? STOP_WORDS_FR : STOP_WORDS_EN;
    this.stemmer = locale === 'fr' ? frStemmer : enStemmer;
    this.stemCache = STEM_CACHES[locale];
  }

  kind(word: string): WordKind {
    if (WEAK_WORDS.has(word)) return 'weak';
    if (this.stopWords.has(word) || word.length < 2) return 'stop';
    return 'word';
  }

  /**
   * The stem of a normalised word. French plurals lose their "s" first: the Snowball stemmer
   * cuts "usager" and "usagers" differently.
   */
  stem(word: string): string {
    let stem = this.stemCache.get(word);
    if (stem === undefined) {
      let base = word;
      if (this.locale === 'fr') {
        // Accents are gone, so the stemmer no longer sees "ée"/"és": undo plurals and the
        // feminine of past participles first ("anticipées", "anticipé" -> "anticipe").
        if (base.length > 4 && (base.endsWith('s') || base.endsWith('x')) && !base.endsWith('ss')) base = base.slice(0, -1);
        if (base.length > 4 && base.endsWith('ee')) base = base.slice(0, -1);
      }
      stem = /^\d+$/.test(base) ? base : this.stemmer.stem(base);
      if (stem.length === 0) stem = base;
      if (this.stemCache.size > 50000) this.stemCache.clear();
      this.stemCache.set(word, stem);
    }
    return stem;
  }

  /** Normalised words of a text after synonym replacement (stop words still there). */
  words(text: string): string[] {
    return this.synonyms.apply(tokenize(text));
  }

  /** The terms (stems) of a document text, stop words removed. */
  terms(text: string): { word: string; term: string }[] {
    const out: { word: string; term: string }[] = [];
    for (const word of this.words(text)) {
      if (this.kind(word) === 'stop') continue;
      out.push({ word, term: this.stem(word) });
    }
    return out;
  }
}
