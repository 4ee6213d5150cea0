/**
 * Symbol lookup inside one file's skeleton (pure), and near-miss
 * suggestions when a name is not there.
 *
 * @module
 */
import { type FileSkeleton, type SkeletonSymbol, walkSymbols } from "../ast/mod.ts";
import { editDistance } from "../text.ts";

/**
 * Every symbol at `path` (names from the module's top level down). A name
 * defined twice at one level (e.g. under `try`/`except`) gives two results.
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
  let level: SkeletonSymbol[] = skeleton.symbols;
  let found: SkeletonSymbol[] = [];
  for (const name of path) {
    found = level.filter((s) => s.name === name);
    if (found.length === 0) return [];
    level = found.flatMap((s) => s.children);
  }
  return found;
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
