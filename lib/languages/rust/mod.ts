/**
 * Rust's registry entry.
 *
 * @module
 */
import type { GrammarAssets, LanguageSpec } from "../types.ts";
import { inflateAssets } from "../wasm.ts";

/**
 * Rust: structs, enums, traits, impl blocks (named after their type, their
 * functions are `Type.method`) and inline modules; `///` docs, `#[…]`
 * attributes as decorators, path modules; rust-analyzer.
 */
export const RUST: LanguageSpec = {
  name: "rust",
  label: "Rust",
  grammar: "rust",
  extensions: [".rs"],
  uriName: "rust",
  uriAliases: ["rs"],
  modules: { style: "path", packageFiles: [] },
  comments: {
    line: ["//"],
    block: [["/*", "*/"]],
    docMarkers: ["///", "//!", "/**"],
    docstrings: false,
    // Every outer `///` / `/** */` before an item is one of its `#[doc]`
    // attributes: plain comments, blank lines and attributes between do not matter.
    leadingDocs: "all",
  },
  wrappers: [],
  kinds: ["struct", "enum", "trait", "impl", "module", "type", "function", "method"],
  // `use crate::a::B`, `mod a;`: a/…/a.rs or a/mod.rs from the crate root
  // (the directory of lib.rs or main.rs), the parent or the current module.
  imports: {
    style: "scoped",
    family: ["rust"],
    suffixes: [],
    packageStems: ["mod"],
    separator: "::",
    anchors: { root: ["crate"], parent: ["super"], self: ["self"] },
    rootStems: ["lib", "main"],
    manifest: { file: "Cargo.toml", pattern: '^name\\s*=\\s*"([^"]+)"' },
  },
  outline: { indent: "    " },
  servers: [
    {
      backend: "lsp_rust_analyzer",
      names: ["rust-analyzer"],
      args: [],
      env: "TRIFECTA_LSP_RUST_COMMAND",
      languageId: "rust",
    },
  ],
  async load(): Promise<GrammarAssets> {
    return inflateAssets((await import("./grammar.ts")).ASSETS);
  },
};
