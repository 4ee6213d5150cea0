/**
 * Progressive disclosure of one symbol or module (pure), in the three
 * disclosure modes (`DISCLOSURE_MODES`, lib/segment/read.ts): `skeleton`
 * (an outline with signatures, doc lines and line ranges), `excerpt` (the
 * lines with a small margin, capped) and `raw` (every line), each with the
 * token estimate of what it hands out.
 *
 * @module
 */
import type { DisclosureMode } from "../../segment/read.ts";
import { estimateTokens } from "../../text.ts";
import { codeLines } from "../../languages/mod.ts";
import type { FileSkeleton, SkeletonSymbol } from "../types.ts";
import {
  flattenLines,
  outlineEntries,
  type OutlineEntry,
  renderOutlineEntries,
} from "./symbol_outline.ts";

/** Lines of context shown before and after a symbol in `excerpt` mode. */
export const EXCERPT_MARGIN_LINES = 2;
/** Most lines an excerpt shows before it is truncated (as the predecessor's excerpts). */
export const EXCERPT_MAX_LINES = 25;

/** An inclusive, 1-based line range. */
export interface LineRange {
  /** First line. */
  start_line: number;
  /** Last line. */
  end_line: number;
}

/** What one disclosure shows. */
export interface Disclosure {
  /** The mode. */
  mode: DisclosureMode;
  /** Source lines the content covers (for `skeleton`, the symbol's range). */
  range: LineRange;
  /** The text handed out (an excerpt ends with a truncation marker line when cut). */
  content: string;
  /** True when the excerpt was cut at {@linkcode EXCERPT_MAX_LINES}. */
  truncated: boolean;
  /** `line_cap` when truncated, else null. */
  truncated_reason: "line_cap" | null;
  /** Lines of the symbol not shown because of the cap. */
  omitted_lines: number;
  /** Token estimate of `content` (`estimateTokens` of lib/text.ts). */
  token_est: number;
  /** The outline (skeleton mode only). */
  outline?: OutlineEntry[];
}

/** What is disclosed: one symbol of a file, or the whole module when `symbol` is absent. */
export interface DisclosureTarget {
  /** The file's skeleton. */
  skeleton: FileSkeleton;
  /** The symbol, or undefined for the whole module. */
  symbol?: SkeletonSymbol;
}

/** Options of {@linkcode splitLines}. */
export interface SplitLinesOptions {
  /** The file's language: a lone CR ends a line where its lexer says so (`codeLines`). */
  language?: string;
}

/**
 * Split text into lines (LF or CRLF, and a lone CR for a language whose
 * lexer ends lines there: the skeleton's line numbers count the same way);
 * a final newline does not start a new line.
 *
 * @example
 * ```ts
 * import { splitLines } from "./disclose.ts";
 * import { deepEqual } from "node:assert/strict";
 * deepEqual(splitLines("a\r\nb\n"), ["a", "b"]);
 * ```
 */
