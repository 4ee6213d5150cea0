/**
 * The shape of one language's entry in the registry (lib/languages/mod.ts):
 * everything trifecta knows about a language, as data. No module outside
 * `lib/languages/` names a language; each reads these fields instead.
 *
 * @module
 */

/** Symbol kinds a skeleton may hold (the `@definition.<kind>` captures). */
export type SymbolKind =
  | "class"
  | "struct"
  | "interface"
  | "trait"
  | "enum"
  | "record"
  | "impl"
  | "module"
  | "namespace"
  | "type"
  | "function"
  | "method"
  | "variable";

/** Every symbol kind, in the order they are listed to users. */
export const ALL_SYMBOL_KINDS: readonly SymbolKind[] = [
  "class",
  "struct",
  "interface",
  "trait",
  "enum",
  "record",
  "impl",
  "module",
  "namespace",
  "type",
  "function",
  "method",
  "variable",
];

/**
 * Kinds whose functions are methods unless an entry says otherwise
 * ({@linkcode LanguageSpec.methodOwners}).
 */
export const DEFAULT_METHOD_OWNERS: readonly SymbolKind[] = [
  "class",
  "struct",
  "interface",
  "trait",
  "enum",
  "record",
  "impl",
];

/** The grammar and queries of a language, loaded lazily (they are big). */
export interface GrammarAssets {
  /** The tree-sitter grammar's wasm bytes. */
  wasm: Uint8Array;
  /** The skeleton query (`skeleton.scm`). */
  skeleton: string;
  /** The reference (tag) query (`refs.scm`), when the language has one. */
  refs?: string;
}

/** How `sym://` URIs name the modules of a language. */
export interface ModuleRule {
  /**
   * `dotted`: module paths are dotted (`pkg.mod` ≡ `pkg/mod`, Python);
   * `path`: slashed file paths without the extension, dots kept
   * (`web/api.v2`).
   */
  style: "dotted" | "path";
  /**
   * File names that make a directory a module (`__init__.py`, `index.ts`):
   * the module path names the directory.
   */
  packageFiles: readonly string[];
  /**
   * The extensions a module path names, in the order tried (default: the
   * entry's `extensions`). Python leaves `.pyi` out: a stub beside its
   * module is not a second file of that module.
   */
  extensions?: readonly string[];
  /**
   * True when a module path is the file's path with its extension (C,
   * C++): `text.c` and `text.h` are two modules, which a path without the
   * extension could not tell apart.
   */
  keepExtension?: boolean;
}

/**
 * How an import statement's module text names a file of the segment (the
 * map's edges, the AST references fallback). A language without one links
 * no import to a file.
 */
