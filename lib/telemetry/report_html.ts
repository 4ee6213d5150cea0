/**
 * `telemetry report --html`: the report as one self-contained page. Inline
 * CSS, inline SVG charts (lib/telemetry/report_html_svg.ts), no script, no
 * external font, image or style, and a Content-Security-Policy that lets
 * the page load nothing at all. Every string from the telemetry files is
 * escaped: a hostile event name or warning reads as text.
 *
 * @module
 */
import type { TelemetryReport } from "./report.ts";
import type { InternalRow } from "./report_commands.ts";
import { groupEvents, type GroupOptions } from "./report_groups.ts";
import { bucketLabel } from "./report_histogram.ts";
import {
  barsChart,
  escapeHtml,
  latencyChart,
  type LatencyPoint,
  MAX_CHART_POINTS,
  rateBar,
  samplePoints,
} from "./report_html_svg.ts";
import type { StoredEvent } from "./stored_event.ts";

/** The page's Content-Security-Policy: nothing may load; only the inline style applies. */
export const HTML_REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'";

/** The page title. */
export const HTML_REPORT_TITLE = "Trifecta telemetry report";

const STYLE =
  `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:960px;color:#1d2330;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid #d8dde6;padding-bottom:4px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;text-align:right}
td:first-child,th:first-child{text-align:left}tr.internal td{color:#5b6473;font-size:13px}
tr.internal td:first-child{padding-left:28px}tr.orphans td{font-style:italic}
dl.summary{display:grid;grid-template-columns:repeat(4,auto);gap:4px 18px;width:max-content}
dl.summary dt{color:#5b6473}dl.summary dd{margin:0;font-weight:600}
figure{margin:12px 0 20px}figcaption{margin-bottom:4px}.cmd{font-family:ui-monospace,monospace;font-weight:600}
svg text{font-size:11px;fill:#5b6473}svg polyline{fill:none;stroke:#2f6fdb;stroke-width:1.5}
svg circle{fill:#2f6fdb}svg line.grid{stroke:#e4e8ef}svg.bars rect{fill:#2f6fdb}
svg.rate rect{fill:#2e9b5f}svg.rate rect.track{fill:#e4e8ef}.note{color:#5b6473}`;

/** Options for {@linkcode renderHtmlReport}. */
export interface HtmlReportOptions extends GroupOptions {
  /** When the page was made (default now). */
  now?: Date;
}

/** The end times and durations of each user command's runs, oldest first. */
function seriesByCommand(
  events: readonly StoredEvent[],
  options: GroupOptions,
): Map<string, LatencyPoint[]> {
  const series = new Map<string, LatencyPoint[]>();
  for (const g of groupEvents(events, options)) {
    const c = g.command;
    if (c === undefined) continue;
    let list = series.get(c.cmd);
    if (list === undefined) series.set(c.cmd, list = []);
    const t = c.ts === undefined ? NaN : Date.parse(c.ts);
    if (Number.isFinite(t)) list.push({ t, ms: c.timing_ms });
  }
  for (const list of series.values()) list.sort((a, b) => a.t - b.t);
  return series;
}

