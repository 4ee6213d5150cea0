/**
 * The reference graph of a ranked map: files linked through the identifiers
 * they define (skeleton symbols) and reference (tags), weighted by counts.
 * Common names are damped: a weight grows with the square root of the
 * count (a bare name or attribute counts half: locals and `obj.value` are
 * often another thing of the same name), is shared among the files
 * defining the name and cut tenfold for a name defined in more than five
 * files, a private `_name`, a name of one or two characters, or a test
 * file as the source (a name defined in more than 30 files links none); a specific name (eight characters or more, in
 * snake_case or camelCase) and a focus identifier count tenfold. An import
 * resolved to a file that defines the name links that file only, undamped
 * and tenfold; an import naming files without defining the name (a Go
 * package directory, a C header, a Rust module file) links the names those
 * files define to them only, the same way.
 *
 * @module
 */
import type { FileSkeleton, FileTags, TagKind } from "../ast/mod.ts";
import { importedFiles, type ImportFiles } from "./map_imports.ts";
import { isTestPath } from "../context/test_paths.ts";
import { rowsOfSkeleton, type SymbolRow } from "./symbol_rows.ts";
import { drainSync, type Steps } from "./time_slice.ts";

/** Options for {@linkcode buildMapGraph}. */
export interface MapGraphOptions {
  /** Focus identifiers: their edges weigh more. */
  focusIdents?: ReadonlySet<string>;
  /** Texts of the root config files the import rules read, by path. */
  configs?: ReadonlyMap<string, string>;
}

/** An edge of the graph: `from` references `ident`, which `to` defines. */
export interface IdentEdge {
  /** Referencing file (node number). */
  from: number;
  /** Defining file (node number). */
  to: number;
  /** The identifier. */
  ident: string;
  /** Weight (> 0). */
  weight: number;
}

/** The graph: files (nodes, in path order), edges, and definitions by file. */
export interface MapGraph {
  /** Segment-relative paths, sorted: node `i` is `files[i]`. */
  files: string[];
  /** Node number by path. */
  index: Map<string, number>;
  /** Edges, in a fixed order (by source, then identifier, then target). */
  edges: IdentEdge[];
  /** Definitions (symbols at any depth) by node number. */
  defs: SymbolRow[][];
  /** Node numbers of the files defining each identifier, ascending. */
  definers: Map<string, number[]>;
}

/** Damping factors (see the module's doc). */
const COMMON_DEFINERS = 5;
const DAMP = 0.1;
const FOCUS_BOOST = 10;
const IMPORT_BOOST = 10;
/** A name defined in more files than this links none of them. */
const MAX_DEFINERS = 30;
/** A name of this many characters or more, with `_` or a capital inside, is specific. */
const SPECIFIC_LENGTH = 8;

/** How much one reference of a kind counts. */
const KIND_WEIGHT: Readonly<Record<TagKind, number>> = {
  call: 1,
  type: 1,
  import: 1,
  attribute: 0.5,
  name: 0.5,
};

/** The multiplier of an identifier's shape (see the module's doc). */
function shapeWeight(ident: string): number {
  if (ident.startsWith("_")) return DAMP;
  if (ident.length <= 2) return DAMP;
  const specific = ident.length >= SPECIFIC_LENGTH && /[a-z0-9][_A-Z]|_[a-z]/.test(ident);
  return specific ? FOCUS_BOOST : 1;
}

function* definersOf(
  skeletons: readonly FileSkeleton[],
  index: Map<string, number>,
): Steps<{ defs: SymbolRow[][]; definers: Map<string, number[]> }> {
  const defs: SymbolRow[][] = [];
  const definers = new Map<string, number[]>();
  for (const sk of skeletons) {
    yield;
    const node = index.get(sk.path);
    if (node === undefined) continue;
    const rows = rowsOfSkeleton(sk);
    defs[node] = rows;
    for (const row of rows) {
      const list = definers.get(row.symbol.name) ?? [];
      if (list[list.length - 1] !== node) list.push(node);
      definers.set(row.symbol.name, list);
    }
  }
  for (const list of definers.values()) list.sort((a, b) => a - b);
  return { defs, definers };
}

/** A file's reference counts by name, leaving out the names of its own definitions. */
function refCounts(tags: FileTags, rows: readonly SymbolRow[]): Map<string, number> {
  const defLines = new Map<string, number[]>();
  for (const r of rows) {
    defLines.set(r.symbol.name, [...defLines.get(r.symbol.name) ?? [], r.symbol.start_line]);
  }
  const counts = new Map<string, number>();
  for (const ref of tags.refs) {
    if (defLines.get(ref.name)?.includes(ref.line)) continue;
    counts.set(ref.name, (counts.get(ref.name) ?? 0) + KIND_WEIGHT[ref.kind]);
  }
  return counts;
}

/** What a file's imports resolve to in the map. */
interface ImportTargets {
  /** Imported names defined in the file their module resolves to: name → that file's node. */
  names: Map<string, number>;
  /** Files an import names without defining the imported name (a Go package, a header). */
  files: Set<number>;
}

