/**
 * Search on symbol names: how often a query that is exactly a symbol's name
 * puts the chunk that defines it first (top-1). Run after a build of the
 * segment:
 *
 *   deno run -A --unstable-raw-imports bench/search_symbols.ts <segment> [--n 200] [--seed 15] [--lib <context mod.ts>]
 *
 * Draws `n` top-level symbols and `n` methods (a seeded shuffle: ordered by
 * sha256 of the seed and the definition, so the same draw every run) from the segment's tree-sitter skeletons, searches for
 * each bare name (and each method as `Class.method`), and counts:
 * - `strict`: the first hit is the chunk that holds the drawn definition;
 * - `any_definition`: the first hit holds some definition of that name (a
 *   name defined in several places cannot be strict for all of them).
 *
 * `--lib` loads another `lib/context/mod.ts` (an older checkout, for a
 * baseline: build the segment with that checkout first). Prints one JSON
 * object; misses are listed (the first 15 of each set).
 *
 * @module
 */
import { join } from "node:path";
import { type FileSkeleton, skeletonOfFile, walkSymbols } from "../lib/ast/mod.ts";
import * as current from "../lib/context/mod.ts";
import type { PackChunk } from "../lib/context/mod.ts";
import { resolveSegment } from "../lib/segment/mod.ts";
import { sha256Hex } from "../lib/sha256.ts";

interface Def {
  name: string;
  qualified: string;
  path: string;
  line: number;
  depth: number;
  kind: string;
}

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] ?? fallback : fallback;
}

/** A seeded shuffle: ordered by a hash of the seed and the definition, the same every run. */
function shuffled(items: readonly Def[], seed: number): Def[] {
  const key = (d: Def) => sha256Hex(`${seed}:${d.path}:${d.line}:${d.qualified}`);
  return items.map((d) => ({ d, k: key(d) })).sort((a, b) => (a.k < b.k ? -1 : 1)).map((x) => x.d);
}

const segment = await resolveSegment(Deno.args[0] ?? ".");
const n = Number(flag("--n", "200"));
const seed = Number(flag("--seed", "15"));
const libPath = flag("--lib", "");
const lib: typeof current = libPath ? await import(libPath) : current;
const { pack } = await lib.readPack(segment);

// Definitions from the skeletons (the same extraction the build uses).
const defs: Def[] = [];
const SOURCE = /\.(py|pyi|ts|tsx|mts|cts|js|mjs|cjs|jsx)$/;
const t0 = performance.now();
for (const f of pack.source_files) {
  if (!SOURCE.test(f.path)) continue;
  let skeleton: FileSkeleton;
  try {
    skeleton = (await skeletonOfFile(segment, { abs: join(segment.root, f.path), rel: f.path }))
      .skeleton;
  } catch (err) {
    // A file the AST layer refuses is indexed whole: no symbols to draw from it.
    if (err instanceof Error) continue;
    throw err;
  }
  walkSymbols(skeleton.symbols, (s, depth) => {
    defs.push({
      name: s.name,
      qualified: s.qualified_name,
      path: f.path,
      line: s.start_line,
      depth,
      kind: s.kind,
    });
  });
}
const skeletonMs = performance.now() - t0;

const codeChunks = new Map<string, PackChunk[]>();
for (const c of pack.chunks) {
  if (c.kind !== "code") continue;
  const list = codeChunks.get(c.source_path) ?? [];
  list.push(c);
  codeChunks.set(c.source_path, list);
}

/** The code chunk that holds line `line` of `path`. */
function holder(path: string, line: number): PackChunk | undefined {
  return codeChunks.get(path)?.find((c) => c.start_line <= line && line <= c.end_line);
}

const definingChunks = new Map<string, Set<string>>();
for (const d of defs) {
  const c = holder(d.path, d.line);
  if (!c) continue;
  const set = definingChunks.get(d.name) ?? new Set<string>();
  set.add(c.id);
  definingChunks.set(d.name, set);
}

const usable = (d: Def) => d.name.length >= 2 && holder(d.path, d.line) !== undefined;
const topLevel = shuffled(defs.filter((d) => d.depth === 0 && usable(d)), seed).slice(0, n);
const methods = shuffled(
  defs.filter((d) => d.depth === 1 && d.kind === "method" && usable(d)),
  seed,
).slice(0, n);

async function measure(set: readonly Def[], query: (d: Def) => string) {
  let strict = 0;
  let any = 0;
  const misses: string[] = [];
  const strictMisses: string[] = [];
  const times: number[] = [];
  for (const d of set) {
    const q = query(d);
    const t = performance.now();
    const r = await lib.searchPack(segment, q, { limit: 5, checkStale: false });
    times.push(performance.now() - t);
    const top = r.hits[0]?.id;
    const want = holder(d.path, d.line)?.id;
    if (top !== undefined && top === want) strict++;
    else if (strictMisses.length < 15) {
      const others = (definingChunks.get(d.name)?.size ?? 1) - 1;
      strictMisses.push(`${q} (${d.path}:${d.line}, ${others} other defining chunk(s)) -> ${top}`);
    }
    if (top !== undefined && definingChunks.get(d.name)?.has(top)) any++;
    else if (misses.length < 15) misses.push(`${q} (${d.path}:${d.line}) -> ${top ?? "no hit"}`);
  }
  times.sort((a, b) => a - b);
  return {
    queries: set.length,
    strict_top1: strict,
    any_definition_top1: any,
    strict_pct: Number((100 * strict / Math.max(1, set.length)).toFixed(1)),
    any_definition_pct: Number((100 * any / Math.max(1, set.length)).toFixed(1)),
    search_ms_p50: Number((times[Math.floor(times.length / 2)] ?? 0).toFixed(2)),
    misses,
    strict_misses: strictMisses,
  };
}

console.log(JSON.stringify(
  {
    segment: segment.root.split("/").pop(),
    lib: libPath || "lib/context/mod.ts",
    seed,
    definitions: defs.length,
    skeleton_ms: Math.round(skeletonMs),
    top_level: await measure(topLevel, (d) => d.name),
    methods: await measure(methods, (d) => d.name),
    methods_qualified: await measure(methods, (d) => d.qualified),
  },
  null,
  2,
));
