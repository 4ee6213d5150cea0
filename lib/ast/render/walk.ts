/**
 * Walking and counting a skeleton's symbols: pre-order, with an explicit
 * stack, so no nesting a cached value can hold overflows the call stack.
 *
 * @module
 */
import type { SkeletonSymbol } from "../types.ts";

/**
 * Visit every symbol in pre-order (a parent before its children, siblings
 * in order), with its depth below `symbols` (0 for the items of `symbols`).
 *
 * @example
 * ```ts
 * import { walkSymbols } from "./walk.ts";
 * import type { SkeletonSymbol } from "../types.ts";
 * import { deepEqual } from "node:assert/strict";
 * const sym = (name: string, children: SkeletonSymbol[] = []): SkeletonSymbol => ({
 *   kind: "function", name, qualified_name: name, start_line: 1, end_line: 1,
 *   signature: name, decorators: [], doc: "", children,
 * });
 * const seen: string[] = [];
 * walkSymbols([sym("A", [sym("m")]), sym("b")], (s, depth) => seen.push(`${depth}:${s.name}`));
 * deepEqual(seen, ["0:A", "1:m", "0:b"]);
 * ```
 */
export function walkSymbols(
  symbols: readonly SkeletonSymbol[],
  visit: (symbol: SkeletonSymbol, depth: number) => void,
): void {
  const stack: Array<[SkeletonSymbol, number]> = [];
  for (let i = symbols.length - 1; i >= 0; i--) stack.push([symbols[i]!, 0]); // i in range
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [sym, depth] = top;
    visit(sym, depth);
    const kids = sym.children;
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, depth + 1]); // i in range
  }
}

/** Counts of a skeleton's symbols, at any depth. */
export interface SymbolCounts {
  /** Functions and methods. */
  functions: number;
  /** Classes. */
  classes: number;
  /** Every symbol. */
  total: number;
}

/**
 * Count a skeleton's functions, methods and classes at any depth.
 *
 * @example
 * ```ts
 * import { countSymbols } from "./walk.ts";
 * import { deepEqual } from "node:assert/strict";
 * const method = {
 *   kind: "method" as const, name: "m", qualified_name: "A.m", start_line: 2, end_line: 2,
 *   signature: "def m(self)", decorators: [], doc: "", children: [],
 * };
 * const cls = {
 *   ...method, kind: "class" as const, name: "A", qualified_name: "A", children: [method],
 * };
 * deepEqual(countSymbols([cls]), { functions: 1, classes: 1, total: 2 });
 * ```
 */
export function countSymbols(symbols: readonly SkeletonSymbol[]): SymbolCounts {
  const counts: SymbolCounts = { functions: 0, classes: 0, total: 0 };
  walkSymbols(symbols, (s) => {
    counts.total++;
    if (s.kind === "function" || s.kind === "method") counts.functions++;
    else if (s.kind === "class") counts.classes++;
  });
  return counts;
}
