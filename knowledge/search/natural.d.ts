/**
 * Types for the few `natural` submodules the search engine imports directly. Importing the
 * package root costs about 400 ms and prints a banner; the submodules load in a few milliseconds.
 */
declare module 'natural/lib/natural/stemmers/porter_stemmer_fr.js' {
  const stemmer: { stem(word: string): string };
  export default stemmer;
}
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const stemmer: { stem(word: string): string };
  export default stemmer;
}
declare module 'natural/lib/natural/distance/jaro-winkler_distance.js' {
  /** Jaro-Winkler similarity, 0 (nothing in common) to 1 (equal). */
  const jaroWinkler: (a: string, b: string, options?: { ignoreCase?: boolean }) => number;
  export default jaroWinkler;
}
