/**
 * PHP's grammar and queries, imported as bytes and text (no read
 * permission on Deno's npm cache; inlined by `deno bundle`). Loaded lazily
 * through the registry entry's `load()`. The grammar is tree-sitter-php's
 * `php` one (PHP inside HTML, from the first `<?php` tag), not `php_only`.
 *
 * @module
 */
import wasm from "tree-sitter-php/tree-sitter-php.wasm" with { type: "bytes" };
import skeleton from "./skeleton.scm" with { type: "text" };
import refs from "./refs.scm" with { type: "text" };
import type { GrammarAssets } from "../types.ts";

/** The grammar and its queries. */
export const ASSETS: GrammarAssets = { wasm, skeleton, refs };
