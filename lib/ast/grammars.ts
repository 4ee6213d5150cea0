/**
 * The web-tree-sitter runtime's wasm, imported as bytes so it needs no read
 * permission on Deno's npm cache and is inlined by `deno bundle`; and the
 * `; prune:` directive of skeleton queries. Each language's own grammar and
 * queries load through its registry entry (lib/languages/). Importing this
 * module needs `--unstable-raw-imports`; it is loaded lazily by `parser.ts`.
 *
 * @module
 */
import runtimeWasm from "web-tree-sitter/web-tree-sitter.wasm" with { type: "bytes" };

/**
 * Node types named by the query's `; prune: type …` directive lines: the
 * query is not run inside their last child (the body).
 */
export function pruneTypes(query: string): string[] {
  const out: string[] = [];
  for (const m of query.matchAll(/^;\s*prune:\s*(.+)$/gm)) {
    out.push(...(m[1] ?? "").trim().split(/\s+/)); // group 1 always takes part in a match
  }
  return out;
}

/** The web-tree-sitter runtime's wasm bytes. */
export const RUNTIME_WASM: Uint8Array = runtimeWasm;
