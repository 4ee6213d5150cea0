/**
 * A bound on the config warnings a command prints: a hostile
 * `trifecta.jsonc` of thousands of unknown keys (under the 64 KiB cap) would
 * otherwise print one line per key on every command and in `config show`.
 *
 * @module
 */
import type { ConfigWarning } from "./types.ts";

/** Most warnings kept per code; the rest become one "… and N more" warning. */
export const MAX_WARNINGS_PER_CODE = 20;

/**
 * The warnings with at most `max` of each code (first ones kept, in order),
 * each code over the cap followed by one summary warning (key `…`, the count
 * of the rest in its message and in `omitted`).
 *
 * @example
 * ```ts
 * import { capWarnings } from "./warnings.ts";
 * import { equal } from "node:assert/strict";
 * const many = Array.from({ length: 30 }, (_, i) => ({
 *   code: "CONFIG_KEY_UNKNOWN",
 *   key: `k${i}`,
 *   message: `unknown key k${i}`,
 * }));
 * const capped = capWarnings(many, { max: 20 });
 * equal(capped.length, 21);
 * equal(capped[20]?.omitted, 10);
 * equal(capped[20]?.message, "… and 10 more CONFIG_KEY_UNKNOWN warnings");
 * ```
 */
export function capWarnings(
  warnings: readonly ConfigWarning[],
  options: { max?: number } = {},
): ConfigWarning[] {
  const max = options.max ?? MAX_WARNINGS_PER_CODE;
  const seen = new Map<string, number>();
  const kept: ConfigWarning[] = [];
  for (const w of warnings) {
    const n = (seen.get(w.code) ?? 0) + 1;
    seen.set(w.code, n);
    if (n <= max) kept.push(w);
  }
  const out: ConfigWarning[] = [];
  const shown = new Map<string, number>();
  for (const w of kept) {
    out.push(w);
    const total = seen.get(w.code) ?? 0;
    const n = (shown.get(w.code) ?? 0) + 1;
    shown.set(w.code, n);
    // After the last kept warning of a code over the cap: the summary.
    if (total > max && n === max) {
      const omitted = total - max;
      out.push({
        code: w.code,
        key: "…",
        message: `… and ${omitted} more ${w.code} warnings`,
        omitted,
      });
    }
  }
  return out;
}
