/**
 * Source chunking: one chunk per top-level symbol of the tree-sitter
 * skeleton (decorators and the comments right above it included), and the
 * module header (imports, module docstring, constants: every line outside a
 * top-level symbol) as its own chunk. A piece's skeleton is rendered by the
 * render layer (`renderSymbolStub`, lib/ast/render/symbol_outline.ts).
 *
 * @module
 */
import {
  type FileSkeleton,
  renderSymbolStub,
  type SkeletonSymbol,
  walkSymbols,
} from "../ast/mod.ts";
import { languageByName } from "../languages/mod.ts";

/** A piece of a source file. */
export interface SourcePiece {
  /** `header` for the module header, `code` for a symbol. */
  kind: "header" | "code";
  /** Text, ending with `\n`. */
  text: string;
  /** 1-based first line. */
  start_line: number;
  /** 1-based last line. */
  end_line: number;
  /** Qualified name of the symbol (code pieces). */
  symbol?: string;
  /** Kind of the symbol. */
  symbol_kind?: string;
  /** Names of the symbol and its members (or the imported names, for a header). */
  symbol_names: string[];
  /** Skeleton rendering. */
  skeleton: string;
}

const CONSTANT = /^(export\s+)?(const\s+)?[A-Za-z_$][\w$]*\s*(:[^=]*)?=/;
const KEYWORDS: ReadonlySet<string> = new Set([
  "import",
  "from",
  "as",
  "type",
  "require",
  "const",
  "let",
  "var",
]);

/** The symbol's names and qualified names, and its members', each once. */
function symbolNames(sym: SkeletonSymbol): string[] {
  const out = new Set<string>();
  walkSymbols([sym], (s) => {
    out.add(s.name);
    out.add(s.qualified_name);
  });
  return [...out];
}

/**
 * How the lines attached above a symbol start: a decorator (`@`, or the
 * first line of one of the symbol's own), or a comment of the language
 * (its registry entry's line and block comment starts, and the `*` of a
 * block comment's inner lines).
 */
function attachedStarts(language: FileSkeleton["language"], sym: SkeletonSymbol): string[] {
  const comments = languageByName(language)?.comments;
  const starts = ["@", ...comments?.line ?? [], ...comments?.block.map(([open]) => open) ?? []];
  if ((comments?.block.length ?? 0) > 0) starts.push("*");
  for (const d of sym.decorators) {
    const first = d.trimStart().split("\n")[0]?.trim() ?? "";
    if (first !== "") starts.push(first);
  }
  return starts;
}

/** Lines `from..to` (1-based, inclusive) as a piece's text. */
function textOf(lines: readonly string[], from: number, to: number): string {
  return lines.slice(from - 1, to).join("\n") + "\n";
}

/**
 * The piece of one top-level symbol, starting at the comments and
 * decorators attached above it but never above `floor` (the first line no
 * earlier symbol claimed); undefined when it overlaps an earlier symbol.
 */
function codePiece(
  lines: readonly string[],
  sym: SkeletonSymbol,
  floor: number,
  language: FileSkeleton["language"],
): SourcePiece | undefined {
  if (sym.start_line < floor) return undefined;
  const n = lines.length;
  let start = Math.max(floor, Math.min(sym.start_line, n));
  const end = Math.max(start, Math.min(sym.end_line, n));
  const attached = attachedStarts(language, sym);
  for (let above = lines[start - 2]; start - 1 >= floor; above = lines[start - 2]) {
    if (above === undefined || above.trim() === "") break;
    const text = above.trimStart();
    if (!attached.some((p) => text.startsWith(p))) break;
    start--;
  }
  return {
    kind: "code",
    text: textOf(lines, start, end),
    start_line: start,
    end_line: end,
    symbol: sym.qualified_name,
    symbol_kind: sym.kind,
    symbol_names: symbolNames(sym),
    skeleton: renderSymbolStub(sym, language).join("\n") + "\n",
  };
}

/**
 * The module header: every line no symbol piece covers, runs of blank lines
 * made one, blank lines at either end dropped; undefined when nothing is left.
 */
function headerPiece(
  lines: readonly string[],
  covered: Uint8Array,
  skeleton: FileSkeleton,
): SourcePiece | undefined {
  const kept: string[] = [];
  let first = 0;
  let last = 0;
  lines.forEach((line, index) => {
    const i = index + 1;
    if (covered[i]) return;
    const blank = line.trim() === "";
    if (blank && (kept.length === 0 || kept[kept.length - 1]?.trim() === "")) return;
    kept.push(line);
    if (blank) return;
    if (first === 0) first = i;
    last = i;
  });
  while (kept.length > 0 && kept[kept.length - 1]?.trim() === "") kept.pop();
  if (kept.length === 0) return undefined;
  const imports = skeleton.imports.map((imp) => imp.text);
  const constants = kept.filter((l) => CONSTANT.test(l))
    .map((l) => (l.length > 160 ? l.slice(0, 157) + "..." : l));
  const importedNames = imports.flatMap((t) => t.match(/[A-Za-z_$][\w$]*/g) ?? [])
    .filter((w) => !KEYWORDS.has(w));
  return {
    kind: "header",
    text: kept.join("\n") + "\n",
    start_line: first,
    end_line: last,
    symbol_names: [...new Set(importedNames)].slice(0, 200),
    skeleton: [...imports, ...constants].join("\n") + "\n",
  };
}

/**
 * Cut a normalised source text into a header piece and one piece per
 * top-level symbol of `skeleton`.
 *
 * @example
 * ```ts
 * import { splitSource } from "./chunk_source.ts";
 * import { deepEqual } from "node:assert/strict";
 * const text = "import os\n\ndef f():\n    return 1\n";
 * const pieces = splitSource(text, {
 *   path: "m.py", language: "python", sha256: "", has_errors: false, bytes: text.length,
 *   skeleton_bytes: 0, imports: [{ text: "import os", line: 1 }],
 *   symbols: [{
 *     kind: "function", name: "f", qualified_name: "f", start_line: 3, end_line: 4,
 *     signature: "def f():", decorators: [], doc: "", children: [],
 *   }],
 * });
 * deepEqual(pieces.map((p) => [p.kind, p.start_line, p.end_line]), [
 *   ["header", 1, 1],
 *   ["code", 3, 4],
 * ]);
 * deepEqual(pieces.map((p) => p.skeleton), ["import os\n", "def f():\n    ...\n"]);
 * ```
 */
export function splitSource(text: string, skeleton: FileSkeleton): SourcePiece[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const covered = new Uint8Array(lines.length + 2);
  const pieces: SourcePiece[] = [];
  const top = [...skeleton.symbols].sort((a, b) => a.start_line - b.start_line);
  let floor = 1; // first line not yet claimed by an earlier symbol
  for (const sym of top) {
    const piece = codePiece(lines, sym, floor, skeleton.language);
    if (!piece) continue;
    covered.fill(1, piece.start_line, piece.end_line + 1);
    floor = piece.end_line + 1;
    pieces.push(piece);
  }
  const header = headerPiece(lines, covered, skeleton);
  if (header) pieces.unshift(header);
  return pieces;
}
