/**
 * The symbol stage of `ctx search`: a query that names a symbol — an
 * identifier (`get_model`), or a qualified name (`AppConfig.get_model`,
 * `AppConfig/get_model`, `django.apps.config.AppConfig`) — is looked up in
 * the index's symbol table, and the chunks that define it rank first, before
 * any BM25 hit. Exact (case-sensitive) matches come before case-insensitive
 * ones; then a definition in source before one in tests (`isTestPath`);
 * then the shorter qualified name; then the path and line.
 *
 * In a query of several words, each word shaped like code (`snake_case`,
 * `camelCase`, `PascalCase` of two words or more, or dotted) that names a
 * symbol exactly boosts its defining chunks' score by
 * {@linkcode SYMBOL_BONUS}`.word`; the order stays BM25's otherwise.
 *
 * @module
 */
import { languageOfPath } from "../languages/mod.ts";
import type { IndexReader } from "./fts.ts";
import type { IndexedDef } from "./symbol_index.ts";
import { isTestPath } from "./test_paths.ts";

/** How a definition matched the query. */
export type SymbolMatchKind = "name" | "qualified" | "name_ci" | "qualified_ci" | "word";

/** Score added to a chunk for the definition it holds, by how it matched. */
export const SYMBOL_BONUS: Readonly<Record<SymbolMatchKind, number>> = {
  name: 10,
  qualified: 10,
  name_ci: 8,
  qualified_ci: 8,
  word: 5,
};

/** A definition the query names, as a hit reports it. */
export interface SymbolMatch {
  /** How it matched. */
  match: SymbolMatchKind;
  /** Qualified name inside its file (`AppConfig.get_model`). */
  name: string;
  /** Skeleton kind (`class`, `function`, `method`, …). */
  kind: string;
  /** 1-based line of the definition. */
  start_line: number;
  /** 1-based last line of its body. */
  end_line: number;
  /** Whether its file is a test file (ranked after source). */
  test: boolean;
}

/** A matched definition with the chunk row that holds it and its place in the ranking. */
export interface RankedDef extends SymbolMatch {
  /** Row id of its chunk in the index. */
  chunk_rowid: number;
  /** Its chunk's id. */
  chunk_id: string;
  /** Position among the definitions (0 first); words' matches have none. */
  order?: number;
}

