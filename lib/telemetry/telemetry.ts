/**
 * The Telemetry facade: one per process and segment. Events go to
 * `events.jsonl` (one append per line), counters and latencies stay in memory
 * until {@linkcode Telemetry.flush}, which merges counters into `metrics.json`
 * under the directory lock and writes `last_run.json`.
 *
 * The work is split: lib/telemetry/event.ts builds and checks the redacted
 * event, lib/telemetry/counters.ts keeps the run's counters, latencies and
 * tokens, lib/telemetry/sink.ts writes lines, rotates and flushes, and
 * lib/telemetry/summary.ts builds `last_run.json`.
 *
 * @module
 */
import type { Segment } from "../segment/segment.ts";
import { relpath as segmentRelpath } from "../segment/paths.ts";
import {
  type EnvReader,
  resolveTelemetryConfig,
  type TelemetryConfig,
  type TelemetryLevel,
} from "./config.ts";
import { RunCounters } from "./counters.ts";
import {
  buildEvent,
  checkEvent,
  type EventContext,
  type EventFields,
  eventLine,
  type TelemetryEvent,
} from "./event.ts";
import {
  DEFAULT_KEEP_ROTATED,
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_MAX_EVENTS_BYTES,
} from "./files.ts";
import { type RedactOptions, redactString, redactValue } from "./redact.ts";
import { EventSink } from "./sink.ts";
import { buildLastRun, type Counters, type LastRun, type PackState } from "./summary.ts";

export type { TelemetryLevel } from "./config.ts";
export { type EventFields, RESERVED_KEYS, type TelemetryEvent } from "./event.ts";
export type { LastRun, PackState } from "./summary.ts";

/** Options for {@linkcode Telemetry.open}. */
export interface TelemetryOptions {
  /** Level from the CLI flag; `TRIFECTA_TELEMETRY_LEVEL` overrides it, `TRIFECTA_NO_TELEMETRY` turns it off. */
  level?: TelemetryLevel;
  /** Environment to read (default: the process environment). */
  env?: EnvReader;
  /**
   * Directory from the config files (`EffectiveConfig.telemetry.path`);
   * `TRIFECTA_TELEMETRY_DIR` overrides it. Default `<segment>/_ctx/telemetry`.
   */
  dir?: string;
  /** Rotate `events.jsonl` at this size (default 5 MiB). */
  maxEventsBytes?: number;
  /** Rotated files kept (default 5). */
  keepRotated?: number;
  /** Bound of the lock retry in `flush()` (default 2000 ms). */
  lockTimeoutMs?: number;
}

const LEVEL_LIMITS: Record<TelemetryLevel, { maxString: number; maxArray: number }> = {
  off: { maxString: 256, maxArray: 50 },
  lite: { maxString: 256, maxArray: 50 },
  full: { maxString: 4096, maxArray: 1000 },
};

/** Distinct counter names whose redaction is remembered. */
const MAX_COUNTER_KEYS = 10_000;

