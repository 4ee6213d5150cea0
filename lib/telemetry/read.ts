/**
 * Readers of a telemetry directory for `telemetry report|export|health` and
 * `ctx stats`: the event files (rotated ones included) newest first up to a
 * byte budget, skipping and counting corrupt and oversized lines, plus
 * `metrics.json` (with deferred `pending/` deltas and `write_failures.json`
 * added) and `last_run.json`, each under a cap. Readers never rewrite a file.
 *
 * Every string read (values and keys, at any depth, in every file) passes
 * the writer's redaction and has its control characters escaped, here, once:
 * a repository can ship its own `_ctx/telemetry/`, and every consumer
 * (report, export, health, `ctx stats`, the MCP tool) gets redacted data.
 *
 * @module
 */
import { basename, dirname, join } from "../path.ts";
import { optionalEnv } from "../env.ts";
import { TrifectaError } from "../errors.ts";
import { eventFiles, LAST_RUN_FILE, MAX_EVENT_LINE_BYTES } from "./files.ts";
import { readWriteFailures, type WriteFailures } from "./failures.ts";
import { LineSplitter } from "./lines.ts";
import { readMetrics, readPending, redactCounterNames } from "./metrics_file.ts";
import type { RedactOptions } from "./redact.ts";
import { parseEvent, readRedaction, redactedObject, type StoredEvent } from "./stored_event.ts";
import { formatBytes, openChecked, readCapped, UNSAFE_FILE_CODE } from "./safe_file.ts";
import type { Counters } from "./summary.ts";

/** Everything read from a telemetry directory. */
export interface TelemetryData {
  /** Events, oldest file first, in file order (the newest part when the cap was reached). */
  events: StoredEvent[];
  /** Lines that were not a JSON object with a string `cmd`, oversized lines included. */
  corruptLines: number;
  /** Non-empty lines read (oversized lines included). */
  totalLines: number;
  /** Lines over {@linkcode MAX_EVENT_LINE_BYTES}, skipped unread. */
  oversizedLines: number;
  /** Event file names read, whole or in part (no directories), oldest first. */
  files: string[];
  /** The byte budget of this read ({@linkcode DEFAULT_READ_MAX_BYTES} unless set). */
  readCapBytes: number;
  /** Bytes of event files read. */
  bytesRead: number;
  /** Bytes of older event data left out because of the cap. */
  bytesSkipped: number;
  /** Cumulative counters (`metrics.json` + `pending/` + `write_failures.json`). */
  metrics: Counters;
  /** True when `metrics.json` was not usable (not JSON, over its cap, not a regular file). */
  metricsCorrupt: boolean;
  /** `last_run.json`, if readable. */
  lastRun: Record<string, unknown> | null;
  /** What was left out or refused, one sentence each (reports and health show them). */
  warnings: string[];
}

/** Default byte budget of one read of the event files (64 MiB, newest first). */
export const DEFAULT_READ_MAX_BYTES = 64 * 1024 * 1024;
/** Environment variable that sets the budget (bytes, a positive integer). */
export const READ_MAX_BYTES_ENV = "TRIFECTA_TELEMETRY_READ_MAX_BYTES";
/** Largest `last_run.json` read (4 MiB). */
export const MAX_LAST_RUN_BYTES = 4 * 1024 * 1024;

/**
 * The segment root of a default telemetry directory (`<root>/_ctx/telemetry`),
 * so that paths under it read as segment-relative; `undefined` otherwise
 * (every absolute path then reads as `<ABS_PATH_REDACTED>`).
 */
function rootOf(dir: string): string | undefined {
  const ctx = dirname(dir);
  if (basename(dir) !== "telemetry" || basename(ctx) !== "_ctx") return undefined;
  return dirname(ctx);
}

