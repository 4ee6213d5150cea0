/**
 * The query side of `ctx search`: the predecessor's rejection rules, the
 * normalised query, its terms and their FTS5 MATCH expression.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { codePointLength } from "./text.ts";

/**
 * The predecessor's query rules: a query that is empty, whitespace only, or
 * shorter than 2 characters once trimmed is rejected. Returns the reason, or
 * undefined when the query is acceptable.
 */
export function rejectionReason(query: unknown): string | undefined {
  if (typeof query !== "string" || query.trim() === "") {
    return "Query cannot be empty or whitespace-only";
  }
  if (codePointLength(query.trim()) < 2) return "Query must be at least 2 characters";
  return undefined;
}

/**
 * Lowercase, trim and collapse whitespace; control characters (a NUL from an
 * MCP client) are white space: SQLite's MATCH would fail on them.
 */
export function normalizeQuery(query: string): string {
  // deno-lint-ignore no-control-regex
  return query.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ").toLowerCase().trim()
    .replace(/\s+/g, " ");
}

/** Most terms searched; the words after them are left out. */
export const MAX_TERMS = 16;
/** Most words (letter or digit runs, FTS5 tokens) of one term; the rest of the term is cut. */
export const MAX_TERM_WORDS = 16;
/** Most words of all terms together; a term past this budget is left out. */
export const MAX_QUERY_WORDS = 64;
/**
 * Shortest last word of a term searched as a prefix: `"bench_s"` is not
 * expanded to every token starting with `s` (a large share of the index).
 */
export const MIN_PREFIX_CHARS = 2;

const WORD = /[\p{L}\p{N}]+/gu;

/** The terms of a query within the bounds, and what the bounds changed. */
export interface BoundedTerms {
  /** Terms searched for. */
  terms: string[];
  /** Terms cut to their first {@linkcode MAX_TERM_WORDS} words (as cut). */
  cut: string[];
  /** Distinct terms left out (past {@linkcode MAX_TERMS} or {@linkcode MAX_QUERY_WORDS}). */
  dropped: number;
}

/** `word` cut after its `max`-th letter/digit run (FTS5 token), and the runs it keeps. */
function cutWords(word: string, max: number): { term: string; words: number } {
  let words = 0;
  let end = word.length;
  for (const m of word.matchAll(WORD)) {
    if (++words === max) end = m.index + m[0].length;
    if (words > max) return { term: word.slice(0, end), words: max };
  }
  return { term: word, words };
}

/**
 * Search terms of a normalised query: its words with 2+ letters or digits,
 * each once, within the bounds (a query's cost grows with its FTS5 tokens).
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { boundedTerms } from "./search_query.ts";
 * deepEqual(boundedTerms("csrf token csrf x"), { terms: ["csrf", "token"], cut: [], dropped: 0 });
 * const long = boundedTerms(Array(20).fill("a").join("_"));
 * deepEqual(long.cut, [Array(16).fill("a").join("_")]);
 * ```
 */
export function boundedTerms(normalized: string): BoundedTerms {
  const out: BoundedTerms = { terms: [], cut: [], dropped: 0 };
  const seen = new Set<string>();
  let budget = MAX_QUERY_WORDS;
  for (const raw of normalized.split(" ")) {
    const word = raw.replace(/"/g, "");
    const core = word.replace(/[^\p{L}\p{N}]+/gu, "");
    if (codePointLength(core) < 2 || seen.has(word)) continue;
    seen.add(word);
    const { term: kept, words } = cutWords(word, MAX_TERM_WORDS);
    if (out.terms.includes(kept)) continue; // two long terms that start alike
    if (out.terms.length >= MAX_TERMS || words > budget) {
      out.dropped++;
      continue;
    }
    budget -= words;
    out.terms.push(kept);
    if (kept !== word) out.cut.push(kept);
  }
  return out;
}

/** Search terms of a normalised query (see {@linkcode boundedTerms}). */
export function queryTerms(normalized: string): string[] {
  return boundedTerms(normalized).terms;
}

/** The warnings for what the bounds changed in a query. */
export function boundWarnings(bounded: BoundedTerms): string[] {
  const out: string[] = [];
  if (bounded.cut.length > 0) {
    out.push(
      `${bounded.cut.length} query term(s) cut to their first ${MAX_TERM_WORDS} words: ${
        bounded.cut.map((t) => t.slice(0, 60)).join(", ")
      }`,
    );
  }
  if (bounded.dropped > 0) {
    out.push(
      `${bounded.dropped} query term(s) left out: at most ${MAX_TERMS} terms and ${MAX_QUERY_WORDS} words are searched.`,
    );
  }
  return out;
}

/**
 * A term as an FTS5 phrase: a prefix phrase, unless its last word is
 * shorter than {@linkcode MIN_PREFIX_CHARS} (then the exact phrase).
 */
export function phrase(term: string): string {
  const last = [...term.matchAll(WORD)].at(-1)?.[0] ?? "";
  return codePointLength(last) < MIN_PREFIX_CHARS ? `"${term}"` : `"${term}"*`;
}

/**
 * The FTS5 expression for a list of terms: any of them, as phrases (see
 * {@linkcode phrase}).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { matchExpression } from "./search_query.ts";
 * equal(matchExpression(["csrf", "token"]), '"csrf"* OR "token"*');
 * equal(matchExpression(["bench_s"]), '"bench_s"');
 * ```
 */
export function matchExpression(terms: readonly string[]): string {
  return terms.map(phrase).join(" OR ");
}

/** A rejected query: `QUERY_REJECTED`, exit 2. */
export function queryRejectedError(reason: string): TrifectaError {
  return new TrifectaError("QUERY_REJECTED", `Query rejected: ${reason}`, {
    exitCode: 2,
    nextSteps: ["Search for a word or an identifier of 2 characters or more"],
  });
}

/** A query as searched. */
export interface ParsedQuery {
  /** The query as given. */
  query: string;
  /** Lowercased, trimmed, whitespace collapsed. */
  normalized_query: string;
  /** Terms searched for (each as a phrase, see {@linkcode phrase}). */
  terms: string[];
  /** The FTS5 MATCH expression. */
  match: string;
}

/**
 * The query as searched (normalised, its terms, and their MATCH
 * expression), and the warnings for what the bounds changed.
 */
export function parsedQuery(query: string): { parsed: ParsedQuery; warnings: string[] } {
  const normalized = normalizeQuery(query);
  const bounded = boundedTerms(normalized);
  const { terms } = bounded;
  return {
    parsed: { query, normalized_query: normalized, terms, match: matchExpression(terms) },
    warnings: boundWarnings(bounded),
  };
}
