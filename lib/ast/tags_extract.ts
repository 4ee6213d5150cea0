/**
 * One file's text to its tags: parse with the language's grammar, run the
 * reference query (`lib/ast/queries/<grammar>.refs.scm`) window by window
 * within the time budget, and keep bounded references and imports. Used in
 * process and by the parse workers, on the masked text the read boundary
 * returns.
 *
 * @module
 */
import type { Node, Query, QueryMatch, Tree } from "web-tree-sitter";
import { TrifectaError } from "../errors.ts";
import { type Budget, budgetSpent, parseBudgetMs, parseTooComplex, startBudget } from "./budget.ts";
import { MAX_NAME_CHARS } from "./limits.ts";
import { grammarForLanguage, type LoadedGrammar } from "./parser.ts";
import { betterReading } from "./read_also.ts";
import { languageSpec, lexedText } from "../languages/mod.ts";
import { clip, oneLine } from "./text_utils.ts";
import type { Language } from "./types.ts";

/** Kinds of references a tag query captures (`@reference.<kind>`). */
export type TagKind = "call" | "name" | "type" | "attribute" | "import";

/** One reference: an identifier used at a place. */
export interface TagRef {
  /** The identifier (bounded like a symbol name). */
  name: string;
  /** 1-based line. */
  line: number;
  /** 1-based column (UTF-16 units, as the text is held). */
  col: number;
  /** How it is used. */
  kind: TagKind;
}

/** One imported name. */
export interface TagImport {
  /** The name imported (the original name, not a local alias). */
  name: string;
  /** The module it comes from (`from m import x`, `import { x } from "m"`). */
  module?: string;
  /** 1-based line. */
  line: number;
}

/** The tags of one file: what it references and imports. */
export interface FileTags {
  /** Segment-relative POSIX path. */
  path: string;
  /** Language. */
  language: Language;
  /** sha256 hex of the raw bytes (the cache key's content part). */
  sha256: string;
  /** References in source order (at most {@linkcode MAX_TAG_REFS}). */
  refs: TagRef[];
  /** Imported names in source order (at most {@linkcode MAX_TAG_IMPORTS}). */
  imports: TagImport[];
  /** True when a cap cut the references or imports. */
  truncated: boolean;
}

/** Most references kept per file: a hostile file holds millions of identifiers. */
export const MAX_TAG_REFS = 20_000;
/** Most imports kept per file. */
export const MAX_TAG_IMPORTS = 2_000;
/** Longest module text kept. */
export const MAX_MODULE_CHARS = 300;
/** Characters per query window: the reference cap is checked between windows. */
const WINDOW_CHARS = 32_768;

const TAG_KINDS: ReadonlySet<string> = new Set(["call", "name", "type", "attribute", "import"]);

/** True when `kind` is a tag kind. */
export function isTagKind(kind: string): kind is TagKind {
  return TAG_KINDS.has(kind);
}

/** A compiled reference query and the names its `; skip-names:` lines keep out. */
interface RefsQuery {
  query: Query;
  skipNames: ReadonlySet<string>;
}

const compiled = new Map<string, Promise<RefsQuery>>();

/**
 * The names of a query's `; skip-names: a b c` directive lines.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { skipNames } from "./tags_extract.ts";
 * deepEqual([...skipNames("; skip-names: len type\n; skip-names: super\n(call) @x")], [
 *   "len", "type", "super",
 * ]);
 * ```
 */
export function skipNames(query: string): Set<string> {
  const out = new Set<string>();
  for (const m of query.matchAll(/^;\s*skip-names:\s*(.+)$/gm)) {
    for (const name of (m[1] ?? "").trim().split(/\s+/)) out.add(name);
  }
  return out;
}

async function compileRefs(grammar: LoadedGrammar): Promise<RefsQuery> {
  const wts = await import("web-tree-sitter");
  const source = grammar.refs;
  if (source === undefined) {
    throw new TrifectaError("UNSUPPORTED_LANGUAGE", `No reference query for ${grammar.grammar}`);
  }
  return { query: new wts.Query(grammar.language, source), skipNames: skipNames(source) };
}

/** The compiled reference query of a grammar (compiled once per thread). */
function refsQuery(grammar: LoadedGrammar): Promise<RefsQuery> {
  let entry = compiled.get(grammar.grammar);
  if (!entry) {
    entry = compileRefs(grammar);
    compiled.set(grammar.grammar, entry);
    entry.catch(() => compiled.delete(grammar.grammar));
  }
  return entry;
}

/** A file's references and imports. */
export interface ExtractedTags {
  /** References in source order, at most {@linkcode MAX_TAG_REFS}. */
  refs: TagRef[];
  /** Imports in source order, at most {@linkcode MAX_TAG_IMPORTS}. */
  imports: TagImport[];
  /** True when a cap cut the references or imports. */
  truncated: boolean;
}

/** Gathers matches: one reference per place (the first pattern's kind wins). */
class TagCollector {
  readonly #refs = new Map<string, { ref: TagRef; pattern: number }>();
  readonly #imports = new Map<string, TagImport>();
  /** Places a `@skip` capture took, by the pattern that took them. */
  readonly #skipped = new Map<string, number>();
  readonly #skipNames: ReadonlySet<string>;

