/**
 * Ruby's registry entry.
 *
 * @module
 */
import { rubyLexerText } from "./end_marker.ts";
import type { GrammarAssets, LanguageSpec } from "../types.ts";
import { inflateAssets } from "../wasm.ts";

/**
 * Ruby: classes and modules (a `def` in either is a method), `#` doc
 * blocks, `require` imports, path modules; ruby-lsp or solargraph.
 */
export const RUBY: LanguageSpec = {
  name: "ruby",
  declaresEncoding: "magic_comment",
  lexerText: rubyLexerText,
  label: "Ruby",
  grammar: "ruby",
  extensions: [".rb", ".rake", ".gemspec"],
  uriName: "ruby",
  uriAliases: ["rb"],
  modules: { style: "path", packageFiles: [] },
  comments: {
    line: ["#"],
    block: [["=begin", "=end"]],
    docMarkers: ["##", "#"],
    docstrings: false,
  },
  wrappers: [],
  methodOwners: ["class", "module"],
  kinds: ["class", "module", "function", "method"],
  // `require_relative "x"` from the file's directory; `require "x"` from
  // lib/ (the query does not tell them apart: both are tried in turn).
  imports: { style: "path", family: ["ruby"], suffixes: [], packageStems: [], searchDirs: ["lib"] },
  testFiles: ["*_test{ext}", "test_*{ext}", "*_spec{ext}"],
  servers: [
    {
      backend: "lsp_ruby",
      names: ["ruby-lsp"],
      args: [],
      env: "TRIFECTA_LSP_RUBY_COMMAND",
      languageId: "ruby",
    },
    {
      backend: "lsp_ruby",
      names: ["solargraph"],
      args: ["stdio"],
      env: "TRIFECTA_LSP_RUBY_COMMAND",
      languageId: "ruby",
    },
  ],
  async load(): Promise<GrammarAssets> {
    return inflateAssets((await import("./grammar.ts")).ASSETS);
  },
};
