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

/** Lowercase, trim and collapse whitespace. */
export function normalizeQuery(query: string): string {
  return query.toLowerCase().trim().replace(/\s+/g, " ");
}

/** Search terms of a normalised query: its words with a letter or digit, 2+ characters. */
export function queryTerms(normalized: string): string[] {
  const out: string[] = [];
  for (const raw of normalized.split(" ")) {
    const word = raw.replace(/"/g, "");
    const core = word.replace(/[^\p{L}\p{N}]+/gu, "");
    if (codePointLength(core) < 2) continue;
    if (!out.includes(word)) out.push(word);
  }
  return out.slice(0, 16);
}

/** A term as an FTS5 prefix phrase. */
export function phrase(term: string): string {
  return `"${term}"*`;
}

/**
 * The FTS5 expression for a list of terms: any of them, as prefix phrases.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { matchExpression } from "./search_query.ts";
 * equal(matchExpression(["csrf", "token"]), '"csrf"* OR "token"*');
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
  /** Terms searched for (each as a prefix phrase). */
  terms: string[];
  /** The FTS5 MATCH expression. */
  match: string;
}

/** The query as searched: normalised, its terms, and their MATCH expression. */
export function parsedQuery(query: string): ParsedQuery {
  const normalized = normalizeQuery(query);
  const terms = queryTerms(normalized);
  return { query, normalized_query: normalized, terms, match: matchExpression(terms) };
}