/**
 * The telemetry of one process for one segment. All methods are no-ops
 * when {@linkcode Telemetry.enabled} is false (level `off`), except that
 * {@linkcode Telemetry.event} still refuses reserved keys.
 *
 * @example
 * ```ts
 * import { Telemetry } from "./telemetry.ts";
 * import { resolveSegment } from "../segment/mod.ts";
 * import { equal } from "node:assert/strict";
 * const root = Deno.makeTempDirSync();
 * const t = Telemetry.open(await resolveSegment(root), { level: "lite" });
 * t.event("ast.parse", {
 *   args: { file: "src/a.py" },
 *   result: { status: "ok" },
 *   timingMs: 12,
 *   extra: { cache_hit: false },
 * });
 * t.incr("ast_parse_count");
 * await t.flush();
 * equal(t.summary().metrics_delta["cmd.ast.parse.count"], 1);
 * equal(t.summary().ast.ast_parse_count, 1);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export class Telemetry {
  /** False when telemetry is off: every method is a no-op. */
  readonly enabled: boolean;
  /** Effective level. */
  readonly level: TelemetryLevel;
  /** Segment id (8 hex). */
  readonly segmentId: string;
  /** Run id of this process. */
  readonly runId: string;
  /** Telemetry directory (`undefined` when disabled). */
  readonly dir: string | undefined;
  /** True with `TRIFECTA_PII=allow`. */
  readonly piiAllow: boolean;

  #root: string | undefined;
  #redact: RedactOptions;
  #event: EventContext;
  #counters = new RunCounters();
  #sink: EventSink | undefined;
  #packState: PackState = { pack_sha: null, pack_mtime: null };
  #counterKeys = new Map<string, string>();
  #listeners: ((ev: TelemetryEvent) => void)[] = [];

  private constructor(
    config: TelemetryConfig | undefined,
    segment: Segment | undefined,
    options: TelemetryOptions,
  ) {
    this.level = config?.level ?? "off";
    this.enabled = this.level !== "off";
    this.segmentId = segment?.id ?? "00000000";
    this.runId = config?.runId ?? "run_disabled";
    this.dir = this.enabled ? config?.dir : undefined;
    this.piiAllow = config?.piiAllow ?? false;
    this.#root = segment?.root;
    const limits = LEVEL_LIMITS[this.level];
    this.#redact = {
      root: this.#root,
      piiAllow: this.piiAllow,
      maxStringLength: limits.maxString,
      maxArrayLength: limits.maxArray,
      stats: this.#counters.redactStats,
    };
    // Checked by the config and made here, but every string written passes
    // redaction, so no future source of ids can bypass it.
    this.#event = {
      runId: redactString(this.runId, { ...this.#redact, stats: undefined }),
      segmentId: redactString(this.segmentId, { ...this.#redact, stats: undefined }),
      redact: this.#redact,
      withProcess: this.level === "full",
    };
    if (this.dir !== undefined) {
      this.#sink = new EventSink(this.dir, this.#counters, {
        root: this.#root,
        runId: this.runId,
        maxEventsBytes: options.maxEventsBytes ?? DEFAULT_MAX_EVENTS_BYTES,
        keepRotated: options.keepRotated ?? DEFAULT_KEEP_ROTATED,
        lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      });
    }
    for (const w of config?.warnings ?? []) this.#counters.warn(w);
  }

  /**
   * Open telemetry for a segment. Synchronous; resolves the level, directory,
   * run id and PII switch from the flag and the environment; creates no
   * directory until the first write.
   */
  static open(segment: Segment, options: TelemetryOptions = {}): Telemetry {
    const config = resolveTelemetryConfig(segment, {
      level: options.level,
      env: options.env,
      dir: options.dir,
    });
    return new Telemetry(config, segment, options);
  }

  /** A sink that records nothing. */
  static disabled(): Telemetry {
    return new Telemetry(undefined, undefined, {});
  }

  /**
   * Path of `abs` for telemetry: segment-relative POSIX path inside the
   * segment, `external/<hash8>-<basename>` outside it.
   */
  relpath(abs: string): string {
    return this.#root === undefined ? "<ABS_PATH_REDACTED>" : segmentRelpath(this.#root, abs);
  }

  /** Redact any value the way events are redacted (for callers that log elsewhere). */
  redact(value: unknown): unknown {
    return redactValue(value, { ...this.#redact, stats: undefined });
  }

  /**
   * Record one event: appends one JSON line to `events.jsonl`. Strings in
   * `args`, `result`, warnings and `extra` (stored as `x`) are redacted;
   * `timingMs` is rounded to a whole number of at least 1 and observed as a
   * latency of `cmd`.
   *
   * @throws {TrifectaError} `TELEMETRY_RESERVED_KEY` when `extra` uses a
   * reserved key (even when telemetry is off, so the bug shows in tests);
   * `TELEMETRY_INVALID_EVENT` for an empty `cmd`.
   */
  event(cmd: string, fields: EventFields = {}): void {
    checkEvent(cmd, fields.extra);
    if (this.#sink === undefined) return;
    const c = this.#counters;
    const ev = buildEvent(cmd, fields, this.#event);
    // The live OpenTelemetry export (lib/telemetry/otel_live.ts) sees the redacted event only.
    for (const listener of this.#listeners) listener(ev);
    for (const w of ev.warnings) c.warn(w);
    c.count("telemetry_events_attempted", 1);
    const size = this.#sink.append(eventLine(ev));
    if (size === undefined) return; // counted as failed by the sink
    c.count("telemetry_events_written", 1);
    c.count(`cmd.${ev.cmd}.count`, 1);
    if (ev.result.status === "error") c.count(`cmd.${ev.cmd}.error_count`, 1);
    c.observe(ev.cmd, ev.timing_ms);
    c.addTokens(ev.cmd, ev.tokens);
    this.#sink.rotateIfDue(size);
  }

  /**
   * Call `listener` with every event as written (redacted), also when the
   * write fails; nothing is called when telemetry is off.
   */
  onEvent(listener: (ev: TelemetryEvent) => void): void {
    if (this.enabled) this.#listeners.push(listener);
  }

  /** Record a latency (ms) for `cmd` without an event. Non-finite values are ignored. */
  observe(cmd: string, ms: number): void {
    if (!this.enabled || !Number.isFinite(ms) || ms < 0) return;
    this.#counters.observe(this.#counterKey(cmd), ms);
  }

  /** Add `n` (finite, may be negative) to a counter. */
  incr(key: string, n = 1): void {
    if (!this.enabled || !Number.isFinite(n) || n === 0) return;
    this.#counters.count(this.#counterKey(key), n);
  }

  /** Record the context pack's state for `last_run.json`. */
  setPackState(state: PackState): void {
    this.#packState = {
      pack_sha: state.pack_sha,
      pack_mtime: state.pack_mtime,
      ...(state.stale_detected === undefined ? {} : { stale_detected: state.stale_detected }),
    };
  }

  /** Counters of this run so far. */
  metrics(): Counters {
    return this.#counters.metrics();
  }

  /**
   * The `last_run.json` object as {@linkcode Telemetry.flush} would write it
   * now, redacted as events are (warnings can hold an error's message with a
   * path; the pack state comes from callers).
   */
  summary(): LastRun {
    const out = buildLastRun(this.#counters.totals(), {
      runId: this.#event.runId,
      segmentId: this.#event.segmentId,
      level: this.level,
      packState: this.#packState,
    });
    // Counter and command names are redacted already; only the caps differ
    // (the whole object, not one event field).
    return redactValue(out, {
      ...this.#redact,
      stats: undefined,
      maxArrayLength: Math.max(this.#redact.maxArrayLength ?? 50, 1000),
    }) as LastRun;
  }

  /**
   * Merge this run's new counters into `metrics.json` (read, add, write a
   * temp file, rename) under the directory lock, rotate `events.jsonl` if
   * due, and write `last_run.json` atomically. When the lock stays busy past
   * the bound, the counters are saved to `pending/` for the next merge and
   * `telemetry_lock_skipped` is counted — nothing is lost.
   */
  flush(): Promise<void> {
    return this.#sink?.flush(() => this.summary()) ?? Promise.resolve();
  }

  #counterKey(key: string): string {
    let safe = this.#counterKeys.get(key);
    if (safe === undefined) {
      safe = redactString(String(key), { ...this.#redact, stats: undefined });
      if (this.#counterKeys.size < MAX_COUNTER_KEYS) this.#counterKeys.set(key, safe);
    }
    return safe;
  }
}
