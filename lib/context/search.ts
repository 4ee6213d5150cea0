/**
 * `ctx search`: query validation (the predecessor's rejection rules), an
 * FTS5 BM25 query over the index, explanations of each hit, and zero-hit
 * reasons.
 *
 * Hits come from the index but are answered from the pack: each hit's id
 * must name a chunk of the (trusted, see `trust.ts`) pack, and its path,
 * title and preview are the pack's. A chunk whose path is denied, leaves the
 * segment, or is not among the pack's source files is dropped and counted
 * (`dropped_hits`); ids and paths are shown with secrets masked.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { maskSecrets } from "../secrets.ts";
import { isDenied, type Segment } from "../segment/mod.ts";
import { FTS_COLUMNS, type FtsColumn, type IndexHit, type IndexReader } from "./fts.ts";
import { assertSafeRelPath } from "./ids.ts";
import { openTrustedPair } from "./pair.ts";
import { checkStale, type StaleReport } from "./stale.ts";
import { codePointLength, previewOf, utf8Length } from "./text.ts";
import type { ContextPack, PackChunk } from "./types.ts";

/** Score added per query term found in each field: names and paths outrank text. */
export const FIELD_BONUS: Readonly<Record<FtsColumn, number>> = {
  symbols: 3,
  path: 2,
  title: 1.5,
  text: 0.5,
};

/** BM25 candidates re-scored per query (at least; 10 × limit when larger). */
const CANDIDATES = 100;

/** Default number of hits. */
export const DEFAULT_LIMIT = 5;

/** Why a search returned nothing. */
export type ZeroHitReason = "empty_index" | "no_terms" | "vague" | "no_match";

/** Options for {@linkcode searchPack}. */
export interface SearchOptions {
  /** Most hits returned (default {@linkcode DEFAULT_LIMIT}). */
  limit?: number;
  /** Add per-hit signals (which terms matched which fields). */
  explain?: boolean;
  /** Check the files of the hits against the disk (default true). */
  checkStale?: boolean;
}

/** Why a hit scored. */
export interface HitSignals {
  /** Query terms found in any field. */
  matched_terms: string[];
  /** Query terms found per field. */
  fields: Record<FtsColumn, string[]>;
  /** The raw weighted BM25 value SQLite computed (lower is better). */
  bm25: number;
  /** BM25 relative to the best candidate, 0..1. */
  bm25_norm: number;
  /** Sum of {@linkcode FIELD_BONUS} over the (term, field) pairs that matched. */
  field_bonus: number;
}

/** One search hit. */
export interface SearchHit {
  /** Chunk id (pass it to `ctx get`). */
  id: string;
  /** Chunk kind. */
  kind: string;
  /** Segment-relative path. */
  path: string;
  /** File name, then headings or the symbol. */
  title_path: string[];
  /** Symbol qualified name, for code chunks. */
  symbol?: string;
  /** Score: field bonus + BM25 relative to the best candidate (higher is better). */
  score: number;
  /** Token estimate of the whole chunk. */
  token_est: number;
  /** First 200 characters of the chunk. */
  preview: string;
  /** 1-based first line. */
  start_line: number;
  /** 1-based last line. */
  end_line: number;
  /** Present with `explain`. */
  signals?: HitSignals;
}

/** The result of a search. */
export interface SearchResult {
  /** The query as given. */
  query: string;
  /** Lowercased, trimmed, whitespace collapsed. */
  normalized_query: string;
  /** Terms searched for (each as a prefix phrase). */
  terms: string[];
  /** The FTS5 MATCH expression. */
  match: string;
  /** Hits, best first. */
  hits: SearchHit[];
  /** Chunks that matched at all (hits is the best `limit` of them). */
  total_matches: number;
  /** Why nothing matched (only when `hits` is empty). */
  zero_hit_reason?: ZeroHitReason;
  /** Result of the quick stale check over the hits' files. */
  stale: StaleReport;
  /** Warnings (stale pack, index out of step with the pack). */
  warnings: string[];
  /** UTF-8 bytes of content returned (the previews). */
  bytes_read: number;
  /**
   * Index hits left out: no such chunk in the pack, or its path denied,
   * outside the segment, or not among the pack's source files.
   */
  dropped_hits: number;
}

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

function phrase(term: string): string {
  return `"${term}"*`;
}

/** The FTS5 expression for a list of terms: any of them, as prefix phrases. */
export function matchExpression(terms: readonly string[]): string {
  return terms.map(phrase).join(" OR ");
}

function round(n: number): number {
  return Number(n.toPrecision(4));
}