/** Options for {@linkcode readTelemetry}. */
export interface TelemetryReadOptions {
  /** Keep only events of the last N days (0 or absent = all). Events without a parsable `ts` are kept. */
  lastDays?: number;
  /** "Now" for the day window (default: the current time). */
  now?: Date;
  /** Byte budget (default: `TRIFECTA_TELEMETRY_READ_MAX_BYTES`, else 64 MiB). */
  maxBytes?: number;
  /** Longest line parsed (default {@linkcode MAX_EVENT_LINE_BYTES}). */
  maxLineBytes?: number;
  /**
   * Real path of the segment root: absolute paths under it read as
   * segment-relative (default: the parent of `_ctx/telemetry` when `dir` is
   * the default directory; else every absolute path reads as
   * `<ABS_PATH_REDACTED>`).
   */
  root?: string;
}

const CHUNK_BYTES = 1024 * 1024;

function readCap(options: TelemetryReadOptions, warnings: string[]): number {
  if (options.maxBytes !== undefined) return Math.max(1, Math.floor(options.maxBytes));
  const raw = optionalEnv(READ_MAX_BYTES_ENV)?.trim();
  if (raw === undefined || raw === "") return DEFAULT_READ_MAX_BYTES;
  if (/^[1-9][0-9]{0,15}$/.test(raw)) return Number(raw);
  warnings.push(`${READ_MAX_BYTES_ENV} ignored: expected a positive whole number of bytes`);
  return DEFAULT_READ_MAX_BYTES;
}

interface FileTail {
  events: StoredEvent[];
  corrupt: number;
  total: number;
  oversized: number;
  size: number;
  begin: number;
}

/**
 * Read the last `budget` bytes of one event file in chunks, starting at a
 * line boundary (a line cut by the budget is left out whole).
 */
async function readTail(
  file: Deno.FsFile,
  budget: number,
  maxLine: number,
  keep: (ev: StoredEvent) => boolean,
  redact: RedactOptions,
): Promise<FileTail> {
  const size = (await file.stat()).size;
  const begin = Math.max(0, size - budget);
  const out: FileTail = { events: [], corrupt: 0, total: 0, oversized: 0, size, begin };
  const decoder = new TextDecoder();
  const splitter = new LineSplitter(maxLine, (bytes) => {
    const line = decoder.decode(bytes);
    if (line.trim() === "") return;
    out.total++;
    const ev = parseEvent(line, redact);
    if (!ev) out.corrupt++;
    else if (keep(ev)) out.events.push(ev);
  });
  let pos = begin;
  if (begin > 0) {
    // Start at a line boundary: unless the byte before `begin` is a newline,
    // the first bytes are the end of a line that is left out.
    const prev = new Uint8Array(1);
    await file.seek(begin - 1, Deno.SeekMode.Start);
    if ((await file.read(prev)) !== 1 || prev[0] !== 0x0a) splitter.skipToNextLine();
  }
  await file.seek(begin, Deno.SeekMode.Start);
  const buf = new Uint8Array(Math.min(CHUNK_BYTES, Math.max(1, size - begin)));
  while (pos < size) {
    // Never past the size seen at the start: a growing file does not stretch the budget.
    const n = await file.read(buf.subarray(0, Math.min(buf.length, size - pos)));
    if (n === null) break;
    splitter.push(buf.subarray(0, n));
    pos += n;
  }
  splitter.end();
  out.oversized = splitter.oversized;
  out.total += splitter.oversized;
  out.corrupt += splitter.oversized;
  return out;
}

function sizeOf(path: string): number {
  try {
    return Deno.lstatSync(path).size;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return 0; // rotated away meanwhile
    throw err;
  }
}

/** What a read of the event files needs. */
interface TailContext {
  /** Longest line parsed. */
  maxLine: number;
  /** Which parsed events to keep (the day window). */
  keep: (ev: StoredEvent) => boolean;
  /** Redaction on read. */
  redact: RedactOptions;
  /** Where refused files are named. */
  warnings: string[];
}