  constructor(skipNames: ReadonlySet<string>) {
    this.#skipNames = skipNames;
  }

  #skip(node: Node, pattern: number): void {
    const at = `${node.startIndex}:${node.endIndex}`;
    const known = this.#refs.get(at);
    if (known && known.pattern > pattern) this.#refs.delete(at);
    if (!known || known.pattern > pattern) this.#skipped.set(at, pattern);
  }

  get full(): boolean {
    return this.#refs.size >= MAX_TAG_REFS;
  }

  match(m: QueryMatch): void {
    let kind: TagKind | undefined;
    let name: Node | undefined;
    let module: Node | undefined;
    for (const c of m.captures) {
      if (c.name === "skip") return this.#skip(c.node, m.patternIndex);
      if (c.name === "name") name = c.node;
      else if (c.name === "module") module = c.node;
      else if (c.name.startsWith("reference.")) {
        const k = c.name.slice(10);
        if (isTagKind(k)) kind = k;
      }
    }
    if (!kind || !name) return;
    const text = clip(oneLine(name.text), MAX_NAME_CHARS);
    if (text === "" || this.#skipNames.has(text)) return;
    const line = name.startPosition.row + 1;
    const col = name.startPosition.column + 1;
    const at = `${name.startIndex}:${name.endIndex}`;
    if ((this.#skipped.get(at) ?? Infinity) < m.patternIndex) return;
    const known = this.#refs.get(at);
    if (known && known.pattern <= m.patternIndex) return;
    if (!known && this.full) return;
    this.#refs.set(at, { ref: { name: text, line, col, kind }, pattern: m.patternIndex });
    if (kind === "import" && this.#imports.size < MAX_TAG_IMPORTS) {
      const mod = module ? clip(oneLine(module.text), MAX_MODULE_CHARS) : undefined;
      this.#imports.set(at, { name: text, ...(mod ? { module: mod } : {}), line });
    }
  }

  result(truncated: boolean): ExtractedTags {
    const order = (a: { line: number }, b: { line: number }) => a.line - b.line;
    const refs = [...this.#refs.values()].map((r) => r.ref)
      .sort((a, b) => a.line - b.line || a.col - b.col);
    return { refs, imports: [...this.#imports.values()].sort(order), truncated };
  }
}

/** Run the query window by window until the end, the cap or the budget. */
function collect(refs: RefsQuery, root: Node, budget: Budget, rel: string): ExtractedTags {
  const { query } = refs;
  const collector = new TagCollector(refs.skipNames);
  const progressCallback = () => budgetSpent(budget);
  const end = root.endIndex;
  let from = 0;
  while (from < end && !collector.full) {
    const to = Math.min(end, from + WINDOW_CHARS);
    // Query ranges are in bytes of the UTF-16 text: twice the string indices.
    for (
      const m of query.matches(root, { startIndex: from * 2, endIndex: to * 2, progressCallback })
    ) {
      collector.match(m);
    }
    if (budgetSpent(budget)) throw parseTooComplex(rel, budget, "query");
    from = to;
  }
  return collector.result(collector.full);
}

/** What {@linkcode extractTags} reads: one file's masked text. */
export interface TagsInput {
  /** Segment-relative path (for errors). */
  rel: string;
  /** Language to parse as. */
  language: Language;
  /** The text, secrets masked. */
  text: string;
  /** Size in bytes of the file (sets the time budget). */
  size: number;
}

/**
 * The references and imports of one file's text.
 *
 * @throws {TrifectaError} `PARSE_FAILED` when tree-sitter gives no tree,
 * `PARSE_TOO_COMPLEX` past the time budget.
 */
export async function extractTags(
  given: TagsInput,
  options: { budgetMs?: number } = {},
): Promise<ExtractedTags> {
  // Lines as the language counts them: the skeleton's rows and the tags' agree.
  const input = { ...given, text: lexedText(given.language, given.text) };
  const budget = startBudget(options.budgetMs ?? parseBudgetMs(input.size));
  const parseAs = async (language: Language) => {
    const grammar = await grammarForLanguage(language);
    return { grammar, tree: parseTags(grammar, input, budget) };
  };
  // A file the skeleton reads as another language (`readAlsoAs`) is tagged as one too.
  const { grammar, tree } = await betterReading(await parseAs(input.language), parseAs, {
    spec: languageSpec(input.language),
    rel: input.rel,
    text: input.text,
  });
  try {
    return collect(await refsQuery(grammar), tree.rootNode, budget, input.rel);
  } finally {
    tree.delete();
  }
}

/** One parse for tags, within the budget. */
function parseTags(grammar: LoadedGrammar, input: TagsInput, budget: Budget): Tree {
  const tree = grammar.parser.parse(input.text, null, {
    progressCallback: () => budgetSpent(budget),
  });
  if (tree) return tree;
  grammar.parser.reset();
  if (budgetSpent(budget)) throw parseTooComplex(input.rel, budget, "parse");
  throw new TrifectaError("PARSE_FAILED", `tree-sitter gave no tree for ${input.rel}`);
}
