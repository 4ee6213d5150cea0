/**
 * PHP's registry entry.
 *
 * @module
 */
import type { GrammarAssets, LanguageSpec } from "../types.ts";
import { inflateAssets } from "../wasm.ts";

/**
 * PHP (in HTML): namespaces, classes, interfaces, traits, enums, functions
 * and methods, `#[…]` attributes, `/** *\/` docblocks, `use` and
 * `require`/`include` imports, path modules; intelephense or phpactor.
 */
export const PHP: LanguageSpec = {
  name: "php",
  lineEnds: ["\r"],
  label: "PHP",
  grammar: "php",
  extensions: [".php", ".phtml"],
  uriName: "php",
  uriAliases: [],
  modules: { style: "path", packageFiles: [] },
  comments: {
    line: ["//", "#"],
    block: [["/*", "*/"]],
    docMarkers: ["/**", "*"],
    docstrings: false,
  },
  wrappers: [],
  kinds: ["namespace", "class", "interface", "trait", "enum", "function", "method"],
  // `use A\\B\\C;` names the file ending in B/C.php (PSR-4-like);
  // `require __DIR__ . '/x.php'` a path from the file's directory.
  imports: { style: "namespace", family: ["php"], suffixes: [], packageStems: [], separator: "\\" },
  testFiles: ["*Test{ext}"],
  servers: [
    {
      backend: "lsp_php",
      names: ["intelephense"],
      args: ["--stdio"],
      env: "TRIFECTA_LSP_PHP_COMMAND",
      languageId: "php",
    },
    {
      backend: "lsp_php",
      names: ["phpactor"],
      args: ["language-server"],
      env: "TRIFECTA_LSP_PHP_COMMAND",
      languageId: "php",
    },
  ],
  async load(): Promise<GrammarAssets> {
    return inflateAssets((await import("./grammar.ts")).ASSETS);
  },
};
