/**
 * The compact text of the language-server tools (`definition`,
 * `references`, `hover`, `diagnostics`): the lines `trifecta lsp <method>`
 * prints — a head line (what was asked, where, who answered), one line per
 * location or diagnostic, then notes — while the structure goes in
 * `structuredContent`. Names from the repository are escaped by
 * `okResult` (no terminal controls).
 *
 * @module
 */

/** What the text of an answer is made of (the structured answer's fields). */
export interface LspTextInput {
  /** `definition`, `references`, `hover` or `diagnostics`. */
  method: string;
  /** Segment-relative file asked about. */
  file: string;
  /** 1-based position (none for diagnostics). */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** The sym:// URI given instead of a position. */
  uri?: string;
  /** The identifier at the position. */
  symbol?: string | null;
  /** `FULL`, `DEGRADED` or `UNAVAILABLE`. */
  capability_state: string;
  /** Who answered (e.g. `pyright`). */
  backend: string;
  /** Why the AST answered, in words (null when the server did). */
  fallback_text: string | null;
  /** Why the AST answered (a code). */
  fallback_reason: string | null;
  /** A note of the answer. */
  note?: string;
}

/** The head line: `<method> '<symbol>' (<uri>) at <file:line:col> — <who>`. */
function headLine(a: LspTextInput): string {
  const where = a.line === undefined ? a.file : `${a.file}:${a.line}:${a.column ?? 1}`;
  const who = a.capability_state === "FULL" ? a.backend : `AST fallback (${a.fallback_reason})`;
  const sym = a.symbol ? ` '${a.symbol}'` : "";
  const uri = a.uri === undefined ? "" : ` (${a.uri})`;
  return `${a.method}${sym}${uri} at ${where} — ${who}`;
}

/**
 * The text of an answer: the head line, the body lines, then the notes
 * (a degraded answer says why; a page cut says how to go on).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { lspText } from "./lsp_text.ts";
 * const text = lspText({
 *   method: "definition", file: "a.py", line: 3, column: 5, symbol: "f",
 *   capability_state: "FULL", backend: "pyright", fallback_text: null, fallback_reason: null,
 * }, ["  b.py:1:5"]);
 * equal(text, "definition 'f' at a.py:3:5 — pyright\n  b.py:1:5\n");
 * ```
 */
export function lspText(a: LspTextInput, body: readonly string[], notes: string[] = []): string {
  const lines = [headLine(a), ...body];
  if (a.capability_state !== "FULL" && a.fallback_text) {
    lines.push(`note: degraded answer — ${a.fallback_text}`);
  }
  if (a.note) lines.push(`note: ${a.note}`);
  lines.push(...notes);
  return lines.join("\n") + "\n";
}

/** A location as one line: `  path:line:col`. */
export function locationLine(l: { path: string; line: number; col: number }): string {
  return `  ${l.path}:${l.line}:${l.col}`;
}
