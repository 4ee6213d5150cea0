/**
 * One telemetry event: its fields, the checks on them, and the redacted
 * line built from them. Pure: writing the line is the sink's job
 * (lib/telemetry/sink.ts).
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { utf8Length } from "../text.ts";
import { MAX_EVENT_LINE_BYTES } from "./files.ts";
import { type RedactOptions, redactString, redactValue } from "./redact.ts";
import { type EventTokens, eventTokens } from "./summary.ts";

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

/** The fields of one {@linkcode import("./telemetry.ts").Telemetry.event}; all optional. */
export interface EventFields {
  /** Arguments of the operation (redacted; default `{}`). */
  args?: Record<string, unknown>;
  /** Result of the operation (redacted; default `{}`). `status: "error"` counts an error. */
  result?: Record<string, unknown>;
  /** Duration in ms: rounded to a whole number of at least 1 (default 1). */
  timingMs?: number;
  /** Warnings attached to the event (redacted; the most frequent go to `top_warnings`). */
  warnings?: string[];
  /** Extra fields, stored under `x` (redacted); must not use a reserved key. */
  extra?: Record<string, unknown>;
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

/**
 * Refuse an event that is a caller's bug: `extra` using a reserved key, or
 * an empty name. Called even when telemetry is off, so the bug shows in tests.
 *
 * @throws {TrifectaError} `TELEMETRY_RESERVED_KEY`, `TELEMETRY_INVALID_EVENT`.
 *
 * @example
 * ```ts
 * import { checkEvent } from "./event.ts";
 * import { throws } from "node:assert/strict";
 * checkEvent("ast.parse", { cache_hit: true });
 * throws(() => checkEvent("ast.parse", { ts: "now" }), /reserved keys: ts/);
 * throws(() => checkEvent(" ", {}), /non-empty/);
 * ```
 */
export function checkEvent(cmd: string, extra: Record<string, unknown> = {}): void {
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
}

/** Who writes an event, and how it is redacted. */
export interface EventContext {
  /** Run id, redacted already. */
  runId: string;
  /** Segment id, redacted already. */
  segmentId: string;
  /** Redaction of the event's fields (its `stats` count what was changed). */
  redact: RedactOptions;
  /** Level `full`: add the writing process (`proc`). */
  withProcess: boolean;
}

/** A redacted object field: `{}` for anything redaction does not keep as an object. */
function redactedRecord(value: Record<string, unknown>, redact: RedactOptions) {
  const out = redactValue(value, redact);
  return out !== null && typeof out === "object" && !Array.isArray(out)
    ? out as Record<string, unknown>
    : {};
}

/**
 * Build the redacted event of `cmd` (checked with {@linkcode checkEvent}
 * first): every string in `args`, `result`, `warnings` and `extra` (stored
 * as `x`) redacted, `timingMs` rounded to a whole number of at least 1, and
 * the token estimate of the redacted `args` and `result`.
 *
 * @example
 * ```ts
 * import { buildEvent } from "./event.ts";
 * import { equal } from "node:assert/strict";
 * const ev = buildEvent("c", { args: { p: "/home/alice/x.py" }, timingMs: 0.4 }, {
 *   runId: "run_1",
 *   segmentId: "0123abcd",
 *   redact: { root: "/work/seg" },
 *   withProcess: false,
 * });
 * equal(ev.args.p, "<ABS_PATH_REDACTED>");
 * equal(ev.timing_ms, 1);
 * ```
 */
export function buildEvent(cmd: string, fields: EventFields, ctx: EventContext): TelemetryEvent {
  const redact = ctx.redact;
  const timingMs = fields.timingMs ?? 1;
  const args = redactedRecord(fields.args ?? {}, redact);
  const result = redactedRecord(fields.result ?? {}, redact);
  const x = redactedRecord(fields.extra ?? {}, redact);
  const warnings = (fields.warnings ?? []).map((w) => redactString(String(w), redact));
  const ev: TelemetryEvent = {
    ts: new Date().toISOString(),
    run_id: ctx.runId,
    segment_id: ctx.segmentId,
    // Not counted as a redacted value: names are the caller's, not the user's data.
    cmd: redactString(cmd, { ...redact, stats: undefined }),
    args,
    result,
    timing_ms: Number.isFinite(timingMs) ? Math.max(1, Math.round(timingMs)) : 1,
    tokens: eventTokens(args, result),
    warnings,
    x,
  };
  if (ctx.withProcess) {
    ev.proc = { pid: Deno.pid, os: Deno.build.os, arch: Deno.build.arch, deno: Deno.version.deno };
  }
  return ev;
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

/** A serialised event, ready for one append. */
export interface EventLine {
  /** The JSON line, ending in `\n`. */
  text: string;
  /** True when the event was over the line cap and its stub was written instead. */
  oversized: boolean;
}

/**
 * Serialise `ev` as one line; an event over {@linkcode MAX_EVENT_LINE_BYTES}
 * becomes a stub that keeps its name, time and status.
 *
 * @example
 * ```ts
 * import { buildEvent, eventLine } from "./event.ts";
 * import { equal, ok } from "node:assert/strict";
 * const ctx = { runId: "r", segmentId: "s", redact: {}, withProcess: false };
 * const line = eventLine(buildEvent("c", { result: { status: "ok" } }, ctx));
 * ok(line.text.endsWith("\n"));
 * equal(line.oversized, false);
 * equal(JSON.parse(line.text).cmd, "c");
 * ```
 */
export function eventLine(ev: TelemetryEvent): EventLine {
  const text = JSON.stringify(ev) + "\n";
  // A UTF-8 byte is at most 3 per UTF-16 unit: measure only lines that may be over.
  if (text.length <= MAX_EVENT_LINE_BYTES / 3) return { text, oversized: false };
  const bytes = utf8Length(text);
  if (bytes <= MAX_EVENT_LINE_BYTES) return { text, oversized: false };
  return { text: JSON.stringify(oversizedStub(ev, bytes)) + "\n", oversized: true };
}
