/**
 * The compact text of a `symbol` answer: the lines `trifecta ast symbols`
 * prints — a head line (the symbol's file, range, kind and name, or the
 * module's file and language), then one outline line per symbol
 * (`kind name  L<start>-<end>  signature`, children indented). The
 * structure (`symbols` with their fields) is in `structuredContent` only.
 *
 * @module
 */
import { escapeField } from "../escape.ts";

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function num(v: unknown): number {
  return typeof v === "number" ? v : 0;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v))
    : undefined;
}

/** A signature on one line, other control characters escaped. */
function oneLine(text: string): string {
  return escapeField(text.replace(/\s*\r?\n\s*/g, " ").trim());
}

/** Outline lines of listed symbols (their JSON shape: `line`, `end_line`, `children`). */
function outline(entries: readonly unknown[], depth: number, out: string[]): void {
  for (const e of entries) {
    const s = record(e);
    if (!s) continue;
    const start = num(s.line);
    const end = num(s.end_line);
    const span = start === end ? `L${start}` : `L${start}-${end}`;
    const sig = oneLine(str(s.signature));
    out.push(`${"  ".repeat(depth)}${str(s.kind)} ${escapeField(str(s.name))}  ${span}  ${sig}`);
    const children = Array.isArray(s.children) ? s.children : [];
    outline(children, depth + 1, out);
    const omitted = num(s.children_omitted);
    if (omitted > 0) out.push(`${"  ".repeat(depth + 1)}… ${omitted} member(s) left out`);
  }
}

/**
 * The text of a `symbol` answer's structured content (its head fields and
 * the `symbols` shown), without the marker line.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { symbolAnswerText } from "./symbol_text.ts";
 * const text = symbolAnswerText({
 *   file_rel: "a.py", language: "python", has_errors: false,
 *   symbols: [{ kind: "function", name: "f", line: 1, end_line: 2, signature: "def f()",
 *     children: [] }],
 * });
 * equal(text, "a.py  (python, 1 top-level symbol)\n  function f  L1-2  def f()\n");
 * ```
 */
export function symbolAnswerText(structured: Readonly<Record<string, unknown>>): string {
  const file = escapeField(str(structured.file_rel));
  const shown = Array.isArray(structured.symbols) ? structured.symbols : [];
  const lines: string[] = [];
  const sym = record(structured.symbol);
  if (sym) {
    lines.push(
      `${file}:${num(sym.start_line)}-${num(sym.end_line)}  ${str(sym.kind)} ${
        escapeField(str(sym.qualified_name))
      }`,
    );
    if (str(sym.doc) !== "") lines.push(`  ${oneLine(str(sym.doc))}`);
  } else if (file !== "") {
    const n = num(structured.symbols_total) || shown.length;
    lines.push(
      `${file}  (${str(structured.language)}, ${n} top-level symbol${n === 1 ? "" : "s"})`,
    );
  }
  if (structured.has_errors === true) {
    lines.push("  (syntax errors: symbols recovered by tree-sitter)");
  }
  outline(shown, 1, lines);
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}
