/**
 * The outline of a file, as `ast skeleton` prints it and the MCP `skeleton`
 * tool budgets it: a header line, then one line per import, export and
 * symbol, indented by depth, with its one-line signature, line range and
 * doc line.
 *
 * ```text
 * src/shop/models.py (python, 4210 bytes)
 *   from django.db import models
 *   class Order(models.Model)  # L10-40: An order.
 *     @property def total(self) -> Decimal  # L12-14
 * ```
 *
 * @module
 */
import type { FileSkeleton, SkeletonSymbol } from "../types.ts";
import { clip, oneLine } from "../text_utils.ts";
import { utf8Length } from "../../text.ts";
import { escapeField } from "../../escape.ts";
import { walkSymbols } from "./walk.ts";

/** Longest one-line signature in the text outline (JSON keeps it whole). */
const MAX_TEXT_SIGNATURE = 300;

/** A skeleton as rendered (its own rendered size is not needed). */
export type RenderableSkeleton = Omit<FileSkeleton, "skeleton_bytes">;

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

/** The body's lines: imports, exports, then symbols in pre-order. */
function bodyLines(skeleton: RenderableSkeleton): string[] {
  const out: string[] = [];
  for (const imp of skeleton.imports) out.push(`  ${imp.text}`);
  for (const exp of skeleton.exports ?? []) out.push(`  ${exp.text}`);
  walkSymbols(skeleton.symbols, (sym, depth) => out.push(symbolLine(sym, depth + 1)));
  return out;
}

function headerLine(skeleton: RenderableSkeleton): string {
  const errors = skeleton.has_errors ? ", has_errors" : "";
  // A file name may hold a newline or ESC: the header stays one inert line.
  return `${escapeField(skeleton.path)} (${skeleton.language}, ${skeleton.bytes} bytes${errors})`;
}

/** The body of a file's outline (imports, exports, symbols), without the header line. */
export function renderSkeletonBody(skeleton: RenderableSkeleton): string {
  const out = bodyLines(skeleton);
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

/** The header line of a file's outline (with its newline). */
export function renderSkeletonHeader(skeleton: RenderableSkeleton): string {
  return `${headerLine(skeleton)}\n`;
}

/**
 * The outline of one file: header line, then the indented body.
 *
 * @example
 * ```ts
 * import { renderSkeletonText } from "./file_outline.ts";
 * import { equal } from "node:assert/strict";
 * const text = renderSkeletonText({
 *   path: "m.py", language: "python", sha256: "", has_errors: false, bytes: 40,
 *   imports: [{ text: "import os", line: 1 }],
 *   symbols: [{
 *     kind: "function", name: "f", qualified_name: "f", start_line: 3, end_line: 4,
 *     signature: "def f(a,\n      b)", decorators: [], doc: "Does f.", children: [],
 *   }],
 * });
 * equal(text, "m.py (python, 40 bytes)\n  import os\n  def f(a, b)  # L3-4: Does f.\n");
 * ```
 */
export function renderSkeletonText(skeleton: RenderableSkeleton): string {
  return renderSkeletonHeader(skeleton) + renderSkeletonBody(skeleton);
}

/** Bytes of the text outline of one file (UTF-8). */
export function skeletonTextBytes(skeleton: RenderableSkeleton): number {
  return utf8Length(renderSkeletonText(skeleton));
}

/** One line of a file's outline. */
export interface OutlineLine {
  /** The line, without its newline. */
  text: string;
  /** True for a symbol's line (false for the header, imports and exports). */
  symbol: boolean;
}

/**
 * The outline of one file as lines (the lines of {@linkcode renderSkeletonText},
 * in order), each marked as a symbol's or not: what a budget cuts by line.
 */
export function outlineLines(skeleton: RenderableSkeleton): OutlineLine[] {
  const body = bodyLines(skeleton);
  const plain = skeleton.imports.length + (skeleton.exports?.length ?? 0);
  return [
    { text: headerLine(skeleton), symbol: false },
    ...body.map((text, i) => ({ text, symbol: i >= plain })),
  ];
}
