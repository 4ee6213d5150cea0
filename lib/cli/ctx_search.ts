/**
 * `ctx search`.
 *
 * @module
 */
import { contentSha256Hex } from "../segment/mod.ts";
import { sha256Hex } from "../sha256.ts";
import { redactPreview } from "../telemetry/redact.ts";
import {
  COLUMN_WEIGHTS,
  DEFAULT_LIMIT,
  FIELD_BONUS,
  normalizeQuery,
  packPath,
  queryRejectedError,
  rejectionReason,
  searchPack,
  type SearchResult,
  SYMBOL_BONUS,
  type SymbolMatch,
} from "../context/mod.ts";
import type { OptionsFor } from "../contract/commands.ts";
import { searchJson } from "../contract/results.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { escapeField, escapeFields } from "../escape.ts";
import { printJson } from "./output.ts";

/** Characters of the (redacted) query that telemetry keeps. */
export const QUERY_PREVIEW_CHARS = 32;

function queryArgs(
  query: string,
  limit: number,
): { query_preview: string } & Record<string, unknown> {
  return {
    // Redact the whole query, then cut: a cut first would leave a token's
    // prefix (`ghp_ABCDEFGHIJKLMN`) that no pattern recognises any more.
    query_preview: redactPreview(query, QUERY_PREVIEW_CHARS),
    query_hash: sha256Hex(query).slice(0, 16),
    query_len: query.length,
    limit,
  };
}

function explainObject(r: SearchResult): Record<string, unknown> {
  return {
    query: r.query,
    normalized_query: r.normalized_query,
    linter: { class: "disabled", expanded: false, added_strong: [], added_weak: [] },
    expansions: {
      alias_expanded: false,
      alias_terms_count: 0,
      expanded_terms: r.terms.slice(0, 10),
    },
    ranking: {
      method: "fts5_bm25_candidates_rescored",
      score: "symbol_bonus + field_bonus + bm25_norm",
      order: "definitions of the named symbol first (exact, source before tests, " +
        "shorter qualified name, path), then by score",
      symbol_index: r.symbol_index,
      symbol_bonus: SYMBOL_BONUS,
      column_weights: COLUMN_WEIGHTS,
      field_bonus: FIELD_BONUS,
      match: r.match,
    },
    hits: r.hits.map((h) => ({
      ref: h.id,
      score: h.score,
      tokens_est: h.token_est,
      path: h.path,
      ...(h.symbol ? { symbol: h.symbol } : {}),
      ...(h.definition ? { definition: h.definition } : {}),
      signals: h.signals,
    })),
    total_hits: r.hits.length,
    total_matches: r.total_matches,
    ...(r.zero_hit_reason ? { zero_hit_reason: r.zero_hit_reason } : {}),
    warnings: r.warnings,
  };
}

const MATCH_WORDS: Readonly<Record<SymbolMatch["match"], string>> = {
  name: "exact name",
  qualified: "exact qualified name",
  name_ci: "name, case-insensitive",
  qualified_ci: "qualified name, case-insensitive",
  word: "a word of the query names it",
};

/** `method AppConfig.get_model (lines 189-205)`. */
function definitionText(d: SymbolMatch): string {
  return `${d.kind} ${d.name} (lines ${d.start_line}-${d.end_line})`;
}

/** Why a hit ranked where it did, in words. */
function rankWhy(rank: string | undefined, d: SymbolMatch | undefined): string {
  if (rank === "definition" && d) {
    return `definition: ${definitionText(d)}, ${MATCH_WORDS[d.match]}, ${
      d.test ? "in tests" : "in source"
    }`;
  }
  return d ? `score (boosted: ${MATCH_WORDS[d.match]}, ${definitionText(d)})` : "score";
}

function explainText(raw: SearchResult): string {
  // Queries, ids, terms and fields come from the user and the segment.
  const r = escapeFields(raw);
  const lines = [
    `🔍 Search Explanation for: '${r.query}'`,
    `Normalized: '${r.normalized_query}'`,
    `Linter class: disabled`,
    `Alias expanded: false`,
    `Ranking: FTS5 BM25 (weights symbols=${COLUMN_WEIGHTS.symbols} path=${COLUMN_WEIGHTS.path} ` +
    `title=${COLUMN_WEIGHTS.title} text=${COLUMN_WEIGHTS.text}); score = field bonus ` +
    `(symbols ${FIELD_BONUS.symbols}, path ${FIELD_BONUS.path}, title ${FIELD_BONUS.title}, ` +
    `text ${FIELD_BONUS.text} per term) + BM25 relative to the best + symbol bonus ` +
    `(exact ${SYMBOL_BONUS.name}, case-insensitive ${SYMBOL_BONUS.name_ci}, word ${SYMBOL_BONUS.word})`,
    `Order: definitions of the named symbol first (exact, source before tests, shorter ` +
    `qualified name, path), then by score; symbol index ${r.symbol_index}`,
    `Hits (${r.hits.length} of ${r.total_matches}):`,
  ];
  r.hits.forEach((h, i) => {
    lines.push(`  [${h.score.toFixed(2)}] ${h.id}`);
    lines.push(`    Rank: ${i + 1} by ${rankWhy(h.signals?.rank, h.definition)}`);
    lines.push(`    Terms: [${(h.signals?.matched_terms ?? []).join(", ")}]`);
    const f = h.signals?.fields;
    if (f) {
      const parts = Object.entries(f).filter(([, t]) => t.length > 0).map(([c, t]) =>
        `${c}: ${t.join(", ")}`
      );
      lines.push(`    Fields: ${parts.join("; ") || "-"}`);
    }
    if (h.signals) {
      lines.push(
        `    Bonus: ${h.signals.field_bonus} | Symbol bonus: ${h.signals.symbol_bonus} | ` +
          `BM25: ${h.signals.bm25} (relative ${h.signals.bm25_norm})`,
      );
    }
    lines.push(`    Tokens: ~${h.token_est}`);
  });
  if (r.zero_hit_reason) lines.push(`Zero-hit reason: ${r.zero_hit_reason}`);
  return lines.join("\n") + "\n";
}

