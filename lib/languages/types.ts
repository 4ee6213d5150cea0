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
}

/** A language server that may serve a language. */
export interface ServerSpec {
  /** Backend name in answers (`lsp_pyright`, `lsp_clangd` …). */
  backend: string;
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
  /** Language servers to try, in order (empty: the AST answers alone). */
  servers: readonly ServerSpec[];
  /** Load the grammar and its queries (a dynamic import; needs raw imports from source). */
  load(): Promise<GrammarAssets>;
}
