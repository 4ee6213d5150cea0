/**
 * Long main-thread work in slices: a step function written as a generator
 * `yield`s at points where it may pause (between files, between PageRank
 * iterations, every few thousand edges); {@linkcode drainSliced} runs it and
 * gives the event loop a turn (a macrotask) once a slice of wall time has
 * passed, so an MCP session answers other calls while a whole-tree ranking
 * runs; {@linkcode drainSync} runs the same steps without pausing. Both give
 * the same result: pausing changes when the work runs, never what it does.
 *
 * @module
 */

/** Wall time of work between two turns of the event loop, in ms. */
export const SLICE_MS = 8;

/** Steps of a long computation: each `yield` is a point where it may pause. */
export type Steps<T> = Generator<void, T, void>;

/** Options for {@linkcode drainSliced}. */
export interface SliceOptions {
  /** Work between two pauses, in ms (default {@linkcode SLICE_MS}). */
  sliceMs?: number;
  /** Called at each pause (a test counts them). */
  onPause?: () => void;
}

/**
 * `steps`, calling `onStep` with the count of steps taken at each one (a
 * caller's progress report).
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { counted, drainSync } from "./time_slice.ts";
 * function* three() {
 *   yield;
 *   yield;
 *   yield;
 *   return "done";
 * }
 * const seen: number[] = [];
 * equal(drainSync(counted(three(), (n) => seen.push(n))), "done");
 * deepEqual(seen, [1, 2, 3]);
 * ```
 */
export function* counted<T>(steps: Steps<T>, onStep: (n: number) => void): Steps<T> {
  for (let n = 1;; n++) {
    const next = steps.next();
    if (next.done) return next.value;
    onStep(n);
    yield;
  }
}

/** One turn of the event loop: timers and I/O callbacks queued meanwhile run first. */
function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Run `steps` to the end without pausing.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { drainSync } from "./time_slice.ts";
 * function* sum(n: number) {
 *   let s = 0;
 *   for (let i = 1; i <= n; i++) {
 *     s += i;
 *     yield;
 *   }
 *   return s;
 * }
 * equal(drainSync(sum(10)), 55);
 * ```
 */
export function drainSync<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * Run `steps` to the end, pausing for a macrotask whenever `sliceMs` of wall
 * time (performance.now(), not a step count) has passed since the last
 * pause, checked at each `yield`.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { drainSliced } from "./time_slice.ts";
 * function* busy(ms: number) {
 *   const end = performance.now() + ms;
 *   let n = 0;
 *   while (performance.now() < end) {
 *     n++;
 *     yield;
 *   }
 *   return n > 0;
 * }
 * let pauses = 0;
 * equal(await drainSliced(busy(30), { sliceMs: 5, onPause: () => pauses++ }), true);
 * ok(pauses >= 1);
 * ```
 */
export async function drainSliced<T>(steps: Steps<T>, options: SliceOptions = {}): Promise<T> {
  const sliceMs = options.sliceMs ?? SLICE_MS;
  let since = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - since >= sliceMs) {
      options.onPause?.();
      await macrotask();
      since = performance.now();
    }
  }
}
