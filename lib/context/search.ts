/**
 * `ctx search`: query validation (the predecessor's rejection rules, see
 * `search_query.ts`), the symbol stage (`search_symbols.ts`: a query that
 * names a symbol ranks the chunk that defines it first), an FTS5 BM25 query
 * over the index, explanations of each hit, and zero-hit reasons.
 *
 * Hits come from the index but are answered from the pack: each hit must
 * name a chunk of the (trusted, see `trust.ts`) pack, and its path, title
 * and preview are the pack's. A chunk whose path is denied, leaves the
 * segment, or is not among the pack's source files is dropped and counted
 * (`dropped_hits`); ids and paths are shown with secrets masked. Only the
 * rows needed are read (`search_source.ts`): the files' records, then the
 * returned chunks' rows, never the whole pack.
 *
 * A query is untrusted input: its terms are bounded (`search_query.ts`:
 * terms, words per term and in all, no one-letter prefix) and each stage
 * evaluates a phrase once, whatever the number of candidates (`fts.ts`).
 *
 * @module
 */
import { maskSecrets } from "../secrets.ts";
import type { Segment } from "../segment/mod.ts";
import type { FtsColumn, IndexHit, IndexReader } from "./fts.ts";
import { openIndex } from "./pair.ts";
import { parsedQuery, phrase, queryRejectedError, rejectionReason } from "./search_query.ts";
import {
  type QueryDefinitions,
  queryDefinitions,
  type RankedDef,
  SYMBOL_BONUS,
  type SymbolMatch,
  symbolQueryOf,
} from "./search_symbols.ts";
import { rowSource, type SearchSource } from "./search_source.ts";
import { checkStale, type StaleReport } from "./stale.ts";
import { codePointLength, previewOf, utf8Length } from "./text.ts";
import type { PackChunk, PackSourceFile } from "./types.ts";

export {
  matchExpression,
  normalizeQuery,
  queryRejectedError,
  queryTerms,
  rejectionReason,
} from "./search_query.ts";
export { SYMBOL_BONUS, type SymbolMatch, type SymbolMatchKind } from "./search_symbols.ts";

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

/** Warning of a search over an index of an older build (no symbol table). */
export const OLD_INDEX_WARNING =
  "The search index was built by an older trifecta (no symbol table): definitions are not " +
  "ranked first. Rebuild it with `trifecta ctx build` (or `ctx sync`).";

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

