/**
 * `write_failures.json`: counts that a failed flush could not merge into
 * `metrics.json`, kept where a full disk cannot stop them. The file is
 * created at its final, fixed size when the telemetry directory is set up,
 * and updated by overwriting the same bytes in place (one `write` at offset
 * 0): on ext4, xfs and tmpfs that allocates no new block, so it succeeds on
 * a full disk where the temp file of `metrics.json` cannot be written. It is
 * still valid JSON (numbers padded with spaces) for people and tools.
 *
 * @module
 */
import { join } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { acquireLock, type HeldLock } from "../file_lock.ts";
import { isFsError, LOCK_PAUSES, openLockFile } from "./files.ts";
import { openChecked, readCapped } from "./safe_file.ts";

/** The file name. */
export const WRITE_FAILURES_FILE = "write_failures.json";

/** Counts kept in {@linkcode WRITE_FAILURES_FILE}. */
export interface WriteFailures {
  /** Events attempted by runs whose counters could not be merged. */
  events_attempted: number;
  /** Events of those runs that were appended all the same. */
  events_written: number;
  /** Flushes that failed (metrics merge, pending file or `last_run.json`). */
  flushes_failed: number;
}

const FIELDS = ["events_attempted", "events_written", "flushes_failed"] as const;
/** Width of each number: 16 digits hold every safe integer. */
const WIDTH = 16;

function shortWrite(): TrifectaError {
  return new TrifectaError("TELEMETRY_SHORT_WRITE", `short write to ${WRITE_FAILURES_FILE}`);
}

function zero(): WriteFailures {
  return { events_attempted: 0, events_written: 0, flushes_failed: 0 };
}

/** The fixed-size text of `f` (always {@linkcode RECORD_BYTES} bytes). */
export function formatFailures(f: WriteFailures): string {
  const parts = FIELDS.map((k) => {
    const v = Math.min(Math.max(0, Math.trunc(f[k])), Number.MAX_SAFE_INTEGER);
    return `"${k}":${String(v).padStart(WIDTH)}`;
  });
  return `{"version":1,${parts.join(",")}}\n`;
}

/** Size of the file. */
export const RECORD_BYTES: number = formatFailures(zero()).length;

/** What {@linkcode readWriteFailures} found. */
export interface FailuresRead {
  /** The counts (zero when absent or unusable). */
  failures: WriteFailures;
  /** Why the file was not usable, when it was present but not. */
  problem?: string;
}

/** Parse the file's text; `undefined` when it is not a record of ours. */
export function parseFailures(text: string): WriteFailures | undefined {
  if (text.length !== RECORD_BYTES) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) return undefined; // torn or foreign content
    throw err;
  }
  if (raw === null || typeof raw !== "object") return undefined;
  const o = raw as Record<string, unknown>;
  const out = zero();
  for (const k of FIELDS) {
    const v = o[k];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) return undefined;
    out[k] = v;
  }
  return out;
}

/** Read the counts (bounded: the file is {@linkcode RECORD_BYTES} bytes). */
export function readWriteFailures(dir: string): FailuresRead {
  const r = readCapped(join(dir, WRITE_FAILURES_FILE), RECORD_BYTES);
  if (r.kind === "missing") return { failures: zero() };
  if (r.kind === "oversized") {
    return { failures: zero(), problem: `${WRITE_FAILURES_FILE} is larger than its fixed size` };
  }
  if (r.kind === "unsafe") {
    return { failures: zero(), problem: `${WRITE_FAILURES_FILE} ${r.reason}` };
  }
  const f = parseFailures(r.text);
  return f ? { failures: f } : { failures: zero(), problem: `${WRITE_FAILURES_FILE} is corrupt` };
}

/**
 * Create `.lock` and {@linkcode WRITE_FAILURES_FILE} (at its final size) in
 * a new or old telemetry directory, so that both exist before a disk fills
 * up. Existing files are left alone. Best effort: an error is returned, not
 * thrown (setting up must never stop an event).
 */
export function preallocate(dir: string): Error | undefined {
  try {
    openLockFile(dir).close();
    const path = join(dir, WRITE_FAILURES_FILE);
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, { write: true, createNew: true });
    } catch (err) {
      if (err instanceof Deno.errors.AlreadyExists) return undefined; // set up before
      throw err;
    }
    try {
      const bytes = new TextEncoder().encode(formatFailures(zero()));
      if (file.writeSync(bytes) < bytes.length) throw shortWrite();
    } catch (err) {
      file.close();
      // A partial record would read as corrupt forever; start over next time.
      Deno.removeSync(path);
      throw err;
    }
    file.close();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * Add `delta` to the file in place: read, add, one `write` of the same
 * number of bytes at offset 0. Takes the directory lock (bounded by
 * `lockTimeoutMs`); when it stays busy, writes without it (a lost increment
 * is better than none). Throws when the file is missing or not ours:
 * without the pre-allocated bytes an update could need a new block.
 */
export async function addWriteFailures(
  dir: string,
  delta: WriteFailures,
  options: { lockTimeoutMs?: number } = {},
): Promise<void> {
  let lock: HeldLock | undefined;
  try {
    const attempt = await acquireLock(openLockFile(dir), {
      waitMs: options.lockTimeoutMs ?? 200,
      ...LOCK_PAUSES,
    });
    if (attempt.ok) lock = attempt.lock;
  } catch (err) {
    // No lock file (it could not be created): write unlocked, see above.
    if (!isFsError(err)) throw err;
  }
  try {
    const file = openChecked(join(dir, WRITE_FAILURES_FILE), "update");
    try {
      const buf = new Uint8Array(RECORD_BYTES + 1);
      let off = 0;
      while (off < buf.length) {
        const n = file.readSync(buf.subarray(off));
        if (n === null) break;
        off += n;
      }
      const cur = parseFailures(new TextDecoder().decode(buf.subarray(0, off)));
      if (!cur) {
        throw new TrifectaError(
          "TELEMETRY_FAILURES_CORRUPT",
          `${WRITE_FAILURES_FILE} is not a fixed-size record`,
        );
      }
      const next = zero();
      for (const k of FIELDS) next[k] = cur[k] + delta[k];
      const bytes = new TextEncoder().encode(formatFailures(next));
      file.seekSync(0, Deno.SeekMode.Start);
      if (file.writeSync(bytes) < bytes.length) throw shortWrite();
    } finally {
      file.close();
    }
  } finally {
    lock?.release();
  }
}
