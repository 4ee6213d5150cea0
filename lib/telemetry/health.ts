/**
 * `telemetry health`: checks over the telemetry data, exit 0 OK, 2 WARN,
 * 3 FAIL (upstream §1.12). Thresholds are exported and documented in
 * `docs/telemetry_event_schema.md`.
 *
 * @module
 */
import type { TelemetryData } from "./read.ts";

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

/** Run the checks. */
export function checkHealth(data: TelemetryData): HealthReport {
  const m = data.metrics;
  const hasData = data.totalLines > 0 || Object.keys(m).length > 0 ||
    data.warnings.length > 0;
  const checks: HealthCheck[] = [];
  const zeroQueries = new Map<string, number>();
  if (!hasData) {
    return { status: "OK", exit_code: 0, has_data: false, checks, top_zero_hit_queries: [] };
  }

  // 1. LSP invariants (upstream: FAIL when either counter is > 0).
  const inv = (m["lsp.ready_fail_invariant"] ?? 0) + (m["lsp.thread_alive_after_join"] ?? 0);
  checks.push({
    name: "lsp_invariants",
    status: inv > 0 ? "FAIL" : "OK",
    value: inv,
    message: inv > 0
      ? `LSP invariant violations: ${inv} (lsp.ready_fail_invariant / lsp.thread_alive_after_join)`
      : "no LSP invariant violations",
  });

  // 2. Lost events (attempted − written over the whole history).
  const attempted = m.telemetry_events_attempted ?? 0;
  const lost = Math.max(0, attempted - (m.telemetry_events_written ?? 0));
  const dropRate = lost / Math.max(attempted, 1);
  checks.push({
    name: "event_drops",
    status: dropRate > HEALTH_THRESHOLDS.dropRateFail ? "FAIL" : lost > 0 ? "WARN" : "OK",
    value: dropRate,
    message: lost > 0
      ? `${lost} of ${attempted} events were not written (${pct(dropRate)})`
      : `all ${attempted} events written`,
  });

  // 3. Corrupt lines in the event files.
  const share = data.corruptLines / Math.max(data.totalLines, 1);
  const oversized = data.oversizedLines;
  checks.push({
    name: "corrupt_lines",
    status: share > HEALTH_THRESHOLDS.corruptShareFail
      ? "FAIL"
      : data.corruptLines > 0 || data.metricsCorrupt
      ? "WARN"
      : "OK",
    value: data.corruptLines,
    message: data.corruptLines > 0 || data.metricsCorrupt
      ? `${data.corruptLines} of ${data.totalLines} lines are not valid events` +
        (oversized > 0 ? ` (${oversized} over the line cap)` : "") +
        (data.metricsCorrupt ? "; metrics.json is not usable" : "")
      : `all ${data.totalLines} lines are valid events`,
  });

  // 3b. Flushes that failed (full disk): their event counts were kept in
  // write_failures.json and are in `attempted` above; other counters were lost.
  const flushFailed = m.telemetry_flush_failed ?? 0;
  checks.push({
    name: "flush_failures",
    status: flushFailed > 0 ? "WARN" : "OK",
    value: flushFailed,
    message: flushFailed > 0
      ? `${flushFailed} flushes could not update metrics.json (disk full or unwritable); ` +
        "their event counts were kept in write_failures.json"
      : "every flush updated metrics.json",
  });

  // 3c. What the reader left out or refused (cap reached, oversized or unsafe files).
  const readWarnings = data.warnings;
  checks.push({
    name: "read_limits",
    status: readWarnings.length > 0 ? "WARN" : "OK",
    value: data.bytesSkipped,
    message: readWarnings.length > 0
      ? readWarnings.join("; ")
      : "every telemetry file was read within the caps",
  });

  // 4. Deferred counter merges (lock busy past the bound).
  const skipped = m.telemetry_lock_skipped ?? 0;
  checks.push({
    name: "metrics_lock",
    status: skipped > 0 ? "WARN" : "OK",
    value: skipped,
    message: skipped > 0
      ? `${skipped} metrics.json merges were deferred (lock busy)`
      : "every metrics.json merge took the lock in time",
  });

  // 5. Zero-hit ratio of ctx.search (operational = excluding x.source "fixture").
  let total = 0;
  let zero = 0;
  for (const ev of data.events) {
    if (ev.cmd !== "ctx.search" || ev.x.source === "fixture") continue;
    total++;
    if (ev.result.hits === 0) {
      zero++;
      const q = typeof ev.args.query_preview === "string" ? ev.args.query_preview : "(unknown)";
      zeroQueries.set(q, (zeroQueries.get(q) ?? 0) + 1);
    }
  }
  if (total === 0 && (m.ctx_search_count ?? 0) > 0) {
    total = m.ctx_search_count;
    zero = m.ctx_search_zero_hits_count ?? 0;
  }
  if (total > 0) {
    const ratio = zero / total;
    checks.push({
      name: "zero_hit_ratio",
      status: ratio > HEALTH_THRESHOLDS.zeroHitRatio ? "WARN" : "OK",
      value: ratio,
      message: ratio > HEALTH_THRESHOLDS.zeroHitRatio
        ? `Zero-hit ratio (operational) ${pct(ratio)} exceeds threshold ${
          pct(HEALTH_THRESHOLDS.zeroHitRatio)
        }`
        : `Zero-hit ratio (operational) ${pct(ratio)} within threshold`,
    });
  }
  const status = checks.reduce<HealthStatus>(
    (w, c) => RANK[c.status] > RANK[w] ? c.status : w,
    "OK",
  );
  return {
    status,
    exit_code: EXIT[status],
    has_data: true,
    checks,
    top_zero_hit_queries: [...zeroQueries].sort((a, b) => b[1] - a[1]).slice(0, 5)
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