/** Why a hit scored, and why it ranked where it did. */
export interface HitSignals {
  /**
   * `definition`: the chunk defines the symbol the query names, ranked
   * before every BM25 hit (in definition order); `bm25`: ranked by score.
   */
  rank: "definition" | "bm25";
  /** The definition the query (or one of its words) names, held by this chunk. */
  symbol_match?: SymbolMatch;
  /** {@linkcode SYMBOL_BONUS} for that definition (0 without one). */
  symbol_bonus: number;
  /** Query terms found in any field. */
  matched_terms: string[];
  /** Query terms found per field. */
  fields: Record<FtsColumn, string[]>;
  /** The raw weighted BM25 value SQLite computed (lower is better; 0: no term matched). */
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
  /** The segment-relative path, then headings or the symbol. */
  title_path: string[];
  /** Symbol qualified name, for code chunks. */
  symbol?: string;
  /** The definition the query names in this chunk (a method: which one, and its lines). */
  definition?: SymbolMatch;
  /** Score: symbol bonus + field bonus + BM25 relative to the best candidate. */
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
  /** Terms searched for (each as a phrase, see `search_query.ts`). */
  terms: string[];
  /** The FTS5 MATCH expression. */
  match: string;
  /** Hits, best first. */
  hits: SearchHit[];
  /** Chunks that matched at all (hits is the best `limit` of them). */
  total_matches: number;
  /** Why nothing matched (only when `hits` is empty). */
  zero_hit_reason?: ZeroHitReason;
  /** `present`, or `missing` for an index of an older build (BM25 only). */
  symbol_index: "present" | "missing";
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

function round(n: number): number {
  return Number(n.toPrecision(4));
}

function mask(text: string): string {
  return maskSecrets(text).text;
}

/** An index hit that names a servable chunk of the pack. */
interface Candidate {
  hit: IndexHit;
  /** The definition the query names in this chunk, if any. */
  def?: RankedDef;
}

/** How many BM25 candidates are re-scored for `limit` hits. */
function candidateCount(limit: number): number {
  return Math.max(limit * 10, CANDIDATES);
}

/** What the candidate stage found. */
interface Candidates {
  /** Index hits BM25 returned. */
  found: number;
  /** Servable candidates: BM25's, then the defining chunks BM25 did not return. */
  rows: Candidate[];
  /** Index hits left out. */
  dropped: number;
}

/**
 * Candidate stage: the index's best BM25 hits and the chunks that define
 * what the query names, each naming a servable chunk of the pack, with
 * their definitions attached; and how many hits were left out.
 */
function candidatesOf(
  pair: { db: IndexReader; source: SearchSource },
  search: { match: string; limit: number; defs: QueryDefinitions },
): Candidates {
  const { db, source } = pair;
  const found = search.match === "" ? [] : db.search(search.match, candidateCount(search.limit));
  // Definitions come first, so more than the hits can hold are never shown
  // (twice as many: a chunk the pack refuses to serve is left out).
  const defs = [...search.defs.whole.slice(0, 2 * search.limit), ...search.defs.words];
  const have = new Set(found.map((h) => Number(h.rowid)));
  const extra = [...new Set(defs.map((d) => d.chunk_rowid))].filter((r) => !have.has(r));
  // Hits in files denied now leave no trace (see `SearchSource.hidden`).
  const hits = [...found, ...db.rows(search.match, extra)].filter((h) => !source.hidden(h));
  const rows: Candidate[] = hits.filter((h) => source.servable(h)).map((hit) => ({ hit }));
  const byRowid = new Map<number, RankedDef>();
  for (const d of defs) if (!byRowid.has(d.chunk_rowid)) byRowid.set(d.chunk_rowid, d);
  for (const r of rows) r.def = byRowid.get(Number(r.hit.rowid));
  return { found: found.length, rows, dropped: hits.length - rows.length };
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
      rank: "bm25",
      symbol_bonus: 0,
      matched_terms: [],
      fields: { symbols: [], path: [], title: [], text: [] },
      bm25: round(hit.bm25),
      bm25_norm: best > 0 ? round(-hit.bm25 / best) : 0,
      field_bonus: 0,
    });
  }
  const rowids = rows.map((r) => Number(r.hit.rowid));
  for (const term of terms) {
    // One evaluation per term, not one per (term, column): its cost is
    // bounded by the index, whatever the candidates.
    for (const [id, cols] of db.matchingColumns(phrase(term), rowids)) {
      const s = per.get(id);
      // `matchingColumns` answers only rowids it was given, all of which are in `per`.
      if (!s) continue;
      for (const col of cols) {
        s.fields[col].push(term);
        s.field_bonus += FIELD_BONUS[col];
      }
      if (cols.length > 0 && !s.matched_terms.includes(term)) s.matched_terms.push(term);
    }
  }
  return per;
}

/** A candidate with its signals and score. */
interface Scored extends Candidate {
  signals: HitSignals;
  score: number;
}

/** A ranked candidate with the pack's chunk it names. */
interface Served extends Scored {
  chunk: PackChunk;
}

/** The definition as a hit shows it (without the index's row and order). */
function shownMatch(d: RankedDef): SymbolMatch {
  return {
    match: d.match,
    name: mask(d.name),
    kind: d.kind,
    start_line: d.start_line,
    end_line: d.end_line,
    test: d.test,
  };
}

/** Definitions the whole query names come first, in definition order. */
function definitionOrder(s: Scored): number {
  return s.signals.rank === "definition" ? s.def?.order ?? 0 : Number.POSITIVE_INFINITY;
}

/**
 * Rank stage: the chunks that define what the whole query names first (in
 * definition order), then the rest by score, index order breaking ties.
 */
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
    if (r.def) {
      s.symbol_match = shownMatch(r.def);
      s.symbol_bonus = SYMBOL_BONUS[r.def.match];
      if (r.def.order !== undefined) s.rank = "definition";
    }
    const score = round(s.symbol_bonus + s.field_bonus + s.bm25_norm);
    scored.push({ ...r, signals: s, score, order });
  });
  return scored.sort((a, b) =>
    definitionOrder(a) - definitionOrder(b) || b.score - a.score || a.order - b.order
  ).slice(0, limit);
}

