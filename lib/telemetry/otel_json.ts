/**
 * OTLP/JSON of trifecta's spans and metrics: the protobuf-JSON mapping of
 * `ExportTraceServiceRequest` and `ExportMetricsServiceRequest` (ids as hex,
 * 64-bit integers as decimal strings, enums as numbers). Pure; the live
 * export (lib/telemetry/otel_live.ts) builds the records, this file only
 * encodes them.
 *
 * @module
 */
import type { TelemetryEvent } from "./event.ts";

/** An attribute value OTLP carries. */
export type AttrValue = string | number | boolean | string[] | number[] | boolean[];

/** Attributes of a span, a data point or the resource. */
export type Attributes = Record<string, AttrValue>;

/** One finished span. */
export interface SpanRecord {
  /** 32 hex digits. */
  traceId: string;
  /** 16 hex digits. */
  spanId: string;
  /** The parent's span id; absent for a trace's root. */
  parentSpanId?: string;
  /** `trifecta.<event>`. */
  name: string;
  /** Start, ms since the epoch (fractional). */
  startMs: number;
  /** End, ms since the epoch (fractional). */
  endMs: number;
  /** Attributes (from the redacted event). */
  attributes: Attributes;
  /** The error code when the operation failed. */
  errorCode?: string;
  /** True when the operation failed. */
  isError: boolean;
}

/** One histogram series (one set of attributes). */
export interface HistogramRecord {
  /** The series' attributes. */
  attributes: Attributes;
  /** Values recorded. */
  count: number;
  /** Their sum. */
  sum: number;
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
  /** One count per bucket: `bounds.length + 1`. */
  bucketCounts: number[];
}

/** What one metrics export holds: counter deltas and histograms over a window. */
export interface MetricsRecord {
  /** Window start, ms since the epoch. */
  startMs: number;
  /** Window end, ms since the epoch. */
  endMs: number;
  /** Counter name → delta over the window. */
  sums: Map<string, number>;
  /** Histogram name → its series. */
  histograms: Map<string, { unit: string; description: string; series: HistogramRecord[] }>;
}

/** Upper bounds of the latency buckets (ms): roughly log-spaced, 1 ms to 1 min. */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  1,
  2,
  5,
  10,
  25,
  50,
  100,
  250,
  500,
  1000,
  2500,
  5000,
  10000,
  30000,
  60000,
];

/** The latency histogram's name: one value per telemetry event, by `event` and `status`. */
export const DURATION_METRIC = "trifecta.event.duration";

/** At most this many attributes per span (the rest are left out and counted). */
export const MAX_SPAN_ATTRIBUTES = 64;

/** Unix nanoseconds as OTLP/JSON writes a fixed64: a decimal string. */
export function unixNanos(ms: number): string {
  return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
}

/** An OTLP `AnyValue` in its JSON form. */
export type OtlpAnyValue =
  | { stringValue: string }
  | { intValue: string }
  | { doubleValue: number }
  | { boolValue: boolean }
  | { arrayValue: { values: OtlpAnyValue[] } };