export interface ImportRule {
  /**
   * `dotted`: modules are dotted paths (`pkg.mod` ≡ `pkg/mod`) from a
   * source root, and leading dots climb from the importing file's package
   * (`.mod`, `..pkg.mod`; Python). `relative`: specifiers starting with
   * `./` or `../` are paths from the importing file's directory; others name
   * packages (JavaScript, TypeScript). The styles below are resolved by
   * lib/languages/imports.ts `resolveImport`. `directory`: an import path
   * names a directory, all of whose files it imports; the segment's own
   * paths start with the `manifest`'s module prefix (Go). `scoped`: a
   * `separator`-joined module path from the crate root, the parent or the
   * current module (`anchors`), each part a file or a directory with a
   * package stem (Rust). `path`: a file path from the importing file's
   * directory, then from `searchDirs` and the `flagsFile`'s directories
   * (C, C++, Ruby). `namespace`: a `separator`-joined class name matched as
   * the longest path suffix of a file (PSR-4-like), or a file path from the
   * importing file's directory when it holds a `/` (PHP).
   */
  style: "dotted" | "relative" | "directory" | "scoped" | "path" | "namespace";
  /**
   * Registry names of the languages whose files an import may name, in the
   * order their extensions are tried (TypeScript imports TSX and
   * JavaScript files).
   */
  family: readonly string[];
  /**
   * Suffixes a written module may carry that name no part of the module
   * (`.js` written for a `.ts` file, `.d.ts`); removed before matching.
   */
  suffixes: readonly string[];
  /** Stems of the files that make a directory a module (`__init__`, `index`). */
  packageStems: readonly string[];
  /**
   * `directory`, `scoped`: a file at the segment root and a regular
   * expression whose first group, on its text (multiline), names the
   * segment's own module or crate (`go.mod`'s `module x`, `Cargo.toml`'s
   * `name = "x"`).
   */
  manifest?: { file: string; pattern: string };
  /**
   * `dotted`: an absolute module may sit under any directory of the
   * segment, its source root (Java's `src/main/java/a/b/C.java` for
   * `a.b.C`); absent, modules are read from the root only.
   */
  anyRoot?: boolean;
  /** `scoped`, `namespace`: what joins a module path's parts (`::`, a backslash). */
  separator?: string;
  /**
   * `scoped`: leading parts that anchor a path at the crate root
   * (`crate`), the parent module (`super`) or the current one (`self`).
   */
  anchors?: { root: readonly string[]; parent: readonly string[]; self: readonly string[] };
  /** `scoped`: stems of the files that root a crate (`lib`, `main`). */
  rootStems?: readonly string[];
  /** `path`: segment-relative directories searched after the importer's own (`""` is the root). */
  searchDirs?: readonly string[];
  /**
   * `path`: a file at the segment root whose lines add search directories,
   * and a regular expression whose first group is one (`-I dir` in
   * `compile_flags.txt`).
   */
  flagsFile?: { file: string; pattern: string };
}

/** How an outline or stub writes a language's symbols. */
export interface OutlineStyle {
  /** One level of indentation of members in a stub (`"  "` when absent). */
  indent: string;
  /** The body a stub gives a symbol without members, when the language needs one (`...`). */
  emptyBody?: string;
}

/** Comment syntax, for docs and for telling code lines from comments. */
export interface CommentSyntax {
  /** Line comment starts (`#`, `//`). */
  line: readonly string[];
  /** Block comment delimiters (`["/*", "*\/"]`). */
  block: readonly (readonly [string, string])[];
  /**
   * Doc-comment markers stripped from a doc line, longest first
   * (`/**`, `///`, `//!`, `#`). The query decides which comments are docs
   * (`@doc.leading`); these say how to read them.
   */
  docMarkers: readonly string[];
  /** True when the first string of a body is its docstring (Python). */
  docstrings: boolean;
  /**
   * Markup of doc comments, read out of a doc line: `xml` (C#'s `///`
   * docs) keeps a reference as its target (`<see cref="X"/>` is `X`,
   * `<paramref name="x"/>` is `x`) and removes every other tag, so a line
   * of tags only (`<summary>`) counts as empty. Absent: lines as written.
   */
  docMarkup?: "xml";
  /**
   * Which doc comments before a definition make its doc line, as the
   * language's own compiler attaches them. `adjacent` (absent): the doc
   * comment ending on the row right above the definition (or its first
   * decorator), a run of own-line line comments read as one block.
   * `last` (javac): the last doc comment before the definition's first
   * token, past blank lines and other comments (a token in between ends the
   * search). `all` (rustc, syn): every doc comment before the definition,
   * past blank lines, other comments and its decorators; the first
   * non-empty line of them all.
   */
  leadingDocs?: "adjacent" | "last" | "all";
}

/**
 * How the segment guard reads a server config file for the paths it makes
 * the server read (lib/lsp/guard_config.ts has one reader per format):
 * `jsonc` (every string value), `pyproject` (the `[tool.pyright]` tables),
 * `pth` (the directories a `.pth` file adds), `compile_flags`,
 * `compile_commands`, `clangd` (compiler flags naming paths), `gomod`
 * (`replace` targets and `use` directories).
 */
export type ConfigFormat =
  | "jsonc"
  | "pyproject"
  | "pth"
  | "compile_flags"
  | "compile_commands"
  | "clangd"
  | "gomod";

