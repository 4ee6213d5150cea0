/**
 * `metrics.json` and `pending/`: bounded reads (a file over its cap is
 * treated as corrupt and never read whole) and the merge done under the
 * directory lock.
 *
 * @module
 */
import { join } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { METRICS_FILE, PENDING_DIR, sweepStaleTemps, writeJsonAtomic } from "./files.ts";
import { type RedactOptions, redactString } from "./redact.ts";
import { formatBytes, isRealDir, readCapped, UNSAFE_FILE_CODE } from "./safe_file.ts";
import type { Counters } from "./summary.ts";

/** Largest `metrics.json` read (16 MiB, ~300,000 counters); larger is treated as corrupt. */
export const MAX_METRICS_BYTES = 16 * 1024 * 1024;
/** Largest `pending/` file read (1 MiB); larger ones are skipped. */
export const MAX_PENDING_BYTES = 1024 * 1024;
/** `pending/` files read per merge or report; the rest wait for the next merge. */
export const MAX_PENDING_FILES = 1000;

/** What {@linkcode readMetrics} found. */
export interface MetricsRead {
  /** The counters (`{}` when missing or corrupt). */
  metrics: Counters;
  /** True when the file is present but unusable (not JSON, too big, not a regular file). */
  corrupt: boolean;
  /** Why it is unusable, for a warning. */
  problem?: string;
}

function numbersOf(parsed: unknown): Counters | undefined {
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
  const out: Counters = {};
  for (const [k, v] of Object.entries(parsed)) if (typeof v === "number") out[k] = v;
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) return undefined; // the caller reports it as corrupt
    throw err;
  }
}

/**
 * Read `metrics.json` (a flat object of numbers); `{}` when missing. A file
 * over {@linkcode MAX_METRICS_BYTES}, a symlink or a FIFO is not read and is
 * reported as corrupt with the reason.
 */
export function readMetrics(dir: string): MetricsRead {
  const r = readCapped(join(dir, METRICS_FILE), MAX_METRICS_BYTES);
  if (r.kind === "missing") return { metrics: {}, corrupt: false };
  if (r.kind === "oversized") {
    return {
      metrics: {},
      corrupt: true,
      problem: `${METRICS_FILE} is ${formatBytes(r.size)}, over the ${
        formatBytes(MAX_METRICS_BYTES)
      } cap: treated as corrupt, not read`,
    };
  }
  if (r.kind === "unsafe") {
    return {
      metrics: {},
      corrupt: true,
      problem: `${METRICS_FILE} ${r.reason}: treated as corrupt, not read`,
    };
  }
  const metrics = numbersOf(parseJson(r.text));
  if (!metrics) {
    return { metrics: {}, corrupt: true, problem: `${METRICS_FILE} is not valid JSON` };
  }
  return { metrics, corrupt: false };
}

/** What {@linkcode readPending} found. */
export interface PendingRead {
  /** Usable deltas. */
  entries: { path: string; delta: Counters }[];
  /** Problems (skipped files, an unsafe directory), for warnings. */
  problems: string[];
}

/**
 * Read the deferred counter files in `pending/`: regular `*.json` files of
 * at most {@linkcode MAX_PENDING_BYTES}, at most
 * {@linkcode MAX_PENDING_FILES} of them. A `pending` that is a symlink is
 * not entered (the merge deletes what it read, and must never delete files
 * elsewhere).
 */
export function readPending(dir: string): PendingRead {
  const out: PendingRead = { entries: [], problems: [] };
  const pdir = join(dir, PENDING_DIR);
  try {
    if (!isRealDir(pdir)) return out;
  } catch (err) {
    if (err instanceof TrifectaError && err.code === UNSAFE_FILE_CODE) {
      out.problems.push(`${PENDING_DIR}/ ${String(err.details.reason)}: not read`);
      return out;
    }
    throw err;
  }
  let skipped = 0;
  let seen = 0;
  try {
    for (const e of Deno.readDirSync(pdir)) {
      if (!e.name.endsWith(".json")) continue;
      if (++seen > MAX_PENDING_FILES) continue;
      const path = join(pdir, e.name);
      const r = readCapped(path, MAX_PENDING_BYTES);
      if (r.kind === "missing") continue; // merged by another process meanwhile
      const delta = r.kind === "ok" ? numbersOf(parseJson(r.text)) : undefined;
      if (!delta) {
        skipped++;
        continue;
      }
      out.entries.push({ path, delta });
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return out; // removed meanwhile
    throw err;
  }
  if (seen > MAX_PENDING_FILES) {
    out.problems.push(
      `${PENDING_DIR}/ holds ${seen} files; ${MAX_PENDING_FILES} were read, the rest wait`,
    );
  }
  if (skipped > 0) {
    out.problems.push(
      `${skipped} ${PENDING_DIR}/ files are not usable (not JSON, too big or not regular files)`,
    );
  }
  return out;
}

function addCounter(m: Counters, key: string, n: number): void {
  m[key] = (m[key] ?? 0) + n;
}

/**
 * Counters with redacted names (`redactString` with `options`); names that
 * become equal are added up. A repository can ship a `metrics.json` whose
 * names are secrets: readers show them, and a merge would write them back.
 */
export function redactCounterNames(metrics: Counters, options: RedactOptions): Counters {
  const out: Counters = {};
  for (const [k, v] of Object.entries(metrics)) addCounter(out, redactString(k, options), v);
  return out;
}

/** Counter names are cut by the writer at the `full` level's string cap at most. */
const MERGE_REDACTION: RedactOptions = { maxStringLength: 4096 };

/**
 * Add `delta` and every `pending/` file to `metrics.json`; the caller holds
 * the directory lock. A corrupt (or oversized, or non-regular)
 * `metrics.json` is moved aside (`metrics.corrupt-<ms>.json`) and counted in
 * `telemetry_metrics_corrupt`. Throws only before `metrics.json` is replaced
 * (so a throw means "not merged"); problems after it (a merged pending file
 * that cannot be removed, the sweep of stale temp files) are returned.
 */
export function mergeMetrics(dir: string, delta: Counters): string[] {
  const { metrics, corrupt } = readMetrics(dir);
  if (corrupt) {
    Deno.renameSync(join(dir, METRICS_FILE), join(dir, `metrics.corrupt-${Date.now()}.json`));
    addCounter(metrics, "telemetry_metrics_corrupt", 1);
  }
  const pending = readPending(dir).entries;
  for (const d of [delta, ...pending.map((p) => p.delta)]) {
    for (const [k, v] of Object.entries(d)) addCounter(metrics, k, v);
  }
  // Every name written passes redaction, also those this process did not make.
  const safe = redactCounterNames(metrics, MERGE_REDACTION);
  const sorted: Counters = {};
  for (const [k, v] of Object.entries(safe).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) {
    sorted[k] = v;
  }
  writeJsonAtomic(join(dir, METRICS_FILE), sorted);
  const problems: string[] = [];
  const after = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      // Merged already: report, never undo or throw (a throw would count the delta twice).
      problems.push(`${what}: ${err instanceof Error ? err.name : String(err)}`);
    }
  };
  for (const p of pending) {
    after("merged pending file not removed", () => {
      try {
        Deno.removeSync(p.path);
      } catch (err) {
        // Removed by a person meanwhile (we hold the lock, no process did).
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
    });
  }
  after("stale temp files not swept", () => {
    sweepStaleTemps(dir);
    sweepStaleTemps(join(dir, PENDING_DIR));
  });
  return problems;
}
