/**
 * Personalised PageRank over a small weighted directed graph, deterministic:
 * nodes are numbered by the caller (in path order), every sum runs in that
 * order, and the iteration count is fixed by a tolerance.
 *
 * @module
 */
import { drainSync, type Steps } from "./time_slice.ts";

/** One weighted edge between node numbers. */
export interface RankEdge {
  /** Source node. */
  from: number;
  /** Target node. */
  to: number;
  /** Weight (> 0). */
  weight: number;
}

/** Options for {@linkcode pageRank}. */
export interface PageRankOptions {
  /**
   * Restart weights by node (the focus); absent or all zero means uniform.
   * Dangling nodes' rank goes back by the same weights.
   */
  personalization?: ReadonlyMap<number, number>;
  /** Probability of following an edge (default 0.85). */
  damping?: number;
  /** Most iterations (default 100). */
  maxIterations?: number;
  /** Stop when the L1 change is below this (default 1e-10). */
  tolerance?: number;
}

function restartVector(n: number, personalization?: ReadonlyMap<number, number>): Float64Array {
  const v = new Float64Array(n);
  let total = 0;
  for (const [node, w] of personalization ?? []) {
    if (node >= 0 && node < n && w > 0) {
      v[node] = (v[node] ?? 0) + w;
      total += w;
    }
  }
  if (total === 0) return v.fill(n === 0 ? 0 : 1 / n);
  for (let i = 0; i < n; i++) v[i] = (v[i] ?? 0) / total;
  return v;
}

/** Edges handled between two points where a sliced run may pause. */
const EDGE_CHUNK = 8192;

/**
 * The steps of {@linkcode pageRank}: one pause point every
 * {@linkcode EDGE_CHUNK} edges of an iteration and at the end of each
 * iteration (lib/nav/time_slice.ts runs them, sliced or not).
 */
export function* pageRankSteps(
  n: number,
  edges: readonly RankEdge[],
  options: PageRankOptions = {},
): Steps<Float64Array> {
  const damping = options.damping ?? 0.85;
  const restart = restartVector(n, options.personalization);
  const outWeight = new Float64Array(n);
  for (const e of edges) outWeight[e.from] = (outWeight[e.from] ?? 0) + e.weight;
  let rank = Float64Array.from(restart);
  for (let iter = 0; iter < (options.maxIterations ?? 100); iter++) {
    const next = new Float64Array(n);
    let dangling = 0;
    for (let i = 0; i < n; i++) if ((outWeight[i] ?? 0) === 0) dangling += rank[i] ?? 0;
    for (let k = 0; k < edges.length; k++) {
      const e = edges[k];
      if (e === undefined) continue;
      const w = outWeight[e.from] ?? 0;
      next[e.to] = (next[e.to] ?? 0) + damping * (rank[e.from] ?? 0) * e.weight / w;
      if (k % EDGE_CHUNK === EDGE_CHUNK - 1) yield;
    }
    let change = 0;
    for (let i = 0; i < n; i++) {
      const r = restart[i] ?? 0;
      const v = (next[i] ?? 0) + (1 - damping) * r + damping * dangling * r;
      change += Math.abs(v - (rank[i] ?? 0));
      next[i] = v;
    }
    rank = next;
    if (change < (options.tolerance ?? 1e-10)) break;
    yield;
  }
  return rank;
}

/**
 * The rank of each of `n` nodes (summing to 1) under personalised PageRank.
 *
 * @example
 * ```ts
 * import { pageRank } from "./pagerank.ts";
 * import { ok } from "node:assert/strict";
 * // 0 → 2, 1 → 2: node 2 is referenced by both and ranks first.
 * const r = pageRank(3, [{ from: 0, to: 2, weight: 1 }, { from: 1, to: 2, weight: 1 }]);
 * ok((r[2] ?? 0) > (r[0] ?? 0) && (r[2] ?? 0) > (r[1] ?? 0));
 * ```
 */
export function pageRank(
  n: number,
  edges: readonly RankEdge[],
  options: PageRankOptions = {},
): Float64Array {
  return drainSync(pageRankSteps(n, edges, options));
}
