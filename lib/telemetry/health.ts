/**
 * `telemetry health`: checks over the telemetry data, exit 0 OK, 2 WARN,
 * 3 FAIL (upstream §1.12). Thresholds are exported and documented in
 * `docs/telemetry_event_schema.md`.
 *
 * @module
 */
import type { TelemetryData } from "./read.ts";
import type { Counters } from "./summary.ts";

/** A check's verdict. */
export type HealthStatus = "OK" | "WARN" | "FAIL";

/** Thresholds of the checks. */
export const HEALTH_THRESHOLDS = {
  /** Operational `ctx.search` zero-hit ratio above this ⇒ WARN (upstream 0.30). */
  zeroHitRatio: 0.30,
  /** Any lost event ⇒ WARN; a drop rate above this ⇒ FAIL (the seed's tolerated loss). */
  dropRateFail: 0.02,
  /** Any corrupt line ⇒ WARN; above this share of lines ⇒ FAIL (oversized lines count as corrupt). */
  corruptShareFail: 0.05,
} as const;

/** One check. */
export interface HealthCheck {
  /** Check name. */
  name: string;
  /** Verdict. */
  status: HealthStatus;
  /** One line for humans. */
  message: string;
  /** Measured value. */
  value: number;
}

/** The health result (`telemetry health --json`). */
export interface HealthReport {
  /** Worst verdict. */
  status: HealthStatus;
  /** 0 OK, 2 WARN, 3 FAIL. */
  exit_code: number;
  /** False when there was nothing to analyse (then the status is OK). */
  has_data: boolean;
  /** Every check, in order. */
  checks: HealthCheck[];
  /** Most frequent zero-hit query previews. */
  top_zero_hit_queries: { query: string; count: number }[];
}

const RANK: Record<HealthStatus, number> = { OK: 0, WARN: 1, FAIL: 2 };
const EXIT: Record<HealthStatus, number> = { OK: 0, WARN: 2, FAIL: 3 };

function pct(n: number): string {
  return `${(n * 100).toFixed(1)}%`;
}

/** Operational `ctx.search` zero hits (events with `x.source: "fixture"` left out). */
interface ZeroHits {
  /** Searches counted. */
  total: number;
  /** Of them, with zero hits. */
  zero: number;
  /** Zero-hit query previews and how often each came. */
  queries: Map<string, number>;
}

/** What each check reads. */
interface HealthInput {
  /** The data read. */
  data: TelemetryData;
  /** Its cumulative counters. */
  m: Counters;
  /** Zero-hit searches, counted once for the check and the top list. */
  zeroHits: ZeroHits;
}

/** One check: its verdict, or `undefined` when it has nothing to judge. */
type Check = (input: HealthInput) => HealthCheck | undefined;

/** Lost events: attempted − written over the whole history. */
function eventDrops({ m }: HealthInput): HealthCheck {
  const attempted = m.telemetry_events_attempted ?? 0;
  const lost = Math.max(0, attempted - (m.telemetry_events_written ?? 0));
  const dropRate = lost / Math.max(attempted, 1);
  return {
    name: "event_drops",
    status: dropRate > HEALTH_THRESHOLDS.dropRateFail ? "FAIL" : lost > 0 ? "WARN" : "OK",
    value: dropRate,
    message: lost > 0
      ? `${lost} of ${attempted} events were not written (${pct(dropRate)})`
      : `all ${attempted} events written`,
  };
}

/** Corrupt lines in the event files (oversized lines included), and a corrupt `metrics.json`. */
function corruptLines({ data }: HealthInput): HealthCheck {
  const share = data.corruptLines / Math.max(data.totalLines, 1);
  const bad = data.corruptLines > 0 || data.metricsCorrupt;
  const over = data.oversizedLines > 0 ? ` (${data.oversizedLines} over the line cap)` : "";
  return {
    name: "corrupt_lines",
    status: share > HEALTH_THRESHOLDS.corruptShareFail ? "FAIL" : bad ? "WARN" : "OK",
    value: data.corruptLines,
    message: bad
      ? `${data.corruptLines} of ${data.totalLines} lines are not valid events` + over +
        (data.metricsCorrupt ? "; metrics.json is not usable" : "")
      : `all ${data.totalLines} lines are valid events`,
  };
}

/**
 * Flushes that failed (full disk): their event counts were kept in
 * `write_failures.json` and are in `attempted`; other counters were lost.
 */
function flushFailures({ m }: HealthInput): HealthCheck {
  const failed = m.telemetry_flush_failed ?? 0;
  return {
    name: "flush_failures",
    status: failed > 0 ? "WARN" : "OK",
    value: failed,
    message: failed > 0
      ? `${failed} flushes could not update metrics.json (disk full or unwritable); ` +
        "their event counts were kept in write_failures.json"
      : "every flush updated metrics.json",
  };
}

/** What the reader left out or refused (cap reached, oversized or unsafe files). */
function readLimits({ data }: HealthInput): HealthCheck {
  const warnings = data.warnings;
  return {
    name: "read_limits",
    status: warnings.length > 0 ? "WARN" : "OK",
    value: data.bytesSkipped,
    message: warnings.length > 0
      ? warnings.join("; ")
      : "every telemetry file was read within the caps",
  };
}

/** Deferred counter merges (lock busy past the bound). */
function metricsLock({ m }: HealthInput): HealthCheck {
  const skipped = m.telemetry_lock_skipped ?? 0;
  return {
    name: "metrics_lock",
    status: skipped > 0 ? "WARN" : "OK",
    value: skipped,
    message: skipped > 0
      ? `${skipped} metrics.json merges were deferred (lock busy)`
      : "every metrics.json merge took the lock in time",
  };
}