function scalar(v: string | number | boolean): OtlpAnyValue {
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  return Number.isSafeInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

function anyValue(v: AttrValue): OtlpAnyValue {
  if (!Array.isArray(v)) return scalar(v);
  return { arrayValue: { values: (v as (string | number | boolean)[]).map(scalar) } };
}

/** An OTLP `KeyValue` in its JSON form. */
export interface OtlpKeyValue {
  /** Attribute name. */
  key: string;
  /** Its value. */
  value: OtlpAnyValue;
}

/** `{key, value}` pairs, sorted by key. */
export function encodeAttributes(attrs: Attributes): OtlpKeyValue[] {
  return Object.keys(attrs).sort().flatMap((key) => {
    const v = attrs[key];
    return v === undefined ? [] : [{ key, value: anyValue(v) }];
  });
}

function isScalarArray(v: unknown[]): v is string[] | number[] | boolean[] {
  const t = typeof v[0];
  return (t === "string" || t === "number" || t === "boolean") &&
    v.every((x) => typeof x === t && (t !== "number" || Number.isFinite(x)));
}

/** Flatten one redacted value under `key` (objects by dotted keys, two levels deep). */
function flatten(out: Attributes, key: string, value: unknown, depth: number): void {
  if (value === null || value === undefined) return;
  if (typeof value === "string" || typeof value === "boolean") out[key] = value;
  else if (typeof value === "number") {
    if (Number.isFinite(value)) out[key] = value;
  } else if (Array.isArray(value)) {
    // A list of redacted scalars stays a list; anything else, its redacted JSON.
    out[key] = value.length > 0 && isScalarArray(value) ? value : JSON.stringify(value);
  } else if (typeof value === "object") {
    if (depth >= 2) {
      out[key] = JSON.stringify(value);
      return;
    }
    for (const [k, v] of Object.entries(value)) flatten(out, `${key}.${k}`, v, depth + 1);
  }
}

/**
 * The attributes of a span made from a redacted event: exactly the event's
 * fields (`segment_id`, `run_id`, `args.*`, `result.*`, `x.*`, `tokens.*`,
 * `timing_ms`, `warnings`), flattened; at most
 * {@linkcode MAX_SPAN_ATTRIBUTES}, the rest counted in
 * `trifecta.dropped_attributes`.
 *
 * @example
 * ```ts
 * import { eventAttributes } from "./otel_json.ts";
 * import { equal } from "node:assert/strict";
 * const a = eventAttributes({
 *   ts: "2026-01-01T00:00:00.000Z", run_id: "run_1", segment_id: "0123abcd", cmd: "ast.parse",
 *   args: { file: "src/a.py" }, result: { status: "ok" }, timing_ms: 3,
 *   tokens: { input_tokens: 1, output_tokens: 1, retrieved_tokens: 0, total_tokens: 2 },
 *   warnings: [], x: { cache_hit: true },
 * });
 * equal(a["args.file"], "src/a.py");
 * equal(a["x.cache_hit"], true);
 * equal(a.segment_id, "0123abcd");
 * ```
 */
export function eventAttributes(ev: TelemetryEvent): Attributes {
  const all: Attributes = {};
  all.segment_id = ev.segment_id;
  all.run_id = ev.run_id;
  all.timing_ms = ev.timing_ms;
  flatten(all, "args", ev.args, 0);
  flatten(all, "result", ev.result, 0);
  flatten(all, "x", ev.x, 0);
  flatten(all, "tokens", ev.tokens, 0);
  if (ev.warnings.length > 0) all.warnings = ev.warnings;
  const keys = Object.keys(all);
  if (keys.length <= MAX_SPAN_ATTRIBUTES) return all;
  const kept: Attributes = {};
  for (const k of keys.slice(0, MAX_SPAN_ATTRIBUTES - 1)) kept[k] = all[k] as AttrValue;
  kept["trifecta.dropped_attributes"] = keys.length - (MAX_SPAN_ATTRIBUTES - 1);
  return kept;
}

/** Who sends: the OTLP resource and scope. */
export interface OtlpSource {
  /** Resource attributes (`service.name`, …). */
  resource: Attributes;
  /** Instrumentation scope name. */
  scope: string;
  /** Instrumentation scope version. */
  version: string;
}

/** The resource and scope of a request, in their JSON form. */
interface Envelope {
  resource: { attributes: OtlpKeyValue[] };
  scope: { name: string; version: string };
}

/** One span of an `ExportTraceServiceRequest`, in its JSON form. */
export interface OtlpSpan {
  /** 32 hex digits. */
  traceId: string;
  /** 16 hex digits. */
  spanId: string;
  /** Absent for a root span. */
  parentSpanId?: string;
  /** Span name. */
  name: string;
  /** 1: INTERNAL. */
  kind: number;
  /** Decimal string. */
  startTimeUnixNano: string;
  /** Decimal string. */
  endTimeUnixNano: string;
  /** Attributes. */
  attributes: OtlpKeyValue[];
  /** 0 UNSET, 2 ERROR (with the error code). */
  status: { code: number; message?: string };
}

/** `ExportTraceServiceRequest` in its JSON form. */
export interface OtlpTraceRequest {
  /** One resource: this process. */
  resourceSpans: {
    resource: Envelope["resource"];
    scopeSpans: { scope: Envelope["scope"]; spans: OtlpSpan[] }[];
  }[];
}

/** `ExportMetricsServiceRequest` in its JSON form. */
export interface OtlpMetricsRequest {
  /** One resource: this process. */
  resourceMetrics: {
    resource: Envelope["resource"];
    scopeMetrics: { scope: Envelope["scope"]; metrics: OtlpMetric[] }[];
  }[];
}

function envelope(source: OtlpSource): Envelope {
  return {
    resource: { attributes: encodeAttributes(source.resource) },
    scope: { name: source.scope, version: source.version },
  };
}

/**
 * `ExportTraceServiceRequest` as OTLP/JSON. Span kind is INTERNAL (1);
 * status ERROR (2) with the error code as message for a failed operation,
 * else UNSET (0).
 *
 * @example
 * ```ts
 * import { encodeTraces } from "./otel_json.ts";
 * import { equal } from "node:assert/strict";
 * const body = encodeTraces([{
 *   traceId: "0".repeat(31) + "1", spanId: "0".repeat(15) + "2", name: "trifecta.ast.skeleton",
 *   startMs: 1, endMs: 2, attributes: { segment_id: "0123abcd" }, isError: false,
 * }], { resource: { "service.name": "trifecta" }, scope: "trifecta", version: "0.1.0" });
 * const span = body.resourceSpans[0]?.scopeSpans[0]?.spans[0];
 * equal(span?.name, "trifecta.ast.skeleton");
 * equal(span?.endTimeUnixNano, "2000000");
 * ```
 */
export function encodeTraces(
  spans: readonly SpanRecord[],
  source: OtlpSource,
): OtlpTraceRequest {
  const { resource, scope } = envelope(source);
  return {
    resourceSpans: [{
      resource,
      scopeSpans: [{
        scope,
        spans: spans.map((s) => ({
          traceId: s.traceId,
          spanId: s.spanId,
          ...(s.parentSpanId === undefined ? {} : { parentSpanId: s.parentSpanId }),
          name: s.name,
          kind: 1,
          startTimeUnixNano: unixNanos(s.startMs),
          endTimeUnixNano: unixNanos(Math.max(s.endMs, s.startMs)),
          attributes: encodeAttributes(s.attributes),
          status: s.isError ? { code: 2, message: s.errorCode ?? "error" } : { code: 0 },
        })),
      }],
    }],
  };
}

/** A Sum's data point: `asInt` (a decimal string) or `asDouble`. */
export interface OtlpNumberPoint {
  attributes: [];
  startTimeUnixNano: string;
  timeUnixNano: string;
  asInt?: string;
  asDouble?: number;
}

/** One metric of an export: a Sum or a Histogram. */
export interface OtlpMetric {
  name: string;
  unit: string;
  description: string;
  sum?: { dataPoints: OtlpNumberPoint[]; aggregationTemporality: number; isMonotonic: boolean };
  histogram?: { aggregationTemporality: number; dataPoints: Record<string, unknown>[] };
}

/**
 * `ExportMetricsServiceRequest` as OTLP/JSON: each counter a delta Sum
 * (`asInt` when whole), each histogram a delta explicit-bucket Histogram
 * over {@linkcode LATENCY_BOUNDS_MS}.
 *
 * @example
 * ```ts
 * import { encodeMetrics } from "./otel_json.ts";
 * import { equal } from "node:assert/strict";
 * const body = encodeMetrics({
 *   startMs: 1, endMs: 2, sums: new Map([["trifecta.ast_parse_count", 3]]), histograms: new Map(),
 * }, { resource: {}, scope: "trifecta", version: "0.1.0" });
 * const m = body.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0];
 * equal(m?.name, "trifecta.ast_parse_count");
 * equal(m?.sum?.dataPoints[0]?.asInt, "3");
 * ```
 */
export function encodeMetrics(record: MetricsRecord, source: OtlpSource): OtlpMetricsRequest {
  const { resource, scope } = envelope(source);
  const start = unixNanos(record.startMs);
  const time = unixNanos(record.endMs);
  const metrics: OtlpMetric[] = [];
  for (const [name, value] of [...record.sums].sort(([a], [b]) => a.localeCompare(b))) {
    const v = Number.isSafeInteger(value) ? { asInt: String(value) } : { asDouble: value };
    metrics.push({
      name,
      unit: "1",
      description: "",
      sum: {
        dataPoints: [{ attributes: [], startTimeUnixNano: start, timeUnixNano: time, ...v }],
        aggregationTemporality: 1,
        isMonotonic: value >= 0,
      },
    });
  }
  for (const [name, h] of record.histograms) {
    metrics.push({
      name,
      unit: h.unit,
      description: h.description,
      histogram: {
        aggregationTemporality: 1,
        dataPoints: h.series.map((s) => ({
          attributes: encodeAttributes(s.attributes),
          startTimeUnixNano: start,
          timeUnixNano: time,
          count: String(s.count),
          sum: s.sum,
          min: s.min,
          max: s.max,
          bucketCounts: s.bucketCounts.map(String),
          explicitBounds: [...LATENCY_BOUNDS_MS],
        })),
      },
    });
  }
  return { resourceMetrics: [{ resource, scopeMetrics: [{ scope, metrics }] }] };
}
