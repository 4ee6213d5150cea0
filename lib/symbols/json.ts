/**
 * JSON shapes of skeleton symbols as `ast symbols --json` and the MCP
 * `symbol` tool report them: the predecessor's `kind/name/line`, plus the
 * range, signature, decorators and doc line.
 *
 * @module
 */
import type { SkeletonSymbol } from "../ast/mod.ts";

/** One symbol with its nested symbols (the predecessor's `kind/name/line`, plus more). */
export interface SymbolJson {
  /** Kind (`class`, `function`, `method`, …). */
  kind: string;
  /** Simple name. */
  name: string;
  /** Line of `def`/`class` (the predecessor's field). */
  line: number;
  /** Last line of the body. */
  end_line: number;
  /** Dotted name from the module. */
  qualified_name: string;
  /** Signature as written. */
  signature: string;
  /** Decorators. */
  decorators: string[];
  /** First doc line. */
  doc: string;
  /** Nested symbols. */
  children: SymbolJson[];
}

/** One symbol with its line range, without children. */
export interface SymbolRangeJson {
  /** Kind. */
  kind: string;
  /** Simple name. */
  name: string;
  /** Dotted name from the module. */
  qualified_name: string;
  /** Line of `def`/`class` (1-based). */
  start_line: number;
  /** Last line of the body (1-based). */
  end_line: number;
  /** The same two lines as a range. */
  range: { start_line: number; end_line: number };
  /** Signature as written. */
  signature: string;
  /** Decorators. */
  decorators: string[];
  /** First doc line. */
  doc: string;
}

/** Map a skeleton symbol (and its children) to its JSON shape. */
export function symbolJson(s: SkeletonSymbol): SymbolJson {
  return {
    kind: s.kind,
    name: s.name,
    line: s.start_line,
    end_line: s.end_line,
    qualified_name: s.qualified_name,
    signature: s.signature,
    decorators: s.decorators,
    doc: s.doc,
    children: s.children.map(symbolJson),
  };
}

/** Map a skeleton symbol to its range shape (no children). */
export function symbolRangeJson(s: SkeletonSymbol): SymbolRangeJson {
  return {
    kind: s.kind,
    name: s.name,
    qualified_name: s.qualified_name,
    start_line: s.start_line,
    end_line: s.end_line,
    range: { start_line: s.start_line, end_line: s.end_line },
    signature: s.signature,
    decorators: s.decorators,
    doc: s.doc,
  };
}