function resultsText(r: SearchResult): string {
  // Titles, ids, paths and previews come from the segment: one line each, escaped.
  if (r.hits.length === 0) {
    return `No results found for query: '${escapeField(r.query)}'\nReason: ${
      escapeField(r.zero_hit_reason ?? "")
    }\n`;
  }
  let s = `Search Results (${r.hits.length} hit${r.hits.length === 1 ? "" : "s"}):\n\n`;
  r.hits.forEach((h, i) => {
    // The chunk's line breaks read as spaces, so the preview stays one line.
    const flat = h.preview.replace(/\s+/g, " ").trim();
    const preview = Array.from(flat).slice(0, 120).join("");
    const more = preview.length < flat.length ? "..." : "";
    s += `${i + 1}. [${escapeField(h.id)}] ${escapeField(h.title_path.join(" > "))}\n`;
    s += `   Score: ${
      h.score.toFixed(2)
    } | Tokens: ~${h.token_est} | Lines: ${h.start_line}-${h.end_line}\n`;
    if (h.definition) s += `   Defines: ${escapeField(definitionText(h.definition))}\n`;
    s += `   Preview: ${escapeField(preview)}${more}\n\n`;
  });
  return s;
}

async function recordStale(ctx: CommandContext, r: SearchResult): Promise<void> {
  if (!r.stale.stale) return;
  const bytes = await Deno.readFile(packPath(ctx.segment));
  const mtime = (await Deno.stat(packPath(ctx.segment))).mtime?.getTime() ?? null;
  ctx.telemetry.setPackState({
    pack_sha: contentSha256Hex(bytes).slice(0, 16),
    pack_mtime: mtime,
    stale_detected: true,
  });
}

/** `ctx search -q Q [-l N] [--explain] [--explain-format json|text]`. */
export async function searchHandler(
  ctx: CommandContext<OptionsFor<"ctx.search">>,
): Promise<CommandOutcome> {
  const query = ctx.options.query;
  const limit = ctx.options.limit ?? DEFAULT_LIMIT;
  const format = ctx.options.explainFormat;
  const explain = ctx.options.explain || format !== undefined;
  const args = { ...queryArgs(query, limit), explain };
  const reason = rejectionReason(query);
  if (reason) {
    ctx.telemetry.event("ctx.search.rejected", {
      args: { query_preview: args.query_preview, reason },
      result: {
        hits: 0,
        rejected: true,
      },
      timingMs: 1,
      extra: { rejection_reason: reason },
    });
    ctx.telemetry.incr("ctx_search_rejected_invalid_query_count");
    if (!explain) throw queryRejectedError(reason);
    const obj = {
      query,
      normalized_query: normalizeQuery(query),
      linter: { class: "rejected", expanded: false, added_strong: [], added_weak: [] },
      expansions: { alias_expanded: false, alias_terms_count: 0, expanded_terms: [] },
      hits: [],
      total_hits: 0,
      error: `Query rejected: ${reason}`,
    };
    if (format === "text") ctx.output.out(`❌ Query rejected: ${escapeField(reason)}\n`);
    else printJson(ctx.output, obj);
    return { exitCode: 2, args, result: { rejected: true, rejection_reason: reason, hits: 0 } };
  }
  const r = await searchPack(ctx.segment, query, { limit, explain });
  await recordStale(ctx, r);
  if (explain) {
    if (format === "text") ctx.output.out(explainText(r));
    else printJson(ctx.output, explainObject(r));
  } else if (ctx.global.json) {
    printJson(ctx.output, { ...searchJson(r), stale: r.stale.stale });
  } else {
    ctx.output.out(resultsText(r));
  }
  if (!ctx.global.json || explain) {
    for (const w of r.warnings) ctx.output.err(`⚠️  ${escapeField(w)}\n`);
  }
  ctx.telemetry.incr("ctx_search_count");
  ctx.telemetry.incr("ctx_search_hits_total", r.hits.length);
  if (r.hits.length === 0) {
    ctx.telemetry.incr("ctx_search_zero_hits_count");
    ctx.telemetry.incr(`ctx_search_zero_hit_reason_${r.zero_hit_reason}_count`);
  }
  return {
    args,
    result: {
      hits: r.hits.length,
      total_matches: r.total_matches,
      returned_ids: r.hits.map((h) => h.id),
      bytes_read: r.bytes_read,
      stale: r.stale.stale,
      ...(r.zero_hit_reason ? { zero_hit_reason: r.zero_hit_reason } : {}),
    },
    warnings: r.warnings,
  };
}
