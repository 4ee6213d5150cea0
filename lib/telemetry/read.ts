/**
 * Readers of a telemetry directory for `telemetry report|export|health`:
 * every event file (rotated ones included), skipping and counting corrupt
 * lines, plus `metrics.json` (with deferred `pending/` deltas added) and
 * `last_run.json`. Readers never rewrite a file.
 *
 * @module
 */
import { basename, join } from "../path.ts";
import { eventFiles, LAST_RUN_FILE } from "./files.ts";
import { readMetrics, readPending } from "./telemetry.ts";
import type { Counters } from "./summary.ts";

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

/** Everything read from a telemetry directory. */
export interface TelemetryData {
  /** Events, oldest file first, in file order. */
  events: StoredEvent[];
  /** Lines that were not a JSON object with a string `cmd`. */
  corruptLines: number;
  /** Non-empty lines read. */
  totalLines: number;
  /** Event file names read (no directories). */
  files: string[];
  /** Cumulative counters (`metrics.json` + `pending/`). */
  metrics: Counters;
  /** True when `metrics.json` was not valid JSON. */
  metricsCorrupt: boolean;
  /** `last_run.json`, if readable. */
  lastRun: Record<string, unknown> | null;
}

function asObject(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v)
    ? v as Record<string, unknown>
    : {};
}

/** Parse one line; `undefined` when it is not a usable event. */
export function parseEventLine(line: string): StoredEvent | undefined {
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
  return {
    ts: typeof o.ts === "string" ? o.ts : undefined,
    run_id: typeof o.run_id === "string" ? o.run_id : undefined,
    segment_id: typeof o.segment_id === "string" ? o.segment_id : undefined,
    cmd: o.cmd,
    args: asObject(o.args),
    result: asObject(o.result),
    timing_ms: timing,
    tokens: o.tokens === undefined ? undefined : asObject(o.tokens),
    warnings: Array.isArray(o.warnings) ? o.warnings.map(String) : [],
    x: asObject(o.x),
  };
}

/** Options for {@linkcode readTelemetry}. */
export interface TelemetryReadOptions {
  /** Keep only events of the last N days (0 or absent = all). Events without a parsable `ts` are kept. */
  lastDays?: number;
  /** "Now" for the day window (default: the current time). */
  now?: Date;
}

/** Read a telemetry directory; a missing directory reads as empty. */
export async function readTelemetry(
  dir: string,
  options: TelemetryReadOptions = {},
): Promise<TelemetryData> {
  const cutoff = options.lastDays && options.lastDays > 0
    ? (options.now ?? new Date()).getTime() - options.lastDays * 86_400_000
    : undefined;
  const events: StoredEvent[] = [];
  let corrupt = 0;
  let total = 0;
  const files = await eventFiles(dir);
  const read: string[] = [];
  for (const path of files) {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue; // rotated away meanwhile
      throw err;
    }
    read.push(basename(path));
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      total++;
      const ev = parseEventLine(line);
      if (!ev) {
        corrupt++;
        continue;
      }
      if (cutoff !== undefined && ev.ts !== undefined) {
        const t = Date.parse(ev.ts);
        if (Number.isFinite(t) && t < cutoff) continue;
      }
      events.push(ev);
    }
  }
  const { metrics, corrupt: metricsCorrupt } = readMetrics(dir);
  for (const p of readPending(dir)) {
    for (const [k, v] of Object.entries(p.delta)) metrics[k] = (metrics[k] ?? 0) + v;
  }
  let lastRun: Record<string, unknown> | null = null;
  try {
    lastRun = asObject(JSON.parse(await Deno.readTextFile(join(dir, LAST_RUN_FILE))));
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound || err instanceof SyntaxError)) throw err;
  }
  return {
    events,
    corruptLines: corrupt,
    totalLines: total,
    files: read,
    metrics,
    metricsCorrupt,
    lastRun,
  };
}
