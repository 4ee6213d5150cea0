/**
 * `telemetry report`: commands with counts and latency percentiles, cache
 * hit rates, write accounting (drops), tokens and top warnings, from the
 * events of the last N days and the cumulative `metrics.json`.
 *
 * @module
 */
import { barChart, histogram } from "./chart.ts";
import type { StoredEvent, TelemetryData } from "./read.ts";
import { latencySummary } from "./summary.ts";

/** One command row of the report. */
export interface CommandRow {
  /** Event name. */
  cmd: string;
  /** Events in the window. */
  count: number;
  /** Share of all events, percent, 1 decimal. */
  pct: number;
  /** Events whose `result.status` is `error`. */
  errors: number;
  /** Median `timing_ms`. */
  p50_ms: number;
  /** 95th percentile `timing_ms`. */
  p95_ms: number;
  /** Largest `timing_ms`. */
  max_ms: number;
}

/** Cache hits and misses seen in one command's events. */
export interface CacheRow {
  /** Event name. */
  cmd: string;
  /** `cache_status` hit (or an `ast.cache.hit` event). */
  hits: number;
  /** `cache_status` miss/generated (or an `ast.cache.miss` event). */
  misses: number;
  /** hits / (hits + misses), 3 decimals. */
  hit_rate: number;
}

/** The report object (`telemetry report --json`). */
export interface TelemetryReport {
  /** Window in days (0 = all). */
  window_days: number;
  /** Events in the window. */
  events: number;
  /** Distinct run ids (sessions). */
  runs: number;
  /** Lines that were skipped as corrupt (all files, whole history). */
  corrupt_lines: number;
  /** Event files read, oldest first. */
  files: string[];
  /** Commands, most frequent first. */
  commands: CommandRow[];
  /** Cache hit rates from events, and cumulative AST cache counters. */
  cache: {
    by_command: CacheRow[];
    ast_counters: { hits: number; misses: number; hit_rate: number };
  };
  /** Cumulative write accounting from `metrics.json` and `write_failures.json`. */
  drops: {
    attempted: number;
    written: number;
    write_failed: number;
    flush_failed: number;
    lock_skipped: number;
    drop_rate: number;
  };
  /** How much of the event files was read (the reader's byte budget). */
  read: {
    cap_bytes: number;
    bytes_read: number;
    bytes_skipped: number;
    oversized_lines: number;
  };
  /** What the reader left out or refused, one sentence each (empty when nothing). */
  read_warnings: string[];
  /** Token estimates over the window. */
  tokens: { total: number; avg_per_event: number; retrieved: number };
  /** `ctx.search` hits, when there were searches. */
  search: { searches: number; zero_hits: number; zero_hit_rate: number } | null;
  /** Most frequent warnings. */
  top_warnings: { warning: string; count: number }[];
  /** Cumulative counters (`metrics.json` + deferred deltas). */
  metrics: Record<string, number>;
  /** `last_run.json` as written by the last flush, or null. */
  last_run: Record<string, unknown> | null;
}

function round(n: number, d: number): number {
  const f = 10 ** d;
  return Math.round(n * f) / f;
}

function cacheStatus(ev: StoredEvent): "hit" | "miss" | undefined {
  const s = ev.x.cache_status ?? ev.result.cache_status;
  if (s === "hit") return "hit";
  if (s === "miss" || s === "generated") return "miss";
  if (s === undefined) {
    if (ev.cmd === "ast.cache.hit") return "hit";
    if (ev.cmd === "ast.cache.miss") return "miss";
  }
  return undefined;
}

/** Options for {@linkcode buildReport}. */
export interface ReportOptions {
  /** The window the data was read with (for display). */
  lastDays?: number;
}

