/**
 * A skeleton flattened into one row per symbol (at any depth), the unit
 * `ast find` matches and ranks: its names (split and lower-cased once), its
 * place, whether its file is a test, and its `sym://` URI, or why it has
 * none.
 *
 * @module
 */
import type { FileSkeleton, Language, SkeletonSymbol } from "../ast/mod.ts";
import { isTestPath } from "../context/test_paths.ts";
import { type ModuleAddress, moduleAddressOf, symbolAddress } from "../symbols/mod.ts";

/** One symbol of a file, flattened. */
export interface SymbolRow {
  /** Segment-relative path of the file. */
  path: string;
  /** The file's skeleton language (a registry name, lib/languages). */
  language: Language;
  /** The file's skeleton (its hash checks a body read later). */
  file: FileSkeleton;
  /** The symbol as extracted (its children are the depth the caller may show). */
  symbol: SkeletonSymbol;
  /** The qualified name's parts (`["Inventory", "add"]`). */
  parts: readonly string[];
  /** The same parts, lower-cased (case-insensitive matching). */
  lowerParts: readonly string[];
  /** True when the file is a test file (`isTestPath` of lib/context/test_paths.ts). */
  isTest: boolean;
  /** The symbol's `sym://` URI, or null when it has none (see `uriNote`). */
  readonly uri: string | null;
  /** Why there is no URI (`uri` null), else undefined. */
  readonly uriNote?: string;
  /**
   * True when the row came from the index snapshot (lib/nav/find_snapshot.ts):
   * its symbol has no children, decorators or doc until the file's skeleton
   * is read again.
   */
  light?: true;
}

/**
 * A maker of the rows of one file's symbols: the file's module URI and test
 * status are worked out once.
 */
export function rowMaker(skeleton: FileSkeleton): (symbol: SkeletonSymbol) => SymbolRow {
  const module = moduleAddressOf(skeleton.path);
  const isTest = isTestPath(skeleton.path);
  return (s) => new Row(skeleton, s, { module, isTest });
}

/** A row whose URI is worked out when first read (most rows are never shown). */
class Row implements SymbolRow {
  readonly path: string;
  readonly language: Language;
  readonly file: FileSkeleton;
  readonly symbol: SkeletonSymbol;
  readonly parts: readonly string[];
  readonly lowerParts: readonly string[];
  readonly isTest: boolean;
  light?: true;
  readonly #module: ModuleAddress;
  #uri: { uri: string | null; note?: string } | undefined;

  constructor(
    file: FileSkeleton,
    symbol: SkeletonSymbol,
    of: { module: ModuleAddress; isTest: boolean },
  ) {
    this.path = file.path;
    this.language = file.language;
    this.file = file;
    this.symbol = symbol;
    this.parts = symbol.qualified_name.split(".");
    this.lowerParts = this.parts.map((p) => p.toLowerCase());
    this.isTest = of.isTest;
    this.#module = of.module;
  }

  get uri(): string | null {
    this.#uri ??= symbolAddress(this.#module, this.parts);
    return this.#uri.uri;
  }

  get uriNote(): string | undefined {
    this.#uri ??= symbolAddress(this.#module, this.parts);
    return this.#uri.note;
  }
}

/**
 * Every symbol of a skeleton as a row, in pre-order (a parent before its
 * members), with its URI.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { rowsOfSkeleton } from "./symbol_rows.ts";
 * const add = {
 *   kind: "method" as const, name: "add", qualified_name: "Inventory.add", start_line: 3,
 *   end_line: 4, signature: "def add(self)", decorators: [], doc: "", children: [],
 * };
 * const inv = { ...add, kind: "class" as const, name: "Inventory", qualified_name: "Inventory",
 *   start_line: 1, signature: "class Inventory:", children: [add] };
 * const rows = rowsOfSkeleton({
 *   path: "src/inv/models.py", language: "python", sha256: "", has_errors: false, bytes: 0,
 *   skeleton_bytes: 0, imports: [], symbols: [inv],
 * });
 * equal(rows.length, 2);
 * equal(rows[1]?.uri, "sym://python/type/src.inv.models/Inventory#add");
 * ```
 */
export function rowsOfSkeleton(skeleton: FileSkeleton): SymbolRow[] {
  const rowOf = rowMaker(skeleton);
  const rows: SymbolRow[] = [];
  const stack: SkeletonSymbol[] = [...skeleton.symbols].reverse();
  for (let s = stack.pop(); s !== undefined; s = stack.pop()) {
    rows.push(rowOf(s));
    for (let i = s.children.length - 1; i >= 0; i--) {
      const child = s.children[i];
      if (child !== undefined) stack.push(child);
    }
  }
  return rows;
}