/** A rejected query: `QUERY_REJECTED`, exit 2. */
export function queryRejectedError(reason: string): TrifectaError {
  return new TrifectaError("QUERY_REJECTED", `Query rejected: ${reason}`, {
    exitCode: 2,
    nextSteps: ["Search for a word or an identifier of 2 characters or more"],
  });
}

function mask(text: string): string {
  return maskSecrets(text).text;
}

/** Why a chunk may not be served (a pack that passed trust should have none). */
function refusedChunk(chunk: PackChunk, sources: ReadonlySet<string>): boolean {
  try {
    assertSafeRelPath(chunk.source_path, "source path");
  } catch (err) {
    // A path that leaves the segment is refused, not an error of the search.
    if (err instanceof TrifectaError) return true;
    throw err;
  }
  return isDenied(chunk.source_path) || !sources.has(chunk.source_path);
}

/** Where each servable chunk of the pack is, by id. */
function servableChunks(pack: ContextPack): Map<string, number> {
  const sources = new Set(pack.source_files.map((f) => f.path));
  const out = new Map<string, number>();
  pack.chunks.forEach((c, i) => {
    if (!refusedChunk(c, sources)) out.set(c.id, i);
  });
  return out;
}

/** An index hit with the pack's chunk it names (and that chunk's place in the pack). */
interface Candidate {
  hit: IndexHit;
  chunk: PackChunk;
  at: number;
}

/** How many BM25 candidates are re-scored for `limit` hits. */
function candidateCount(limit: number): number {
  return Math.max(limit * 10, CANDIDATES);
}

/**
 * Candidate stage: the index's best hits that name a servable chunk of the
 * pack, and how many hits were left out.
 */
function candidatesOf(
  db: IndexReader,
  pack: ContextPack,
  search: { match: string; limit: number },
): { found: number; rows: Candidate[]; dropped: number } {
  const servable = servableChunks(pack);
  const found = db.search(search.match, candidateCount(search.limit));
  const rows: Candidate[] = [];
  for (const hit of found) {
    const at = servable.get(String(hit.id));
    const chunk = at === undefined ? undefined : pack.chunks[at];
    if (at !== undefined && chunk) rows.push({ hit, chunk, at });
  }
  return { found: found.length, rows, dropped: found.length - rows.length };
}

/** Signal stage: per candidate rowid, its BM25 and the (term, field) pairs that matched. */
function signalsOf(
  db: IndexReader,
  rows: readonly Candidate[],
  terms: readonly string[],
): Map<number, HitSignals> {
  const best = rows.reduce((m, r) => Math.max(m, -r.hit.bm25), 0);
  const per = new Map<number, HitSignals>();
  for (const { hit } of rows) {
    per.set(Number(hit.rowid), {
      matched_terms: [],
      fields: { symbols: [], path: [], title: [], text: [] },
      bm25: round(hit.bm25),
      bm25_norm: best > 0 ? round(-hit.bm25 / best) : 0,
      field_bonus: 0,
    });
  }
  const rowids = rows.map((r) => Number(r.hit.rowid));
  for (const term of terms) {
    for (const col of FTS_COLUMNS) {
      for (const id of db.matching(`{${col}} : ${phrase(term)}`, rowids)) {
        const s = per.get(id);
        // `matching` answers only rowids it was given, all of which are in `per`.
        if (!s) continue;
        s.fields[col].push(term);
        s.field_bonus += FIELD_BONUS[col];
        if (!s.matched_terms.includes(term)) s.matched_terms.push(term);
      }
    }
  }
  return per;
}

/** A candidate with its signals and score. */
interface Scored extends Candidate {
  signals: HitSignals;
  score: number;
}

/** Rank stage: the best `limit` candidates by score, index order breaking ties. */
function ranked(
  rows: readonly Candidate[],
  per: ReadonlyMap<number, HitSignals>,
  limit: number,
): Scored[] {
  const scored: (Scored & { order: number })[] = [];
  rows.forEach((r, order) => {
    const s = per.get(Number(r.hit.rowid));
    if (!s) return; // signalsOf made one per candidate
    s.field_bonus = round(s.field_bonus);
    scored.push({ ...r, signals: s, score: round(s.field_bonus + s.bm25_norm), order });
  });
  return scored.sort((a, b) => b.score - a.score || a.order - b.order).slice(0, limit);
}

/**
 * A hit as shown: everything comes from the pack's chunk, masked again (the
 * pack holds masked text, but masking is cheap and covers a rule added since).
 */
