/**
 * Monotonic timing for telemetry: `performance.now()` never jumps backwards
 * with the wall clock.
 *
 * @module
 */

/** Current monotonic time in milliseconds (fractional). */
export function monotonicMs(): number {
  return performance.now();
}

/**
 * Whole milliseconds elapsed since `startMs` (from {@linkcode monotonicMs}),
 * at least 1 so that every recorded operation has a duration.
 */
export function elapsedMs(startMs: number): number {
  return Math.max(1, Math.round(performance.now() - startMs));
}