/** The targets of a file's imports among the map's files. */
function importTargets(
  tags: FileTags,
  graph: Omit<MapGraph, "edges">,
  scope: ImportFiles,
): ImportTargets {
  const out: ImportTargets = { names: new Map(), files: new Set() };
  for (const imp of tags.imports) {
    if (imp.module === undefined) continue;
    const nodes = importedFiles(tags.path, tags.language, imp.module, scope)
      .flatMap((f) => graph.index.get(f) ?? []);
    const defining = nodes.find((n) => graph.definers.get(imp.name)?.includes(n));
    if (defining !== undefined) out.names.set(imp.name, defining);
    else for (const n of nodes) out.files.add(n);
  }
  return out;
}

/** The nodes an identifier links to from `from`, and whether an import chose them. */
function targetsOf(
  ident: string,
  from: number,
  all: readonly number[],
  imported: ImportTargets,
): { targets: number[]; exact: boolean } {
  const named = imported.names.get(ident);
  if (named !== undefined && named !== from) return { targets: [named], exact: true };
  const viaFile = all.filter((n) => n !== from && imported.files.has(n));
  if (viaFile.length > 0) return { targets: viaFile, exact: true };
  return { targets: all.filter((n) => n !== from), exact: false };
}

/** The edges from one referencing file. */
function edgesFrom(
  from: number,
  tags: FileTags,
  graph: Omit<MapGraph, "edges">,
  context: ImportFiles & { focusIdents: ReadonlySet<string> },
): IdentEdge[] {
  const out: IdentEdge[] = [];
  const imported = importTargets(tags, graph, context);
  const testSource = isTestPath(tags.path);
  const counts = refCounts(tags, graph.defs[from] ?? []);
  for (const ident of [...counts.keys()].sort()) {
    const all = graph.definers.get(ident);
    if (all === undefined) continue;
    const { targets, exact } = targetsOf(ident, from, all, imported);
    // A name defined in very many files names no one thing (`__init__`, `get`).
    if (targets.length === 0 || targets.length > MAX_DEFINERS) continue;
    let mul = shapeWeight(ident);
    // A name imported from the module defining it is no guess: not damped, and it weighs more.
    if (exact) mul *= IMPORT_BOOST;
    else if (all.length > COMMON_DEFINERS) mul *= DAMP;
    if (testSource) mul *= DAMP;
    if (context.focusIdents.has(ident)) mul *= FOCUS_BOOST;
    const weight = mul * Math.sqrt(counts.get(ident) ?? 1) / targets.length;
    for (const to of targets) out.push({ from, to, ident, weight });
  }
  return out;
}

/**
 * The graph of `skeletons` (definitions) and `tags` (references).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildMapGraph } from "./map_graph.ts";
 * const sym = { kind: "function" as const, name: "helper", qualified_name: "helper",
 *   start_line: 1, end_line: 2, signature: "def helper()", decorators: [], doc: "", children: [] };
 * const base = { language: "python" as const, sha256: "", has_errors: false, bytes: 0,
 *   skeleton_bytes: 0, imports: [] };
 * const g = buildMapGraph(
 *   [{ ...base, path: "util.py", symbols: [sym] }, { ...base, path: "app.py", symbols: [] }],
 *   [{ path: "app.py", language: "python", sha256: "", truncated: false, imports: [],
 *     refs: [{ name: "helper", line: 3, col: 1, kind: "call" }] }],
 * );
 * equal(g.edges.length, 1);
 * equal(g.files[g.edges[0]?.to ?? -1], "util.py");
 * ```
 */
export function buildMapGraph(
  skeletons: readonly FileSkeleton[],
  tags: readonly FileTags[],
  options: MapGraphOptions = {},
): MapGraph {
  return drainSync(mapGraphSteps(skeletons, tags, options));
}

/**
 * The steps of {@linkcode buildMapGraph}, one pause point per file (run
 * sliced by lib/nav/time_slice.ts so a whole tree's graph does not hold the
 * event loop).
 */
export function* mapGraphSteps(
  skeletons: readonly FileSkeleton[],
  tags: readonly FileTags[],
  options: MapGraphOptions = {},
): Steps<MapGraph> {
  const files = [...new Set([...skeletons.map((s) => s.path), ...tags.map((t) => t.path)])]
    .sort();
  const index = new Map(files.map((f, i) => [f, i]));
  const { defs, definers } = yield* definersOf(skeletons, index);
  for (let i = 0; i < files.length; i++) defs[i] ??= [];
  const partial = { files, index, defs, definers };
  const context = {
    known: new Set(files),
    configs: options.configs,
    focusIdents: options.focusIdents ?? new Set<string>(),
  };
  const ordered = [...tags].sort((a, b) => (index.get(a.path) ?? 0) - (index.get(b.path) ?? 0));
  const edges: IdentEdge[] = [];
  for (const t of ordered) {
    yield;
    const from = index.get(t.path);
    if (from !== undefined) edges.push(...edgesFrom(from, t, partial, context));
  }
  return { ...partial, edges };
}