/** The event files read under the budget, and what was left out. */
interface TailsRead {
  /** Files read, whole or in part, oldest first. */
  tails: { name: string; tail: FileTail }[];
  /** Bytes left out (older files whole, the start of a partly read file). */
  skipped: number;
  /** Files left out whole. */
  skippedFiles: number;
  /** The file read only in part, if any. */
  partial?: string;
}

/** Open an event file checked; `undefined` when it is gone or refused (named in `warnings`). */
function openEventFile(path: string, warnings: string[]): Deno.FsFile | undefined {
  try {
    return openChecked(path, "read");
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined; // rotated away meanwhile
    if (err instanceof TrifectaError && err.code === UNSAFE_FILE_CODE) {
      warnings.push(`${basename(path)} ${String(err.details.reason)}: not read`);
      return undefined;
    }
    throw err;
  }
}

/**
 * Read the event files newest first (`events.jsonl`, then `events.1.jsonl`,
 * …) until `cap` bytes are spent, so that the budget goes to the newest
 * events; older files are left out whole.
 */
async function readTails(files: string[], cap: number, ctx: TailContext): Promise<TailsRead> {
  const out: TailsRead = { tails: [], skipped: 0, skippedFiles: 0 };
  let budget = cap;
  for (const path of [...files].reverse()) {
    if (budget <= 0) {
      out.skipped += sizeOf(path);
      out.skippedFiles++;
      continue;
    }
    const file = openEventFile(path, ctx.warnings);
    if (file === undefined) continue;
    try {
      const tail = await readTail(file, budget, ctx.maxLine, ctx.keep, ctx.redact);
      budget -= tail.size - tail.begin;
      if (tail.begin > 0) {
        out.skipped += tail.begin;
        out.partial = basename(path);
      }
      out.tails.push({ name: basename(path), tail });
    } finally {
      file.close();
    }
  }
  out.tails.reverse();
  return out;
}

/** The warning that names what the byte budget left out. */
function capWarning(cap: number, read: TailsRead, bytesRead: number): string {
  const parts = [];
  if (read.skippedFiles > 0) parts.push(`${read.skippedFiles} older file(s) whole`);
  if (read.partial) parts.push(`the start of ${read.partial}`);
  return `telemetry read capped at ${formatBytes(cap)} (${READ_MAX_BYTES_ENV}): the oldest ${
    formatBytes(read.skipped)
  } of ${formatBytes(read.skipped + bytesRead)} were left out (${
    parts.join(", ")
  }); figures cover the newest events only`;
}

/** The cumulative counters: `metrics.json`, plus `pending/` deltas and `write_failures.json`. */
function readCounters(dir: string, warnings: string[]): { metrics: Counters; corrupt: boolean } {
  const m = readMetrics(dir);
  if (m.problem) warnings.push(m.problem);
  const metrics = m.metrics;
  const pending = readPending(dir);
  warnings.push(...pending.problems);
  for (const p of pending.entries) {
    for (const [k, v] of Object.entries(p.delta)) metrics[k] = (metrics[k] ?? 0) + v;
  }
  const wf = readWriteFailures(dir);
  if (wf.problem) warnings.push(wf.problem);
  addFailures(metrics, wf.failures);
  return { metrics, corrupt: m.corrupt };
}

/** The filter of the `lastDays` window: events without a parsable `ts` are kept. */
function dayWindow(options: TelemetryReadOptions): (ev: StoredEvent) => boolean {
  const cutoff = options.lastDays && options.lastDays > 0
    ? (options.now ?? new Date()).getTime() - options.lastDays * 86_400_000
    : undefined;
  return (ev) => {
    if (cutoff === undefined || ev.ts === undefined) return true;
    const t = Date.parse(ev.ts);
    return !(Number.isFinite(t) && t < cutoff);
  };
}