function hitOf(pack: ContextPack, s: Scored, explain: boolean | undefined): SearchHit {
  const c = s.chunk;
  const entry = pack.index[s.at];
  return {
    id: mask(c.id),
    kind: c.kind,
    path: mask(c.source_path),
    title_path: c.title_path.map(mask),
    ...(c.symbol ? { symbol: mask(c.symbol) } : {}),
    score: s.score,
    token_est: c.token_est,
    preview: mask(entry?.id === c.id ? entry.preview : previewOf(c.text)),
    start_line: c.start_line,
    end_line: c.end_line,
    ...(explain ? { signals: s.signals } : {}),
  };
}

const FRESH: Readonly<StaleReport> = { stale: false, changed: [], missing: [] };

/** Stale stage: the quick stale check over the files of the hits, with its warning. */
function staleOfHits(
  segment: Segment,
  pack: ContextPack,
  scored: readonly Scored[],
  warnings: string[],
): StaleReport {
  const paths = new Set(scored.map((s) => s.chunk.source_path));
  const stale = checkStale(segment, pack.source_files.filter((f) => paths.has(f.path)));
  if (stale.stale) {
    warnings.push(
      `The context pack is stale (${stale.changed.length} changed, ${stale.missing.length} missing file(s) among the hits); run \`trifecta ctx sync\`.`,
    );
  }
  return stale;
}

/** Why nothing was found: an empty index, a query too short to mean much, or no match. */
function zeroHitReason(db: IndexReader, normalized: string): ZeroHitReason {
  if (db.count() === 0) return "empty_index";
  return codePointLength(normalized) <= 2 ? "vague" : "no_match";
}

/** The query as searched: normalised, its terms, and their MATCH expression. */
function parsedQuery(query: string) {
  const normalized = normalizeQuery(query);
  const terms = queryTerms(normalized);
  return { query, normalized_query: normalized, terms, match: matchExpression(terms) };
}

/** A search of an open, trusted pair (see {@linkcode searchPack}). */
function searchOpen(
  segment: Segment,
  pair: { pack: ContextPack; db: IndexReader },
  request: { query: string; limit: number; options: SearchOptions },
): SearchResult {
  const { pack, db } = pair;
  const { limit, options } = request;
  const warnings: string[] = [];
  const base = { ...parsedQuery(request.query), warnings };
  if (base.terms.length === 0) {
    return {
      ...base,
      stale: { ...FRESH },
      hits: [],
      total_matches: 0,
      zero_hit_reason: "no_terms",
      bytes_read: 0,
      dropped_hits: 0,
    };
  }
  const { found, rows, dropped } = candidatesOf(db, pack, { match: base.match, limit });
  const scored = ranked(rows, signalsOf(db, rows, base.terms), limit);
  const hits = scored.map((s) => hitOf(pack, s, options.explain));
  if (dropped > 0) {
    warnings.push(
      `${dropped} index hit(s) left out: not in the pack, or a path that is denied, outside the segment, or not a source file.`,
    );
  }
  const stale = options.checkStale !== false && hits.length > 0
    ? staleOfHits(segment, pack, scored, warnings)
    : { ...FRESH };
  const total = found < candidateCount(limit)
    ? rows.length
    : Math.max(rows.length, db.countMatches(base.match) - dropped);
  return {
    ...base,
    stale,
    hits,
    total_matches: total,
    ...(hits.length === 0 ? { zero_hit_reason: zeroHitReason(db, base.normalized_query) } : {}),
    bytes_read: hits.reduce((n, h) => n + utf8Length(h.preview), 0),
    dropped_hits: dropped,
  };
}

/**
 * Search the pack's index.
 *
 * @throws {TrifectaError} `QUERY_REJECTED` for a rejected query,
 * `PACK_NOT_FOUND` / `INDEX_NOT_FOUND` when nothing was built,
 * `PACK_CORRUPT` / `INDEX_CORRUPT` / `PACK_INDEX_MISMATCH` when they are
 * damaged or of different builds, `PACK_UNTRUSTED` when this machine did not
 * build them.
 */
export async function searchPack(
  segment: Segment,
  query: string,
  options: SearchOptions = {},
): Promise<SearchResult> {
  const reason = rejectionReason(query);
  if (reason) throw queryRejectedError(reason);
  const limit = options.limit ?? DEFAULT_LIMIT;
  const { loaded, reader: db } = await openTrustedPair(segment);
  try {
    return searchOpen(segment, { pack: loaded.pack, db }, { query, limit, options });
  } finally {
    db.close();
  }
}
