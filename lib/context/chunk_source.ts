/**
 * Source chunking: one chunk per top-level symbol of the tree-sitter
 * skeleton (decorators and the comments right above it included), and the
 * module header (imports, module docstring, constants: every line outside a
 * top-level symbol) as its own chunk.
 *
 * @module
 */
import type { FileSkeleton, Language, SkeletonSymbol } from "../ast/mod.ts";

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

const ATTACHED = /^\s*(@|#|\/\/|\/\*|\*)/;

function names(sym: SkeletonSymbol, out: string[]): void {
  out.push(sym.name);
  if (sym.qualified_name !== sym.name) out.push(sym.qualified_name);
  for (const c of sym.children) names(c, out);
}

/** Render a symbol as its signature, first doc line and members' signatures. */
export function renderSymbol(sym: SkeletonSymbol, language: Language, indent = ""): string[] {
  const py = language === "python";
  const out: string[] = [];
  for (const d of sym.decorators) out.push(indent + d);
  const sig = sym.signature.split("\n").map((l, i) => (i === 0 ? indent + l : l)).join("\n");
  out.push(sig);
  const inner = indent + (py ? "    " : "  ");
  if (sym.doc) out.push(py ? `${inner}"""${sym.doc}"""` : `${inner}/** ${sym.doc} */`);
  for (const c of sym.children) out.push(...renderSymbol(c, language, inner));
  if (sym.children.length === 0 && py) out.push(`${inner}...`);
  return out;
}

/**
 * Cut a normalised source text into a header piece and one piece per
 * top-level symbol of `skeleton`.
 */
export function splitSource(text: string, skeleton: FileSkeleton): SourcePiece[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const n = lines.length;
  const covered = new Uint8Array(n + 2);
  const pieces: SourcePiece[] = [];
  const top = [...skeleton.symbols].sort((a, b) => a.start_line - b.start_line);
  let floor = 1; // first line not yet claimed by an earlier symbol
  for (const sym of top) {
    let start = Math.max(floor, Math.min(sym.start_line, n));
    const end = Math.max(start, Math.min(sym.end_line, n));
    if (sym.start_line < floor) continue; // overlaps an earlier symbol
    while (
      start - 1 >= floor && ATTACHED.test(lines[start - 2]) && lines[start - 2].trim() !== ""
    ) {
      start--;
    }
    for (let i = start; i <= end; i++) covered[i] = 1;
    floor = end + 1;
    const symNames: string[] = [];
    names(sym, symNames);
    pieces.push({
      kind: "code",
      text: lines.slice(start - 1, end).join("\n") + "\n",
      start_line: start,
      end_line: end,
      symbol: sym.qualified_name,
      symbol_kind: sym.kind,
      symbol_names: [...new Set(symNames)],
      skeleton: renderSymbol(sym, skeleton.language).join("\n") + "\n",
    });
  }
  const headerLines: string[] = [];
  let first = 0;
  let last = 0;
  for (let i = 1; i <= n; i++) {
    if (covered[i]) continue;
    const line = lines[i - 1];
    if (line.trim() === "" && (headerLines.length === 0 || headerLines.at(-1)!.trim() === "")) {
      continue;
    }
    headerLines.push(line);
    if (line.trim() !== "") {
      if (first === 0) first = i;
      last = i;
    }
  }
  while (headerLines.length > 0 && headerLines.at(-1)!.trim() === "") headerLines.pop();
  if (headerLines.length > 0) {
    const imports = skeleton.imports.map((imp) => imp.text);
    const constants = headerLines.filter((l) =>
      /^(export\s+)?(const\s+)?[A-Za-z_$][\w$]*\s*(:[^=]*)?=/.test(l)
    )
      .map((l) => (l.length > 160 ? l.slice(0, 157) + "..." : l));
    const importedNames = imports.flatMap((t) => t.match(/[A-Za-z_$][\w$]*/g) ?? []).filter((w) =>
      !["import", "from", "as", "type", "require", "const", "let", "var"].includes(w)
    );
    pieces.unshift({
      kind: "header",
      text: headerLines.join("\n") + "\n",
      start_line: first,
      end_line: last,
      symbol_names: [...new Set(importedNames)].slice(0, 200),
      skeleton: [...imports, ...constants].join("\n") + "\n",
    });
  }
  return pieces;
}
