/**
 * The inline SVG charts of `telemetry report --html`, drawn here (no chart
 * library, nothing fetched), and the HTML escaping every string of the page
 * goes through: event names, warnings and attribute values come from
 * telemetry files a repository can ship, so they are untrusted.
 *
 * @module
 */

/**
 * Escape `text` for HTML text and for a double- or single-quoted attribute
 * value: `&`, `<`, `>`, `"` and `'` become entities.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./report_html_svg.ts";
 * import { equal } from "node:assert/strict";
 * equal(escapeHtml(`<img src=x onerror="a('&')">`),
 *   "&lt;img src=x onerror=&quot;a(&#39;&amp;&#39;)&quot;&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** One point of a latency series: when the command ended, and how long it took. */
export interface LatencyPoint {
  /** End time, ms since the epoch. */
  t: number;
  /** `timing_ms`. */
  ms: number;
}

/** Most points drawn in one chart; a longer series is sampled evenly (the caption says so). */
export const MAX_CHART_POINTS = 400;

const W = 640;
const H = 180;
const PAD = { left: 72, right: 12, top: 10, bottom: 28 };

/** Every `k`-th point so that at most {@linkcode MAX_CHART_POINTS} remain (the last one kept). */
export function samplePoints(points: readonly LatencyPoint[]): LatencyPoint[] {
  if (points.length <= MAX_CHART_POINTS) return [...points];
  const step = points.length / MAX_CHART_POINTS;
  const out: LatencyPoint[] = [];
  for (let i = 0; i < MAX_CHART_POINTS - 1; i++) {
    const p = points[Math.floor(i * step)];
    if (p) out.push(p);
  }
  const last = points.at(-1);
  if (last) out.push(last);
  return out;
}

function fmt(n: number): string {
  return String(Number(n.toFixed(1)));
}

/** UTC time for an axis label (`2026-01-02 13:04:05 UTC`). */
function timeLabel(t: number): string {
  return new Date(t).toISOString().slice(0, 19).replace("T", " ") + " UTC";
}

function scaleOf(lo: number, hi: number, a: number, b: number): (v: number) => number {
  return (v) => (hi > lo ? a + ((v - lo) / (hi - lo)) * (b - a) : (a + b) / 2);
}

/**
 * A line chart of latency over time: time on x, `timing_ms` on a log y axis
 * (1 ms to the slowest run), a dot per run when there are few.
 */
export function latencyChart(points: readonly LatencyPoint[], label: string): string {
  const open = `<svg class="latency" role="img" aria-label="${
    escapeHtml(label)
  }" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">`;
  if (points.length === 0) {
    return `${open}<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no timed runs</text></svg>`;
  }
  let t0 = Infinity, t1 = -Infinity, top = 1;
  for (const p of points) {
    t0 = Math.min(t0, p.t);
    t1 = Math.max(t1, p.t);
    top = Math.max(top, p.ms);
  }
  const x = scaleOf(t0, t1, PAD.left, W - PAD.right);
  const logY = scaleOf(0, Math.log10(Math.max(top, 10)), H - PAD.bottom, PAD.top);
  const y = (ms: number) => logY(Math.log10(Math.max(ms, 1)));
  const xy = points.map((p) => `${fmt(x(p.t))},${fmt(y(p.ms))}`);
  // Powers of ten, and the slowest run at the top (a power too close to it is left out).
  const ticks = [1, 10, 100, 1000, 10000, 100000].filter((v) => y(v) - y(top) > 14 || v === 1);
  if (top > 1) ticks.push(Math.round(top));
  const grid = ticks.map((v) =>
    `<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${fmt(y(v))}" y2="${
      fmt(y(v))
    }"/><text class="tick" x="${PAD.left - 4}" y="${
      fmt(y(v) + 4)
    }" text-anchor="end">${v} ms</text>`
  ).join("");
  const dots = points.length <= 120
    ? points.map((p) => `<circle cx="${fmt(x(p.t))}" cy="${fmt(y(p.ms))}" r="2.5"/>`).join("")
    : "";
  const axis = `<text class="tick" x="${PAD.left}" y="${H - 8}">${timeLabel(t0)}</text>` +
    `<text class="tick" x="${W - PAD.right}" y="${H - 8}" text-anchor="end">${
      timeLabel(t1)
    }</text>`;
  return `${open}${grid}${axis}<polyline points="${xy.join(" ")}"/>${dots}</svg>`;
}

/** A vertical bar chart of labelled counts (the latency histogram), labels under the bars. */
export function barsChart(items: readonly { label: string; value: number }[]): string {
  const n = Math.max(1, items.length);
  const slot = (W - PAD.left - PAD.right) / n;
  let max = 1;
  for (const it of items) max = Math.max(max, it.value);
  const bars = items.map((it, i) => {
    const h = (it.value / max) * (H - PAD.top - PAD.bottom - 14);
    const x = PAD.left + i * slot;
    const yTop = H - PAD.bottom - h;
    return `<rect x="${fmt(x + 2)}" y="${fmt(yTop)}" width="${fmt(slot - 4)}" height="${
      fmt(h)
    }"/>` +
      `<text class="value" x="${fmt(x + slot / 2)}" y="${
        fmt(yTop - 3)
      }" text-anchor="middle">${it.value}</text>` +
      `<text class="tick" x="${fmt(x + slot / 2)}" y="${H - 10}" text-anchor="middle">${
        escapeHtml(it.label)
      }</text>`;
  }).join("");
  return `<svg class="bars" role="img" aria-label="latency histogram" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${bars}</svg>`;
}

/** A small horizontal bar for a rate in [0, 1]. */
export function rateBar(rate: number): string {
  const w = Math.round(Math.min(1, Math.max(0, rate)) * 120);
  return `<svg class="rate" viewBox="0 0 120 10" width="120" height="10"><rect class="track" width="120" height="10"/><rect width="${w}" height="10"/></svg>`;
}
