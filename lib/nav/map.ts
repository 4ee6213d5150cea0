/**
 * The ranked map of a repository under a token budget (`trifecta map`, MCP
 * `map`): definitions from the skeletons, references from the tags (both
 * cached by content), a graph of files linked through the identifiers they
 * define and reference (lib/nav/map_graph.ts), personalised PageRank seeded
 * by the focus (lib/nav/map_rank.ts), and the top definitions rendered as
 * skeleton lines fitted to the budget (lib/nav/map_render.ts). Also
 * {@linkcode rankFiles}: files by the same ranking.
 *
 * @module
 */
import type { AstCache } from "../cache/types.ts";
import {
  collectSkeletonTargets,
  type FileSkeleton,
  type FileTags,
  IN_PROCESS_LIMIT,
  ParsePool,
  skeletonOfFiles,
  type SourceFile,
  tagsOfFiles,
} from "../ast/mod.ts";
import { TrifectaError } from "../errors.ts";
import { importConfigFiles } from "../languages/imports.ts";
import { join } from "../path.ts";
import { readInside } from "../segment/mod.ts";
import type { Segment } from "../segment/segment.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import { type ResolvedFocus, resolveFocus } from "./map_focus.ts";
import { type MapGraph, mapGraphSteps } from "./map_graph.ts";
import { fileRanksSliced, type MapEntry, rankDefinitionsSliced } from "./map_rank.ts";
import { counted, drainSliced } from "./time_slice.ts";
import { fitMap } from "./map_render.ts";

import { MAP_DEFAULT_BUDGET } from "./map_defaults.ts";

export { MAP_DEFAULT_BUDGET } from "./map_defaults.ts";

/** Options for {@linkcode repoMap} and {@linkcode rankFiles}. */
export interface MapOptions {
  /** Focus items: files or directories, `sym://` URIs, identifiers. */
  focus?: readonly string[];
  /** AST cache for skeletons and tags. */
  cache?: AstCache;
  /** Telemetry for the parse events. */
  telemetry?: Telemetry;
  /** Parse pool to use (kept open); by default one is made and closed. */
  pool?: ParsePool;
  /** Worker count for the pool made here. */
  workers?: number;
  /** Called as the skeletons come in: files done and the total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Called as the ranking links the files into its graph: steps done and
   * the total (a skeleton of a whole tree spends seconds here after the
   * parse); `(total, total)` once the files are ranked.
   */
  onRankProgress?: (done: number, total: number) => void;
  /**
   * The files' skeletons when the caller has them already (the MCP
   * `skeleton` tool): not looked up again — on a warm cache that lookup is
   * seconds of main-thread work on a big tree.
   */
  skeletons?: readonly FileSkeleton[];
}

/** The ranked graph of a set of files. */
interface Ranked {
  graph: MapGraph;
  focus: ResolvedFocus;
  /** Files left out (no skeleton and no tags). */
  skipped: number;
  /** Steps of the ranking's progress (files linked into the graph). */
  steps: number;
}

async function loadInputs(
  segment: Segment,
  files: readonly SourceFile[],
  options: MapOptions,
): Promise<{ skeletons: FileSkeleton[]; tags: FileTags[]; skipped: number }> {
  const own = options.pool === undefined && files.length >= IN_PROCESS_LIMIT;
  const pool = own ? new ParsePool({ size: options.workers }) : options.pool;
  try {
    const common = { cache: options.cache, telemetry: options.telemetry, pool };
    const given = options.skeletons;
    const wanted = new Set(files.map((f) => f.rel));
    const [batch, tags] = await Promise.all([
      given === undefined
        ? skeletonOfFiles(segment, files, { ...common, onProgress: options.onProgress })
        : undefined,
      tagsOfFiles(segment, files.map((f) => f.rel), common),
    ]);
    const skeletons = given === undefined
      ? (batch?.files ?? []).flatMap((o) => o.skeleton ? [o.skeleton] : [])
      : given.filter((sk) => wanted.has(sk.path));
    return { skeletons, tags, skipped: batch?.stats.skipped ?? 0 };
  } finally {
    if (own) pool?.close();
  }
}

/** The root config files the languages' import rules read (`go.mod`), by path; absent ones left out. */
async function importConfigs(
  segment: Segment,
  languages: ReadonlySet<string>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const rel of new Set([...languages].flatMap((l) => importConfigFiles(l)))) {
    try {
      out.set(rel, (await readInside(segment, rel)).text);
    } catch (err) {
      // A missing or refused config is not read: the import rule falls back without it.
      if (!(err instanceof TrifectaError)) throw err;
    }
  }
  return out;
}

async function rankedGraph(
  segment: Segment,
  files: readonly SourceFile[],
  options: MapOptions,
): Promise<Ranked> {
  const { skeletons, tags, skipped } = await loadInputs(segment, files, options);
  const configs = await importConfigs(segment, new Set(tags.map((t) => t.language)));
  // Sliced: in an MCP session a whole tree's graph and ranking would hold every other call.
  const total = skeletons.length + tags.length;
  const report = options.onRankProgress;
  const steps = mapGraphSteps(skeletons, tags, { configs });
  const first = await drainSliced(
    report === undefined ? steps : counted(steps, (n) => report(Math.min(n, total - 1), total)),
  );
  const focus = resolveFocus(options.focus ?? [], {
    root: segment.root,
    files: first.files,
    idents: new Set(first.definers.keys()),
  });
  // A focus identifier weighs more on its edges: the graph is built again with it.
  const graph = focus.idents.size === 0
    ? first
    : await drainSliced(mapGraphSteps(skeletons, tags, { focusIdents: focus.idents, configs }));
  return { graph, focus, skipped, steps: total };
}