export function splitLines(text: string, options: SplitLinesOptions = {}): string[] {
  if (text === "") return [];
  const lines = (options.language === undefined ? text : codeLines(options.language, text))
    .split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Line of the symbol's first decorator (searched up to 200 lines above it), else its own. */
function decoratorStart(lines: readonly string[], symbol: SkeletonSymbol): number {
  const decorator = symbol.decorators[0];
  if (decorator === undefined) return symbol.start_line;
  const first = (decorator.split("\n")[0] ?? "").trim().replace(/^@/, "").slice(0, 40);
  const floor = Math.max(1, symbol.start_line - 200);
  for (let ln = Math.min(symbol.start_line - 1, lines.length); ln >= floor; ln--) {
    const t = (lines[ln - 1] ?? "").trim();
    if (t.startsWith("@") && t.slice(1).startsWith(first)) return ln;
  }
  return symbol.start_line;
}

/**
 * The lines a symbol occupies, decorators included; the whole file for a
 * module. Clamped to the file's lines.
 */
export function targetRange(lines: readonly string[], target: DisclosureTarget): LineRange {
  const total = Math.max(1, lines.length);
  if (!target.symbol) return { start_line: 1, end_line: total };
  const start = Math.min(decoratorStart(lines, target.symbol), total);
  return { start_line: start, end_line: Math.max(start, Math.min(target.symbol.end_line, total)) };
}

function finish(
  mode: DisclosureMode,
  range: LineRange,
  lines: string[],
  extra: Partial<Disclosure> = {},
): Disclosure {
  const content = lines.length === 0 ? "" : lines.join("\n") + "\n";
  return {
    mode,
    range,
    content,
    truncated: false,
    truncated_reason: null,
    omitted_lines: 0,
    token_est: estimateTokens(content),
    ...extra,
  };
}

/**
 * `skeleton` mode: the symbol's decorators, signature (on one line) and doc
 * line, then its members' outline with their line ranges; for a module, its
 * imports and every symbol's outline. Needs no source text.
 *
 * @example
 * ```ts
 * import { discloseSkeleton } from "./disclose.ts";
 * import { equal } from "node:assert/strict";
 * const f = {
 *   kind: "function" as const, name: "f", qualified_name: "f", start_line: 3, end_line: 4,
 *   signature: "def f()", decorators: [], doc: "", children: [],
 * };
 * const skeleton = {
 *   path: "m.py", language: "python" as const, sha256: "", has_errors: false, bytes: 30,
 *   skeleton_bytes: 0, imports: [{ text: "import os", line: 1 }], symbols: [f],
 * };
 * equal(discloseSkeleton({ skeleton }).content, "import os\n\ndef f()  # L3-4\n");
 * ```
 */
export function discloseSkeleton(target: DisclosureTarget): Disclosure {
  const { skeleton, symbol } = target;
  const entries = outlineEntries(symbol ? [symbol] : skeleton.symbols);
  const head = symbol ? [] : skeleton.imports.map((imp) => flattenLines(imp.text));
  if (head.length > 0 && entries.length > 0) head.push("");
  // concat and reduce, not push(...)/max(...): a file may hold more symbols
  // than a call takes arguments.
  const lines = head.concat(renderOutlineEntries(skeleton.language, entries));
  const range = symbol
    ? { start_line: symbol.start_line, end_line: symbol.end_line }
    : { start_line: 1, end_line: skeleton.symbols.reduce((m, s) => Math.max(m, s.end_line), 1) };
  return finish("skeleton", range, lines, { outline: entries });
}

/** Options for {@linkcode discloseExcerpt}. */
export interface ExcerptOptions {
  /** Context lines before and after (default {@linkcode EXCERPT_MARGIN_LINES}). */
  margin?: number;
  /** Line cap (default {@linkcode EXCERPT_MAX_LINES}). */
  maxLines?: number;
}

/**
 * `excerpt` mode: the target's lines with `margin` lines of context on each
 * side, cut after `maxLines` lines with a marker line that says what was left
 * out and how to see it.
 */
export function discloseExcerpt(
  lines: readonly string[],
  target: DisclosureTarget,
  options: ExcerptOptions = {},
): Disclosure {
  const margin = options.margin ?? EXCERPT_MARGIN_LINES;
  const cap = options.maxLines ?? EXCERPT_MAX_LINES;
  const own = targetRange(lines, target);
  const start = Math.max(1, own.start_line - margin);
  const wantedEnd = Math.min(Math.max(lines.length, 1), own.end_line + margin);
  const end = start + cap - 1;
  if (own.end_line <= end) {
    const shownEnd = Math.min(wantedEnd, end);
    const range = { start_line: start, end_line: shownEnd };
    return finish("excerpt", range, lines.slice(start - 1, shownEnd));
  }
  const omitted = own.end_line - end;
  const shown = lines.slice(start - 1, end);
  shown.push(
    `… truncated at the ${cap}-line excerpt cap: lines ${
      end + 1
    }-${own.end_line} (${omitted} more) not shown; use --mode raw`,
  );
  return finish("excerpt", { start_line: start, end_line: end }, shown, {
    truncated: true,
    truncated_reason: "line_cap",
    omitted_lines: omitted,
  });
}

/**
 * `raw` mode: every line of the target, decorators included, nothing added.
 *
 * @example
 * ```ts
 * import { discloseRaw, splitLines } from "./disclose.ts";
 * import { equal } from "node:assert/strict";
 * const text = "import os\n\n@cache\ndef f():\n    return 1\n";
 * const f = {
 *   kind: "function" as const, name: "f", qualified_name: "f", start_line: 4, end_line: 5,
 *   signature: "def f()", decorators: ["@cache"], doc: "", children: [],
 * };
 * const skeleton = {
 *   path: "m.py", language: "python" as const, sha256: "", has_errors: false,
 *   bytes: text.length, skeleton_bytes: 0, imports: [], symbols: [f],
 * };
 * const d = discloseRaw(splitLines(text), { skeleton, symbol: f });
 * equal(d.content, "@cache\ndef f():\n    return 1\n");
 * equal(d.range.start_line, 3);
 * ```
 */
export function discloseRaw(lines: readonly string[], target: DisclosureTarget): Disclosure {
  const range = targetRange(lines, target);
  return finish("raw", range, lines.slice(range.start_line - 1, range.end_line));
}