/** Build the report from data read by `readTelemetry`. */
export function buildReport(data: TelemetryData, options: ReportOptions = {}): TelemetryReport {
  const byCmd = new Map<string, { timings: number[]; errors: number }>();
  const cache = new Map<string, { hits: number; misses: number }>();
  const warnings = new Map<string, number>();
  const runs = new Set<string>();
  let tokens = 0;
  let retrieved = 0;
  let searches = 0;
  let zero = 0;
  for (const ev of data.events) {
    let row = byCmd.get(ev.cmd);
    if (!row) byCmd.set(ev.cmd, row = { timings: [], errors: 0 });
    row.timings.push(ev.timing_ms);
    if (ev.result.status === "error") row.errors++;
    if (ev.run_id) runs.add(ev.run_id);
    const cs = cacheStatus(ev);
    if (cs) {
      let c = cache.get(ev.cmd);
      if (!c) cache.set(ev.cmd, c = { hits: 0, misses: 0 });
      if (cs === "hit") c.hits++;
      else c.misses++;
    }
    for (const w of ev.warnings) warnings.set(w, (warnings.get(w) ?? 0) + 1);
    const t = ev.tokens?.total_tokens;
    if (typeof t === "number") tokens += t;
    const r = ev.tokens?.retrieved_tokens;
    if (typeof r === "number") retrieved += r;
    if (ev.cmd === "ctx.search") {
      searches++;
      if (ev.result.hits === 0) zero++;
    }
  }
  const n = data.events.length;
  const commands: CommandRow[] = [...byCmd].map(([cmd, r]) => {
    const l = latencySummary(r.timings);
    return {
      cmd,
      count: r.timings.length,
      pct: round((r.timings.length / Math.max(n, 1)) * 100, 1),
      errors: r.errors,
      p50_ms: l.p50_ms,
      p95_ms: l.p95_ms,
      max_ms: l.max_ms,
    };
  }).sort((a, b) => b.count - a.count || a.cmd.localeCompare(b.cmd));
  const m = data.metrics;
  const hits = m.ast_cache_hit_count ?? 0;
  const misses = m.ast_cache_miss_count ?? 0;
  const attempted = m.telemetry_events_attempted ?? 0;
  const written = m.telemetry_events_written ?? 0;
  return {
    window_days: options.lastDays ?? 0,
    events: n,
    runs: runs.size,
    corrupt_lines: data.corruptLines,
    files: data.files,
    commands,
    cache: {
      by_command: [...cache].map(([cmd, c]) => ({
        cmd,
        hits: c.hits,
        misses: c.misses,
        hit_rate: round(c.hits / Math.max(c.hits + c.misses, 1), 3),
      })).sort((a, b) => a.cmd.localeCompare(b.cmd)),
      ast_counters: { hits, misses, hit_rate: round(hits / Math.max(hits + misses, 1), 3) },
    },
    drops: {
      attempted,
      written,
      write_failed: m.telemetry_write_failed ?? 0,
      flush_failed: m.telemetry_flush_failed ?? 0,
      lock_skipped: m.telemetry_lock_skipped ?? 0,
      drop_rate: round((attempted - written) / Math.max(attempted, 1), 4),
    },
    tokens: { total: tokens, avg_per_event: round(tokens / Math.max(n, 1), 1), retrieved },
    search: searches > 0
      ? { searches, zero_hits: zero, zero_hit_rate: round(zero / searches, 3) }
      : null,
    top_warnings: [...warnings].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5)
      .map(([warning, count]) => ({ warning, count })),
    read: {
      cap_bytes: data.readCapBytes,
      bytes_read: data.bytesRead,
      bytes_skipped: data.bytesSkipped,
      oversized_lines: data.oversizedLines,
    },
    read_warnings: [...data.warnings],
    metrics: m,
    last_run: data.lastRun,
  };
}

function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  // A loop, not Math.max(...): a hostile file can hold 100,000+ command names.
  const widths = header.map((_, i) => {
    let w = 0;
    for (const r of cells) w = Math.max(w, r[i].length);
    return w;
  });
  const line = (r: string[]) =>
    "  " + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [
    line(header),
    "  " + widths.map((w) => "─".repeat(w)).join("  "),
    ...cells.slice(1).map(line),
  ]
    .join("\n") + "\n";
}

/** Render the report as terminal text, with a bar chart of commands and a latency histogram. */
export function renderReport(report: TelemetryReport, events: readonly StoredEvent[] = []): string {
  const window = report.window_days > 0 ? `last ${report.window_days} days` : "all time";
  const warn = report.read_warnings.map((w) => `⚠ ${w}\n`).join("");
  if (report.events === 0 && Object.keys(report.metrics).length === 0) {
    return warn + "No telemetry data found.\n";
  }
  let out = `Trifecta telemetry report (${window})\n\n`;
  if (warn) out += warn + "\n";
  out +=
    `Summary\n  events ${report.events}  runs ${report.runs}  corrupt lines ${report.corrupt_lines}` +
    `  tokens ${report.tokens.total} (avg ${report.tokens.avg_per_event}/event)\n\n`;
  if (report.commands.length > 0) {
    out += "Commands\n";
    out += table(
      ["command", "count", "%", "errors", "p50 ms", "p95 ms", "max ms"],
      report.commands.map((c) => [c.cmd, c.count, c.pct, c.errors, c.p50_ms, c.p95_ms, c.max_ms]),
    );
    out += "\nCommand usage\n" +
      barChart(report.commands.slice(0, 10).map((c) => [c.cmd, c.count]));
    const timings = events.map((e) => e.timing_ms);
    if (timings.length > 1) out += "\nLatency histogram (timing_ms)\n" + histogram(timings);
    out += "\n";
  }
  out += "Cache\n";
  if (report.cache.by_command.length === 0) out += "  no cache activity in events\n";
  for (const c of report.cache.by_command) {
    out += `  ${c.cmd}: ${c.hits} hits, ${c.misses} misses, hit rate ${
      (c.hit_rate * 100).toFixed(1)
    }%\n`;
  }
  const a = report.cache.ast_counters;
  out += `  AST cache counters (cumulative): ${a.hits} hits, ${a.misses} misses, hit rate ${
    (a.hit_rate * 100).toFixed(1)
  }%\n\n`;
  const d = report.drops;
  out +=
    `Writes (cumulative)\n  attempted ${d.attempted}  written ${d.written}  failed ${d.write_failed}` +
    `  flushes failed ${d.flush_failed}  lock skipped ${d.lock_skipped}` +
    `  drop rate ${(d.drop_rate * 100).toFixed(2)}%\n\n`;
  if (report.search) {
    const s = report.search;
    out += `Search\n  ${s.searches} searches, ${s.zero_hits} with zero hits (${
      (s.zero_hit_rate * 100).toFixed(1)
    }%)\n\n`;
  }
  out += "Top warnings\n";
  if (report.top_warnings.length === 0) out += "  none\n";
  for (const w of report.top_warnings) out += `  ${w.count}× ${w.warning}\n`;
  return out;
}
