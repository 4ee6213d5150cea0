/**
 * Ranking of a map: personalised PageRank over the files (seeded by the
 * focus files and the files defining focus identifiers; uniform without a
 * focus), then each definition's score: the rank of every file referencing
 * it, shared over that file's out-edges by weight. Ties break by the
 * file's rank, then path, line and qualified name, so a ranking is
 * deterministic.
 *
 * @module
 */
import type { SkeletonSymbol } from "../ast/mod.ts";
import type { MapGraph } from "./map_graph.ts";
import { pageRankSteps } from "./pagerank.ts";
import { drainSliced, drainSync, type SliceOptions, type Steps } from "./time_slice.ts";

/** One ranked definition. */
export interface MapEntry {
  /** Segment-relative path of the defining file. */
  path: string;
  /** The symbol. */
  symbol: SkeletonSymbol;
  /** Its `sym://` URI, or null when it has none. */
  uri: string | null;
  /** Score: the share of rank that flows to it through references. */
  score: number;
  /** Rank of its file. */
  fileRank: number;
}

/** The focus of a ranking. */
export interface RankFocus {
  /** Focus files (their own definitions are left out of the map). */
  files: readonly string[];
  /** Focus identifiers (the files defining them seed the ranking). */
  idents: ReadonlySet<string>;
}

/** The steps of {@linkcode fileRanks} (lib/nav/time_slice.ts runs them). */
function fileRankSteps(graph: MapGraph, focus: RankFocus): Steps<Float64Array> {
  const seed = new Map<number, number>();
  for (const f of focus.files) {
    const node = graph.index.get(f);
    if (node !== undefined) seed.set(node, 1);
  }
  for (const ident of [...focus.idents].sort()) {
    for (const node of graph.definers.get(ident) ?? []) seed.set(node, seed.get(node) ?? 1);
  }
  return pageRankSteps(graph.files.length, graph.edges, { personalization: seed });
}

/** The rank of each file (by node number), seeded by the focus. */
export function fileRanks(graph: MapGraph, focus: RankFocus): Float64Array {
  return drainSync(fileRankSteps(graph, focus));
}

/** {@linkcode fileRanks}, giving the event loop a turn every slice of work (same ranks). */
export function fileRanksSliced(
  graph: MapGraph,
  focus: RankFocus,
  options: SliceOptions = {},
): Promise<Float64Array> {
  return drainSliced(fileRankSteps(graph, focus), options);
}

function compareEntries(a: MapEntry, b: MapEntry): number {
  return b.score - a.score || b.fileRank - a.fileRank ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    a.symbol.start_line - b.symbol.start_line ||
    (a.symbol.qualified_name < b.symbol.qualified_name ? -1 : 1);
}

/** Edges scored between two points where a sliced run may pause. */
const EDGE_CHUNK = 8192;

/** The steps of {@linkcode rankDefinitions}. */
function* rankDefinitionSteps(graph: MapGraph, focus: RankFocus): Steps<MapEntry[]> {
  const ranks = yield* fileRankSteps(graph, focus);
  const outWeight = new Float64Array(graph.files.length);
  for (const e of graph.edges) outWeight[e.from] = (outWeight[e.from] ?? 0) + e.weight;
  const scores = new Map<string, number>();
  for (let k = 0; k < graph.edges.length; k++) {
    const e = graph.edges[k];
    if (e === undefined) continue;
    const key = `${e.to}\0${e.ident}`;
    const share = (ranks[e.from] ?? 0) * e.weight / (outWeight[e.from] ?? 1);
    scores.set(key, (scores.get(key) ?? 0) + share);
    if (k % EDGE_CHUNK === EDGE_CHUNK - 1) yield;
  }
  const skip = new Set(focus.files);
  const entries: MapEntry[] = [];
  for (const [node, path] of graph.files.entries()) {
    if (skip.has(path)) continue;
    yield;
    const fileRank = ranks[node] ?? 0;
    for (const row of graph.defs[node] ?? []) {
      const score = scores.get(`${node}\0${row.symbol.name}`) ?? 0;
      entries.push({ path, symbol: row.symbol, uri: row.uri, score, fileRank });
    }
  }
  return entries.sort(compareEntries);
}

/**
 * Every definition outside the focus files, best first.
 */
export function rankDefinitions(graph: MapGraph, focus: RankFocus): MapEntry[] {
  return drainSync(rankDefinitionSteps(graph, focus));
}

/** {@linkcode rankDefinitions}, giving the event loop a turn every slice of work (same entries). */
export function rankDefinitionsSliced(
  graph: MapGraph,
  focus: RankFocus,
  options: SliceOptions = {},
): Promise<MapEntry[]> {
  return drainSliced(rankDefinitionSteps(graph, focus), options);
}