function cells(tag: "td" | "th", values: readonly (string | number)[]): string {
  return values.map((v) => `<${tag}>${escapeHtml(String(v))}</${tag}>`).join("");
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

function summary(r: TelemetryReport): string {
  const runs = r.user_commands.reduce((n, c) => n + c.count, 0);
  const items: [string, string, string | number][] = [
    ["events", "events", r.events],
    ["runs", "runs", r.runs],
    ["commands", "user commands run", runs],
    ["corrupt", "corrupt lines", r.corrupt_lines],
    ["tokens", "tokens", r.tokens.total],
    ["hit-rate", "AST cache hit rate", pct(r.cache.ast_counters.hit_rate)],
    ["drop-rate", "drop rate", `${(r.drops.drop_rate * 100).toFixed(2)}%`],
    ["written", "events written", r.drops.written],
  ];
  return `<section id="summary"><h2>Summary</h2><dl class="summary">${
    items.map(([id, k, v]) =>
      `<dt>${escapeHtml(k)}</dt><dd data-key="${id}">${escapeHtml(String(v))}</dd>`
    ).join("")
  }</dl></section>`;
}

function latencySection(r: TelemetryReport, series: Map<string, LatencyPoint[]>): string {
  const figures = r.user_commands.map((c) => {
    const points = series.get(c.cmd) ?? [];
    const shown = samplePoints(points);
    const note = points.length > MAX_CHART_POINTS
      ? ` <span class="note">(${shown.length} of ${points.length} runs drawn)</span>`
      : "";
    return `<figure class="chart" data-cmd="${escapeHtml(c.cmd)}"><figcaption>` +
      `<span class="cmd">${
        escapeHtml(c.cmd)
      }</span>: <span class="count">${c.count}</span> runs, ` +
      `p50 <span class="p50">${c.p50_ms}</span> ms, p95 <span class="p95">${c.p95_ms}</span> ms, ` +
      `max <span class="max">${c.max_ms}</span> ms${note}</figcaption>` +
      latencyChart(shown, `latency of ${c.cmd} over time`) + `</figure>`;
  }).join("");
  const h = r.latency_histogram;
  const histogram = h.counts.length === 0 ? "" : `<h2>Latency histogram of user commands</h2>` +
    `<p class="note">timing_ms, log-scale buckets</p>` +
    barsChart(h.counts.map((value, i) => ({ label: bucketLabel(h, i), value })));
  return `<section id="latency"><h2>Latency over time, per command</h2>${
    figures || `<p class="note">no user command in the window</p>`
  }${histogram}</section>`;
}

function internalRow(r: InternalRow, cls: string): string {
  return `<tr class="${cls}">${
    cells("td", [`↳ ${r.cmd}`, r.count, r.per_command, r.p50_ms, r.p95_ms, r.max_ms])
  }</tr>`;
}

function commandsSection(r: TelemetryReport): string {
  const rows = r.user_commands.map((c) =>
    `<tr class="command" data-cmd="${escapeHtml(c.cmd)}">${
      cells("td", [c.cmd, c.count, c.errors, c.p50_ms, c.p95_ms, c.max_ms])
    }</tr>` + c.internal.map((i) => internalRow(i, "internal")).join("")
  ).join("");
  const orphans = r.internal_unattributed.length === 0
    ? ""
    : `<tr class="orphans">${cells("td", ["(no command)", "", "", "", "", ""])}</tr>` +
      r.internal_unattributed.map((i) => internalRow(i, "internal")).join("");
  return `<section id="commands"><h2>User commands and the internal events they caused</h2>` +
    `<table><thead><tr>${
      cells("th", ["command", "runs (events)", "errors (per run)", "p50 ms", "p95 ms", "max ms"])
    }</tr></thead><tbody>${rows}${orphans}</tbody></table></section>`;
}

function cacheSection(r: TelemetryReport): string {
  const rows = r.cache.by_command.map((c) =>
    `<tr data-cmd="${escapeHtml(c.cmd)}">${cells("td", [c.cmd, c.hits, c.misses])}<td>${
      pct(c.hit_rate)
    }</td><td>${rateBar(c.hit_rate)}</td></tr>`
  ).join("");
  const a = r.cache.ast_counters;
  return `<section id="cache"><h2>Cache hit rates</h2><table><thead><tr>${
    cells("th", ["source", "hits", "misses", "hit rate", ""])
  }</tr></thead><tbody>${rows}<tr class="ast">${
    cells("td", ["AST cache counters (cumulative)", a.hits, a.misses])
  }<td>${pct(a.hit_rate)}</td><td>${rateBar(a.hit_rate)}</td></tr></tbody></table></section>`;
}

function dropsSection(r: TelemetryReport): string {
  const d = r.drops;
  const keys: [string, string | number][] = [
    ["attempted", d.attempted],
    ["written", d.written],
    ["write failed", d.write_failed],
    ["flushes failed", d.flush_failed],
    ["lock skipped", d.lock_skipped],
    ["drop rate", `${(d.drop_rate * 100).toFixed(2)}%`],
  ];
  const warnings = r.top_warnings.map((w) =>
    `<li><span class="count">${w.count}×</span> ${escapeHtml(w.warning)}</li>`
  ).join("");
  const read = r.read_warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("");
  return `<section id="drops"><h2>Writes and drops (cumulative)</h2><table><thead><tr>${
    cells("th", keys.map(([k]) => k))
  }</tr></thead><tbody><tr>${cells("td", keys.map(([, v]) => v))}</tr></tbody></table>` +
    `<h2>Top warnings</h2><ul id="warnings">${warnings || "<li>none</li>"}</ul>` +
    (read ? `<h2>Read warnings</h2><ul id="read-warnings">${read}</ul>` : "") + `</section>`;
}

/**
 * The report as one self-contained HTML page (UTF-8, no script, nothing
 * loaded): summary, latency over time per user command, the latency
 * histogram, commands with their internal events, cache hit rates, drops
 * and warnings. `events` are those the report was built from.
 *
 * @example
 * ```ts
 * import { renderHtmlReport } from "./report_html.ts";
 * import { buildReport } from "./report.ts";
 * import { readTelemetry } from "./read.ts";
 * import { ok } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/events.jsonl`,
 *   '{"ts":"2026-01-01T00:00:00Z","run_id":"r","cmd":"<img src=x onerror=alert(1)>","timing_ms":4}\n');
 * const data = await readTelemetry(dir);
 * const html = renderHtmlReport(buildReport(data), data.events);
 * ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
 * ok(!html.includes("<img"));
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function renderHtmlReport(
  report: TelemetryReport,
  events: readonly StoredEvent[],
  options: HtmlReportOptions = {},
): string {
  const window = report.window_days > 0 ? `last ${report.window_days} days` : "all time";
  const made = (options.now ?? new Date()).toISOString();
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${HTML_REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${HTML_REPORT_TITLE}</title><style>${STYLE}</style></head>
<body><h1>${HTML_REPORT_TITLE}</h1>
<p class="note">${escapeHtml(window)} · made ${
    escapeHtml(made)
  } · ${report.files.length} event file(s)</p>
${summary(report)}
${latencySection(report, seriesByCommand(events, options))}
${commandsSection(report)}
${cacheSection(report)}
${dropsSection(report)}
</body></html>
`;
}
