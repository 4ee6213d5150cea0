/**
 * The registry entries of TypeScript, TSX and JavaScript: one query, two
 * grammars, two `sym://` languages.
 *
 * @module
 */
import type {
  CommentSyntax,
  GrammarAssets,
  ImportRule,
  LanguageSpec,
  ServerSpec,
} from "../types.ts";
import { inflateAssets } from "../wasm.ts";

const COMMENTS: CommentSyntax = {
  line: ["//"],
  block: [["/*", "*/"]],
  docMarkers: ["/**", "*"],
  docstrings: false,
};

const KINDS: LanguageSpec["kinds"] = [
  "class",
  "interface",
  "enum",
  "namespace",
  "type",
  "function",
  "method",
  "variable",
];

/** Project files the server reads anywhere but inside installed packages. */
const TS_CONFIGS: ServerSpec["configFiles"] = [
  { name: "tsconfig.json", format: "jsonc", ignoreUnder: ["node_modules"] },
  { name: "tsconfig.*.json", format: "jsonc", ignoreUnder: ["node_modules"] },
  { name: "jsconfig.json", format: "jsonc", ignoreUnder: ["node_modules"] },
];

function server(languageId: string): ServerSpec {
  return {
    backend: "lsp_typescript",
    names: ["typescript-language-server"],
    args: ["--stdio"],
    env: "TRIFECTA_LSP_TS_COMMAND",
    languageId,
    configFiles: TS_CONFIGS,
  };
}

/**
 * TypeScript, TSX and JavaScript files import each other by relative
 * specifiers, often written with the compiled extension (`./api.js` for
 * `api.ts`).
 */
const IMPORTS: ImportRule = {
  style: "relative",
  family: ["typescript", "tsx", "javascript"],
  suffixes: [".d.ts", ".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"],
  packageStems: ["index"],
};

const SHARED = {
  comments: COMMENTS,
  libraryDirs: ["node_modules"],
  wrappers: ["export_statement", "ambient_declaration"],
  kinds: KINDS,
  imports: IMPORTS,
  testFiles: ["*.test{ext}", "*.spec{ext}", "*_test{ext}"],
};

/** TypeScript (`.ts`, `.mts`, `.cts`). */
export const TYPESCRIPT: LanguageSpec = {
  ...SHARED,
  name: "typescript",
  lineEnds: ["\r", "\u2028", "\u2029"],
  label: "TypeScript",
  grammar: "typescript",
  extensions: [".ts", ".mts", ".cts"],
  uriName: "typescript",
  uriAliases: ["ts"],
  modules: { style: "path", packageFiles: ["index.ts", "index.tsx", "index.mts", "index.cts"] },
  servers: [server("typescript")],
  async load(): Promise<GrammarAssets> {
    return inflateAssets((await import("./grammar.ts")).TYPESCRIPT_ASSETS);
  },
};

/** TSX (`.tsx`): TypeScript with JSX, addressed as `sym://typescript/…`. */
export const TSX: LanguageSpec = {
  ...SHARED,
  name: "tsx",
  lineEnds: ["\r", "\u2028", "\u2029"],
  label: "TSX",
  grammar: "tsx",
  extensions: [".tsx"],
  uriName: "typescript",
  uriAliases: [],
  modules: TYPESCRIPT.modules,
  servers: [server("typescriptreact")],
  async load(): Promise<GrammarAssets> {
    return inflateAssets((await import("./grammar.ts")).TSX_ASSETS);
  },
};

/** JavaScript (`.js`, `.jsx`, `.mjs`, `.cjs`), parsed with the TSX grammar. */
export const JAVASCRIPT: LanguageSpec = {
  ...SHARED,
  name: "javascript",
  lineEnds: ["\r", "\u2028", "\u2029"],
  label: "JavaScript",
  grammar: "tsx",
  extensions: [".js", ".jsx", ".mjs", ".cjs"],
  uriName: "javascript",
  uriAliases: ["js"],
  modules: { style: "path", packageFiles: ["index.js", "index.jsx", "index.mjs", "index.cjs"] },
  generated: [".min.js"],
  servers: [server("javascript")],
  async load(): Promise<GrammarAssets> {
    return inflateAssets((await import("./grammar.ts")).TSX_ASSETS);
  },
};
