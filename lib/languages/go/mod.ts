/**
 * Go's registry entry.
 *
 * @module
 */
import type { GrammarAssets, LanguageSpec } from "../types.ts";
import { inflateAssets } from "../wasm.ts";

/**
 * Go: path modules (`sym://go/type/net/http/server/Server#Serve`), the `//`
 * comment block above a declaration as its doc, methods named after their
 * receiver's type (`Server.Serve`), gopls.
 */
export const GO: LanguageSpec = {
  name: "go",
  label: "Go",
  grammar: "go",
  extensions: [".go"],
  uriName: "go",
  uriAliases: ["golang"],
  modules: { style: "path", packageFiles: [] },
  comments: { line: ["//"], block: [["/*", "*/"]], docMarkers: ["//", "/*"], docstrings: false },
  wrappers: [],
  kinds: ["struct", "interface", "type", "function", "method"],
  outline: { indent: "\t" },
  // `import "m/x/y"` imports every file of the directory x/y when go.mod
  // says `module m`.
  imports: {
    style: "directory",
    family: ["go"],
    suffixes: [],
    packageStems: [],
    manifest: { file: "go.mod", pattern: "^module\\s+(\\S+)" },
  },
  testFiles: ["*_test{ext}"],
  servers: [
    {
      backend: "lsp_gopls",
      hoverGeneratedLines: [
        String.raw`^\[\`[^\`\]]*\` on pkg\.go\.dev\]\(https:\/\/pkg\.go\.dev\/[^)\s]*\)\s*$`,
      ],
      names: ["gopls"],
      args: [],
      env: "TRIFECTA_LSP_GO_COMMAND",
      languageId: "go",
      configFiles: [
        { name: "go.mod", format: "gomod" },
        { name: "go.work", format: "gomod" },
      ],
    },
  ],
  // The module cache and GOROOT's sources (`/usr/lib/go-1.19/src`, `~/sdk/go1.21.0/src`).
  libraryDirs: ["pkg/mod", "go/src", "go-*/src", "go[0-9]*/src"],
  async load(): Promise<GrammarAssets> {
    return inflateAssets((await import("./grammar.ts")).ASSETS);
  },
};
