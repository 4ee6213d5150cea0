/**
 * The live OpenTelemetry export: spans and metrics derived from telemetry
 * events, sent as OTLP/HTTP JSON to a collector. Loaded only when the
 * export is on (lib/telemetry/otel_scope.ts).
 *
 * - A trace is a command (or one MCP or daemon request): its root span
 *   `trifecta.<cmd>` takes the attributes of the command's own event; every
 *   other event recorded inside it (`ast.parse`, `ast.cache.write`,
 *   `lsp.request`, …) becomes a child span `trifecta.<event>` that ends when
 *   the event is recorded and lasts its `timing_ms`. Attributes are the
 *   event's fields after redaction (lib/telemetry/otel_json.ts), nothing else.
 * - Metrics: the run's counters as delta Sums `trifecta.<counter>`, and the
 *   histogram `trifecta.event.duration` (ms) by `event` and `status`.
 * - Loss: every span or data point not delivered is counted
 *   (`otel_spans_dropped`, `otel_metric_points_dropped`, and
 *   `otel_export_<outcome>` per failed request); `telemetry health` reports it.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { TrifectaError } from "../errors.ts";
import type { OtelConfig } from "./otel_config.ts";
import {
  type Attributes,
  DURATION_METRIC,
  encodeMetrics,
  encodeTraces,
  eventAttributes,
  type HistogramRecord,
  LATENCY_BOUNDS_MS,
  type MetricsRecord,
  type OtlpSource,
  type SpanRecord,
} from "./otel_json.ts";
import { postOtlp, type PostOutcome } from "./otel_post.ts";
import type { TelemetryEvent } from "./event.ts";
import type { Telemetry } from "./telemetry.ts";
import type { Counters } from "./summary.ts";

/** Spans kept between exports; past it, new spans are dropped and counted. */
export const MAX_BUFFERED_SPANS = 2048;

export { DURATION_METRIC } from "./otel_json.ts";

/** The trace a piece of work belongs to (kept in async context). */
interface TraceState {
  traceId: string;
  rootSpanId: string;
  name: string;
  startMs: number;
  attributes: Attributes;
  isError: boolean;
  errorCode?: string;
  /** True once the command's own event gave the root its attributes. */
  ownEvent: boolean;
}

/** Options of {@linkcode LiveExport}. */
export interface LiveExportOptions {
  /** `service.version` (trifecta's version). */
  version: string;
}

function hexId(bytes: number): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A counter name as an OpenTelemetry instrument name (letters, digits, `_.-/`). */
function metricName(key: string): string {
  return `trifecta.${key.replace(/[^A-Za-z0-9_.\-/]/g, "_")}`.slice(0, 255);
}

function bucketOf(ms: number): number {
  const i = LATENCY_BOUNDS_MS.findIndex((b) => ms <= b);
  return i === -1 ? LATENCY_BOUNDS_MS.length : i;
}

/**
 * The live export of one process, bound to its {@linkcode Telemetry}.
 * Exports happen when {@linkcode LiveExport.flush} is called (end of a
 * command) or after each request trace (servers), in the background, each
 * bounded by the config's `timeoutMs`.
 */
export class LiveExport {
  #t: Telemetry;
  #config: OtelConfig;
  #source: OtlpSource;
  #als = new AsyncLocalStorage<TraceState>();
  #spans: SpanRecord[] = [];
  #durations = new Map<string, HistogramRecord>();
  #sent: Counters = {};
  #windowStart = nowMs();
  #inFlight = new Set<Promise<void>>();
  /** The command's trace: the parent of events whose async context was lost. */
  #command: TraceState | undefined;

  /** Attach to `telemetry`: its events become spans from now on. */
  constructor(telemetry: Telemetry, config: OtelConfig, options: LiveExportOptions) {
    this.#t = telemetry;
    this.#config = config;
    this.#source = {
      resource: {
        "service.name": config.serviceName,
        "service.version": options.version,
        "trifecta.segment_id": this.#safe(telemetry.segmentId),
        "trifecta.run_id": this.#safe(telemetry.runId),
      },
      scope: "trifecta",
      version: options.version,
    };
    for (const _ of config.warnings) telemetry.incr("otel_config_warnings");
    telemetry.onEvent((ev) => this.#onEvent(ev));
  }

