/**
 * C#'s registry entry.
 *
 * @module
 */
import type { GrammarAssets, LanguageSpec } from "../types.ts";
import { inflateAssets } from "../wasm.ts";

/**
 * C#: path modules (`sym://csharp/type/src/Shop/Cart/Acme#Shop.Cart.Add`
 * for a block namespace), `///` XML docs, attributes as decorators,
 * csharp-ls or OmniSharp.
 */
export const CSHARP: LanguageSpec = {
  name: "csharp",
  lineEnds: ["\r", "\u0085", "\u2028", "\u2029"],
  label: "C#",
  grammar: "csharp",
  extensions: [".cs"],
  uriName: "csharp",
  uriAliases: ["cs"],
  modules: { style: "path", packageFiles: [] },
  comments: {
    line: ["//"],
    block: [["/*", "*/"]],
    docMarkers: ["///", "/**", "*"],
    docstrings: false,
    // `/// <summary>Adds an item.</summary>` reads "Adds an item.".
    docMarkup: "xml",
  },
  wrappers: [],
  kinds: ["namespace", "class", "struct", "interface", "enum", "record", "type", "method"],
  // No `imports`: a `using` directive names a namespace, not a file.
  testFiles: ["*Test{ext}", "*Tests{ext}"],
  generated: [".g.cs", ".g.i.cs", ".Designer.cs", ".AssemblyInfo.cs"],
  // `class JValue : JToken\n#if !PORTABLE\n , IConvertible\n#endif` breaks
  // tree-sitter's parse; blanking the directives lets it read both branches.
  conditionalDirectives: ["#if", "#elif", "#else", "#endif"],
  servers: [
    {
      backend: "lsp_csharp",
      names: ["csharp-ls", "OmniSharp"],
      args: [],
      env: "TRIFECTA_LSP_CSHARP_COMMAND",
      languageId: "csharp",
    },
  ],
  async load(): Promise<GrammarAssets> {
    return inflateAssets((await import("./grammar.ts")).ASSETS);
  },
};
