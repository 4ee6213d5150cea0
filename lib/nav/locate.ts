/**
 * From a `sym://` URI to a position a language server can be asked about:
 * the URI is resolved against the segment's skeletons (lib/symbols), then
 * the symbol's NAME is found on its definition line, read through the read
 * boundary. Also the reverse: the innermost skeleton symbol that encloses a
 * line, and the module URI of a file, for grouping references.
 *
 * @module
 */
import type { FileSkeleton, SkeletonSymbol } from "../ast/mod.ts";
import type { AstCache } from "../cache/mod.ts";
import { UsageError } from "../errors.ts";
import { readInside, type Segment } from "../segment/mod.ts";
import { type ResolvedSymbol, resolveSymbol } from "../symbols/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import { escapeRegExp } from "../text.ts";

/** A `sym://` URI resolved to a file and (for `type` URIs) a symbol and its name's position. */
export interface LocatedSymbol {
  /** The URI as given. */
  uri: string;
  /** The resolution (file, skeleton, symbol). */
  resolved: ResolvedSymbol;
  /** The file: real absolute and segment-relative path. */
  file: { abs: string; rel: string };
  /** The symbol (absent for a module URI). */
  symbol?: SkeletonSymbol;
  /** 1-based line of the name (1 for a module). */
  line: number;
  /** 1-based column of the name, in characters (1 for a module). */
  col: number;
}

/** Options for {@linkcode locateSymbol}. */
export interface LocateOptions {
  /** AST cache the skeleton goes through. */
  cache?: AstCache;
  /** Telemetry for `selector.resolve`. */
  telemetry?: Telemetry;
  /** Refuse a module URI (`INVALID_LOCATION`): the caller asks about a symbol. */
  requireSymbol?: boolean;
}

/** True when a command argument is a `sym://` URI rather than `FILE:LINE:COL`. */
export function isSymbolUri(arg: string): boolean {
  return arg.startsWith("sym://");
}

/**
 * The 1-based line and character column of `symbol`'s name: the first
 * whole-word occurrence on its definition line (or, for a signature that
 * starts on a line of its own, on the next lines of its range); the start
 * of the definition line when the name is not written there.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { namePosition } from "./locate.ts";
 * const lines = ["class Item:", "    def add(self, add_to): ..."];
 * deepEqual(namePosition(lines, { name: "add", start_line: 2, end_line: 2 }), { line: 2, col: 9 });
 * ```
 */
export function namePosition(
  lines: readonly string[],
  symbol: Pick<SkeletonSymbol, "name" | "start_line" | "end_line">,
): { line: number; col: number } {
  const re = new RegExp(
    `(?<![\\p{L}\\p{N}_$])${escapeRegExp(symbol.name)}(?![\\p{L}\\p{N}_$])`,
    "u",
  );
  const last = Math.min(symbol.end_line, symbol.start_line + 5);
  for (let line = symbol.start_line; line <= last; line++) {
    const text = lines[line - 1];
    if (text === undefined) break;
    const m = re.exec(text);
    if (m) return { line, col: Array.from(text.slice(0, m.index)).length + 1 };
  }
  return { line: symbol.start_line, col: 1 };
}

/**
 * Resolve `uri` and find its name's position. Errors are those of
 * `resolveSymbol` (`INVALID_URI`, `FILE_NOT_FOUND`, `SYMBOL_NOT_FOUND`,
 * `AMBIGUOUS_SYMBOL`, the boundary's), and `INVALID_LOCATION` for a module
 * URI when `requireSymbol` is set.
 */
export async function locateSymbol(
  segment: Segment,
  uri: string,
  options: LocateOptions = {},
): Promise<LocatedSymbol> {
  const resolved = await resolveSymbol(segment, uri, {
    cache: options.cache,
    telemetry: options.telemetry,
  });
  const file = { abs: resolved.file.abs, rel: resolved.file.rel };
  const symbol = resolved.symbol;
  if (!symbol) {
    if (options.requireSymbol) {
      throw new UsageError(`'${uri}' names a module; this question is about a symbol`, {
        code: "INVALID_LOCATION",
        nextSteps: [
          "Name a class, function or method: sym://<lang>/type/<module>/<Name>[#member]",
          `List the module's symbols: trifecta ast symbols ${uri}`,
        ],
      });
    }
    return { uri, resolved, file, line: 1, col: 1 };
  }
  // Masked text: the name is never a secret, and nothing else of it is kept.
  const { text } = await readInside(segment, file.abs);
  const pos = namePosition(text.split(/\r\n|\n|\r/), symbol);
  return { uri, resolved, file, symbol, ...pos };
}

/** The `sym://…/mod/…` URI of a file, or null (lib/symbols/uri_of.ts). */
export { moduleUriOf } from "../symbols/mod.ts";

/**
 * The innermost symbol of a skeleton whose range holds `line`, or
 * undefined at module level.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { enclosingSymbol } from "./locate.ts";
 * const m = { kind: "method" as const, name: "m", qualified_name: "C.m", start_line: 2,
 *   end_line: 3, signature: "", decorators: [], doc: "", children: [] };
 * const c = { ...m, kind: "class" as const, name: "C", qualified_name: "C", start_line: 1,
 *   end_line: 5, children: [m] };
 * equal(enclosingSymbol([c], 3)?.qualified_name, "C.m");
 * equal(enclosingSymbol([c], 4)?.qualified_name, "C");
 * equal(enclosingSymbol([c], 9), undefined);
 * ```
 */
export function enclosingSymbol(
  symbols: FileSkeleton["symbols"],
  line: number,
): SkeletonSymbol | undefined {
  let found: SkeletonSymbol | undefined;
  let level: readonly SkeletonSymbol[] = symbols;
  for (;;) {
    const inside = level.find((s) => s.start_line <= line && line <= s.end_line);
    if (!inside) return found;
    found = inside;
    level = inside.children;
  }
}
