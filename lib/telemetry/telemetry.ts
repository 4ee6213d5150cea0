/**
 * The Telemetry class: one sink per process and segment. Events go to
 * `events.jsonl` (one append per line), counters and latencies stay in memory
 * until {@linkcode Telemetry.flush}, which merges counters into `metrics.json`
 * under the directory lock and writes `last_run.json`.
 *
 * @module
 */
import { join } from "../path.ts";
import { randomHex, utf8Length } from "../text.ts";
import { TrifectaError } from "../errors.ts";
import { relpath as segmentRelpath } from "../segment/paths.ts";
import type { Segment } from "../segment/segment.ts";
import {
  type EnvReader,
  resolveTelemetryConfig,
  type TelemetryConfig,
  type TelemetryLevel,
} from "./config.ts";
import {
  appendLine,
  DEFAULT_KEEP_ROTATED,
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_MAX_EVENTS_BYTES,
  EVENTS_FILE,
  isFsError,
  LAST_RUN_FILE,
  lockWithin,
  MAX_EVENT_LINE_BYTES,
  PENDING_DIR,
  releaseLock,
  rotateLocked,
  tryLockSync,
  writeJsonAtomic,
} from "./files.ts";
import { addWriteFailures, preallocate } from "./failures.ts";
import { mergeMetrics } from "./metrics_file.ts";
import { isRealDir, unsafeDefaultDir, unsafeDirError } from "./safe_file.ts";
import { type RedactOptions, type RedactStats, redactString, redactValue } from "./redact.ts";
import {
  addTokens,
  type AstSummary,
  astSummary,
  type Counters,
  type DropSummary,
  dropSummary,
  type EventTokens,
  eventTokens,
  type FileReadSummary,
  fileReadSummary,
  type LatencySummary,
  latencySummary,
  type LspSummary,
  lspSummary,
  type TokenSummary,
} from "./summary.ts";

export type { TelemetryLevel } from "./config.ts";

/** Top-level event keys; `extra` may not use them (they would be ambiguous). */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  "ts",
  "run_id",
  "segment_id",
  "cmd",
  "args",
  "result",
  "timing_ms",
  "tokens",
  "warnings",
  "x",
]);

/** Options for {@linkcode Telemetry.open}. */
export interface TelemetryOptions {
  /** Level from the CLI flag; `TRIFECTA_TELEMETRY_LEVEL` overrides it, `TRIFECTA_NO_TELEMETRY` turns it off. */
  level?: TelemetryLevel;
  /** Environment to read (default: the process environment). */
  env?: EnvReader;
  /** Rotate `events.jsonl` at this size (default 5 MiB). */
  maxEventsBytes?: number;
  /** Rotated files kept (default 5). */
  keepRotated?: number;
  /** Bound of the lock retry in `flush()` (default 2000 ms). */
  lockTimeoutMs?: number;
}

/** Options for {@linkcode Telemetry.event}. */
export interface EventOptions {
  /** Warnings attached to the event (redacted; the most frequent go to `top_warnings`). */
  warnings?: string[];
  /** Extra fields, stored under `x` (redacted); must not use a reserved key. */
  extra?: Record<string, unknown>;
}

/** State of the context pack, reported in `last_run.json`. */
export interface PackState {
  /** Hash of the pack. */
  pack_sha: string | null;
  /** Modification time of the pack (ISO string or epoch ms). */
  pack_mtime: string | number | null;
  /** Whether the pack was found stale. */
  stale_detected?: boolean;
}

/** One line of `events.jsonl`. */
export interface TelemetryEvent {
  /** ISO-8601 UTC time. */
  ts: string;
  /** Run id of the writing process. */
  run_id: string;
  /** Segment id (8 hex). */
  segment_id: string;
  /** Event name, e.g. `ast.skeleton`. */
  cmd: string;
  /** Redacted arguments. */
  args: Record<string, unknown>;
  /** Redacted result. */
  result: Record<string, unknown>;
  /** Whole milliseconds, at least 1. */
  timing_ms: number;
  /** Token estimate. */
  tokens: EventTokens;
  /** Redacted warnings. */
  warnings: string[];
  /** Redacted extra fields. */
  x: Record<string, unknown>;
  /** Only at level `full`: the writing process. */
  proc?: { pid: number; os: string; arch: string; deno: string };
}

