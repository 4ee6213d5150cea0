/**
 * One file's text to its skeleton: parse with the language's grammar, run
 * the skeleton query, measure. Used in process and by the parse workers, on
 * the masked text the read boundary returns.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { decodeSource, DEFAULT_MAX_FILE_BYTES, looksBinary } from "../segment/read.ts";
import { contentSha256Hex } from "../segment/digest.ts";
import { maskSecrets } from "../secrets.ts";
import { readInsideSync } from "../segment/boundary.ts";
import type { Segment } from "../segment/segment.ts";
import type { Tree } from "web-tree-sitter";
import { type Budget, budgetSpent, parseBudgetMs, parseTooComplex, startBudget } from "./budget.ts";
import { extractSkeleton } from "./extract.ts";
import { grammarForLanguage, type LoadedGrammar } from "./parser.ts";
import { type LanguageSpec, languageSpec, lexedText } from "../languages/mod.ts";
import { skeletonTextBytes } from "./render/file_outline.ts";
import { betterReading, errorBytes } from "./read_also.ts";
import type { FileSkeleton, Language } from "./types.ts";

/** A parse job's file: what the caller already read, or where to read it. */
export interface JobFile {
  /** The segment the file lies in. */
  segment: Segment;
  /** Absolute path of the file. */
  abs: string;
  /** Masked text, when the caller already read the file through the boundary. */
  text?: string;
  /** Size in bytes, with `text`. */
  size?: number;
  /** sha256 hex of the raw bytes, with `text`. */
  sha256?: string;
}

/** A job's text as the boundary returns it, with what the cache needs. */
export interface JobSource {
  /** The text, secrets masked. */
  text: string;
  /** Size in bytes of the file read. */
  size: number;
  /** sha256 hex of the raw bytes. */
  sha256: string;
  /** Modification time, when this call read the file. */
  mtimeMs?: number;
}

/**
 * The job's text: as given, or read now through the boundary (sync: a
 * worker has nothing else to do meanwhile, and sync ops cost less).
 */
export function jobSource(job: JobFile, maxBytes: number): JobSource {
  const { text, size, sha256 } = job;
  if (text !== undefined && size !== undefined && sha256 !== undefined) {
    return { text, size, sha256 };
  }
  const read = readInsideSync(job.segment, job.abs, {
    maxBytes,
    mode: "skeleton",
    hasher: contentSha256Hex,
  });
  return {
    text: read.text,
    size: read.bytes,
    sha256: read.sha256 as string,
    mtimeMs: read.mtimeMs,
  };
}

/**
 * What {@linkcode parseSkeleton} needs: the text of a file as the read
 * boundary returned it (secrets masked, so signatures and doc lines carry no
 * secret), or raw bytes of an in-memory source (tests, benchmarks).
 */
export type ParseInput = ParseTextInput | ParseBytesInput;

/** A file's text from the read boundary (lib/segment/boundary.ts). */
export interface ParseTextInput {
  /** Segment-relative POSIX path (goes into the skeleton). */
  rel: string;
  /** Language to parse as. */
  language: Language;
  /** The text, secrets masked (masks keep line numbers). */
  text: string;
  /** Size in bytes of the file read. */
  size: number;
  /** sha256 hex of the raw bytes (the cache key). */
  sha256: string;
}

/** An in-memory source as raw bytes (decoded and checked for binary here). */
export interface ParseBytesInput {
  /** Segment-relative POSIX path (goes into the skeleton). */
  rel: string;
  /** Language to parse as. */
  language: Language;
  /** The bytes. */
  bytes: Uint8Array;
  /** sha256 hex of the bytes, when the caller has it already. */
  sha256?: string;
}

/** What {@linkcode parseTree} needs besides the grammar and the text. */
interface ParseTreeOptions {
  spec: LanguageSpec;
  budget: Budget;
  rel: string;
}

/** One parse within the budget, or null when it was cancelled (the parser reset). */
function parseOnce(grammar: LoadedGrammar, text: string, budget: Budget): Tree | null {
  const tree = grammar.parser.parse(text, null, { progressCallback: () => budgetSpent(budget) });
  // A cancelled parse is kept for resumption: drop it before the next file.
  if (!tree) grammar.parser.reset();
  return tree;
}

