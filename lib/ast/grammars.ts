/**
 * The embedded grammars and queries: the web-tree-sitter runtime, one `.wasm`
 * grammar per language and one `.scm` query per grammar, imported as bytes
 * and text so they need no read permission on Deno's npm cache and are
 * inlined by `deno bundle`. Importing this module needs
 * `--unstable-raw-imports`; it is loaded lazily by `parser.ts`.
 *
 * @module
 */
import runtimeWasm from "web-tree-sitter/web-tree-sitter.wasm" with { type: "bytes" };
import pythonWasm from "tree-sitter-python/tree-sitter-python.wasm" with { type: "bytes" };
import typescriptWasm from "tree-sitter-typescript/tree-sitter-typescript.wasm" with {
  type: "bytes",
};
import tsxWasm from "tree-sitter-typescript/tree-sitter-tsx.wasm" with { type: "bytes" };
import pythonQuery from "./queries/python.scm" with { type: "text" };
import typescriptQuery from "./queries/typescript.scm" with { type: "text" };
import type { Language } from "./types.ts";

/** A grammar and the query that extracts skeletons with it. */
export interface GrammarSpec {
  /** Grammar name (several languages may share one, e.g. JavaScript uses TSX). */
  grammar: string;
  /** The grammar's wasm bytes. */
  wasm: Uint8Array;
  /** The skeleton query source (`.scm`). */
  query: string;
}

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

const PYTHON: GrammarSpec = { grammar: "python", wasm: pythonWasm, query: pythonQuery };
const TYPESCRIPT: GrammarSpec = {
  grammar: "typescript",
  wasm: typescriptWasm,
  query: typescriptQuery,
};
// JavaScript is parsed with the TSX grammar: it accepts JSX, which plain
// `.js` files often hold, and every JavaScript construct.
const TSX: GrammarSpec = { grammar: "tsx", wasm: tsxWasm, query: typescriptQuery };

/** The grammar spec of a language. */
export function grammarFor(language: Language): GrammarSpec {
  switch (language) {
    case "python":
      return PYTHON;
    case "typescript":
      return TYPESCRIPT;
    case "tsx":
    case "javascript":
      return TSX;
  }
}
