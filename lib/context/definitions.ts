/**
 * The definitions of a source file, each with the chunk that holds it: what
 * the index's symbol table (`symbols`, see `symbol_index.ts`) is built from.
 * Every symbol of the skeleton counts — top-level ones, methods and nested
 * classes at any depth — and a member belongs to the chunk of its top-level
 * symbol (chunks stay one per top-level symbol, so their ids do not move).
 *
 * @module
 */
import { maskSecrets } from "../secrets.ts";
import { type FileSkeleton, walkSymbols } from "../ast/mod.ts";
import type { PackChunk } from "./types.ts";

/** One definition and the chunk that holds it. */
export interface SymbolDef {
  /** Bare name (`get_model`). */
  name: string;
  /** Qualified name inside its file (`AppConfig.get_model`). */
  qualified_name: string;
  /** Skeleton kind: `class`, `function`, `method`, `interface`, … */
  kind: string;
  /** Segment-relative path of the file. */
  path: string;
  /** 1-based line of the definition (`def`/`class`, decorators apart). */
  start_line: number;
  /** 1-based last line of its body. */
  end_line: number;
  /** Nesting depth: 0 for top level, 1 for a method, … */
  depth: number;
  /** Id of the chunk that holds it. */
  chunk_id: string;
}

/** The code chunk of `chunks` whose lines hold `line`, else undefined. */
function holder(chunks: readonly PackChunk[], line: number): PackChunk | undefined {
  return chunks.find((c) => c.kind === "code" && c.start_line <= line && line <= c.end_line);
}

/**
 * The definitions in `skeleton`, each mapped to the code chunk of
 * `fileChunks` (the chunks of that one file) that holds its first line; a
 * symbol no code chunk holds (it overlapped an earlier one) is left out.
 * Names pass the secret scan, as the chunks' names do.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { definitionsOf } from "./definitions.ts";
 * import type { SkeletonSymbol } from "../ast/mod.ts";
 * const method: SkeletonSymbol = {
 *   kind: "method", name: "get", qualified_name: "A.get", start_line: 2, end_line: 3,
 *   signature: "def get(self):", decorators: [], doc: "", children: [],
 * };
 * const defs = definitionsOf("m.py", {
 *   skeleton: {
 *     path: "m.py", language: "python", sha256: "", has_errors: false, bytes: 0,
 *     skeleton_bytes: 0, imports: [],
 *     symbols: [{ ...method, kind: "class", name: "A", qualified_name: "A", start_line: 1,
 *       signature: "class A:", children: [method] }],
 *   },
 *   chunks: [{
 *     id: "code:m.py:1", doc: "code:m.py", kind: "code", title_path: ["m.py", "A"], text: "",
 *     char_count: 0, token_est: 0, source_path: "m.py", chunking_method: "symbol",
 *     start_line: 1, end_line: 3,
 *   }],
 * });
 * deepEqual(defs.map((d) => [d.qualified_name, d.depth, d.chunk_id]), [
 *   ["A", 0, "code:m.py:1"],
 *   ["A.get", 1, "code:m.py:1"],
 * ]);
 * ```
 */
export function definitionsOf(
  path: string,
  file: { skeleton: FileSkeleton; chunks: readonly PackChunk[] },
): SymbolDef[] {
  const out: SymbolDef[] = [];
  walkSymbols(file.skeleton.symbols, (sym, depth) => {
    const chunk = holder(file.chunks, sym.start_line);
    if (!chunk) return;
    out.push({
      name: maskSecrets(sym.name).text,
      qualified_name: maskSecrets(sym.qualified_name).text,
      kind: sym.kind,
      path,
      start_line: sym.start_line,
      end_line: sym.end_line,
      depth,
      chunk_id: chunk.id,
    });
  });
  return out;
}
