/**
 * Outlines of symbols written the way the language writes them: the
 * `skeleton` disclosure of `ast snippet` (decorators, one-line signature
 * with its line range, the doc line as a docstring or JSDoc), and the stub
 * a context-pack chunk carries as its skeleton (signatures as written,
 * members indented, an empty body where the language needs one). Comment
 * and doc syntax, indents and empty bodies come from the language's
 * registry entry (lib/languages).
 *
 * @module
 */
import { languageByName } from "../../languages/mod.ts";
import type { LanguageSpec } from "../../languages/types.ts";
import type { Language, SkeletonSymbol } from "../types.ts";
import { walkSymbols } from "./walk.ts";

/** One line of an outline. */
export interface OutlineEntry {
  /** Depth below the disclosed symbol (0: the symbol itself, or top level for a module). */
  depth: number;
  /** Symbol kind. */
  kind: string;
  /** Simple name. */
  name: string;
  /** Dotted name from the module. */
  qualified_name: string;
  /** Line of `def`/`class`. */
  start_line: number;
  /** Last line of the body. */
  end_line: number;
  /** Signature on one line. */
  signature: string;
  /** First doc line, or "". */
  doc: string;
  /** Decorators. */
  decorators: string[];
}

/** Join a text's lines into one, each line break and the blanks around it made one space. */
export function flattenLines(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, " ").trim();
}

/**
 * The doc line as the language writes it, indented by `indent`: a
 * docstring where bodies start with one, else the entry's first doc
 * marker (closed when it opens a block comment), else a line comment.
 */
function docComment(spec: LanguageSpec | undefined, doc: string, indent: string): string {
  const comments = spec?.comments;
  if (comments?.docstrings) return `${indent}"""${doc}"""`;
  const marker = comments?.docMarkers[0] ?? comments?.line[0] ?? "/**";
  const close = comments?.block.find(([open]) => marker.startsWith(open))?.[1] ??
    (comments === undefined ? "*/" : undefined);
  return close === undefined ? `${indent}${marker} ${doc}` : `${indent}${marker} ${doc} ${close}`;
}

/** The comment a line range is written in: the entry's line comment, else its block comment. */
function rangeComment(spec: LanguageSpec | undefined, range: string): string {
  const line = spec?.comments.line[0];
  if (line !== undefined) return `${line} ${range}`;
  const block = spec?.comments.block[0];
  return block === undefined ? `// ${range}` : `${block[0]} ${range} ${block[1]}`;
}

/** The entries of `symbols` and their members, in pre-order, with their depth. */
export function outlineEntries(symbols: readonly SkeletonSymbol[]): OutlineEntry[] {
  const out: OutlineEntry[] = [];
  walkSymbols(symbols, (s, depth) => {
    out.push({
      depth,
      kind: s.kind,
      name: s.name,
      qualified_name: s.qualified_name,
      start_line: s.start_line,
      end_line: s.end_line,
      signature: flattenLines(s.signature),
      doc: s.doc,
      decorators: s.decorators,
    });
  });
  return out;
}

/**
 * The lines of an outline: each entry's decorators, its signature with
 * `L<start>-<end>` in the language's line comment (`# L3-9`, `// L3-9`),
 * and its doc line, indented four spaces per depth.
 *
 * @example
 * ```ts
 * import { outlineEntries, renderOutlineEntries } from "./symbol_outline.ts";
 * import { deepEqual } from "node:assert/strict";
 * const entries = outlineEntries([{
 *   kind: "function", name: "f", qualified_name: "f", start_line: 3, end_line: 9,
 *   signature: "def f(a,\n      b)", decorators: ["@cache"], doc: "Does f.", children: [],
 * }]);
 * deepEqual(renderOutlineEntries("python", entries), [
 *   "@cache",
 *   "def f(a, b)  # L3-9",
 *   '    """Does f."""',
 * ]);
 * ```
 */
export function renderOutlineEntries(
  language: Language,
  entries: readonly OutlineEntry[],
): string[] {
  const spec = languageByName(language);
  const out: string[] = [];
  for (const e of entries) {
    const pad = "    ".repeat(e.depth);
    for (const d of e.decorators) {
      out.push(`${pad}${d.startsWith("@") ? "" : "@"}${flattenLines(d)}`);
    }
    out.push(`${pad}${e.signature}  ${rangeComment(spec, `L${e.start_line}-${e.end_line}`)}`);
    if (e.doc !== "") out.push(docComment(spec, e.doc, `${pad}    `));
  }
  return out;
}

/**
 * A symbol as a stub: its decorators and signature as written, its doc
 * line, then its members' stubs indented one level (the entry's `outline`
 * indent, two spaces by default); a symbol without members gets the
 * entry's empty body, if it has one (Python's `...`).
 *
 * @example
 * ```ts
 * import { renderSymbolStub } from "./symbol_outline.ts";
 * import { deepEqual } from "node:assert/strict";
 * const go = {
 *   kind: "method" as const, name: "go", qualified_name: "C.go", start_line: 2, end_line: 3,
 *   signature: "def go(self):", decorators: [], doc: "", children: [],
 * };
 * const cls = { ...go, kind: "class" as const, name: "C", qualified_name: "C",
 *   signature: "class C:", doc: "A C.", children: [go] };
 * deepEqual(renderSymbolStub(cls, "python"), [
 *   "class C:",
 *   '    """A C."""',
 *   "    def go(self):",
 *   "        ...",
 * ]);
 * ```
 */
export function renderSymbolStub(symbol: SkeletonSymbol, language: Language): string[] {
  const spec = languageByName(language);
  const unit = spec?.outline?.indent ?? "  ";
  const emptyBody = spec?.outline?.emptyBody;
  const out: string[] = [];
  walkSymbols([symbol], (sym, depth) => {
    const indent = unit.repeat(depth);
    const inner = indent + unit;
    for (const d of sym.decorators) out.push(indent + d);
    // Only the first line is indented: the rest of a multi-line signature is as written.
    out.push(indent + sym.signature);
    if (sym.doc) out.push(docComment(spec, sym.doc, inner));
    if (sym.children.length === 0 && emptyBody !== undefined) out.push(`${inner}${emptyBody}`);
  });
  return out;
}
