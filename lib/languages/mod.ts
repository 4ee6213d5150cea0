/**
 * The language registry: every language trifecta parses, as data. A new
 * language is a folder here (its entry `mod.ts`, its `grammar.ts` importing
 * the wasm and queries, `skeleton.scm`, `refs.scm`) and one line in
 * {@linkcode LANGUAGES}; docs/ast.md lists the steps.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { PYTHON } from "./python/mod.ts";
import { JAVASCRIPT, TSX, TYPESCRIPT } from "./typescript/mod.ts";
import { GO } from "./go/mod.ts";
import { RUST } from "./rust/mod.ts";
import { JAVA } from "./java/mod.ts";
import { CSHARP } from "./csharp/mod.ts";
import { RUBY } from "./ruby/mod.ts";
import { PHP } from "./php/mod.ts";
import { C } from "./c/mod.ts";
import { CPP } from "./cpp/mod.ts";
import type { LanguageSpec } from "./types.ts";

export type {
  CommentSyntax,
  GrammarAssets,
  LanguageSpec,
  ModuleRule,
  ReadAlsoAs,
  ServerSpec,
  SymbolKind,
} from "./types.ts";
export { ALL_SYMBOL_KINDS, DEFAULT_METHOD_OWNERS } from "./types.ts";

/** Every language, in the order extensions are matched and languages listed. */
export const LANGUAGES: readonly LanguageSpec[] = [
  PYTHON,
  TYPESCRIPT,
  TSX,
  JAVASCRIPT,
  C,
  CPP,
  GO,
  RUST,
  JAVA,
  CSHARP,
  RUBY,
  PHP,
];

const BY_NAME: ReadonlyMap<string, LanguageSpec> = new Map(LANGUAGES.map((l) => [l.name, l]));

/** Longest extension first, so `.d.ts`-like compound extensions could win over `.ts`. */
const BY_EXTENSION: readonly (readonly [string, LanguageSpec])[] = LANGUAGES
  .flatMap((l) => l.extensions.map((e) => [e, l] as const))
  .sort((a, b) => b[0].length - a[0].length);

/** The entry of a registry name (`python`, `tsx`), or undefined. */
export function languageByName(name: string): LanguageSpec | undefined {
  return BY_NAME.get(name);
}

/**
 * The entry of a registry name; a language the registry does not hold is a
 * bug in the caller (names come from the registry), reported as such.
 */
export function languageSpec(name: string): LanguageSpec {
  const spec = BY_NAME.get(name);
  if (spec === undefined) {
    throw new TrifectaError("UNSUPPORTED_LANGUAGE", `No language named ${JSON.stringify(name)}`, {
      nextSteps: [`Languages: ${LANGUAGES.map((l) => l.name).join(", ")}`],
    });
  }
  return spec;
}

/**
 * The language of a path by its extension, or undefined when no entry
 * claims it.
 *
 * @example
 * ```ts
 * import { languageOfPath } from "./mod.ts";
 * import { equal } from "node:assert/strict";
 * equal(languageOfPath("src/app.tsx")?.name, "tsx");
 * equal(languageOfPath("README.md"), undefined);
 * ```
 */
export function languageOfPath(path: string): LanguageSpec | undefined {
  for (const [ext, spec] of BY_EXTENSION) if (path.endsWith(ext)) return spec;
  return undefined;
}

/** Per language: the pattern of its extra line ends (`lineEnds`), built once. */
const LINE_ENDS = new Map<string, RegExp | undefined>();

function lineEndsPattern(language: string): RegExp | undefined {
  if (LINE_ENDS.has(language)) return LINE_ENDS.get(language);
  const ends = languageByName(language)?.lineEnds ?? [];
  const others = ends.filter((c) => c !== "\r").join("");
  const parts = [
    ...(ends.includes("\r") ? ["\\r(?!\\n)"] : []),
    ...(others ? [`[${others}]`] : []),
  ];
  const re = parts.length === 0 ? undefined : new RegExp(parts.join("|"), "g");
  LINE_ENDS.set(language, re);
  return re;
}

/**
 * `text` as the language's lexer reads its lines: each of its extra line
 * ends ({@linkcode LanguageSpec.lineEnds}: a lone CR, U+2028 …) turned into
 * LF (one UTF-16 unit for one, so offsets hold), else as given. Every reader
 * that parses a file or counts its lines for a skeleton's line numbers goes
 * through this.
 *
 * @example
 * ```ts
 * import { codeLines } from "./mod.ts";
 * import { equal } from "node:assert/strict";
 * equal(codeLines("python", "# c\rdef f(): pass\r\n"), "# c\ndef f(): pass\r\n");
 * equal(codeLines("typescript", "// c\u2028f();\n"), "// c\nf();\n");
 * equal(codeLines("go", "// c\rfunc F() {}\n"), "// c\rfunc F() {}\n");
 * ```
 */
export function codeLines(language: string, text: string): string {
  const re = lineEndsPattern(language);
  if (re === undefined) return text;
  re.lastIndex = 0;
  if (!re.test(text)) return text;
  return text.replace(re, "\n");
}

/**
 * `text` as the language's lexer reads it: {@linkcode codeLines}, then the
 * entry's {@linkcode LanguageSpec.lexerText} (Java's Unicode escapes), at
 * the same length. What the parsers and the skeleton read.
 *
 * @example
 * ```ts
 * import { lexedText } from "./mod.ts";
 * import { equal } from "node:assert/strict";
 * equal(lexedText("java", "// a \\u000a int b;\n"), "            int b;\n");
 * equal(lexedText("python", "# a\rb = 1\n"), "# a\nb = 1\n");
 * ```
 */
export function lexedText(language: string, text: string): string {
  const lines = codeLines(language, text);
  const lexer = languageByName(language)?.lexerText;
  return lexer === undefined ? lines : lexer(lines);
}

/** Every extension of every language (for the walker). */
export const SOURCE_EXTENSIONS: readonly string[] = LANGUAGES.flatMap((l) => l.extensions);

/** The `sym://` language names, each with the entries whose files it addresses. */
export function uriLanguages(): ReadonlyMap<string, readonly LanguageSpec[]> {
  const out = new Map<string, LanguageSpec[]>();
  for (const l of LANGUAGES) {
    const list = out.get(l.uriName) ?? [];
    list.push(l);
    out.set(l.uriName, list);
  }
  return out;
}

/**
 * The `sym://` language a URI's language part means (an alias maps to its
 * language), or undefined.
 *
 * @example
 * ```ts
 * import { uriLanguageName } from "./mod.ts";
 * import { equal } from "node:assert/strict";
 * equal(uriLanguageName("py"), "python");
 * equal(uriLanguageName("cobol"), undefined);
 * ```
 */
export function uriLanguageName(written: string): string | undefined {
  for (const l of LANGUAGES) {
    if (l.uriName === written) return l.uriName;
    if (l.name === l.uriName && l.uriAliases.includes(written)) return l.uriName;
  }
  return undefined;
}

/** Every extension of the entries a `sym://` language addresses, in registry order. */
export function uriExtensions(uriName: string): string[] {
  return LANGUAGES.filter((l) => l.uriName === uriName).flatMap((l) => l.extensions);
}
