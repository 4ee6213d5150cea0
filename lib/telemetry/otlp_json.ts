/**
 * `telemetry export --format otlp`: stored events as OTLP/JSON for upload
 * later (a machine offline, a CI job, an agent sandbox). The output is the
 * OTLP file format: JSON Lines, each line one `ExportTraceServiceRequest`
 * (at most {@linkcode SPANS_PER_REQUEST} spans) or, last, one
 * `ExportMetricsServiceRequest`. The encoding is the live export's
 * (lib/telemetry/otel_json.ts), and so are the spans: a user command is a
 * root span `trifecta.<cmd>`, the internal events it caused are its
 * children (lib/telemetry/report_groups.ts). Attributes are the events'
 * fields as read back, redacted (lib/telemetry/stored_event.ts): `segment_id`,
 * never a path. Loaded only by `telemetry export --format otlp`.
 *
 * @module
 */
import { sha256Hex } from "../sha256.ts";
import type { TelemetryEvent } from "./event.ts";
import {
  type Attributes,
  encodeMetrics,
  encodeTraces,
  eventAttributes,
  type HistogramRecord,
  LATENCY_BOUNDS_MS,
  type OtlpSource,
  type SpanRecord,
} from "./otel_json.ts";
import { DURATION_METRIC } from "./otel_live.ts";
import type { TelemetryData } from "./read.ts";
import { type EventGroup, groupEvents, type GroupOptions } from "./report_groups.ts";
import type { StoredEvent } from "./stored_event.ts";
import type { Counters } from "./summary.ts";

/** Spans in one `ExportTraceServiceRequest` line (collectors bound a request's size). */
export const SPANS_PER_REQUEST = 1000;

/** `aggregationTemporality` CUMULATIVE: `metrics.json` counts since the directory began. */
const CUMULATIVE = 2;

/** Options for {@linkcode exportOtlp}. */
export interface OtlpExportOptions extends GroupOptions {
  /** `service.version` (trifecta's version). */
  version: string;
  /** The segment id, as resource attribute `trifecta.segment_id` (never a path). */
  segmentId?: string;
  /** Time of the export: the metrics' end time (default now). */
  now?: Date;
}

/** What {@linkcode exportOtlp} produced. */
export interface OtlpExport {
  /** The JSON Lines text (trace requests, then the metrics request), ending with a newline. */
  text: string;
  /** Spans written. */
  spans: number;
  /** Events left out of the traces because their `ts` is missing or not a time. */
  untimed: number;
}

/** A stable id of `bytes` bytes for `parts` (hex): the same file exports the same ids. */
function stableId(bytes: number, ...parts: (string | number)[]): string {
  return sha256Hex(parts.join("\u0000")).slice(0, bytes * 2);
}

function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

/** The attributes of a read event: those of the live export, without empty ids. */
function attributesOf(ev: StoredEvent): Attributes {
  const t = ev.tokens ?? {};
  const event: TelemetryEvent = {
    ts: ev.ts ?? "",
    run_id: ev.run_id ?? "",
    segment_id: ev.segment_id ?? "",
    cmd: ev.cmd,
    args: ev.args,
    result: ev.result,
    timing_ms: ev.timing_ms,
    tokens: {
      input_tokens: num(t.input_tokens),
      output_tokens: num(t.output_tokens),
      total_tokens: num(t.total_tokens),
      retrieved_tokens: num(t.retrieved_tokens),
    },
    warnings: ev.warnings,
    x: ev.x,
  };
  const a = eventAttributes(event);
  if (a.segment_id === "") delete a.segment_id;
  if (a.run_id === "") delete a.run_id;
  return a;
}

/** A span of `ev`, ending at its `ts`; `undefined` when it has no usable time. */
function spanOf(ev: StoredEvent, ids: { traceId: string; spanId: string }): SpanRecord | undefined {
  const end = ev.ts === undefined ? NaN : Date.parse(ev.ts);
  if (!Number.isFinite(end)) return undefined;
  const code = ev.result.error_code;
  return {
    ...ids,
    name: `trifecta.${ev.cmd}`,
    startMs: end - Math.max(0, ev.timing_ms),
    endMs: end,
    attributes: attributesOf(ev),
    isError: ev.result.status === "error",
    errorCode: typeof code === "string" ? code : undefined,
  };
}

/** Spans of one group: the command as root, its internal events as children; `untimed` counts the rest. */
function groupSpans(g: EventGroup, out: SpanRecord[]): number {
  let untimed = 0;
  const command = g.command;
  const traceId = stableId(16, "trace", g.run, g.seq, command === undefined ? "none" : "cmd");
  const rootId = stableId(8, "span", g.run, g.positions.at(-1) ?? 0);
  const root = command === undefined ? undefined : spanOf(command, { traceId, spanId: rootId });
  g.internal.forEach((ev, i) => {
    const pos = g.positions[i] ?? i;
    const own = root === undefined ? stableId(16, "trace", g.run, "event", pos) : traceId;
    const span = spanOf(ev, { traceId: own, spanId: stableId(8, "span", g.run, pos) });
    if (span === undefined) return void untimed++;
    if (root !== undefined) {
      span.parentSpanId = root.spanId;
      span.startMs = Math.max(span.startMs, root.startMs);
    }
    out.push(span);
  });
  if (root !== undefined) out.push(root);
  else if (command !== undefined) untimed++;
  return untimed;
}