/** A config file a language server reads from the segment (the segment guard checks it). */
export interface ConfigFileRule {
  /** File name glob (`*` any characters, `?` one): `tsconfig.*.json`, `*.pth`. */
  name: string;
  /** How its paths are read. */
  format: ConfigFormat;
  /** `root`: the server reads it at the segment root only; `tree` (default): anywhere. */
  at?: "root" | "tree";
  /** Directory names under which the server does not read it (`node_modules`: a package's own). */
  ignoreUnder?: readonly string[];
}

/** A language server that may serve a language. */
export interface ServerSpec {
  /** Backend name in answers (`lsp_pyright`, `lsp_clangd` …). */
  backend: string;
  /**
   * Lines of a hover answer the server generates from the declaration, not
   * documentation (regular expression sources, one line each): kept as the
   * hover's code part when its documentation cannot be traced
   * (lib/lsp/hover_doc.ts). clangd's `### kind \`name\``, gopls's
   * pkg.go.dev link.
   */
  hoverGeneratedLines?: readonly string[];
  /** Executable base names tried on PATH, in order. */
  names: readonly string[];
  /** Arguments the server is started with. */
  args: readonly string[];
  /** Environment variable whose value, when set, is the command line to run instead. */
  env: string;
  /** The LSP `languageId` of this language's documents. */
  languageId: string;
  /**
   * An npm package Deno runs as the server when nothing is on PATH (its
   * reads sandboxed to the segment), e.g. `pyright`.
   */
  npm?: string;
  /**
   * The pinned specifier Deno runs for `npm`
   * (`npm:<package>@<version>/<entry file>`); `npm` is not run without it.
   */
  npmSpecifier?: string;
  /**
   * Commands that print the interpreter's search paths as a JSON array of
   * strings, tried in order until one succeeds: the `npm` server's sandbox
   * grants reads of them (lib/lsp/sandbox.ts). Absent: none.
   */
  searchPathProbe?: readonly (readonly string[])[];
  /** Config files the server reads from the segment, checked by the segment guard. */
  configFiles?: readonly ConfigFileRule[];
  /**
   * How the server's text shows string values, for masking them
   * (lib/lsp/answer_guard.ts): `literal_types` when its prose writes them
   * as `Literal['…']` types and double quotes name symbols (pyright);
   * `quoted` (the default) when a double-quoted string anywhere is a value.
   */
  literalStyle?: "literal_types" | "quoted";
}

/** See {@linkcode LanguageSpec.readAlsoAs}. */
export interface ReadAlsoAs {
  /** The other language's registry name (`cpp`). */
  language: string;
  /** Extensions of the files this applies to (`.h`). */
  extensions: readonly string[];
  /**
   * A regular expression (source, run with the `m` flag) the text must
   * match for the second language to be tried: a sign of its own syntax
   * (C++: `template <`, `namespace x {`, `public:`, `class X {`).
   */
  marker: string;
}

