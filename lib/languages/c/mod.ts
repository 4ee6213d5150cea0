/**
 * C's registry entry.
 *
 * @module
 */
import type { GrammarAssets, LanguageSpec, ServerSpec } from "../types.ts";
import { joinSplices } from "./splices.ts";
import { inflateAssets } from "../wasm.ts";

/**
 * clangd for documents of `languageId` (shared with C++), with the compile
 * flags it reads from the segment.
 */
export function clangd(languageId: string): ServerSpec {
  return {
    backend: "lsp_clangd",
    hoverGeneratedLines: [
      String.raw`^#{1,3} [\w-]+ \`[^\`]*\`\s*$`,
      String.raw`^→ \`[^\`]*\`\s*$`,
      String.raw`^Parameters:\s*$`,
      String.raw`^- \`[^\`]*\`\s*$`,
      String.raw`^Type: \`[^\`]*\`\s*$`,
      String.raw`^(Size|Offset|Alignment|Padding): \d[^\`]*$`,
      String.raw`^Value = \`?[^\`]*\`?\s*$`,
      String.raw`^Passed (by (value|reference)|as \`[^\`]*\`)\s*$`,
      String.raw`^(?:provided|Provided|PROVIDED) by \`[^\`]*\`\s*$`,
    ],
    names: ["clangd"],
    args: ["--log=error"],
    env: "TRIFECTA_LSP_C_COMMAND",
    languageId,
    configFiles: [
      { name: "compile_flags.txt", format: "compile_flags" },
      { name: "compile_commands.json", format: "compile_commands" },
      { name: ".clangd", format: "clangd" },
    ],
  };
}

/** The system's headers and the compilers' own (shared with C++). */
export const SYSTEM_HEADERS: readonly string[] = [
  "/usr/include",
  "/usr/local/include",
  "/usr/lib/gcc",
  "lib/clang/*/include",
];

/**
 * Macros tree-sitter cannot expand, blanked for a second parse of a file
 * whose first parse has errors (`reparseBlanking`; shared with C++).
 */
export const C_MACRO_BLANKING: readonly string[] = [
  // GNU/MSVC attributes and asm labels, nested parentheses up to 3 levels.
  String
    .raw`\b(?:__attribute__|__attribute|__declspec|__asm__|__asm)\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)`,
  // glibc annotations with arguments: `__nonnull ((1))`, `__attr_dealloc (f, 1)`.
  String
    .raw`\b__(?:nonnull|attr_[a-z_]+|attribute_[a-z_]+__)\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)`,
  // `__attribute_malloc__`, `__extension__`, `__wur`, `__THROW`.
  String.raw`\b__[a-z][a-z0-9_]*__\b`,
  String
    .raw`\b__(?:wur|THROW|THROWNL|LEAF|restrict_arr|fortify_function|extern_inline|extern_always_inline|always_inline)\b`,
  // A line holding only an ALL-CAPS macro (with an underscore): `__BEGIN_DECLS`;
  // not an export macro giving the return type of the function named on the
  // next line (NSPR's `PR_EXTERN(void)` over `PL_HashTableDestroy(…);`).
  // The export word is found by a lookahead, then taken whole (no backtracking over a long word).
  String
    .raw`^(?![ \t]*(?=\w*(?:EXTERN|API|EXPORT|IMPORT|IMPLEMENT))\w+[ \t]*\([^()\n]*\)[ \t]*\n[ \t]*[A-Za-z_]\w*[ \t]*\()[ \t]*_*[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+_*[ \t]*(?:\([^()\n]*\))?[ \t]*$`,
  // ALL-CAPS macros after a parameter list, before `;` or `{`: `Z_EXPORT`.
  String.raw`(?<=\)\s*)(?:_*[A-Z][A-Z0-9_]*\b\s*)+(?=[;{])`,
  // Between `struct`/`union`/`class` and the name of a body or a base list:
  // `class EXPORT_MACRO Name {`, `class LLVM_GSL_POINTER LLVM_NODISCARD
  // ArrayRef {` (not the ALL-CAPS tag of `typedef struct CK_X CK_Y;`).
  String
    .raw`(?<=\b(?:class|struct|union)\s+)(?:_*[A-Z][A-Z0-9_]*(?:\s*\([^()]*\))?\s+)+(?=[A-Za-z_]\w*\s*(?:final\b\s*)?[{:])`,
  // Calling conventions in a function pointer's declarator, before its
  // name: `typedef void (GL_APIENTRYP PFNGLFINISHPROC) (void);`,
  // `void (WINAPI *cb)(int);`.
  // One way to split the blanks (`\s+(?:\*\s*)?`): `\s+\*?\s*` tried every split of a long run.
  String.raw`(?<=\(\s*)_*[A-Z][A-Z0-9_]*(?=\s+(?:\*\s*)?[A-Za-z_]\w*\s*\)\s*\()`,
  // An export macro starting a prototype with a pointer return type:
  // `GLAPI const GLubyte * GLAPIENTRY gluErrorString (GLenum error);`.
  String
    .raw`^[ \t]*_*[A-Z][A-Z0-9_]*(?=[ \t]+(?:(?:const|volatile|unsigned|signed|struct|union|enum)[ \t]+)*[A-Za-z_]\w*[ \t]*\*)`,
  // A calling convention after a pointer return type, before the function's
  // name: `const GLubyte * GLAPIENTRY gluErrorString (GLenum error);`.
  String.raw`(?<=\*\s*)_*[A-Z][A-Z0-9_]*(?=\s+[A-Za-z_]\w*\s*\()`,
  // A calling convention after a built-in return type, before the name
  // (which may start the next line): `static void APIENTRY f(void) {`,
  // `int WINAPI WinMain(…)`, zlib's `ZEXTERN int ZEXPORT gzgetc OF((…));`. A built-in type is never followed by another
  // type, so the ALL-CAPS word can only be a macro.
  String
    .raw`(?<=\b(?:void|char|short|int|long|float|double|signed|unsigned|_Bool|bool)[ \t]+)_*[A-Z][A-Z0-9_]*(?=\s+[A-Za-z_]\w*\s*(?:(?:OF|Z_ARG)\s*)?\()`,
  // An export macro at a line's start, before a built-in return type:
  // `GLAPI void GLAPIENTRY glClear(…);`, `XMLPUBFUN int XMLCALL\n  f(…);`
  // (an ALL-CAPS type is never followed by one: `BOOL WINAPI f()` stays).
  String
    .raw`^[ \t]*_*[A-Z][A-Z0-9_]*(?=[ \t]+(?:const[ \t]+)?(?:void|char|short|int|long|float|double|signed|unsigned|_Bool|bool)\b)`,
  // zlib's `int f OF((int a));` (and `Z_ARG((…))`): the macro and its outer parentheses.
  String.raw`\b((?:OF|Z_ARG)\s*\()\((?:[^()]|\([^()]*\))*\)(\))`,
];