/**
 * A hit as shown: everything comes from the pack's chunk, masked again (the
 * pack holds masked text, but masking is cheap and covers a rule added since).
 * The title starts with the relative path (a pack of an older build holds
 * the base name there).
 */
function hitOf(s: Served, explain: boolean | undefined): SearchHit {
  const c = s.chunk;
  return {
    id: mask(c.id),
    kind: c.kind,
    path: mask(c.source_path),
    title_path: [c.source_path, ...c.title_path.slice(1)].map(mask),
    ...(c.symbol ? { symbol: mask(c.symbol) } : {}),
    ...(s.signals.symbol_match ? { definition: s.signals.symbol_match } : {}),
    score: s.score,
    token_est: c.token_est,
    preview: mask(previewOf(c.text)),
    start_line: c.start_line,
    end_line: c.end_line,
    ...(explain ? { signals: s.signals } : {}),
  };
}

const FRESH: Readonly<StaleReport> = { stale: false, changed: [], missing: [] };

/** Stale stage: the quick stale check over the files of the hits, with its warning. */
function staleOfHits(
  segment: Segment,
  sources: readonly PackSourceFile[],
  served: readonly Served[],
  warnings: string[],
): StaleReport {
  const paths = new Set(served.map((s) => s.chunk.source_path));
  const stale = checkStale(segment, sources.filter((f) => paths.has(f.path)));
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

/** Symbol stage: what the query names, from the symbol table (none without one). */
function symbolStage(db: IndexReader, query: string, warnings: string[]): QueryDefinitions {
  if (db.hasSymbols()) return queryDefinitions(db, symbolQueryOf(query));
  warnings.push(OLD_INDEX_WARNING);
  return { whole: [], words: [] };
}

/** The ranked candidates with their chunks, read from `source` (only theirs). */
function servedOf(source: SearchSource, scored: readonly Scored[]): Served[] {
  const chunks = source.chunks(scored.map((s) => String(s.hit.id)));
  return scored.flatMap((s) => {
    const chunk = chunks.get(String(s.hit.id));
    return chunk ? [{ ...s, chunk }] : [];
  });
}

/**
 * A search of the open, trusted pack `db`, its chunks and records read
 * from `source` (see {@linkcode searchPack}). Internal: `searchPack` and
 * the tests that check the row source against the whole pack.
 */
export function searchOpen(
  segment: Segment,
  pair: { source: SearchSource; db: IndexReader },
  request: { query: string; limit: number; options: SearchOptions },
): SearchResult {
  const { source, db } = pair;
  const { limit, options } = request;
  const { parsed, warnings } = parsedQuery(request.query);
  const base = { ...parsed, warnings };
  const defs = symbolStage(db, request.query, warnings);
  const symbol_index = db.hasSymbols() ? "present" as const : "missing" as const;
  if (base.terms.length === 0 && defs.whole.length === 0) {
    return {
      ...base,
      symbol_index,
      stale: { ...FRESH },
      hits: [],
      total_matches: 0,
      zero_hit_reason: "no_terms",
      bytes_read: 0,
      dropped_hits: 0,
    };
  }
  const { found, rows, dropped } = candidatesOf(pair, { match: base.match, limit, defs });
  const served = servedOf(source, ranked(rows, signalsOf(db, rows, base.terms), limit));
  const hits = served.map((s) => hitOf(s, options.explain));
  if (dropped > 0) {
    warnings.push(
      `${dropped} index hit(s) left out: not in the pack, or a path that is denied, outside the segment, or not a source file.`,
    );
  }
  const stale = options.checkStale !== false && hits.length > 0
    ? staleOfHits(segment, source.sources, served, warnings)
    : { ...FRESH };
  const total = found < candidateCount(limit) || base.match === ""
    ? rows.length
    : Math.max(rows.length, db.countMatches(base.match, source.deniedPaths) - dropped);
  return {
    ...base,
    symbol_index,
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
  const db = openIndex(segment);
  try {
    const source = rowSource(segment, db);
    return await Promise.resolve(searchOpen(segment, { source, db }, { query, limit, options }));
  } finally {
    db.close();
  }
}
