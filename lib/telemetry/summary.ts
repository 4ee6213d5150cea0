/**
 * Pure summary functions for `last_run.json`: latency percentiles, token
 * estimates (lib/text.ts `estimateTokens`, the project's one estimator), the
 * seed's `ast`, `lsp` and `file_read` formulas, and the `last_run.json`
 * object built from them.
 *
 * @module
 */
import { estimateTokens } from "../text.ts";
import type { TelemetryLevel } from "./config.ts";

/** Latency summary of one command: exactly these four keys. */
export interface LatencySummary {
  /** Number of observations. */
  count: number;
  /** Median (nearest rank: sorted[floor(n × 0.5)]), ms. */
  p50_ms: number;
  /** 95th percentile (sorted[floor(n × 0.95)]), ms. */
  p95_ms: number;
  /** Largest observation, ms. */
  max_ms: number;
}

/** `n` rounded to `digits` decimals (the figures of summaries and reports). */
export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** The value at quantile `q` of ascending `sorted` (index floor(n × q), clamped). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
}

/** Summarise latency samples (ms); values rounded to 3 decimals. */
export function latencySummary(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50_ms: round(quantile(sorted, 0.5), 3),
    p95_ms: round(quantile(sorted, 0.95), 3),
    max_ms: round(sorted.at(-1) ?? 0, 3),
  };
}

/** Token estimate of one event. */
export interface EventTokens {
  /** Estimate of the (redacted) `args`. */
  input_tokens: number;
  /** Estimate of the (redacted) `result`. */
  output_tokens: number;
  /** `input_tokens + output_tokens`. */
  total_tokens: number;
  /** Tokens the command handed to the agent, from `result.total_tokens` or `result.tokens`, else 0. */
  retrieved_tokens: number;
}

/** The token estimate of an event from its redacted `args` and `result`. */
export function eventTokens(
  args: Record<string, unknown>,
  result: Record<string, unknown>,
): EventTokens {
  const isEmpty = (o: Record<string, unknown>) => Object.keys(o).length === 0;
  const input = isEmpty(args) ? 0 : estimateTokens(JSON.stringify(args));
  const output = isEmpty(result) ? 0 : estimateTokens(JSON.stringify(result));
  const r = result.total_tokens ?? result.tokens;
  const retrieved = typeof r === "number" && Number.isFinite(r) && r > 0 ? Math.round(r) : 0;
  return {
    input_tokens: input,
    output_tokens: output,
    total_tokens: input + output,
    retrieved_tokens: retrieved,
  };
}

/** Token totals of one command in `last_run.json`. */
export interface TokenSummary {
  /** Events of this command. */
  count: number;
  /** Sum of `input_tokens`. */
  total_input_tokens: number;
  /** Sum of `output_tokens`. */
  total_output_tokens: number;
  /** Sum of `total_tokens`. */
  total_tokens: number;
  /** Sum of `retrieved_tokens`. */
  total_retrieved_tokens: number;
  /** `total_tokens / count`, 3 decimals. */
  avg_tokens_per_call: number;
}

/** Add one event's tokens to a command's running totals. */
export function addTokens(sum: TokenSummary | undefined, t: EventTokens): TokenSummary {
  const s = sum ?? {
    count: 0,
    total_input_tokens: 0,
    total_output_tokens: 0,
    total_tokens: 0,
    total_retrieved_tokens: 0,
    avg_tokens_per_call: 0,
  };
  s.count++;
  s.total_input_tokens += t.input_tokens;
  s.total_output_tokens += t.output_tokens;
  s.total_tokens += t.total_tokens;
  s.total_retrieved_tokens += t.retrieved_tokens;
  s.avg_tokens_per_call = round(s.total_tokens / s.count, 3);
  return s;
}

/** Counters by name. */
export type Counters = Record<string, number>;

/** `last_run.json` `ast` block (seed 003 ticket 1.1). */
export interface AstSummary {
  /** Counter `ast_parse_count`. */
  ast_parse_count: number;
  /** Counter `ast_cache_hit_count`. */
  ast_cache_hit_count: number;
  /** Counter `ast_cache_miss_count`. */
  ast_cache_miss_count: number;
  /** hits / max(parses, 1), 3 decimals. */
  ast_cache_hit_rate: number;
}

/** `last_run.json` `lsp` block (seed 003 ticket 1.1). */
export interface LspSummary {
  /** Counter `lsp_spawn_count`. */
  lsp_spawn_count: number;
  /** Counter `lsp_warming_count`. */
  lsp_warming_count: number;
  /** Counter `lsp_ready_count`. */
  lsp_ready_count: number;
  /** Counter `lsp_failed_count`. */
  lsp_failed_count: number;
  /** Counter `lsp_fallback_count`. */
  lsp_fallback_count: number;
  /** ready / max(spawns, 1), 3 decimals. */
  lsp_ready_rate: number;
  /** fallbacks / max(spawns, 1), 3 decimals. */
  lsp_fallback_rate: number;
}

/** `last_run.json` `file_read` block (seed 003 ticket 1.1). */
export interface FileReadSummary {
  /** Counter `file_read_skeleton_bytes_total`. */
  skeleton_bytes: number;
  /** Counter `file_read_excerpt_bytes_total`. */
  excerpt_bytes: number;
  /** Counter `file_read_raw_bytes_total`. */
  raw_bytes: number;
  /** Sum of the three. */
  total_bytes: number;
}

