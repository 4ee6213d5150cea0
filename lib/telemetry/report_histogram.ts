/**
 * The latency histogram of `telemetry report`: log-scale buckets between the
 * smallest and the largest value, so that a few slow commands beside many
 * fast ones spread over the buckets instead of all falling into the first
 * of ten equal-width ones.
 *
 * @module
 */

/** A histogram: bucket `i` holds the values in `[edges_ms[i], edges_ms[i + 1])` (the last bucket is closed). */
export interface LatencyHistogram {
  /** Bucket edges, ascending, in ms: `counts.length + 1` of them (empty when there is no value). */
  edges_ms: number[];
  /** Values in each bucket. */
  counts: number[];
}

/** Options for {@linkcode logHistogram}. */
export interface LogHistogramOptions {
  /** Most buckets (default: Sturges' rule, ⌈log2 n⌉ + 1, at most 12). */
  bins?: number;
}

/** `n` to 3 significant digits (edges read as `1.44`, `250`, `1230`). */
function nice(n: number): number {
  return Number(n.toPrecision(3));
}

/** Smallest and largest of `values` (a loop: a spread of 100,000 values overflows the stack). */
function range(values: readonly number[]): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v > 0 && v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { lo: Number.isFinite(lo) ? lo : Math.max(hi, 0), hi };
}

/** Log-spaced edges from `lo` to `hi`: at most `bins` buckets, and no more than whole ms apart allow. */
function edgesOf(lo: number, hi: number, bins: number): number[] {
  const n = Math.max(1, Math.min(bins, Math.ceil(hi - lo) + 1));
  const edges = [lo];
  for (let i = 1; i < n; i++) {
    const e = nice(lo * (hi / lo) ** (i / n));
    if (e > (edges.at(-1) ?? lo) && e < hi) edges.push(e);
  }
  edges.push(hi);
  return edges;
}

/** Bucket of `v` (binary search of the edges; below the first edge → 0, the last edge → last bucket). */
function bucketOf(edges: readonly number[], v: number): number {
  let a = 0;
  let b = edges.length - 2;
  while (a < b) {
    const mid = (a + b + 1) >> 1;
    if (v >= (edges[mid] ?? Infinity)) a = mid;
    else b = mid - 1;
  }
  return a;
}

/**
 * A histogram of `values` (ms) over log-spaced buckets from the smallest
 * positive value to the largest (values ≤ 0 count in the first bucket);
 * few values get few buckets.
 *
 * @example
 * ```ts
 * import { logHistogram } from "./report_histogram.ts";
 * import { deepEqual, equal } from "node:assert/strict";
 * const values = [...Array(95).fill(1), 10, 100, 1000, 3000, 9000];
 * const h = logHistogram(values, { bins: 4 });
 * deepEqual(h.edges_ms, [1, 9.74, 94.9, 924, 9000]);
 * deepEqual(h.counts, [95, 1, 1, 3]);
 * equal(logHistogram([]).counts.length, 0);
 * ```
 */
export function logHistogram(
  values: readonly number[],
  options: LogHistogramOptions = {},
): LatencyHistogram {
  if (values.length === 0) return { edges_ms: [], counts: [] };
  const { lo, hi } = range(values);
  if (!(hi > lo) || lo <= 0) return { edges_ms: [lo, hi], counts: [values.length] };
  const sturges = Math.min(12, Math.ceil(Math.log2(values.length)) + 1);
  const edges = edgesOf(lo, hi, Math.max(1, options.bins ?? sturges));
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const v of values) {
    const i = bucketOf(edges, v);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return { edges_ms: edges, counts };
}

/** A bucket's label: `1.44–2.08 ms`. */
export function bucketLabel(h: LatencyHistogram, i: number): string {
  return `${h.edges_ms[i] ?? 0}–${h.edges_ms[i + 1] ?? h.edges_ms[i] ?? 0} ms`;
}
