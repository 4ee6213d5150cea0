/**
 * The text rendering of skeletons: an indented outline an agent reads, one
 * line per symbol with its line range, one-line signature and doc line.
 *
 * ```
 * src/shop/models.py (python, 4210 bytes)
 *   from django.db import models
 *   class Order(models.Model)  # L10-40: An order.
 *     @property def total(self) -> Decimal  # L12-14
 * ```
 *
 * @module
 */
import type { FileSkeleton, SkeletonSymbol } from "./types.ts";
import { clip, oneLine, utf8Length } from "./text_utils.ts";
import { escapeField } from "../escape.ts";

/** Longest one-line signature in the text outline (JSON keeps it whole). */
const MAX_TEXT_SIGNATURE = 300;

function symbolLine(sym: SkeletonSymbol, depth: number): string {
  let line = "  ".repeat(depth);
  for (const d of sym.decorators) line += `${oneLine(d)} `;
  line += clip(oneLine(sym.signature), MAX_TEXT_SIGNATURE);
  line += sym.start_line === sym.end_line
    ? `  # L${sym.start_line}`
    : `  # L${sym.start_line}-${sym.end_line}`;
  if (sym.doc !== "") line += `: ${sym.doc}`;
  return line;
}

/** Pre-order, with an explicit stack: no input nests deep enough to overflow it. */
function renderSymbols(symbols: readonly SkeletonSymbol[], out: string[]): void {
  const stack: Array<[SkeletonSymbol, number]> = [];
  for (let i = symbols.length - 1; i >= 0; i--) stack.push([symbols[i], 1]);
  while (stack.length > 0) {
    const [sym, depth] = stack.pop() as [SkeletonSymbol, number];
    out.push(symbolLine(sym, depth));
    const kids = sym.children;
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], depth + 1]);
  }
}

/** The body of a file's outline (imports, exports, symbols), without the header line. */
export function renderSkeletonBody(skeleton: Omit<FileSkeleton, "skeleton_bytes">): string {
  const out: string[] = [];
  for (const imp of skeleton.imports) out.push(`  ${imp.text}`);
  for (const exp of skeleton.exports ?? []) out.push(`  ${exp.text}`);
  renderSymbols(skeleton.symbols, out);
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

/** The header line of a file's outline. */
export function renderSkeletonHeader(skeleton: Omit<FileSkeleton, "skeleton_bytes">): string {
  const errors = skeleton.has_errors ? ", has_errors" : "";
  // A file name may hold a newline or ESC: the header stays one inert line.
  return `${escapeField(skeleton.path)} (${skeleton.language}, ${skeleton.bytes} bytes${errors})\n`;
}

/** The outline of one file: header line, then the indented body. */
export function renderSkeletonText(skeleton: Omit<FileSkeleton, "skeleton_bytes">): string {
  return renderSkeletonHeader(skeleton) + renderSkeletonBody(skeleton);
}

/** Bytes of the text outline of one file (UTF-8). */
export function skeletonTextBytes(skeleton: Omit<FileSkeleton, "skeleton_bytes">): number {
  return utf8Length(renderSkeletonText(skeleton));
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

/** Count a skeleton's functions, methods and classes at any depth. */
export function countSymbols(symbols: readonly SkeletonSymbol[]): SymbolCounts {
  const counts: SymbolCounts = { functions: 0, classes: 0, total: 0 };
  // An explicit stack: a cached value may nest deeper than the call stack.
  const stack: SkeletonSymbol[] = [...symbols];
  while (stack.length > 0) {
    const s = stack.pop() as SkeletonSymbol;
    counts.total++;
    if (s.kind === "function" || s.kind === "method") counts.functions++;
    else if (s.kind === "class") counts.classes++;
    for (const child of s.children) stack.push(child);
  }
  return counts;
}