/** Contents of `last_run.json`. */
export interface LastRun {
  /** Run id. */
  run_id: string;
  /** Segment id. */
  segment_id: string;
  /** When it was written (ISO-8601 UTC). */
  ts: string;
  /** Effective level. */
  level: TelemetryLevel;
  /** Counters of this run. */
  metrics_delta: Counters;
  /** Latencies by command. */
  latencies: Record<string, LatencySummary>;
  /** Token estimates by command. */
  tokens: Record<string, TokenSummary>;
  /** AST summary. */
  ast: AstSummary;
  /** LSP summary. */
  lsp: LspSummary;
  /** Bytes read by disclosure mode. */
  file_read: FileReadSummary;
  /** Write accounting. */
  telemetry_drops: DropSummary;
  /** Up to 5 distinct warnings, most frequent first. */
  top_warnings: string[];
  /** Context-pack state. */
  pack_state: PackState;
}

const LEVEL_LIMITS: Record<TelemetryLevel, { maxString: number; maxArray: number }> = {
  off: { maxString: 256, maxArray: 50 },
  lite: { maxString: 256, maxArray: 50 },
  full: { maxString: 4096, maxArray: 1000 },
};

/** Latency samples kept per command (reservoir sampling beyond this). */
const MAX_SAMPLES = 10_000;

interface Samples {
  count: number;
  max: number;
  values: number[];
}

function addCounter(m: Counters, key: string, n: number): void {
  m[key] = (m[key] ?? 0) + n;
}

/** A short name for a write failure: the error code, else the error class. */
function failureName(err: Error): string {
  return err instanceof TrifectaError ? err.code : err.name;
}

/**
 * The line written instead of an event over {@linkcode MAX_EVENT_LINE_BYTES}
 * (possible at level `full`: 1,000 strings of 4,096 characters): readers
 * would skip the whole line, so the event keeps its name, time and status,
 * and says how big it was.
 */
function oversizedStub(ev: TelemetryEvent, bytes: number): TelemetryEvent {
  const status = typeof ev.result.status === "string" ? { status: ev.result.status } : {};
  return {
    ...ev,
    args: {},
    result: status,
    tokens: { ...ev.tokens },
    warnings: ev.warnings.slice(0, 5).map((w) => w.slice(0, 256)),
    x: { oversized_bytes: bytes },
  };
}

