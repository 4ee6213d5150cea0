/**
 * Java's registry entry.
 *
 * @module
 */
import type { GrammarAssets, LanguageSpec } from "../types.ts";
import { inflateAssets } from "../wasm.ts";
import { javaLexerText } from "./escapes.ts";

/**
 * Java: path modules (`sym://java/type/src/main/java/com/acme/Shop/Cart#add`),
 * Javadoc `/** … *\/` docs, annotations as decorators, jdtls.
 */
export const JAVA: LanguageSpec = {
  name: "java",
  lineEnds: ["\r"],
  lexerText: javaLexerText,
  label: "Java",
  grammar: "java",
  extensions: [".java"],
  uriName: "java",
  uriAliases: [],
  modules: { style: "path", packageFiles: [] },
  comments: {
    line: ["//"],
    block: [["/*", "*/"]],
    docMarkers: ["/**", "*"],
    docstrings: false,
    // javac: the last `/** */` before the first token, blank lines and
    // other comments in between or not.
    leadingDocs: "last",
  },
  wrappers: [],
  kinds: ["class", "interface", "enum", "record", "module", "method"],
  // `import a.b.C;` names the class C of file a/b/C.java (from a source root).
  // `import a.b.C;` names a/b/C.java under any source root (src/main/java).
  imports: { style: "dotted", family: ["java"], suffixes: [], packageStems: [], anyRoot: true },
  testFiles: ["*Test{ext}", "*Tests{ext}", "*IT{ext}", "Test*{ext}"],
  servers: [
    {
      backend: "lsp_jdtls",
      names: ["jdtls"],
      args: [],
      env: "TRIFECTA_LSP_JAVA_COMMAND",
      languageId: "java",
    },
  ],
  async load(): Promise<GrammarAssets> {
    return inflateAssets((await import("./grammar.ts")).ASSETS);
  },
};