/** A tree and the text it was parsed from. */
interface ParsedTree {
  tree: Tree;
  /** The text given, or its blanked copy (second parse). */
  text: string;
}

/**
 * The tree of `text`. When it has errors and the language has conditional
 * directives (C#'s `#if`) or blanking expressions (C's macros), the text is
 * parsed again with those blanked (same offsets and lines) and the tree
 * with fewer error bytes is kept: a directive inside a base list, or a
 * macro tree-sitter cannot expand, breaks the tree around it. Extraction
 * reads names, signatures and docs from the original text, and white space
 * from the tree's (a blanked line is white space to the tree).
 */
function parseTree(grammar: LoadedGrammar, text: string, options: ParseTreeOptions): ParsedTree {
  const { budget, rel } = options;
  const tree = parseOnce(grammar, text, budget);
  if (!tree) {
    if (budgetSpent(budget)) throw parseTooComplex(rel, budget, "parse");
    throw new TrifectaError("PARSE_FAILED", `tree-sitter gave no tree for ${rel}`);
  }
  if (!tree.rootNode.hasError) return { tree, text };
  const blanked = reparseText(text, options.spec, budget);
  if (blanked === text) return { tree, text };
  const again = parseOnce(grammar, blanked, budget);
  if (!again) return { tree, text };
  if (errorBytes(again.rootNode) < errorBytes(tree.rootNode)) {
    tree.delete();
    return { tree: again, text: blanked };
  }
  again.delete();
  return { tree, text };
}

const BLANKING = new WeakMap<LanguageSpec, readonly RegExp[]>();

/** An entry's `reparseBlanking` expressions, compiled once. */
function blankingOf(spec: LanguageSpec): readonly RegExp[] {
  let list = BLANKING.get(spec);
  if (list === undefined) {
    list = (spec.reparseBlanking ?? []).map((source) => new RegExp(source, "gmd"));
    BLANKING.set(spec, list);
  }
  return list;
}

/** Spaces for every character of `s` but line ends (offsets and lines stay). */
function spaces(s: string): string {
  return s.replace(/[^\r\n]/g, " ");
}

/**
 * `text` with the matches of `re` blanked: the whole match, or only its
 * capture groups when it has some (zlib's `f OF((int a))` blanks `OF(` and
 * the last `)`).
 *
 * @example
 * ```ts
 * import { blankMatches } from "./parse_source.ts";
 * import { equal } from "node:assert/strict";
 * equal(blankMatches("int f(void) __THROW;", /__THROW/dgm), "int f(void)        ;");
 * equal(blankMatches("int f OF((int a));", /\b(OF\s*\()\([^()]*\)(\))/dgm), "int f    (int a) ;");
 * ```
 */
export function blankMatches(text: string, re: RegExp): string {
  const ranges: Array<[number, number]> = [];
  for (const m of text.matchAll(re)) {
    const groups = m.indices?.slice(1) ?? [];
    if (groups.length === 0) ranges.push([m.index, m.index + m[0].length]);
    for (const g of groups) if (g !== undefined) ranges.push(g);
  }
  if (ranges.length === 0) return text;
  let out = "";
  let pos = 0;
  for (const [start, end] of ranges) {
    if (start < pos) continue;
    out += text.slice(pos, start) + spaces(text.slice(start, end));
    pos = end;
  }
  return out + text.slice(pos);
}

/**
 * The text of the second parse: directive lines and the entry's
 * `reparseBlanking` matches blanked (`text` itself when the entry has
 * neither).
 */
function reparseText(text: string, spec: LanguageSpec, budget: Budget): string {
  let out = text;
  const directives = spec.conditionalDirectives ?? [];
  if (directives.length > 0) out = blankDirectiveLines(out, directives);
  for (const re of blankingOf(spec)) {
    // Within the file's time (the expressions are linear; this bounds a slow
    // machine or a future one): past its deadline there is no second parse.
    if (performance.now() > budget.deadline) return text;
    out = blankMatches(out, re);
  }
  return out;
}

/**
 * `text` with every line whose first word is one of `directives` turned
 * into spaces (line ends kept, so offsets and lines stay).
 *
 * @example
 * ```ts
 * import { blankDirectiveLines } from "./parse_source.ts";
 * import { equal } from "node:assert/strict";
 * equal(blankDirectiveLines("a\n  #if X\nb\n#ifdef\n", ["#if"]), "a\n       \nb\n#ifdef\n");
 * ```
 */
