/**
 * Skeleton data types (the design file's §3 "Skeleton (JSON)").
 *
 * @module
 */

import type { SymbolKind } from "../languages/mod.ts";

export type { SymbolKind };

/** A registry name of a language trifecta parses (lib/languages/mod.ts `LANGUAGES`). */
export type Language = string;

/** One symbol of a skeleton. */
export interface SkeletonSymbol {
  /** Kind. */
  kind: SymbolKind;
  /** Simple name. */
  name: string;
  /** Dotted path from the module, e.g. `Outer.Inner.method`. */
  qualified_name: string;
  /** 1-based line of `def`/`class` (decorators are reported apart). */
  start_line: number;
  /** 1-based last line of the body. */
  end_line: number;
  /** The whole signature as written (may span lines). */
  signature: string;
  /** Decorator texts, in order. */
  decorators: string[];
  /** First docstring or JSDoc line, or "". */
  doc: string;
  /** Nested symbols (methods, nested classes). */
  children: SkeletonSymbol[];
}

/** One import statement. */
export interface SkeletonImport {
  /** The statement text, normalised to one line. */
  text: string;
  /** 1-based line. */
  line: number;
}

/** The skeleton of one file. */
export interface FileSkeleton {
  /** Segment-relative POSIX path. */
  path: string;
  /** Language. */
  language: Language;
  /** sha256 hex of the content. */
  sha256: string;
  /** True when tree-sitter recovered from syntax errors. */
  has_errors: boolean;
  /** Size of the file in bytes. */
  bytes: number;
  /** Size of the skeleton's text rendering in bytes. */
  skeleton_bytes: number;
  /** Imports (not inside a function body), normalised to one line. */
  imports: SkeletonImport[];
  /**
   * Export statements without a declaration (`export { a }`, `export * from`,
   * `export default expr`); TypeScript/JavaScript only.
   */
  exports?: SkeletonImport[];
  /** Top-level symbols with their children. */
  symbols: SkeletonSymbol[];
}
