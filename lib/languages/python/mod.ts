/**
 * Python's registry entry.
 *
 * @module
 */
import type { GrammarAssets, LanguageSpec, ServerSpec } from "../types.ts";
import { inflateAssets } from "../wasm.ts";

/**
 * Files pyright (and basedpyright) read from the segment: its configs at
 * the root, `.pth` search-path files anywhere.
 */
const PYRIGHT_CONFIGS: ServerSpec["configFiles"] = [
  { name: "pyrightconfig.json", format: "jsonc", at: "root" },
  { name: "pyproject.toml", format: "pyproject", at: "root" },
  { name: "*.pth", format: "pth" },
];

/** Python: dotted modules, docstrings, pyright. */
export const PYTHON: LanguageSpec = {
  name: "python",
  lineEnds: ["\r"],
  declaresEncoding: "pep263",
  label: "Python",
  grammar: "python",
  extensions: [".py", ".pyi"],
  uriName: "python",
  uriAliases: ["py"],
  modules: { style: "dotted", packageFiles: ["__init__.py"], extensions: [".py"] },
  comments: { line: ["#"], block: [], docMarkers: ["#"], docstrings: true },
  wrappers: [],
  kinds: ["class", "function", "method"],
  imports: { style: "dotted", family: ["python"], suffixes: [], packageStems: ["__init__"] },
  outline: { indent: "    ", emptyBody: "..." },
  testFiles: ["test_*{ext}", "*_test{ext}", "*_tests{ext}", "test.py", "tests.py", "conftest.py"],
  servers: [
    {
      backend: "lsp_pyright",
      names: ["pyright-langserver"],
      args: ["--stdio"],
      env: "TRIFECTA_LSP_COMMAND",
      languageId: "python",
      npm: "pyright",
      npmSpecifier: "npm:pyright@1.1.414/langserver.index.js",
      // pyright runs the interpreter for its search paths: the sandbox grants them.
      searchPathProbe: [
        ["python3", "-c", "import sys, json; print(json.dumps(sys.path))"],
        ["python", "-c", "import sys, json; print(json.dumps(sys.path))"],
      ],
      configFiles: PYRIGHT_CONFIGS,
      literalStyle: "literal_types",
    },
    {
      backend: "lsp_basedpyright",
      names: ["basedpyright-langserver"],
      args: ["--stdio"],
      env: "TRIFECTA_LSP_COMMAND",
      languageId: "python",
      configFiles: PYRIGHT_CONFIGS,
      literalStyle: "literal_types",
    },
  ],
  libraryDirs: [
    "typeshed-fallback",
    "typeshed",
    "site-packages",
    "dist-packages",
    "lib/python[0-9]*",
  ],
  async load(): Promise<GrammarAssets> {
    return inflateAssets((await import("./grammar.ts")).ASSETS);
  },
};
