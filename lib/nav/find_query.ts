/**
 * An `ast find` query: the pattern and the filters (kind, language, path
 * prefix), checked once, then matched and ranked over symbol rows. The
 * ranking: exact before prefix before substring and glob; case-sensitive
 * before case-insensitive; definitions in source before tests; fewer
 * qualified-name parts, then shorter names; then path and line, so the
 * order is the same for the same input.
 *
 * @module
 */
import { SYMBOL_KINDS } from "../ast/limits.ts";
import { UsageError } from "../errors.ts";
import { languageByName, uriLanguageName } from "../languages/mod.ts";
import { uriLanguageNames } from "../languages/modules.ts";
import {
  type FindPattern,
  MATCH_RANK,
  matchRow,
  parsePattern,
  type PatternMatch,
} from "./find_pattern.ts";
import type { SymbolRow } from "./symbol_rows.ts";

/** The query as a caller gives it (CLI options or MCP arguments). */
export interface FindQueryInput {
  /** The pattern (see `find_pattern.ts`). */
  pattern: string;
  /** Kinds to keep: a list, or one comma-separated string (`class,function`). */
  kind?: string | readonly string[];
  /**
   * Language to keep: a registry name (`tsx`) or a `sym://` language name
   * or alias (`typescript` takes `tsx` too; `py`), lib/languages.
   */
  language?: string;
  /** Segment-relative path prefix, by whole path segments (`django/apps`). */
  path?: string;
}

/** A checked query. */
export interface FindQuery {
  /** The parsed pattern. */
  pattern: FindPattern;
  /** Kinds kept (empty: all). */
  kinds: readonly string[];
  /** Language kept (normalised), if any. */
  language?: string;
  /** Path prefix kept (no leading `./`, no trailing `/`), if any. */
  path?: string;
}

/** One matching row and how it matched. */
export interface FindMatch {
  /** The symbol row. */
  row: SymbolRow;
  /** Match kind and case. */
  match: PatternMatch;
}

function kindsOf(kind: FindQueryInput["kind"]): string[] {
  if (kind === undefined) return [];
  const list = typeof kind === "string" ? kind.split(",") : [...kind];
  const kinds = [...new Set(list.map((k) => k.trim()).filter((k) => k !== ""))].sort();
  const bad = kinds.filter((k) => !SYMBOL_KINDS.has(k));
  if (bad.length > 0) {
    throw new UsageError(`Unknown symbol kind: ${bad.map((k) => `'${k}'`).join(", ")}`, {
      nextSteps: [`Kinds: ${[...SYMBOL_KINDS].join(", ")} (a comma-separated list)`],
      details: { reason: "bad_kind" },
    });
  }
  return kinds;
}

function languageOfInput(language: string | undefined): string | undefined {
  if (language === undefined || language === "") return undefined;
  const lower = language.toLowerCase();
  if (!/^[a-z][a-z0-9_+#-]{0,31}$/.test(lower)) {
    throw new UsageError(`Not a language name: '${language}'`, {
      nextSteps: [`e.g. --language ${uriLanguageNames().names.join(", ")}`],
      details: { reason: "bad_language" },
    });
  }
  // A registry name is kept as written (`tsx`); an alias means its language.
  return languageByName(lower)?.name ?? uriLanguageName(lower) ?? lower;
}

/** A backslash or a control character: not in a segment-relative path prefix. */
// deno-lint-ignore no-control-regex -- control characters are what is refused
const BAD_PATH_CHARS = /\\|[\x00-\x1f\x7f]/;

function pathOfInput(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const trimmed = path.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  if (trimmed === "" || trimmed === ".") return undefined;
  if (
    trimmed.startsWith("/") || BAD_PATH_CHARS.test(trimmed) ||
    trimmed.split("/").some((p) => p === ".." || p === "." || p === "")
  ) {
    throw new UsageError(`The path prefix must be relative to the segment: '${path}'`, {
      nextSteps: ["e.g. --path django/apps"],
      details: { reason: "bad_path" },
    });
  }
  return trimmed;
}

/**
 * Check a query.
 *
 * @example
 * ```ts
 * import { deepEqual, equal, throws } from "node:assert/strict";
 * import { checkFindQuery } from "./find_query.ts";
 * const q = checkFindQuery({ pattern: "get_*", kind: "method,function", language: "py" });
 * deepEqual(q.kinds, ["function", "method"]);
 * equal(q.language, "python");
 * throws(() => checkFindQuery({ pattern: "x", kind: "macro" }), /Unknown symbol kind/);
 * ```
 * @throws {UsageError} `USAGE_ERROR` for a bad pattern, kind, language or path.
 */
export function checkFindQuery(input: FindQueryInput): FindQuery {
  const query: FindQuery = { pattern: parsePattern(input.pattern), kinds: kindsOf(input.kind) };
  const language = languageOfInput(input.language);
  if (language !== undefined) query.language = language;
  const path = pathOfInput(input.path);
  if (path !== undefined) query.path = path;
  return query;
}

/**
 * True when a row's language is the one asked for, or the `sym://`
 * language that addresses it (`typescript` takes `tsx` too).
 */
export function languageMatches(rowLanguage: string, wanted: string): boolean {
  return rowLanguage === wanted || languageByName(rowLanguage)?.uriName === wanted;
}

/** True when a segment-relative path is under a prefix, by whole path segments. */
export function underPrefix(rel: string, prefix: string | undefined): boolean {
  return prefix === undefined || rel === prefix || rel.startsWith(`${prefix}/`);
}

function keep(query: FindQuery, row: SymbolRow): boolean {
  if (query.kinds.length > 0 && !query.kinds.includes(row.symbol.kind)) return false;
  if (query.language !== undefined && !languageMatches(row.language, query.language)) return false;
  return underPrefix(row.path, query.path);
}

/** Code-unit order (not locale order): the same everywhere. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compare two matches by the ranking (see the module doc). */
export function compareMatches(a: FindMatch, b: FindMatch): number {
  return MATCH_RANK[a.match.kind] - MATCH_RANK[b.match.kind] ||
    Number(!a.match.caseSensitive) - Number(!b.match.caseSensitive) ||
    Number(a.row.isTest) - Number(b.row.isTest) ||
    a.row.parts.length - b.row.parts.length ||
    a.row.symbol.qualified_name.length - b.row.symbol.qualified_name.length ||
    compareText(a.row.path, b.row.path) ||
    a.row.symbol.start_line - b.row.symbol.start_line ||
    compareText(a.row.symbol.qualified_name, b.row.symbol.qualified_name);
}

/** Every row that passes the filters and matches the pattern, ranked. */
export function rankMatches(rows: readonly SymbolRow[], query: FindQuery): FindMatch[] {
  const out: FindMatch[] = [];
  for (const row of rows) {
    if (!keep(query, row)) continue;
    const match = matchRow(query.pattern, row);
    if (match !== undefined) out.push({ row, match });
  }
  return out.sort(compareMatches);
}
