/**
 * Python's registry entry.
 *
 * @module
 */
import type { GrammarAssets, LanguageSpec } from "../types.ts";

/** Python: dotted modules, docstrings, pyright. */
export const PYTHON: LanguageSpec = {
  name: "python",
  label: "Python",
  grammar: "python",
  extensions: [".py", ".pyi"],
  uriName: "python",
  uriAliases: ["py"],
  modules: { style: "dotted", packageFiles: ["__init__.py"] },
  comments: { line: ["#"], block: [], docMarkers: ["#"], docstrings: true },
  wrappers: [],
  kinds: ["class", "function", "method"],
  servers: [
    {
      backend: "lsp_pyright",
      names: ["pyright-langserver"],
      args: ["--stdio"],
      env: "TRIFECTA_LSP_COMMAND",
      languageId: "python",
      npm: "pyright",
    },
    {
      backend: "lsp_basedpyright",
      names: ["basedpyright-langserver"],
      args: ["--stdio"],
      env: "TRIFECTA_LSP_COMMAND",
      languageId: "python",
    },
  ],
  async load(): Promise<GrammarAssets> {
    return (await import("./grammar.ts")).ASSETS;
  },
};
