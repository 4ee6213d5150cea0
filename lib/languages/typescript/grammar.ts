/**
 * The TypeScript and TSX grammars and their shared queries, imported as
 * bytes and text (see lib/languages/python/grammar.ts). JavaScript is parsed
 * with the TSX grammar: it accepts JSX, which plain `.js` files often hold,
 * and every JavaScript construct.
 *
 * @module
 */
import typescriptWasm from "tree-sitter-typescript/tree-sitter-typescript.wasm" with {
  type: "bytes",
};
import tsxWasm from "tree-sitter-typescript/tree-sitter-tsx.wasm" with { type: "bytes" };
import skeleton from "./skeleton.scm" with { type: "text" };
import refs from "./refs.scm" with { type: "text" };
import type { GrammarAssets } from "../types.ts";

/** The TypeScript grammar and its queries. */
export const TYPESCRIPT_ASSETS: GrammarAssets = { wasm: typescriptWasm, skeleton, refs };
/** The TSX grammar and the same queries. */
export const TSX_ASSETS: GrammarAssets = { wasm: tsxWasm, skeleton, refs };