  /**
   * Run `fn` as a new trace whose root span is `trifecta.<name>`. With
   * `exportAfter`, the trace is sent in the background once it ends (a
   * server's request); else it waits for {@linkcode LiveExport.flush}.
   */
  async runTrace<T>(
    name: string,
    fn: () => Promise<T>,
    options: { exportAfter?: boolean } = {},
  ): Promise<T> {
    const state: TraceState = {
      traceId: hexId(16),
      rootSpanId: hexId(8),
      name,
      startMs: nowMs(),
      attributes: { segment_id: this.#safe(this.#t.segmentId), run_id: this.#safe(this.#t.runId) },
      isError: false,
      ownEvent: false,
    };
    // A command's trace (not a server request's) adopts events recorded out of
    // async context, e.g. from a worker's message handler.
    if (!options.exportAfter) this.#command ??= state;
    try {
      return await this.#als.run(state, fn);
    } catch (err) {
      state.isError = true;
      // Only a code: an error's message may name paths.
      state.errorCode ??= err instanceof TrifectaError ? err.code : "INTERNAL_ERROR";
      throw err;
    } finally {
      if (this.#command === state) this.#command = undefined;
      this.#push({
        traceId: state.traceId,
        spanId: state.rootSpanId,
        name: `trifecta.${name}`,
        startMs: state.startMs,
        endMs: nowMs(),
        attributes: state.attributes,
        isError: state.isError,
        errorCode: state.errorCode,
      });
      if (options.exportAfter) this.#background();
    }
  }