/** Zero-hit ratio of operational `ctx.search`; no verdict without searches. */
function zeroHitRatio({ zeroHits }: HealthInput): HealthCheck | undefined {
  if (zeroHits.total === 0) return undefined;
  const ratio = zeroHits.zero / zeroHits.total;
  const over = ratio > HEALTH_THRESHOLDS.zeroHitRatio;
  return {
    name: "zero_hit_ratio",
    status: over ? "WARN" : "OK",
    value: ratio,
    message: over
      ? `Zero-hit ratio (operational) ${pct(ratio)} exceeds threshold ${
        pct(HEALTH_THRESHOLDS.zeroHitRatio)
      }`
      : `Zero-hit ratio (operational) ${pct(ratio)} within threshold`,
  };
}

/**
 * Spans and metric points the live OpenTelemetry export could not deliver
 * (no net grant, collector down or slow: docs/telemetry_otel.md); no
 * verdict when the export never ran.
 */
function otelExport({ m }: HealthInput): HealthCheck | undefined {
  const dropped = (m.otel_spans_dropped ?? 0) + (m.otel_metric_points_dropped ?? 0);
  const exported = (m.otel_spans_exported ?? 0) + (m.otel_metric_points_exported ?? 0);
  if (dropped + exported === 0) return undefined;
  const why = Object.keys(m).filter((k) => k.startsWith("otel_export_") && (m[k] ?? 0) > 0)
    .sort().map((k) => `${k.slice("otel_export_".length)} ${m[k]}`);
  return {
    name: "otel_export",
    status: dropped > 0 ? "WARN" : "OK",
    value: dropped,
    message: dropped > 0
      ? `${dropped} of ${dropped + exported} OpenTelemetry spans and metric points were not ` +
        `delivered (${why.join(", ") || "unknown"})`
      : `all ${exported} OpenTelemetry spans and metric points delivered`,
  };
}

/** The checks, in the order they are reported. */
const CHECKS: readonly Check[] = [
  eventDrops,
  corruptLines,
  flushFailures,
  readLimits,
  metricsLock,
  zeroHitRatio,
  otelExport,
];

/**
 * Count operational `ctx.search` events and their zero-hit queries; without
 * such events, the cumulative `ctx_search_count` and
 * `ctx_search_zero_hits_count` counters.
 */
function countZeroHits(data: TelemetryData): ZeroHits {
  const out: ZeroHits = { total: 0, zero: 0, queries: new Map() };
  for (const ev of data.events) {
    if (ev.cmd !== "ctx.search" || ev.x.source === "fixture") continue;
    out.total++;
    if (ev.result.hits !== 0) continue;
    out.zero++;
    const q = typeof ev.args.query_preview === "string" ? ev.args.query_preview : "(unknown)";
    out.queries.set(q, (out.queries.get(q) ?? 0) + 1);
  }
  const searches = data.metrics.ctx_search_count ?? 0;
  if (out.total === 0 && searches > 0) {
    out.total = searches;
    out.zero = data.metrics.ctx_search_zero_hits_count ?? 0;
  }
  return out;
}

/**
 * Run the checks ({@linkcode CHECKS}); the worst verdict is the status.
 *
 * @example
 * ```ts
 * import { checkHealth } from "./health.ts";
 * import { readTelemetry } from "./read.ts";
 * import { equal } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/events.jsonl`, '{"cmd":"a"}\n{torn\n');
 * const h = checkHealth(await readTelemetry(dir));
 * equal(h.status, "FAIL"); // 1 corrupt line of 2: over 5%
 * equal(h.exit_code, 3);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function checkHealth(data: TelemetryData): HealthReport {
  const m = data.metrics;
  const hasData = data.totalLines > 0 || Object.keys(m).length > 0 ||
    data.warnings.length > 0;
  if (!hasData) {
    return { status: "OK", exit_code: 0, has_data: false, checks: [], top_zero_hit_queries: [] };
  }
  const input: HealthInput = { data, m, zeroHits: countZeroHits(data) };
  const checks = CHECKS.map((check) => check(input)).filter((c) => c !== undefined);
  const status = checks.reduce<HealthStatus>(
    (w, c) => RANK[c.status] > RANK[w] ? c.status : w,
    "OK",
  );
  return {
    status,
    exit_code: EXIT[status],
    has_data: true,
    checks,
    top_zero_hit_queries: [...input.zeroHits.queries].sort((a, b) => b[1] - a[1]).slice(0, 5)
      .map(([query, count]) => ({ query, count })),
  };
}

/** Render the health result as terminal text (`✓`, `⚠`, `✗` per check). */
export function renderHealth(h: HealthReport): string {
  if (!h.has_data) return "No telemetry data found (WARN: no data to analyze)\n";
  const mark: Record<HealthStatus, string> = { OK: "✓", WARN: "⚠", FAIL: "✗" };
  let out = `Telemetry health: ${h.status}\n`;
  for (const c of h.checks) {
    out += `${mark[c.status]} ${c.message}\n`;
    if (c.name === "zero_hit_ratio" && c.status !== "OK" && h.top_zero_hit_queries.length > 0) {
      out += "  Top zero-hit queries:\n";
      for (const q of h.top_zero_hit_queries) out += `    - ${q.query} (count: ${q.count})\n`;
    }
  }
  return out;
}
