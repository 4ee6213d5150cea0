/**
 * "Did you mean" suggestions by edit distance.
 *
 * @module
 */
import { editDistance } from "../text.ts";

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