/** One language of the registry. */
export interface LanguageSpec {
  /** Registry name, the skeleton's `language` field (`python`, `tsx`, `go`). */
  name: string;
  /** A name for people (`Python`, `C++`). */
  label: string;
  /**
   * Grammar name: languages that share a grammar share one parser
   * (JavaScript is parsed with the TSX grammar).
   */
  grammar: string;
  /** File extensions with their dot, in the order tried (`.py`, `.pyi`). */
  extensions: readonly string[];
  /** The `sym://` language this one's files are addressed as (`typescript` for `tsx`). */
  uriName: string;
  /** Other names a URI may use for it (`py`). Only read from the entry whose `name` is `uriName`. */
  uriAliases: readonly string[];
  /** How module paths are formed. */
  modules: ModuleRule;
  /** Comment and doc syntax. */
  comments: CommentSyntax;
  /**
   * Node types that wrap a declaration and whose text belongs to its
   * signature (`export_statement`, `template_declaration`).
   */
  wrappers: readonly string[];
  /** Kinds whose functions are methods; {@linkcode DEFAULT_METHOD_OWNERS} when absent. */
  methodOwners?: readonly SymbolKind[];
  /** The kinds this language's skeleton query produces. */
  kinds: readonly SymbolKind[];
  /** How imports name files; absent: imports link no file. */
  imports?: ImportRule;
  /** How stubs write members; absent: two-space indents, no body. */
  outline?: OutlineStyle;
  /**
   * File names of tests, as globs: `*` is any characters, `{ext}` any of
   * the entry's extensions (`test_*{ext}`, `conftest.py`). Search ranks
   * definitions in tests after those in source.
   */
  testFiles?: readonly string[];
  /** File-name suffixes of generated files a context pack does not index (`.min.js`). */
  generated?: readonly string[];
  /** Language servers to try, in order (empty: the AST answers alone). */
  servers: readonly ServerSpec[];
  /**
   * Where this language's installed libraries live, as directory globs
   * (`*` any characters but `/`, `?` one, `[0-9]` a class): a glob matches
   * a run of directories anywhere in a path (`site-packages`,
   * `lib/python[0-9]*`), or from the root when it starts with `/`
   * (`/usr/include`). A server's answer pointing there is a library target.
   */
  libraryDirs?: readonly string[];
  /**
   * Conditional-compilation directives (`#if`, `#elif`, `#else`, `#endif`):
   * a line whose first word is one of them is a directive. tree-sitter
   * parses such a line only where the grammar expects one, and a directive
   * inside a base list or between a method's header and its body breaks
   * the tree around it; for a file whose parse has errors the skeleton may
   * parse again with these lines blanked out (both branches kept, offsets
   * and lines unchanged) and keep the tree with fewer errors. Absent: the
   * language has none.
   */
  conditionalDirectives?: readonly string[];
  /**
   * Regular expressions (sources, run with the `gm` flags) whose matches
   * are blanked (turned into spaces, line ends kept) for the second parse of
   * a file whose first parse has errors, with
   * {@linkcode LanguageSpec.conditionalDirectives}: macros tree-sitter
   * cannot expand (C's `__attribute__((…))`, `__THROW`). The tree with fewer
   * error bytes is kept; names, signatures and docs still come from the
   * original text. Absent: none.
   */
  reparseBlanking?: readonly string[];
  /**
   * Files of this language that may be written in another (C's `.h`
   * holding C++): when such a file's parse has errors and its text matches
   * {@linkcode ReadAlsoAs.marker}, it is parsed as
   * {@linkcode ReadAlsoAs.language} too, and read with that language's
   * grammar and queries when its tree has at most half the error bytes. The file's
   * language stays this one (URIs, imports and caches follow the path).
   */
  readAlsoAs?: ReadAlsoAs;
  /**
   * Characters besides LF (and CRLF) that the language's own lexer reads as
   * a line end: a lone CR for Python, JavaScript and TypeScript, Java, C#,
   * C, C++ and PHP; U+2028 and U+2029 for JavaScript and TypeScript too;
   * U+0085, U+2028 and U+2029 for C#. Such a file is parsed, and its lines
   * counted, with each of them read as LF (same offsets), so code after one
   * inside a `#` or `//` comment is code, as the interpreter or compiler
   * sees it. Absent (Go, Rust, Ruby): they are white space, or part of the
   * comment.
   */
  lineEnds?: readonly string[];
  /**
   * The text as the language's lexer reads it, at the same length and with
   * the same line ends, when that differs from the text as written: Java
   * translates `\uXXXX` escapes before it lexes (lib/languages/java/escapes.ts),
   * so an escaped line end closes a `//` comment. Files are parsed, and
   * skeletons read, from this text; excerpts show the text as written.
   */
  lexerText?: (text: string) => string;
  /**
   * Set when a file may declare its own encoding in a comment on its first
   * or second line, by whose rules (`pep263`: Python's `# -*- coding: cp932
   * -*-`; `magic_comment`: Ruby's magic comment, line 2 only after a `#!` line): the read boundary decodes it with that encoding, or refuses it
   * (`UNSUPPORTED_ENCODING`) when no decoder here reads it as the
   * interpreter would (`decodeSource` in lib/segment/read.ts).
   */
  declaresEncoding?: "pep263" | "magic_comment";
  /** Load the grammar and its queries (a dynamic import; needs raw imports from source). */
  load(): Promise<GrammarAssets>;
}
