/**
 * What one process gathers in memory between flushes: counters (all of the
 * run, and those not merged into `metrics.json` yet), latency samples, token
 * totals and warnings. No I/O; the sink (lib/telemetry/sink.ts) merges and
 * writes them.
 *
 * @module
 */
import type { RedactStats } from "./redact.ts";
import {
  addTokens,
  type Counters,
  type EventTokens,
  type LatencySummary,
  latencySummary,
  type RunTotals,
  type TokenSummary,
} from "./summary.ts";

/** Latency samples kept per command (reservoir sampling beyond this). */
export const MAX_SAMPLES = 10_000;

/** Add `n` to counter `key` of `m`. */
export function addCounter(m: Counters, key: string, n: number): void {
  m[key] = (m[key] ?? 0) + n;
}

interface Samples {
  count: number;
  max: number;
  values: number[];
}

/**
 * The in-memory state of one run. Counters are kept twice: `metrics` (the
 * whole run, for `last_run.json`) and the unmerged delta (what the next
 * flush adds to `metrics.json`).
 *
 * @example
 * ```ts
 * import { RunCounters } from "./counters.ts";
 * import { deepEqual, equal } from "node:assert/strict";
 * const c = new RunCounters();
 * c.count("ast_parse_count", 2);
 * c.observe("ast.parse", 7);
 * deepEqual(c.takeDelta(), { ast_parse_count: 2 });
 * deepEqual(c.takeDelta(), {});
 * equal(c.totals().metrics.ast_parse_count, 2);
 * equal(c.totals().latencies["ast.parse"]?.p50_ms, 7);
 * ```
 */
export class RunCounters {
  /** Values changed by redaction in this run (the redaction adds to it). */
  readonly redactStats: RedactStats = { redacted: 0 };
  #metrics: Counters = {};
  #unmerged: Counters = {};
  #latencies = new Map<string, Samples>();
  #tokens: Record<string, TokenSummary> = {};
  #warnings = new Map<string, number>();

  /** Add `n` to a counter (both the run's and the unmerged delta). */
  count(key: string, n: number): void {
    addCounter(this.#metrics, key, n);
    addCounter(this.#unmerged, key, n);
  }

  /** Record a latency (ms) of `cmd`; past {@linkcode MAX_SAMPLES}, a reservoir sample. */
  observe(cmd: string, ms: number): void {
    let s = this.#latencies.get(cmd);
    if (!s) this.#latencies.set(cmd, s = { count: 0, max: 0, values: [] });
    s.count++;
    s.max = Math.max(s.max, Math.round(ms * 1000) / 1000);
    if (s.values.length < MAX_SAMPLES) s.values.push(ms);
    else {
      const j = Math.floor(Math.random() * s.count);
      if (j < MAX_SAMPLES) s.values[j] = ms;
    }
  }

  /** Add one event's token estimate to the totals of `cmd`. */
  addTokens(cmd: string, t: EventTokens): void {
    this.#tokens[cmd] = addTokens(this.#tokens[cmd], t);
  }

  /** Note a warning (the most frequent go to `top_warnings`). */
  warn(w: string): void {
    this.#warnings.set(w, (this.#warnings.get(w) ?? 0) + 1);
  }

  /** Counters of this run so far, with the redaction count. */
  metrics(): Counters {
    return { ...this.#metrics, telemetry_redacted_values: this.redactStats.redacted };
  }

  /**
   * Take the counters not merged yet (the caller merges them or hands them
   * back with {@linkcode RunCounters.keepUnmerged}); the redaction count
   * joins them as `telemetry_redacted_values`.
   */
  takeDelta(): Counters {
    const redacted = this.redactStats.redacted;
    const merged = this.#metrics.telemetry_redacted_values ?? 0;
    if (redacted > merged) {
      addCounter(this.#unmerged, "telemetry_redacted_values", redacted - merged);
      this.#metrics.telemetry_redacted_values = redacted;
    }
    const delta = this.#unmerged;
    this.#unmerged = {};
    return delta;
  }

  /** Give back a delta that could not be merged, for a later flush. */
  keepUnmerged(delta: Counters): void {
    for (const [k, v] of Object.entries(delta)) addCounter(this.#unmerged, k, v);
  }

  /** What the run gathered, for `last_run.json`. */
  totals(): RunTotals {
    const latencies: Record<string, LatencySummary> = {};
    for (const [cmd, s] of [...this.#latencies].sort(([a], [b]) => a.localeCompare(b))) {
      latencies[cmd] = { ...latencySummary(s.values), count: s.count, max_ms: s.max };
    }
    const top = [...this.#warnings].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([w]) => w);
    return {
      metrics: this.metrics(),
      latencies,
      tokens: structuredClone(this.#tokens),
      topWarnings: top,
    };
  }
}