export function blankDirectiveLines(text: string, directives: readonly string[]): string {
  return text.replace(
    /^[ \t]*(#[A-Za-z]*)(?![A-Za-z0-9_])[^\n]*/gm,
    (line, word: string) => directives.includes(word) ? spaces(line) : line,
  );
}

/** How a file is read: the grammar and entry whose tree was kept, and that tree. */
interface Reading extends ParsedTree {
  grammar: LoadedGrammar;
  spec: LanguageSpec;
}

/**
 * Parse `text` as `language`; when that tree has errors and the entry
 * names another language the file may be written in (`readAlsoAs`: C's
 * `.h` holding C++), parse it as that one too and keep the reading that
 * reads it better (see `readsBetter`).
 */
async function readFile(
  language: Language,
  text: string,
  options: { budget: Budget; rel: string },
): Promise<Reading> {
  const { budget, rel } = options;
  const readAs = async (name: Language): Promise<Reading> => {
    const grammar = await grammarForLanguage(name);
    const spec = languageSpec(name);
    return { grammar, spec, ...parseTree(grammar, text, { spec, budget, rel }) };
  };
  const own = await readAs(language);
  return await betterReading(own, readAs, { spec: own.spec, rel, text });
}

/** Options for {@linkcode parseSkeleton}. */
export interface ParseSkeletonOptions {
  /** Size cap in bytes (default 2 MiB). */
  maxBytes?: number;
  /** Time budget in ms (default: {@linkcode parseBudgetMs} of the size). */
  budgetMs?: number;
}

/**
 * Parse one file's text (or in-memory bytes) into its skeleton.
 *
 * @throws {TrifectaError} `FILE_TOO_LARGE` over the cap, `BINARY_FILE` for
 * binary content, `PARSE_FAILED` when tree-sitter gives no tree,
 * `PARSE_TOO_COMPLEX` past the time budget (parse, query or extraction).
 */
export async function parseSkeleton(
  input: ParseInput,
  options: ParseSkeletonOptions = {},
): Promise<FileSkeleton> {
  const max = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const size = "text" in input ? input.size : input.bytes.length;
  if (size > max) {
    throw new TrifectaError(
      "FILE_TOO_LARGE",
      `File is ${size} bytes, over the cap of ${max}`,
      { details: { bytes: size, max_bytes: max } },
    );
  }
  let text: string;
  let sha256: string;
  if ("text" in input) {
    text = input.text;
    sha256 = input.sha256;
  } else {
    if (looksBinary(input.bytes)) {
      throw new TrifectaError("BINARY_FILE", "File looks binary (contains NUL bytes)", {
        details: { bytes: size },
      });
    }
    // Masked like the boundary's text: a skeleton never carries a secret.
    const declares = languageSpec(input.language).declaresEncoding;
    text = maskSecrets(decodeSource(input.bytes, { declares, shown: input.rel })).text;
    sha256 = input.sha256 ?? contentSha256Hex(input.bytes);
  }
  // Parsed and read as the language's lexer reads it: its line ends, Java's
  // escapes, C's splices (same offsets). What that joins may form a secret
  // the read's masking could not see (`"ghp_…\⏎…"`): masked again.
  const lexed = lexedText(input.language, text);
  if (lexed !== text) text = maskSecrets(lexed).text;
  const budget = startBudget(options.budgetMs ?? parseBudgetMs(size));
  const reading = await readFile(input.language, text, { budget, rel: input.rel });
  const { grammar, spec, tree, text: treeText } = reading;
  try {
    const root = tree.rootNode;
    const extracted = extractSkeleton(grammar.query, root, {
      text,
      treeText,
      spec,
      prune: grammar.prune,
      budget,
      rel: input.rel,
    });
    const skeleton: FileSkeleton = {
      path: input.rel,
      language: input.language,
      sha256,
      has_errors: root.hasError,
      bytes: size,
      skeleton_bytes: 0,
      imports: extracted.imports,
      // Languages whose query has no `@export` capture have no exports list.
      ...(grammar.query.captureNames.includes("export") ? { exports: extracted.exports } : {}),
      symbols: extracted.symbols,
    };
    skeleton.skeleton_bytes = skeletonTextBytes(skeleton);
    return skeleton;
  } finally {
    tree.delete();
  }
}