/** The `ast` summary from counters. */
export function astSummary(m: Counters): AstSummary {
  const parses = m.ast_parse_count ?? 0;
  const hits = m.ast_cache_hit_count ?? 0;
  return {
    ast_parse_count: parses,
    ast_cache_hit_count: hits,
    ast_cache_miss_count: m.ast_cache_miss_count ?? 0,
    ast_cache_hit_rate: round(hits / Math.max(parses, 1), 3),
  };
}

/** The `lsp` summary from counters. */
export function lspSummary(m: Counters): LspSummary {
  const spawns = m.lsp_spawn_count ?? 0;
  return {
    lsp_spawn_count: spawns,
    lsp_warming_count: m.lsp_warming_count ?? 0,
    lsp_ready_count: m.lsp_ready_count ?? 0,
    lsp_failed_count: m.lsp_failed_count ?? 0,
    lsp_fallback_count: m.lsp_fallback_count ?? 0,
    lsp_ready_rate: round((m.lsp_ready_count ?? 0) / Math.max(spawns, 1), 3),
    lsp_fallback_rate: round((m.lsp_fallback_count ?? 0) / Math.max(spawns, 1), 3),
  };
}

/** The `file_read` summary from counters. */
export function fileReadSummary(m: Counters): FileReadSummary {
  const s = m.file_read_skeleton_bytes_total ?? 0;
  const e = m.file_read_excerpt_bytes_total ?? 0;
  const r = m.file_read_raw_bytes_total ?? 0;
  return { skeleton_bytes: s, excerpt_bytes: e, raw_bytes: r, total_bytes: s + e + r };
}

/** `last_run.json` `telemetry_drops` block. */
export interface DropSummary {
  /** Events this run tried to write. */
  attempted: number;
  /** Events this run wrote. */
  written: number;
  /** Flushes whose `metrics.json` merge was deferred because the lock stayed busy. */
  lock_skipped: number;
  /** (attempted − written) / max(attempted, 1), 4 decimals. */
  drop_rate: number;
}

/** The drop summary from counters. */
export function dropSummary(m: Counters): DropSummary {
  const attempted = m.telemetry_events_attempted ?? 0;
  const written = m.telemetry_events_written ?? 0;
  return {
    attempted,
    written,
    lock_skipped: m.telemetry_lock_skipped ?? 0,
    drop_rate: round((attempted - written) / Math.max(attempted, 1), 4),
  };
}

/** State of the context pack, reported in `last_run.json`. */
export interface PackState {
  /** Hash of the pack. */
  pack_sha: string | null;
  /** Modification time of the pack (ISO string or epoch ms). */
  pack_mtime: string | number | null;
  /** Whether the pack was found stale. */
  stale_detected?: boolean;
}

/** Contents of `last_run.json`. */
export interface LastRun {
  /** Run id. */
  run_id: string;
  /** Segment id. */
  segment_id: string;
  /** When it was written (ISO-8601 UTC). */
  ts: string;
  /** Effective level. */
  level: TelemetryLevel;
  /** Counters of this run. */
  metrics_delta: Counters;
  /** Latencies by command. */
  latencies: Record<string, LatencySummary>;
  /** Token estimates by command. */
  tokens: Record<string, TokenSummary>;
  /** AST summary. */
  ast: AstSummary;
  /** LSP summary. */
  lsp: LspSummary;
  /** Bytes read by disclosure mode. */
  file_read: FileReadSummary;
  /** Write accounting. */
  telemetry_drops: DropSummary;
  /** Up to 5 distinct warnings, most frequent first. */
  top_warnings: string[];
  /** Context-pack state. */
  pack_state: PackState;
}

/** What a run has gathered so far (lib/telemetry/counters.ts `RunCounters#totals`). */
export interface RunTotals {
  /** Counters of this run. */
  metrics: Counters;
  /** Latencies by command, sorted by command. */
  latencies: Record<string, LatencySummary>;
  /** Token estimates by command. */
  tokens: Record<string, TokenSummary>;
  /** Up to 5 distinct warnings, most frequent first. */
  topWarnings: string[];
}

/** Who the run is, for `last_run.json`. */
export interface RunIdentity {
  /** Run id (redacted). */
  runId: string;
  /** Segment id (redacted). */
  segmentId: string;
  /** Effective level. */
  level: TelemetryLevel;
  /** Context-pack state. */
  packState: PackState;
}

/**
 * The `last_run.json` object of a run (not redacted: the caller redacts
 * the whole object).
 *
 * @example
 * ```ts
 * import { buildLastRun } from "./summary.ts";
 * import { deepEqual, equal } from "node:assert/strict";
 * const run = { runId: "r", segmentId: "s", level: "lite" as const,
 *   packState: { pack_sha: null, pack_mtime: null } };
 * const totals = { metrics: { ast_parse_count: 4, ast_cache_hit_count: 3 }, latencies: {},
 *   tokens: {}, topWarnings: [] };
 * const lr = buildLastRun(totals, run);
 * equal(lr.ast.ast_cache_hit_rate, 0.75);
 * deepEqual(lr.pack_state, { pack_sha: null, pack_mtime: null });
 * ```
 */
export function buildLastRun(totals: RunTotals, run: RunIdentity): LastRun {
  const m = totals.metrics;
  return {
    run_id: run.runId,
    segment_id: run.segmentId,
    ts: new Date().toISOString(),
    level: run.level,
    metrics_delta: m,
    latencies: totals.latencies,
    tokens: totals.tokens,
    ast: astSummary(m),
    lsp: lspSummary(m),
    file_read: fileReadSummary(m),
    telemetry_drops: dropSummary(m),
    top_warnings: totals.topWarnings,
    pack_state: { ...run.packState },
  };
}
