/**
 * C++'s registry entry.
 *
 * @module
 */
import type { GrammarAssets, LanguageSpec } from "../types.ts";
import { inflateAssets } from "../wasm.ts";
import { C_MACRO_BLANKING, clangd, SYSTEM_HEADERS } from "../c/mod.ts";
import { joinSplices } from "../c/splices.ts";

/**
 * C++: path modules (with their extension, as in C), Doxygen doc comments,
 * `#include` imports, templates in the signature, clangd. `.h` belongs to
 * C (lib/languages/c).
 */
export const CPP: LanguageSpec = {
  name: "cpp",
  lineEnds: ["\r"],
  lexerText: joinSplices,
  label: "C++",
  grammar: "cpp",
  extensions: [".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx"],
  uriName: "cpp",
  uriAliases: ["c++"],
  // `text.cc` and `text.hh` are two modules: the path keeps its extension.
  modules: { style: "path", packageFiles: [], keepExtension: true },
  comments: {
    line: ["//"],
    block: [["/*", "*/"]],
    docMarkers: ["/**", "/*!", "///", "//!"],
    docstrings: false,
  },
  // `template <class T>` belongs to the signature of what it declares;
  // `typedef struct tag {…} name;` is the struct, named by the typedef.
  wrappers: ["template_declaration", "type_definition"],
  // C's macros, and libstdc++'s `_GLIBCXX_NOEXCEPT`, `_GLIBCXX_VISIBILITY(default)` ….
  reparseBlanking: [
    ...C_MACRO_BLANKING,
    String.raw`\b_GLIBCXX\w*(?:\s*\((?:[^()]|\([^()]*\))*\))?`,
  ],
  kinds: ["namespace", "class", "struct", "enum", "type", "function", "method"],
  // `#include "x.hpp"` (or a C `.h`): as in C.
  imports: {
    style: "path",
    family: ["cpp", "c"],
    suffixes: [],
    packageStems: [],
    searchDirs: ["", "include"],
    flagsFile: { file: "compile_flags.txt", pattern: "^-I\\s*(\\S+)" },
  },
  servers: [clangd("cpp")],
  libraryDirs: SYSTEM_HEADERS,
  async load(): Promise<GrammarAssets> {
    return inflateAssets((await import("./grammar.ts")).ASSETS);
  },
};