/** A name to look up: the bare name, and the qualified form when one was given. */
interface NameQuery {
  name: string;
  qualified?: string;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;
const QUALIFIED = /^[A-Za-z_$][\w$]*(?:(?:\.|\/|::|#)[A-Za-z_$][\w$]*)+$/;
/** Identifiers that read as code: snake_case, camelCase, PascalCase of two words, dotted. */
const CODE_SHAPED = /_|[a-z0-9][A-Z]|^[A-Z][a-z0-9]+[A-Z]|[.#/]/;

/** The name a token names, or undefined when it is not an identifier or a qualified name. */
function nameQueryOf(token: string): NameQuery | undefined {
  if (IDENT.test(token)) return { name: token };
  if (!QUALIFIED.test(token)) return undefined;
  const parts = token.split(/\.|\/|::|#/);
  const name = parts[parts.length - 1];
  return name ? { name, qualified: parts.join(".") } : undefined;
}

/** A token without the quotes, call parentheses and punctuation around it (`` `get_model()`, `` → `get_model`). */
function bare(token: string): string {
  return token.replace(/^[`'"(]+/, "").replace(/[`'",;:?!.]+$/, "").replace(/\(\)$/, "")
    .replace(/\)+$/, "");
}

/** What a query names: the whole query as one symbol, or code-shaped words among others. */
export interface SymbolQuery {
  /** The query is one identifier or qualified name. */
  whole?: NameQuery;
  /** Code-shaped words of a query of several words. */
  words: NameQuery[];
}

/**
 * What `query` (as typed: case matters) names.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { symbolQueryOf } from "./search_symbols.ts";
 * deepEqual(symbolQueryOf(" AppConfig/get_model "), {
 *   whole: { name: "get_model", qualified: "AppConfig.get_model" },
 *   words: [],
 * });
 * deepEqual(symbolQueryOf("`get_model()`"), { whole: { name: "get_model" }, words: [] });
 * deepEqual(symbolQueryOf("where is get_model used"), { words: [{ name: "get_model" }] });
 * ```
 */
export function symbolQueryOf(query: string): SymbolQuery {
  const trimmed = query.trim();
  if (!/\s/.test(trimmed)) {
    const whole = nameQueryOf(bare(trimmed));
    return whole ? { whole, words: [] } : { words: [] };
  }
  const words: NameQuery[] = [];
  for (const raw of trimmed.split(/\s+/)) {
    const token = bare(raw);
    if (!CODE_SHAPED.test(token)) continue;
    const q = nameQueryOf(token);
    if (q && !words.some((w) => w.name === q.name && w.qualified === q.qualified)) words.push(q);
  }
  return { words: words.slice(0, 8) };
}

/**
 * The dotted module of a path: `django/apps/config.py` → `django.apps.config`;
 * a package file (its language's `modules.packageFiles`: `__init__.py`,
 * `index.ts`) names its directory.
 */
function modulePath(path: string): string {
  const packages = languageOfPath(path)?.modules.packageFiles ?? [];
  const slash = path.lastIndexOf("/");
  const own = slash > 0 && packages.includes(path.slice(slash + 1))
    ? path.slice(0, slash)
    : path.replace(/\.[^./]+$/, "");
  return own.replaceAll("/", ".");
}

/** How `d` matches `q`, or undefined when it does not (a qualified query needs its qualifier). */
function matchKind(d: IndexedDef, q: NameQuery): SymbolMatchKind | undefined {
  if (q.qualified === undefined) return d.name === q.name ? "name" : "name_ci";
  const forms = [d.qualified_name, `${modulePath(d.path)}.${d.qualified_name}`];
  const fits = (a: string, b: string) => a === b || a.endsWith(`.${b}`);
  if (forms.some((f) => fits(f, q.qualified ?? ""))) return "qualified";
  const lower = (q.qualified ?? "").toLowerCase();
  return forms.some((f) => fits(f.toLowerCase(), lower)) ? "qualified_ci" : undefined;
}

function exactness(kind: SymbolMatchKind): number {
  return kind === "name_ci" || kind === "qualified_ci" ? 1 : 0;
}

function matched(d: IndexedDef, kind: SymbolMatchKind): RankedDef {
  return {
    match: kind,
    name: d.qualified_name,
    kind: d.kind,
    start_line: d.start_line,
    end_line: d.end_line,
    test: isTestPath(d.path),
    chunk_rowid: d.chunk_rowid,
    chunk_id: d.chunk_id,
  };
}

/** Definition order: exact first, source before tests, shorter qualified name, path, line. */
function compareDefs(a: RankedDef & { path: string }, b: RankedDef & { path: string }): number {
  return exactness(a.match) - exactness(b.match) || Number(a.test) - Number(b.test) ||
    a.name.length - b.name.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    a.start_line - b.start_line;
}

/** The definitions `q` names, best first, with `order` set. */
function rankedFor(db: IndexReader, q: NameQuery, only?: SymbolMatchKind): RankedDef[] {
  const found: (RankedDef & { path: string })[] = [];
  for (const d of db.definitions(q.name)) {
    const kind = matchKind(d, q);
    if (kind === undefined || (only !== undefined && exactness(kind) > 0)) continue;
    found.push({ ...matched(d, only ?? kind), path: d.path });
  }
  return found.sort(compareDefs).map(({ path: _path, ...d }, order) => ({ ...d, order }));
}

/** The definitions a query names: those of the whole query (ranked first), and those of its words (boosted). */
export interface QueryDefinitions {
  /** Definitions the whole query names, best first (at most one per chunk). */
  whole: RankedDef[];
  /** Definitions code-shaped words name exactly (at most one per chunk, none of `whole`'s chunks). */
  words: RankedDef[];
}

/** Most definitions a single word of a longer query boosts. */
const WORD_DEFS = 10;

function firstPerChunk(defs: readonly RankedDef[], seen: Set<number>): RankedDef[] {
  const out: RankedDef[] = [];
  for (const d of defs) {
    if (seen.has(d.chunk_rowid)) continue;
    seen.add(d.chunk_rowid);
    out.push(d);
  }
  return out;
}

/** Look up what `q` names in the index's symbol table. */
export function queryDefinitions(db: IndexReader, q: SymbolQuery): QueryDefinitions {
  const seen = new Set<number>();
  const whole = q.whole ? firstPerChunk(rankedFor(db, q.whole), seen) : [];
  const words = q.words.flatMap((w) =>
    firstPerChunk(rankedFor(db, w, "word").slice(0, WORD_DEFS), seen)
  ).map(({ order: _order, ...d }) => d);
  return { whole: whole.map((d, order) => ({ ...d, order })), words };
}