  /**
   * Run `fn` as a stage of the current trace: a child span
   * `trifecta.<name>` of the innermost span (root or stage), parent of the
   * events recorded inside it. Its attributes are the ids only; outside any
   * trace it is just `fn()`.
   */
  async runStage<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const parent = this.#als.getStore() ?? this.#command;
    if (parent === undefined) return await fn();
    const stage: TraceState = {
      ...parent,
      rootSpanId: hexId(8),
      name,
      startMs: nowMs(),
      attributes: { segment_id: this.#safe(this.#t.segmentId), run_id: this.#safe(this.#t.runId) },
      isError: false,
      errorCode: undefined,
      ownEvent: true, // a stage takes no event's attributes: it has none of its own
    };
    try {
      return await this.#als.run(stage, fn);
    } catch (err) {
      stage.isError = true;
      stage.errorCode = err instanceof TrifectaError ? err.code : "INTERNAL_ERROR";
      throw err;
    } finally {
      this.#push({
        traceId: stage.traceId,
        spanId: stage.rootSpanId,
        parentSpanId: parent.rootSpanId,
        name: `trifecta.${name}`,
        startMs: stage.startMs,
        endMs: nowMs(),
        attributes: stage.attributes,
        isError: stage.isError,
        errorCode: stage.errorCode,
      });
    }
  }

  /**
   * Send what is buffered and wait for exports in flight: bounded by the
   * config's `timeoutMs` (the requests run in parallel). Never throws.
   */
  async flush(): Promise<void> {
    await Promise.all([this.#exportNow(), ...this.#inFlight]);
  }

  /** The spans waiting to be sent (a copy): what the next export carries. */
  buffered(): SpanRecord[] {
    return structuredClone(this.#spans);
  }

  #safe(value: string): string {
    return String(this.#t.redact(value));
  }

  #onEvent(ev: TelemetryEvent): void {
    const end = nowMs();
    const status = typeof ev.result.status === "string" ? ev.result.status : "ok";
    this.#recordDuration(ev.cmd, status, ev.timing_ms);
    const isError = status === "error";
    const errorCode = typeof ev.result.error_code === "string" ? ev.result.error_code : undefined;
    const state = this.#als.getStore() ?? this.#command;
    if (state !== undefined && !state.ownEvent && ev.cmd === state.name) {
      state.ownEvent = true;
      state.attributes = eventAttributes(ev);
      state.isError = isError;
      state.errorCode = errorCode;
      return;
    }
    const traceStart = state?.startMs ?? -Infinity;
    this.#push({
      traceId: state?.traceId ?? hexId(16),
      spanId: hexId(8),
      parentSpanId: state?.rootSpanId,
      name: `trifecta.${ev.cmd}`,
      startMs: Math.max(traceStart, end - ev.timing_ms),
      endMs: end,
      attributes: eventAttributes(ev),
      isError,
      errorCode,
    });
  }

  #push(span: SpanRecord): void {
    if (this.#spans.length >= MAX_BUFFERED_SPANS) {
      this.#t.incr("otel_spans_dropped");
      this.#t.incr("otel_export_buffer_full");
      return;
    }
    this.#spans.push(span);
  }

  #recordDuration(event: string, status: string, ms: number): void {
    const key = `${event}\u0000${status}`;
    let h = this.#durations.get(key);
    if (h === undefined) {
      h = {
        attributes: { event, status },
        count: 0,
        sum: 0,
        min: ms,
        max: ms,
        bucketCounts: new Array(LATENCY_BOUNDS_MS.length + 1).fill(0),
      };
      this.#durations.set(key, h);
    }
    h.count++;
    h.sum += ms;
    h.min = Math.min(h.min, ms);
    h.max = Math.max(h.max, ms);
    h.bucketCounts[bucketOf(ms)] = (h.bucketCounts[bucketOf(ms)] ?? 0) + 1;
  }

  /** The counters' change since the last export, and the histograms since then. */
  #takeMetrics(): MetricsRecord {
    const now = this.#t.metrics();
    const sums = new Map<string, number>();
    for (const [key, value] of Object.entries(now)) {
      const delta = value - (this.#sent[key] ?? 0);
      if (delta !== 0) sums.set(metricName(key), delta);
    }
    this.#sent = now;
    const series = [...this.#durations.values()];
    this.#durations.clear();
    const start = this.#windowStart;
    this.#windowStart = nowMs();
    const histograms = new Map<
      string,
      { unit: string; description: string; series: HistogramRecord[] }
    >();
    if (series.length > 0) {
      histograms.set(DURATION_METRIC, {
        unit: "ms",
        description: "Duration of each trifecta operation (one value per telemetry event)",
        series,
      });
    }
    return { startMs: start, endMs: this.#windowStart, sums, histograms };
  }

  #background(): void {
    const p = this.#exportNow().finally(() => this.#inFlight.delete(p));
    this.#inFlight.add(p);
  }

  /** Send the buffered spans and the metrics' change; count what was lost. */
  async #exportNow(): Promise<void> {
    const spans = this.#spans.splice(0);
    const metrics = this.#takeMetrics();
    const points = metrics.sums.size +
      [...metrics.histograms.values()].reduce((n, h) => n + h.series.length, 0);
    if (spans.length === 0 && points === 0) return;
    const c = this.#config;
    const opts = {
      netHost: c.netHost,
      headers: c.headers,
      signal: AbortSignal.timeout(c.timeoutMs),
    };
    const [traces, sent] = await Promise.all([
      spans.length === 0
        ? undefined
        : postOtlp(c.tracesUrl, encodeTraces(spans, this.#source), opts),
      points === 0 ? undefined : postOtlp(c.metricsUrl, encodeMetrics(metrics, this.#source), opts),
    ]);
    this.#count(traces, "spans", spans.length);
    this.#count(sent, "metric_points", points);
  }

  #count(outcome: PostOutcome | undefined, what: string, n: number): void {
    if (outcome === undefined) return;
    if (outcome === "ok") {
      this.#t.incr(`otel_${what}_exported`, n);
      return;
    }
    this.#t.incr(`otel_${what}_dropped`, n);
    this.#t.incr(`otel_export_${outcome}`);
  }
}