/**
 * Read a telemetry directory; a missing directory reads as empty. Memory is
 * bounded: event files are read newest first, from the end, in 1 MiB chunks,
 * until the byte budget is spent; older data is left out and named in
 * `warnings`. A line over the line cap is skipped unread and counted as
 * corrupt; `metrics.json`, `pending/` files and `last_run.json` are read only
 * under their own caps. Symlinks, FIFOs and swapped files are not read.
 *
 * @example
 * ```ts
 * import { readTelemetry } from "./read.ts";
 * import { equal } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/events.jsonl`, '{"cmd":"a","args":{"p":"/etc/hosts"}}\nnot json\n');
 * const data = await readTelemetry(dir);
 * equal(data.events.length, 1);
 * equal(data.events[0]?.args.p, "<ABS_PATH_REDACTED>");
 * equal(data.corruptLines, 1);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function readTelemetry(
  dir: string,
  options: TelemetryReadOptions = {},
): Promise<TelemetryData> {
  const warnings: string[] = [];
  const cap = readCap(options, warnings);
  const redact = readRedaction(options.root ?? rootOf(dir));
  const maxLine = options.maxLineBytes ?? MAX_EVENT_LINE_BYTES;
  const read = await readTails(await eventFiles(dir), cap, {
    maxLine,
    keep: dayWindow(options),
    redact,
    warnings,
  });
  const events: StoredEvent[] = [];
  let corrupt = 0, total = 0, oversized = 0, bytesRead = 0;
  for (const { tail } of read.tails) {
    for (const ev of tail.events) events.push(ev);
    corrupt += tail.corrupt;
    total += tail.total;
    oversized += tail.oversized;
    bytesRead += tail.size - tail.begin;
  }
  if (read.skipped > 0) warnings.push(capWarning(cap, read, bytesRead));
  if (oversized > 0) {
    warnings.push(
      `${oversized} event line(s) over ${formatBytes(maxLine)} skipped unread (counted as corrupt)`,
    );
  }
  const counters = readCounters(dir, warnings);
  return {
    events,
    corruptLines: corrupt,
    totalLines: total,
    oversizedLines: oversized,
    files: read.tails.map((t) => t.name),
    readCapBytes: cap,
    bytesRead,
    bytesSkipped: read.skipped,
    // Names escaped and redacted; names that become equal are added up.
    metrics: redactCounterNames(counters.metrics, redact),
    metricsCorrupt: counters.corrupt,
    lastRun: readLastRun(dir, warnings, redact),
    warnings,
  };
}

/**
 * Fold the counts of `write_failures.json` into the counters: events of runs
 * whose merge failed count as attempted (and, if appended, written), so that
 * `attempted − written` covers them; failed flushes go to
 * `telemetry_flush_failed`.
 */
function addFailures(metrics: Counters, f: WriteFailures): void {
  const add = (k: string, n: number) => {
    if (n > 0) metrics[k] = (metrics[k] ?? 0) + n;
  };
  add("telemetry_events_attempted", f.events_attempted);
  add("telemetry_events_written", f.events_written);
  add("telemetry_flush_failed", f.flushes_failed);
}

function readLastRun(
  dir: string,
  warnings: string[],
  redact: RedactOptions,
): Record<string, unknown> | null {
  const r = readCapped(join(dir, LAST_RUN_FILE), MAX_LAST_RUN_BYTES);
  if (r.kind === "missing") return null;
  if (r.kind === "oversized") {
    warnings.push(
      `${LAST_RUN_FILE} is ${formatBytes(r.size)}, over the ${
        formatBytes(MAX_LAST_RUN_BYTES)
      } cap: not read`,
    );
    return null;
  }
  if (r.kind === "unsafe") {
    warnings.push(`${LAST_RUN_FILE} ${r.reason}: not read`);
    return null;
  }
  try {
    return redactedObject(JSON.parse(r.text), redact);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    warnings.push(`${LAST_RUN_FILE} is not valid JSON`);
    return null;
  }
}