/**
 * The telemetry sink of one process for one segment. All methods are no-ops
 * when {@linkcode Telemetry.enabled} is false (level `off`), except that
 * {@linkcode Telemetry.event} still refuses reserved keys.
 *
 * @example
 * ```ts
 * import { Telemetry } from "./telemetry.ts";
 * import { resolveSegment } from "../segment/mod.ts";
 * const t = Telemetry.open(await resolveSegment("."), { level: "lite" });
 * t.event("ast.parse", { file: "src/a.py" }, { status: "ok" }, 12, { extra: { cache_hit: false } });
 * t.incr("ast_parse_count");
 * await t.flush();
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
  #safeRunId: string;
  #safeSegmentId: string;
  #redactStats: RedactStats = { redacted: 0 };
  #maxBytes: number;
  #keep: number;
  #lockTimeoutMs: number;
  #dirReady = false;
  #metrics: Counters = {};
  #unmerged: Counters = {};
  #latencies = new Map<string, Samples>();
  #tokens: Record<string, TokenSummary> = {};
  #warnings = new Map<string, number>();
  #packState: PackState = { pack_sha: null, pack_mtime: null };
  #counterKeys = new Map<string, string>();
  #flushing: Promise<void> = Promise.resolve();
  #pendingSeq = 0;

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
      stats: this.#redactStats,
    };
    // Checked by the config and made here, but every string written passes
    // redaction, so no future source of ids can bypass it.
    this.#safeRunId = redactString(this.runId, { ...this.#redact, stats: undefined });
    this.#safeSegmentId = redactString(this.segmentId, { ...this.#redact, stats: undefined });
    this.#maxBytes = options.maxEventsBytes ?? DEFAULT_MAX_EVENTS_BYTES;
    this.#keep = options.keepRotated ?? DEFAULT_KEEP_ROTATED;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    for (const w of config?.warnings ?? []) this.#warn(w);
  }

  /**
   * Open telemetry for a segment. Synchronous; resolves the level, directory,
   * run id and PII switch from the flag and the environment; creates no
   * directory until the first write.
   */
  static open(segment: Segment, options: TelemetryOptions = {}): Telemetry {
    const config = resolveTelemetryConfig(segment, { level: options.level, env: options.env });
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
  event(
    cmd: string,
    args: Record<string, unknown>,
    result: Record<string, unknown>,
    timingMs: number,
    options: EventOptions = {},
  ): void {
    const extra = options.extra ?? {};
    const collisions = Object.keys(extra).filter((k) => RESERVED_KEYS.has(k)).sort();
    if (collisions.length > 0) {
      throw new TrifectaError(
        "TELEMETRY_RESERVED_KEY",
        `extra fields use reserved keys: ${collisions.join(", ")}`,
        {
          details: { collisions, reserved: [...RESERVED_KEYS] },
          nextSteps: ["Rename the extra fields; they are stored under `x`"],
        },
      );
    }
    if (typeof cmd !== "string" || cmd.trim() === "") {
      throw new TrifectaError(
        "TELEMETRY_INVALID_EVENT",
        "event name (cmd) must be a non-empty string",
      );
    }
    if (!this.enabled || this.dir === undefined) return;
    const timing = Number.isFinite(timingMs) ? Math.max(1, Math.round(timingMs)) : 1;
    const safeCmd = redactString(cmd, { ...this.#redact, stats: undefined });
    const safeArgs = (redactValue(args ?? {}, this.#redact) ?? {}) as Record<string, unknown>;
    const safeResult = (redactValue(result ?? {}, this.#redact) ?? {}) as Record<string, unknown>;
    const safeX = (redactValue(extra, this.#redact) ?? {}) as Record<string, unknown>;
    const warnings = (options.warnings ?? []).map((w) => redactString(String(w), this.#redact));
    const tokens = eventTokens(safeArgs, safeResult);
    const ev: TelemetryEvent = {
      ts: new Date().toISOString(),
      run_id: this.#safeRunId,
      segment_id: this.#safeSegmentId,
      cmd: safeCmd,
      args: safeArgs,
      result: safeResult,
      timing_ms: timing,
      tokens,
      warnings,
      x: safeX,
    };
    if (this.level === "full") {
      ev.proc = {
        pid: Deno.pid,
        os: Deno.build.os,
        arch: Deno.build.arch,
        deno: Deno.version.deno,
      };
    }
    for (const w of warnings) this.#warn(w);
    this.#count("telemetry_events_attempted", 1);
    let line = JSON.stringify(ev) + "\n";
    if (line.length > MAX_EVENT_LINE_BYTES / 3 && utf8Length(line) > MAX_EVENT_LINE_BYTES) {
      line = JSON.stringify(oversizedStub(ev, utf8Length(line))) + "\n";
      this.#count("telemetry_events_oversized", 1);
    }
    let size: number;
    try {
      this.#ensureDir();
      const appended = appendLine(join(this.dir, EVENTS_FILE), line);
      size = appended.size;
      if (appended.repairedTornLine) this.#count("telemetry_torn_lines_repaired", 1);
    } catch (err) {
      if (!isFsError(err)) throw err;
      this.#count("telemetry_write_failed", 1);
      this.#warn(`telemetry write failed: ${failureName(err)}`);
      return;
    }
    this.#count("telemetry_events_written", 1);
    this.#count(`cmd.${safeCmd}.count`, 1);
    if (safeResult.status === "error") this.#count(`cmd.${safeCmd}.error_count`, 1);
    this.#observe(safeCmd, timing);
    this.#tokens[safeCmd] = addTokens(this.#tokens[safeCmd], tokens);
    if (size >= this.#maxBytes) this.#rotateNow();
  }

  /** Record a latency (ms) for `cmd` without an event. Non-finite values are ignored. */
  observe(cmd: string, ms: number): void {
    if (!this.enabled || !Number.isFinite(ms) || ms < 0) return;
    this.#observe(this.#counterKey(cmd), ms);
  }

  /** Add `n` (finite, may be negative) to a counter. */
  incr(key: string, n = 1): void {
    if (!this.enabled || !Number.isFinite(n) || n === 0) return;
    this.#count(this.#counterKey(key), n);
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
    return { ...this.#metrics, telemetry_redacted_values: this.#redactStats.redacted };
  }

  /**
   * The `last_run.json` object as {@linkcode Telemetry.flush} would write it
   * now, redacted as events are (warnings can hold an error's message with a
   * path; the pack state comes from callers).
   */
  summary(): LastRun {
    const m = this.metrics();
    const latencies: Record<string, LatencySummary> = {};
    for (const [cmd, s] of [...this.#latencies].sort(([a], [b]) => a.localeCompare(b))) {
      latencies[cmd] = { ...latencySummary(s.values), count: s.count, max_ms: s.max };
    }
    const top = [...this.#warnings].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([w]) => w);
    const out: LastRun = {
      run_id: this.#safeRunId,
      segment_id: this.#safeSegmentId,
      ts: new Date().toISOString(),
      level: this.level,
      metrics_delta: m,
      latencies,
      tokens: structuredClone(this.#tokens),
      ast: astSummary(m),
      lsp: lspSummary(m),
      file_read: fileReadSummary(m),
      telemetry_drops: dropSummary(m),
      top_warnings: top,
      pack_state: { ...this.#packState },
    };
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
    const next = this.#flushing.then(() => this.#flushOnce());
    // The caller sees a failure through `next`; the chain only notes it so
    // that the next flush still runs.
    this.#flushing = next.then(
      () => undefined,
      (err: unknown) => this.#warn(`telemetry flush failed: ${String(err)}`),
    );
    return next;
  }

  async #flushOnce(): Promise<void> {
    if (!this.enabled || this.dir === undefined) return;
    const dir = this.dir;
    let delta: Counters | undefined;
    try {
      this.#ensureDir();
      const lock = await lockWithin(dir, { timeoutMs: this.#lockTimeoutMs });
      if (lock) {
        try {
          // Rotate first, so that the rotation is counted in this merge.
          if (rotateLocked(dir, { maxBytes: this.#maxBytes, keep: this.#keep })) {
            this.#count("telemetry_rotations", 1);
          }
          delta = this.#takeDelta();
          const problems = mergeMetrics(dir, delta);
          delta = undefined; // merged
          for (const p of problems) this.#warn(`telemetry: ${p}`);
        } finally {
          releaseLock(lock);
        }
      } else {
        this.#count("telemetry_lock_skipped", 1);
        this.#warn("telemetry: metrics.json lock busy; counters deferred to pending/");
        delta = this.#takeDelta();
        const pdir = join(dir, PENDING_DIR);
        Deno.mkdirSync(pdir, { recursive: true });
        // mkdir accepts a symlink to a directory; writing through it is refused.
        isRealDir(pdir);
        const name = `${this.runId}-${++this.#pendingSeq}-${randomHex(3)}.json`;
        writeJsonAtomic(join(pdir, name), delta);
        delta = undefined; // kept in pending/
      }
      writeJsonAtomic(join(dir, LAST_RUN_FILE), this.summary());
    } catch (err) {
      if (!isFsError(err)) throw err;
      this.#count("telemetry_write_failed", 1);
      this.#warn(`telemetry flush failed: ${failureName(err)}`);
      // Not merged: the delta taken for the merge, or (failed before or
      // after it) whatever is unmerged now.
      await this.#keepFailedDelta(dir, delta ?? this.#takeDelta());
    }
  }

  /**
   * A flush failed (typically a full disk): the run's event counts go to the
   * pre-allocated `write_failures.json`, updated in place, so that `health`
   * still sees them; the other counters stay in memory for a later flush of
   * this process. If even that fails, everything stays in memory.
   */
  async #keepFailedDelta(dir: string, delta: Counters): Promise<void> {
    const attempted = delta.telemetry_events_attempted ?? 0;
    const written = delta.telemetry_events_written ?? 0;
    const rest: Counters = { ...delta };
    // Only in a directory this process set up and checked (never through a
    // refused symlink).
    if (!this.#dirReady) {
      for (const [k, v] of Object.entries(rest)) addCounter(this.#unmerged, k, v);
      return;
    }
    try {
      await addWriteFailures(
        dir,
        { events_attempted: attempted, events_written: written, flushes_failed: 1 },
        { lockTimeoutMs: Math.min(this.#lockTimeoutMs, 200) },
      );
      delete rest.telemetry_events_attempted;
      delete rest.telemetry_events_written;
    } catch (err) {
      if (!isFsError(err)) throw err;
      this.#warn(`telemetry: write_failures.json not updated: ${failureName(err)}`);
    }
    for (const [k, v] of Object.entries(rest)) addCounter(this.#unmerged, k, v);
  }

  #takeDelta(): Counters {
    const redacted = this.#redactStats.redacted;
    const merged = this.#metrics.telemetry_redacted_values ?? 0;
    if (redacted > merged) {
      addCounter(this.#unmerged, "telemetry_redacted_values", redacted - merged);
      this.#metrics.telemetry_redacted_values = redacted;
    }
    const delta = this.#unmerged;
    this.#unmerged = {};
    return delta;
  }

  /**
   * Create the directory once per process. The default `_ctx/telemetry` is
   * refused when `_ctx` or `telemetry` is a symlink (checked before and after
   * the mkdir, which follows one); `.lock` and `write_failures.json` are
   * created while there is space.
   */
  #ensureDir(): void {
    const dir = this.dir;
    const root = this.#root;
    if (this.#dirReady || dir === undefined) return;
    const check = () => {
      const why = root === undefined ? undefined : unsafeDefaultDir(root, dir);
      if (why !== undefined) throw unsafeDirError(why);
    };
    check();
    Deno.mkdirSync(dir, { recursive: true });
    check();
    const err = preallocate(dir);
    if (err) this.#warn(`telemetry: write_failures.json not pre-allocated: ${failureName(err)}`);
    this.#dirReady = true;
  }

  #rotateNow(): void {
    if (this.dir === undefined) return;
    let lock;
    try {
      lock = tryLockSync(this.dir);
    } catch (err) {
      if (!isFsError(err)) throw err;
      return; // the next event or flush retries
    }
    if (!lock) return; // someone else holds it: the next event or flush retries
    try {
      if (rotateLocked(this.dir, { maxBytes: this.#maxBytes, keep: this.#keep })) {
        this.#count("telemetry_rotations", 1);
      }
    } catch (err) {
      if (!isFsError(err)) throw err;
      this.#warn(`telemetry rotation failed: ${err.name}`);
    } finally {
      releaseLock(lock);
    }
  }

  #observe(cmd: string, ms: number): void {
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

  #count(key: string, n: number): void {
    addCounter(this.#metrics, key, n);
    addCounter(this.#unmerged, key, n);
  }

  #counterKey(key: string): string {
    let safe = this.#counterKeys.get(key);
    if (safe === undefined) {
      safe = redactString(String(key), { ...this.#redact, stats: undefined });
      if (this.#counterKeys.size < 10_000) this.#counterKeys.set(key, safe);
    }
    return safe;
  }

  #warn(w: string): void {
    this.#warnings.set(w, (this.#warnings.get(w) ?? 0) + 1);
  }
}
