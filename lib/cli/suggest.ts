/**
 * "Did you mean" suggestions by edit distance.
 *
 * @module
 */

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/**
 * Candidates close to `word`, best first (at most `limit`): within a third of
 * the longer length, so `--jsno` finds `--json` but `--x` finds nothing.
 */
export function nearest(word: string, candidates: readonly string[], limit = 3): string[] {
  const scored = candidates
    .map((c) => ({ c, d: editDistance(word, c) }))
    .filter(({ c, d }) => d <= Math.max(1, Math.floor(Math.max(word.length, c.length) / 3)))
    .sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : 1));
  return scored.slice(0, limit).map(({ c }) => c);
}
