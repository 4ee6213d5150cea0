/**
 * Symbol lookup inside one file's skeleton (pure), and near-miss
 * suggestions when a name is not there.
 *
 * @module
 */
import { type FileSkeleton, type SkeletonSymbol, walkSymbols } from "../ast/mod.ts";
import { editDistance } from "../text.ts";

/**
 * Every symbol whose qualified name is `path` (names from the module's top
 * level down), at any depth: a member nested in its owner, and a
 * definition named after its owner but not nested in it (a Go method
 * `Memory.Add` beside its type, C++'s `Foo::bar` outside its class, a level
 * flattened past the depth bound). A name defined twice at one level (e.g.
 * under `try`/`except`) gives two results.
 *
 * @example
 * ```ts
 * import { findSymbols } from "./select.ts";
 * import { deepEqual } from "node:assert/strict";
 * const sym = (name: string, qualified: string, children: never[] = []) => ({
 *   kind: "class" as const, name, qualified_name: qualified, start_line: 1, end_line: 9,
 *   signature: `class ${name}`, decorators: [], doc: "", children,
 * });
 * const skeleton = {
 *   path: "m.py", language: "python" as const, sha256: "", has_errors: false, bytes: 99,
 *   skeleton_bytes: 0, imports: [],
 *   symbols: [
 *     { ...sym("Inventory", "Inventory"), children: [sym("Snapshot", "Inventory.Snapshot")] },
 *   ],
 * };
 * const found = findSymbols(skeleton, ["Inventory", "Snapshot"]);
 * deepEqual(found.map((s) => s.qualified_name), ["Inventory.Snapshot"]);
 * ```
 */
export function findSymbols(skeleton: FileSkeleton, path: readonly string[]): SkeletonSymbol[] {
  const qualified = path.join(".");
  const found: SkeletonSymbol[] = [];
  walkSymbols(skeleton.symbols, (s) => {
    if (s.qualified_name === qualified) found.push(s);
  });
  return found;
}

/**
 * Kinds that add to a definition made elsewhere and take its name (an
 * `impl` block of a struct, enum or trait): they share its qualified name,
 * so its URI, and are not what that URI means.
 */
const EXTENDING_KINDS: ReadonlySet<string> = new Set(["impl"]);

/**
 * The matches a URI means: when they are one definition plus blocks of an
 * {@linkcode EXTENDING_KINDS} kind of the same file and qualified name (a
 * struct and its `impl` blocks), the definition alone; otherwise all of
 * them (overloads and duplicates stay ambiguous). An `impl` block has its
 * type's URI, and reaches its members through it (`…/Type#method`).
 *
 * @example
 * ```ts
 * import { preferDefinition } from "./select.ts";
 * import { deepEqual } from "node:assert/strict";
 * const s = (kind: string, line: number) => ({ kind, file: "src/lib.rs", line, qualified_name: "Drawing" });
 * const pick = (ms: ReturnType<typeof s>[]) =>
 *   preferDefinition(ms, (m) => ({ kind: m.kind, file: m.file, qualified_name: m.qualified_name }));
 * deepEqual(pick([s("struct", 1), s("impl", 5), s("impl", 9)]), [s("struct", 1)]);
 * deepEqual(pick([s("impl", 5), s("impl", 9)]).length, 2);
 * deepEqual(pick([s("method", 1), s("method", 5)]).length, 2);
 * ```
 */
export function preferDefinition<T>(
  matches: readonly T[],
  keyOf: (match: T) => { kind: string; file: string; qualified_name: string },
): T[] {
  const defining = matches.filter((m) => !EXTENDING_KINDS.has(keyOf(m).kind));
  const [only, ...more] = defining;
  if (only === undefined || more.length > 0 || defining.length === matches.length) {
    return [...matches];
  }
  const { file, qualified_name } = keyOf(only);
  const sameName = matches.every((m) => {
    const k = keyOf(m);
    return k.file === file && k.qualified_name === qualified_name;
  });
  return sameName ? [only] : [...matches];
}

/** Where a lookup stopped: the part of the path that exists, and what was there instead. */
export interface LookupMiss {
  /** How many leading names of the path were found. */
  matchedDepth: number;
  /** Qualified name of the deepest container found ("" for the module). */
  container: string;
  /** Names available at the level where the lookup failed. */
  available: string[];
}

/** Explain why {@linkcode findSymbols} found nothing for `path`. */
export function explainMiss(skeleton: FileSkeleton, path: readonly string[]): LookupMiss {
  let level: SkeletonSymbol[] = skeleton.symbols;
  let container = "";
  for (let depth = 0; depth < path.length; depth++) {
    const found = level.filter((s) => s.name === path[depth]);
    const first = found[0];
    if (first === undefined) {
      return { matchedDepth: depth, container, available: uniqueNames(level) };
    }
    container = first.qualified_name;
    level = found.flatMap((s) => s.children);
  }
  return { matchedDepth: path.length, container, available: [] };
}

function uniqueNames(symbols: readonly SkeletonSymbol[]): string[] {
  return [...new Set(symbols.map((s) => s.name))];
}

/** Every qualified name in a skeleton, depth first, each once. */
export function allQualifiedNames(skeleton: FileSkeleton): string[] {
  const out = new Set<string>();
  walkSymbols(skeleton.symbols, (s) => out.add(s.qualified_name));
  return [...out];
}

/** Options for {@linkcode nearestNames}. */
export interface NearestOptions {
  /** At most this many (default 3). */
  limit?: number;
}

/**
 * Candidates close to `wanted`, best first: the same name ignoring case, a
 * qualified name ending in `.wanted`'s last part, or within an edit distance
 * of a third of the longer length.
 */
export function nearestNames(
  wanted: string,
  candidates: readonly string[],
  options: NearestOptions = {},
): string[] {
  const lower = wanted.toLowerCase();
  const last = lower.slice(lower.lastIndexOf(".") + 1);
  const scored: { c: string; d: number }[] = [];
  for (const c of new Set(candidates)) {
    if (c === wanted) continue;
    const cl = c.toLowerCase();
    const cLast = cl.slice(cl.lastIndexOf(".") + 1);
    let d: number;
    if (cl === lower) d = 0;
    else if (cLast === last) d = 0.5;
    else d = editDistance(lower, cl);
    const limit = Math.max(1, Math.floor(Math.max(lower.length, cl.length) / 3));
    if (d <= limit) scored.push({ c, d });
  }
  scored.sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : x.c > y.c ? 1 : 0));
  return scored.slice(0, options.limit ?? 3).map((s) => s.c);
}
