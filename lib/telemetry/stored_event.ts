/**
 * One event as read back from a telemetry file, and the redaction every
 * string read goes through. A repository can ship its own `_ctx/telemetry/`:
 * whatever is read is redacted and escaped here, once, for every consumer.
 *
 * @module
 */
import { type RedactOptions, redactString, redactValue } from "./redact.ts";

/** An event as read back (fields may be missing in hand-edited or legacy lines). */
export interface StoredEvent {
  /** ISO time. */
  ts?: string;
  /** Run id. */
  run_id?: string;
  /** Segment id. */
  segment_id?: string;
  /** Event name. */
  cmd: string;
  /** Arguments. */
  args: Record<string, unknown>;
  /** Result. */
  result: Record<string, unknown>;
  /** Milliseconds. */
  timing_ms: number;
  /** Token estimate. */
  tokens?: Record<string, unknown>;
  /** Warnings. */
  warnings: string[];
  /** Extra fields. */
  x: Record<string, unknown>;
}

function asObject(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v)
    ? v as Record<string, unknown>
    : {};
}

/**
 * Caps of the read-side redaction: those of the writer's `full` level, so
 * that what the writer kept reads back unchanged.
 */
const READ_MAX_STRING = 4096;
const READ_MAX_ARRAY = 1000;

/**
 * The redaction every string read from a telemetry file goes through
 * (values and keys, any depth): the writer's ({@linkcode redactValue}),
 * whatever `TRIFECTA_PII` says, plus control-character escaping. A
 * repository can ship `_ctx/telemetry/` with absolute paths, e-mail
 * addresses, secrets and escape sequences in it; readers hand what they
 * read to the terminal, to JSON and CSV, and to agents.
 */
export function readRedaction(root: string | undefined): RedactOptions {
  return {
    root,
    maxStringLength: READ_MAX_STRING,
    maxArrayLength: READ_MAX_ARRAY,
    escapeControls: true,
    memo: new Map(),
  };
}

function str(v: unknown, redact: RedactOptions): string | undefined {
  return typeof v === "string" ? redactString(v, redact) : undefined;
}

/**
 * An object field of a read file, redacted (`{}` for anything else); nested at most 16 deep (the
 * redaction's own bound): a hand-made line of 500,000 nested arrays parses,
 * but re-serialising it (`telemetry export`, `--json`) would overflow the
 * stack, and standard JSON parsers downstream refuse deep nesting.
 */
export function redactedObject(v: unknown, redact: RedactOptions): Record<string, unknown> {
  return asObject(redactValue(asObject(v), redact));
}

/**
 * Parse one line with the read redaction `redact` ({@linkcode readRedaction});
 * `undefined` when it is not a JSON object with a string `cmd`.
 */
export function parseEvent(line: string, redact: RedactOptions): StoredEvent | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
  const o = asObject(raw);
  if (typeof o.cmd !== "string") return undefined;
  const timing = typeof o.timing_ms === "number" && Number.isFinite(o.timing_ms) ? o.timing_ms : 0;
  // Only strings: String() of a deeply nested array recurses.
  const warnings = Array.isArray(o.warnings)
    ? o.warnings.filter((w) => typeof w === "string").slice(0, READ_MAX_ARRAY)
    : [];
  return {
    ts: str(o.ts, redact),
    run_id: str(o.run_id, redact),
    segment_id: str(o.segment_id, redact),
    cmd: redactString(o.cmd, redact),
    args: redactedObject(o.args, redact),
    result: redactedObject(o.result, redact),
    timing_ms: timing,
    tokens: o.tokens === undefined ? undefined : redactedObject(o.tokens, redact),
    warnings: warnings.map((w) => redactString(w, redact)),
    x: redactedObject(o.x, redact),
  };
}

/**
 * Parse one line; `undefined` when it is not a usable event. Every string
 * (values and keys, any depth) is redacted as the writer redacts, with no
 * segment root (absolute paths read as `<ABS_PATH_REDACTED>`), and its
 * control characters are escaped.
 *
 * @example
 * ```ts
 * import { parseEventLine } from "./stored_event.ts";
 * import { equal } from "node:assert/strict";
 * const ev = parseEventLine('{"cmd":"a\\u001b[2J","args":{"f":"/home/bob/x.py"}}');
 * equal(ev?.cmd, "a\\x1b[2J");
 * equal(ev?.args.f, "<ABS_PATH_REDACTED>");
 * equal(parseEventLine("not json"), undefined);
 * ```
 */
export function parseEventLine(line: string): StoredEvent | undefined {
  return parseEvent(line, readRedaction(undefined));
}