/**
 * C: path modules, Doxygen doc comments (`/** *\/`, `/*! *\/`, `///`,
 * `//!`), `#include` imports, clangd. C owns `.h`; a `.h` that reads better
 * as C++ is parsed as C++ (`readAlsoAs`), its language staying `c`.
 */
export const C: LanguageSpec = {
  name: "c",
  lineEnds: ["\r"],
  lexerText: joinSplices,
  label: "C",
  grammar: "c",
  extensions: [".c", ".h"],
  uriName: "c",
  uriAliases: [],
  // `text.c` and `text.h` are two modules: the path keeps its extension.
  modules: { style: "path", packageFiles: [], keepExtension: true },
  comments: {
    line: ["//"],
    block: [["/*", "*/"]],
    docMarkers: ["/**", "/*!", "///", "//!"],
    docstrings: false,
  },
  // `typedef struct tag {…} name;` is one symbol: the struct, named by the
  // typedef, whose signature starts at `typedef`.
  wrappers: ["type_definition"],
  // C has no methods: a function is never inside a struct.
  methodOwners: [],
  kinds: ["struct", "enum", "type", "function"],
  // `#include "x.h"`: from the file's directory, the root, include/ and the
  // compile_flags.txt `-I` directories; `<x.h>` is not captured.
  imports: {
    style: "path",
    family: ["c"],
    suffixes: [],
    packageStems: [],
    searchDirs: ["", "include"],
    flagsFile: { file: "compile_flags.txt", pattern: "^-I\\s*(\\S+)" },
  },
  reparseBlanking: C_MACRO_BLANKING,
  // Most C++ projects name their headers `.h`: one the C grammar cannot read
  // is read as C++ when that parses with fewer errors.
  readAlsoAs: {
    language: "cpp",
    extensions: [".h"],
    // C++'s own syntax at a line's start: a template, a namespace, an access
    // specifier, a class with a body or a base list.
    marker: String
      .raw`^[ \t]*(?:template[ \t]*<|namespace(?:[ \t]+[A-Za-z_][\w:]*)?[ \t]*\{|(?:public|private|protected)[ \t]*:(?!:)|class[ \t]+[A-Za-z_]\w*[ \t]*(?:final[ \t]*)?[:{])`,
  },
  servers: [clangd("c")],
  libraryDirs: SYSTEM_HEADERS,
  async load(): Promise<GrammarAssets> {
    return inflateAssets((await import("./grammar.ts")).ASSETS);
  },
};