/** One entry of a map's JSON. */
export interface MapEntryJson {
  /** The definition's `sym://` URI (null when it has none). */
  uri: string | null;
  /** Its score (rounded to 6 significant digits). */
  score: number;
  /** Segment-relative path. */
  path: string;
  /** Kind. */
  kind: string;
  /** Qualified name. */
  qualified_name: string;
  /** First line (1-based). */
  start_line: number;
  /** Last line. */
  end_line: number;
  /** Signature as written. */
  signature: string;
}

/** Which part of the ranking a call shows, and in how many tokens. */
export interface PageOptions {
  /** Budget in tokens (default {@linkcode MAP_DEFAULT_BUDGET}). */
  budgetTokens?: number;
  /** Rank of the first entry shown (0 = the top; a later page starts further down). */
  start?: number;
  /** Tokens of the budget kept free for what the caller adds (a cursor line). */
  reserveTokens?: number;
}

/** A map fitted to its budget. */
export interface RepoMap {
  /** The map as text (what the CLI prints). */
  text: string;
  /** Entries shown, in rank order. */
  entries: MapEntryJson[];
  /** Rank of the first entry shown. */
  start: number;
  /** Files in the graph. */
  files_count: number;
  /** Definitions ranked (outside the focus files). */
  definitions_count: number;
  /** {@linkcode estimateTokens} of `text`. */
  token_est: number;
  /** The budget. */
  budget_tokens: number;
  /** True when definitions were left out. */
  truncated: boolean;
  /** The focus as resolved. */
  focus: { files: string[]; identifiers: string[]; unmatched: string[] };
  /** Files left out (unreadable, binary, too large, too complex). */
  skipped_count: number;
}

function entryJson(e: MapEntry): MapEntryJson {
  const s = e.symbol;
  return {
    uri: e.uri,
    score: Number(e.score.toPrecision(6)),
    path: e.path,
    kind: s.kind,
    qualified_name: s.qualified_name,
    start_line: s.start_line,
    end_line: s.end_line,
    signature: s.signature,
  };
}

/**
 * The ranked map of the segment's source files under `budgetTokens`
 * (default {@linkcode MAP_DEFAULT_BUDGET}).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { repoMap } from "./map.ts";
 * import { resolveSegment } from "../segment/mod.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/util.py`, "def helper(x):\n    return x\n");
 * Deno.writeTextFileSync(`${dir}/app.py`, "from util import helper\n\nhelper(1)\n");
 * const map = await repoMap(await resolveSegment(dir), { budgetTokens: 64 });
 * ok(map.text.includes("def helper(x)") && map.token_est <= 64);
 * ```
 */
export async function repoMap(
  segment: Segment,
  options: MapOptions & PageOptions = {},
): Promise<RepoMap> {
  const budget = options.budgetTokens ?? MAP_DEFAULT_BUDGET;
  const start = options.start ?? 0;
  const targets = await collectSkeletonTargets(segment, ["."]);
  const { graph, focus, skipped, steps } = await rankedGraph(segment, targets.files, options);
  const entries = await rankDefinitionsSliced(graph, focus);
  options.onRankProgress?.(steps, steps);
  const rest = entries.slice(start);
  const fitted = fitMap(rest, Math.max(0, budget - (options.reserveTokens ?? 0)));
  return {
    text: fitted.text,
    entries: rest.slice(0, fitted.shown).map(entryJson),
    start,
    files_count: graph.files.length,
    definitions_count: entries.length,
    token_est: fitted.tokenEst,
    budget_tokens: budget,
    truncated: fitted.truncated,
    focus: {
      files: focus.files,
      identifiers: [...focus.idents].sort(),
      unmatched: focus.unmatched,
    },
    skipped_count: skipped + targets.skipped.length,
  };
}

/** A file and its rank. */
export interface RankedFile {
  /** Segment-relative path. */
  path: string;
  /** Its PageRank (the ranks of all files sum to 1). */
  rank: number;
}

/**
 * `files` (segment-relative) by the map's ranking, best first (ties by
 * path); files that could not be read come last, in path order.
 */
export async function rankFiles(
  segment: Segment,
  files: readonly string[],
  options: MapOptions = {},
): Promise<RankedFile[]> {
  const sources = files.map((rel) => ({ rel, abs: join(segment.root, rel) }));
  const { graph, focus, steps } = await rankedGraph(segment, sources, options);
  const ranks = await fileRanksSliced(graph, focus);
  options.onRankProgress?.(steps, steps);
  const out = files.map((path) => {
    const node = graph.index.get(path);
    return { path, rank: node === undefined ? -1 : ranks[node] ?? 0 };
  });
  out.sort((a, b) => b.rank - a.rank || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out.map((f) => ({ path: f.path, rank: Math.max(0, f.rank) }));
}
