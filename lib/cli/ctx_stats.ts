/**
 * `ctx stats`.
 *
 * @module
 */
import { type SearchStats, searchStats } from "../context/mod.ts";
import { readTelemetry, telemetryDirFor } from "../telemetry/mod.ts";
import type { OptionsFor } from "../contract/commands.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { escapeFields } from "../escape.ts";
import { printJson } from "./output.ts";

function pct(n: number, d: number): string {
  return d === 0 ? "0.0%" : `${((n / d) * 100).toFixed(1)}%`;
}

function render(s: SearchStats): string {
  const lines = [
    `Context search stats (${s.window_days === 0 ? "all time" : `last ${s.window_days} day(s)`})`,
    "",
    "Summary",
    `  Total searches: ${s.searches}`,
    `  Hits:           ${s.with_hits}`,
    `  Zero hits:      ${s.zero_hits}`,
    `  Hit rate:       ${(s.hit_rate * 100).toFixed(1)}%`,
    `  Rejected:       ${s.rejected}`,
    `  Latency:        avg ${s.avg_latency_ms.toFixed(1)}ms, p50 ${s.p50_ms}ms, p95 ${s.p95_ms}ms`,
    "",
    "Zero-hit reasons",
    ...Object.entries(s.zero_hit_reasons).map(([r, n]) => `  ${r}: ${n} (${pct(n, s.zero_hits)})`),
    "",
    "Top zero-hit queries",
    ...s.top_zero_hit_queries.map((q) => `  [${String(q.count).padStart(2)}] ${q.query_preview}`),
    "",
    "Hits by chunk kind",
    ...Object.entries(s.hit_kinds).map(([k, n]) => `  ${k}: ${n}`),
    "",
    `ctx get: ${s.gets.count} call(s)`,
    ...Object.entries(s.gets.by_mode).map(([m, n]) =>
      `  ${m}: ${n} call(s), ${s.gets.bytes_read_by_mode[m] ?? 0} bytes returned`
    ),
    ...Object.entries(s.gets.stop_reasons).map(([r, n]) => `  stop_reason ${r}: ${n}`),
  ];
  return lines.join("\n") + "\n";
}

/** `ctx stats [-w DAYS]`. */
export async function statsHandler(
  ctx: CommandContext<OptionsFor<"ctx.stats">>,
): Promise<CommandOutcome> {
  const data = await readTelemetry(
    telemetryDirFor(ctx.segment, { dir: ctx.config.telemetry.path }),
    { root: ctx.segment.root },
  );
  const s = searchStats(data.events, {
    windowDays: ctx.options.window ?? 0,
    corruptLines: data.corruptLines,
  });
  if (ctx.global.json) printJson(ctx.output, { status: "ok", ...s, read_warnings: data.warnings });
  else {
    // Queries, reasons and warnings come from telemetry files in the segment.
    const warnings = data.warnings.map((w) => `⚠ ${w}\n`).join("");
    ctx.output.out(warnings + render(escapeFields(s)));
  }
  return { result: { searches: s.searches, hit_rate: s.hit_rate } };
}
