/**
 * `telemetry report`: commands with counts and latency percentiles, cache
 * hit rates, write accounting (drops), tokens and top warnings, from the
 * events of the last N days and the cumulative `metrics.json`.
 *
 * @module
 */
import { barChart } from "./chart.ts";
import type { TelemetryData } from "./read.ts";
import { type CommandTree, commandTree, type InternalRow } from "./report_commands.ts";
import type { GroupOptions } from "./report_groups.ts";
import { bucketLabel } from "./report_histogram.ts";
import type { StoredEvent } from "./stored_event.ts";
import { type Counters, dropSummary, latencySummary, round } from "./summary.ts";

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

/**
 * The report object (`telemetry report --json`). `commands` lists every
 * event name; `user_commands` only the commands run, each with the
 * internal events it caused.
 */
export interface TelemetryReport extends CommandTree {
  /** Always `"ok"`, like every command's JSON (an error is an error object instead). */
  status: "ok";
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

/** Options for {@linkcode buildReport}: `commandNames` says which events are user commands. */
export interface ReportOptions extends GroupOptions {
  /** The window the data was read with (for display). */
  lastDays?: number;
}

/** Tallies of the events in the window. */
interface EventTally {
  byCmd: Map<string, { timings: number[]; errors: number }>;
  cache: Map<string, { hits: number; misses: number }>;
  warnings: Map<string, number>;
  runs: Set<string>;
  tokens: number;
  retrieved: number;
  searches: number;
  zeroHits: number;
}

/** Add one event to the tallies. */
function tallyEvent(t: EventTally, ev: StoredEvent): void {
  let row = t.byCmd.get(ev.cmd);
  if (!row) t.byCmd.set(ev.cmd, row = { timings: [], errors: 0 });
  row.timings.push(ev.timing_ms);
  if (ev.result.status === "error") row.errors++;
  if (ev.run_id) t.runs.add(ev.run_id);
  const cs = cacheStatus(ev);
  if (cs) {
    let c = t.cache.get(ev.cmd);
    if (!c) t.cache.set(ev.cmd, c = { hits: 0, misses: 0 });
    if (cs === "hit") c.hits++;
    else c.misses++;
  }
  for (const w of ev.warnings) t.warnings.set(w, (t.warnings.get(w) ?? 0) + 1);
  const total = ev.tokens?.total_tokens;
  if (typeof total === "number") t.tokens += total;
  const r = ev.tokens?.retrieved_tokens;
  if (typeof r === "number") t.retrieved += r;
  if (ev.cmd === "ctx.search") {
    t.searches++;
    if (ev.result.hits === 0) t.zeroHits++;
  }
}

function tallyEvents(events: readonly StoredEvent[]): EventTally {
  const t: EventTally = {
    byCmd: new Map(),
    cache: new Map(),
    warnings: new Map(),
    runs: new Set(),
    tokens: 0,
    retrieved: 0,
    searches: 0,
    zeroHits: 0,
  };
  for (const ev of events) tallyEvent(t, ev);
  return t;
}

/** Command rows, most frequent first. */
function commandRows(t: EventTally, n: number): CommandRow[] {
  return [...t.byCmd].map(([cmd, r]) => {
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
}

/** Cache hit rates from the events and from the cumulative AST cache counters. */
function cacheOf(t: EventTally, m: Counters): TelemetryReport["cache"] {
  const hits = m.ast_cache_hit_count ?? 0;
  const misses = m.ast_cache_miss_count ?? 0;
  return {
    by_command: [...t.cache].map(([cmd, c]) => ({
      cmd,
      hits: c.hits,
      misses: c.misses,
      hit_rate: round(c.hits / Math.max(c.hits + c.misses, 1), 3),
    })).sort((a, b) => a.cmd.localeCompare(b.cmd)),
    ast_counters: { hits, misses, hit_rate: round(hits / Math.max(hits + misses, 1), 3) },
  };
}

/** Cumulative write accounting. */
function dropsOf(m: Counters): TelemetryReport["drops"] {
  const d = dropSummary(m);
  return {
    attempted: d.attempted,
    written: d.written,
    write_failed: m.telemetry_write_failed ?? 0,
    flush_failed: m.telemetry_flush_failed ?? 0,
    lock_skipped: d.lock_skipped,
    drop_rate: d.drop_rate,
  };
}

/**
 * Build the report from data read by `readTelemetry`.
 *
 * @example
 * ```ts
 * import { buildReport } from "./report.ts";
 * import { readTelemetry } from "./read.ts";
 * import { equal } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/events.jsonl`, '{"cmd":"a","timing_ms":4}\n{"cmd":"a","timing_ms":2}\n');
 * const r = buildReport(await readTelemetry(dir));
 * equal(r.status, "ok");
 * equal(r.commands[0]?.cmd, "a");
 * equal(r.commands[0]?.count, 2);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function buildReport(data: TelemetryData, options: ReportOptions = {}): TelemetryReport {
  const t = tallyEvents(data.events);
  const n = data.events.length;
  const m = data.metrics;
  return {
    status: "ok",
    window_days: options.lastDays ?? 0,
    events: n,
    runs: t.runs.size,
    corrupt_lines: data.corruptLines,
    files: data.files,
    commands: commandRows(t, n),
    ...commandTree(data.events, options),
    cache: cacheOf(t, m),
    drops: dropsOf(m),
    tokens: {
      total: t.tokens,
      avg_per_event: round(t.tokens / Math.max(n, 1), 1),
      retrieved: t.retrieved,
    },
    search: t.searches > 0
      ? {
        searches: t.searches,
        zero_hits: t.zeroHits,
        zero_hit_rate: round(t.zeroHits / t.searches, 3),
      }
      : null,
    top_warnings: [...t.warnings].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(
      0,
      5,
    )
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
    for (const r of cells) w = Math.max(w, r[i]?.length ?? 0);
    return w;
  });
  const line = (r: string[]) =>
    "  " + r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ");
  return [
    line(header),
    "  " + widths.map((w) => "─".repeat(w)).join("  "),
    ...cells.slice(1).map(line),
  ]
    .join("\n") + "\n";
}

/** One internal row under a command: indented, with how many per run of the command. */
function internalCells(r: InternalRow, withPer: boolean): (string | number)[] {
  return [
    `  ↳ ${r.cmd}`,
    withPer ? `${r.count} (${r.per_command}/run)` : r.count,
    "",
    r.p50_ms,
    r.p95_ms,
    r.max_ms,
  ];
}

/** "User commands": each command, then the internal events it caused, indented. */
function renderUserCommands(report: TelemetryReport): string {
  const rows: (string | number)[][] = [];
  for (const c of report.user_commands) {
    rows.push([c.cmd, c.count, c.errors, c.p50_ms, c.p95_ms, c.max_ms]);
    for (const r of c.internal) rows.push(internalCells(r, true));
  }
  if (report.internal_unattributed.length > 0) {
    rows.push(["(no command)", "", "", "", "", ""]);
    for (const r of report.internal_unattributed) rows.push(internalCells(r, false));
  }
  if (rows.length === 0) return "";
  let out = "User commands (internal events they caused below each, ↳)\n" +
    table(["command", "count", "errors", "p50 ms", "p95 ms", "max ms"], rows);
  const h = report.latency_histogram;
  if (h.counts.length > 0) {
    out += "\nLatency histogram of user commands (timing_ms, log scale)\n" +
      barChart(h.counts.map((c, i) => [bucketLabel(h, i), c]));
  }
  return out + "\n";
}

/** "All events": every event name with its share, and the usage bars. */
function renderAllEvents(report: TelemetryReport): string {
  if (report.commands.length === 0) return "";
  return "All events\n" +
    table(
      ["command", "count", "%", "errors", "p50 ms", "p95 ms", "max ms"],
      report.commands.map((c) => [c.cmd, c.count, c.pct, c.errors, c.p50_ms, c.p95_ms, c.max_ms]),
    ) +
    "\nEvents by name\n" + barChart(report.commands.slice(0, 10).map((c) => [c.cmd, c.count])) +
    "\n";
}

/**
 * Render the report as terminal text: user commands first (internal events
 * under each), their latency histogram on log-scale buckets, then every
 * event name, cache, writes, search and warnings.
 */
export function renderReport(report: TelemetryReport): string {
  const window = report.window_days > 0 ? `last ${report.window_days} days` : "all time";
  const warn = report.read_warnings.map((w) => `⚠ ${w}\n`).join("");
  if (report.events === 0 && Object.keys(report.metrics).length === 0) {
    return warn + "No telemetry data found.\n";
  }
  let out = `Trifecta telemetry report (${window})\n\n`;
  if (warn) out += warn + "\n";
  out +=
    `Summary\n  events ${report.events}  runs ${report.runs}  commands ${
      report.user_commands.reduce((n, c) => n + c.count, 0)
    }  corrupt lines ${report.corrupt_lines}` +
    `  tokens ${report.tokens.total} (avg ${report.tokens.avg_per_event}/event)\n\n`;
  out += renderUserCommands(report) + renderAllEvents(report);
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