/** One histogram series per (event, status), over the live export's bounds. */
function durations(events: readonly StoredEvent[]): HistogramRecord[] {
  const series = new Map<string, HistogramRecord>();
  for (const ev of events) {
    const status = typeof ev.result.status === "string" ? ev.result.status : "ok";
    const key = `${ev.cmd}\u0000${status}`;
    let h = series.get(key);
    if (h === undefined) {
      h = {
        attributes: { event: ev.cmd, status },
        count: 0,
        sum: 0,
        min: ev.timing_ms,
        max: ev.timing_ms,
        bucketCounts: new Array(LATENCY_BOUNDS_MS.length + 1).fill(0),
      };
      series.set(key, h);
    }
    const ms = ev.timing_ms;
    h.count++;
    h.sum += ms;
    h.min = Math.min(h.min, ms);
    h.max = Math.max(h.max, ms);
    const b = LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound);
    const i = b === -1 ? LATENCY_BOUNDS_MS.length : b;
    h.bucketCounts[i] = (h.bucketCounts[i] ?? 0) + 1;
  }
  return [...series.values()];
}

/** Counter names as OpenTelemetry instrument names (`trifecta.<counter>`, letters, digits, `_.-/`). */
function counterSums(metrics: Counters): Map<string, number> {
  const sums = new Map<string, number>();
  for (const [key, value] of Object.entries(metrics)) {
    if (!Number.isFinite(value)) continue;
    sums.set(`trifecta.${key.replace(/[^A-Za-z0-9_.\-/]/g, "_")}`.slice(0, 255), value);
  }
  return sums;
}

/** The metrics request: cumulative counter Sums, and the events' duration histogram over the window. */
function metricsLine(
  data: TelemetryData,
  spans: readonly SpanRecord[],
  source: OtlpSource,
  now: Date,
): string {
  let start = now.getTime();
  for (const s of spans) start = Math.min(start, s.startMs);
  const series = durations(data.events);
  const body = encodeMetrics({
    startMs: start,
    endMs: now.getTime(),
    sums: counterSums(data.metrics),
    histograms: new Map(
      series.length === 0 ? [] : [[DURATION_METRIC, {
        unit: "ms",
        description: "Duration of each trifecta operation (one value per telemetry event)",
        series,
      }]],
    ),
  }, source);
  for (const rm of body.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) if (m.sum) m.sum.aggregationTemporality = CUMULATIVE;
    }
  }
  return JSON.stringify(body);
}

/**
 * The events and counters of `data` as OTLP/JSON lines: trace requests of
 * at most {@linkcode SPANS_PER_REQUEST} spans, then one metrics request.
 *
 * @example
 * ```ts
 * import { exportOtlp } from "./otlp_json.ts";
 * import { readTelemetry } from "./read.ts";
 * import { equal } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/events.jsonl`, [
 *   '{"ts":"2026-01-01T00:00:00.002Z","run_id":"r","cmd":"ast.parse","timing_ms":1}',
 *   '{"ts":"2026-01-01T00:00:00.005Z","run_id":"r","cmd":"ast.skeleton","timing_ms":5}',
 * ].join("\n") + "\n");
 * const out = exportOtlp(await readTelemetry(dir), {
 *   version: "0.1.0", commandNames: new Set(["ast.skeleton"]),
 * });
 * const [traces, metrics] = out.text.trim().split("\n").map((l) => JSON.parse(l));
 * const spans = traces.resourceSpans[0].scopeSpans[0].spans;
 * equal(spans[0].parentSpanId, spans[1].spanId);
 * equal(spans[1].name, "trifecta.ast.skeleton");
 * equal(spans[1].startTimeUnixNano, "1767225600000000000");
 * equal(metrics.resourceMetrics.length, 1);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function exportOtlp(data: TelemetryData, options: OtlpExportOptions): OtlpExport {
  const spans: SpanRecord[] = [];
  let untimed = 0;
  for (const g of groupEvents(data.events, options)) untimed += groupSpans(g, spans);
  const resource: Attributes = { "service.name": "trifecta", "service.version": options.version };
  if (options.segmentId !== undefined) resource["trifecta.segment_id"] = options.segmentId;
  const source: OtlpSource = { resource, scope: "trifecta", version: options.version };
  const lines: string[] = [];
  for (let i = 0; i < spans.length; i += SPANS_PER_REQUEST) {
    lines.push(JSON.stringify(encodeTraces(spans.slice(i, i + SPANS_PER_REQUEST), source)));
  }
  lines.push(metricsLine(data, spans, source, options.now ?? new Date()));
  return { text: lines.join("\n") + "\n", spans: spans.length, untimed };
}
