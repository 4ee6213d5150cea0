/**
 * File primitives of the telemetry directory: one-write appends, atomic JSON
 * writes (temp file + rename), the lock file (locked with lib/file_lock.ts)
 * and size-capped rotation. See `docs/telemetry_concurrency.md`.
 *
 * @module
 */
import { join } from "../path.ts";
import { randomHex } from "../text.ts";
import { TrifectaError } from "../errors.ts";
import { openChecked } from "./safe_file.ts";

/** The event log. */
export const EVENTS_FILE = "events.jsonl";
/** Cumulative counters. */
export const METRICS_FILE = "metrics.json";
/** Summary of the last run. */
export const LAST_RUN_FILE = "last_run.json";
/** Lock file taken for `metrics.json` merges and rotation. */
export const LOCK_FILE = ".lock";
/** Counter deltas whose merge was deferred (lock busy past the bound). */
export const PENDING_DIR = "pending";

/** Default size at which `events.jsonl` is rotated (5 MiB). */
export const DEFAULT_MAX_EVENTS_BYTES = 5 * 1024 * 1024;
/** Default number of rotated files kept (`events.1.jsonl` … `events.5.jsonl`). */
export const DEFAULT_KEEP_ROTATED = 5;
/** Default bound of the lock retry in `flush()` (ms). */
export const DEFAULT_LOCK_TIMEOUT_MS = 2000;

/** Name of the `i`-th rotated event file (`events.1.jsonl` is the newest). */
export function rotatedName(i: number): string {
  return `events.${i}.jsonl`;
}

/** True for an error raised by a file-system call (as opposed to a bug). */
export function isFsError(err: unknown): err is Error {
  if (!(err instanceof Error)) return false;
  const e = Deno.errors;
  return err instanceof e.NotFound || err instanceof e.PermissionDenied ||
    err instanceof e.NotCapable || err instanceof e.AlreadyExists ||
    err instanceof e.IsADirectory ||
    err instanceof e.NotADirectory || err instanceof e.Busy || err instanceof e.BadResource ||
    err instanceof e.FilesystemLoop ||
    typeof (err as { code?: unknown }).code === "string";
}

const encoder = new TextEncoder();
const NEWLINE = 0x0a;

/** Largest event line written or read (1 MiB); a larger event is written as a stub. */
export const MAX_EVENT_LINE_BYTES = 1024 * 1024;

/** What {@linkcode appendLine} did. */
export interface AppendResult {
  /** Size of the file after the write, as far as this writer knows. */
  size: number;
  /** True when the file did not end in a newline and the line was started with one. */
  repairedTornLine: boolean;
}

/**
 * Append `line` (which must end with `\n`) with one `write` on a file opened
 * with `O_APPEND`: concurrent appenders never interleave within a line. The
 * file is opened per call, so a writer never keeps writing into a file that
 * rotation renamed long ago, and it is opened checked
 * ({@linkcode openChecked}): a symlink or hard link is refused, never
 * written through.
 *
 * A file that does not end in a newline (a torn last line, left by a crash or
 * a full disk) gets one in front of the line, in the same single `write`, so
 * the new line is never glued to the fragment. Two writers that both see the
 * tear both prefix one: the result is an empty line, which readers skip.
 *
 * A short write (only on a full disk) is not continued: a second `write`
 * could land after another process's line and split ours in two. The
 * fragment is left, the next writer's newline isolates it, and the caller
 * counts the event as failed.
 *
 * @throws {TrifectaError} `TELEMETRY_FILE_UNSAFE`, `TELEMETRY_SHORT_WRITE`.
 */
export function appendLine(path: string, line: string): AppendResult {
  const body = encoder.encode(line);
  const file = openChecked(path, "append");
  try {
    const size = file.statSync().size;
    let torn = false;
    if (size > 0) {
      // Reads use the file offset; O_APPEND writes still go to the end.
      const last = new Uint8Array(1);
      file.seekSync(size - 1, Deno.SeekMode.Start);
      torn = file.readSync(last) === 1 && last[0] !== NEWLINE;
    }
    let bytes = body;
    if (torn) {
      bytes = new Uint8Array(body.length + 1);
      bytes[0] = NEWLINE;
      bytes.set(body, 1);
    }
    const n = file.writeSync(bytes);
    if (n < bytes.length) {
      throw new TrifectaError(
        "TELEMETRY_SHORT_WRITE",
        `short write: ${n} of ${bytes.length} bytes (disk full?)`,
      );
    }
    return { size: size + n, repairedTornLine: torn };
  } finally {
    file.close();
  }
}

/** A unique temp-file name next to `path`. */
export function tempNameFor(path: string): string {
  return `${path}.${Deno.pid}.${randomHex(4)}.tmp`;
}

/** Temp files of {@linkcode tempNameFor} (`<name>.<pid>.<8 hex>.tmp`). */
export const TEMP_FILE_RE = /^.+\.\d+\.[0-9a-f]{8}\.tmp$/;

/** Age after which a temp file is taken as left by a killed process (60 s). */
export const STALE_TEMP_MS = 60_000;

function removeIfPresent(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (err) {
    // Already gone (or never created) is the state we want.
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

/**
 * Write JSON (2-space indent, trailing newline) to a temp file and rename it
 * over `path`. The temp file is created with `O_EXCL` (never through a
 * planted symlink) and removed on every failure path: a failed write (full
 * disk) leaves no zero-byte `*.tmp` behind. Synchronous: the files are
 * small, and a short CLI process that flushes once would otherwise pay
 * Deno's first-use cost of async file writes (~2.5 ms).
 */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = tempNameFor(path);
  const text = JSON.stringify(value, null, 2) + "\n";
  let created = false;
  try {
    const file = Deno.openSync(tmp, { write: true, createNew: true });
    created = true;
    try {
      const bytes = encoder.encode(text);
      let off = 0;
      while (off < bytes.length) off += file.writeSync(bytes.subarray(off));
    } finally {
      file.close();
    }
    Deno.renameSync(tmp, path);
  } catch (err) {
    if (created) {
      try {
        removeIfPresent(tmp);
      } catch (_) {
        // The write error is the one to report; sweepStaleTemps removes it later.
      }
    }
    throw err;
  }
}

/**
 * Remove temp files (`*.<pid>.<hex>.tmp`) in `dir` older than
 * {@linkcode STALE_TEMP_MS}: a process killed between creating one and the
 * rename leaves it. A live writer holds its temp file for microseconds, so
 * the age rule never removes one in use, whatever the lock. Returns the
 * number removed.
 */
export function sweepStaleTemps(dir: string, now: number = Date.now()): number {
  let removed = 0;
  let entries: Iterable<Deno.DirEntry>;
  try {
    entries = Deno.readDirSync(dir);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return 0; // nothing to sweep
    throw err;
  }
  for (const e of entries) {
    if (!TEMP_FILE_RE.test(e.name) || e.isDirectory) continue;
    const p = join(dir, e.name);
    try {
      const st = Deno.lstatSync(p);
      if (st.mtime !== null && now - st.mtime.getTime() < STALE_TEMP_MS) continue;
      Deno.removeSync(p);
      removed++;
    } catch (err) {
      // Another sweeper or the writer's own rename got there first.
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  return removed;
}

/**
 * Open the directory's lock file ({@linkcode LOCK_FILE}) for lib/file_lock.ts
 * (`tryLock`, `acquireLock`): checked ({@linkcode openChecked}), so a
 * planted symlink, FIFO or extra hard link there is refused, never locked
 * through; created with `O_EXCL` when missing.
 *
 * @throws {TrifectaError} `TELEMETRY_FILE_UNSAFE`.
 */
export function openLockFile(dir: string): Deno.FsFile {
  return openChecked(join(dir, LOCK_FILE), "lock");
}

/**
 * Pauses between attempts on the directory lock: 1 ms, doubling to 8 ms,
 * jittered (a holder keeps it only for a merge or a rotation).
 */
export const LOCK_PAUSES: { readonly minPauseMs: number; readonly maxPauseMs: number } = {
  minPauseMs: 1,
  maxPauseMs: 8,
};

/** Options for {@linkcode rotateLocked}. */
export interface RotateOptions {
  /** Rotate when `events.jsonl` is at least this big. */
  maxBytes: number;
  /** Rotated files kept; the oldest beyond this is deleted. */
  keep: number;
}

function ignoreNotFound(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    // A concurrent rotation moved it already.
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

/**
 * Rotate `events.jsonl` if it is still at least `maxBytes` big. The caller
 * must hold the directory lock; the size is re-checked here because another
 * process may have rotated between the caller's check and its lock. Shifts
 * `events.i.jsonl` → `events.(i+1).jsonl`, deletes the one beyond `keep`, and
 * renames `events.jsonl` → `events.1.jsonl`. A writer that opened the old
 * file just before the rename appends to it as `events.1.jsonl`: no line is
 * lost. Returns true when it rotated.
 */
export function rotateLocked(dir: string, options: RotateOptions): boolean {
  const events = join(dir, EVENTS_FILE);
  let size: number;
  try {
    size = Deno.statSync(events).size;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
  if (size < options.maxBytes) return false;
  const keep = Math.max(1, options.keep);
  // Shift only the files that exist (one readDir, not `keep` renames), the
  // highest number first so that no rename overwrites a file.
  const present: number[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const m = /^events\.(\d+)\.jsonl$/.exec(e.name);
    if (m) present.push(Number(m[1]));
  }
  present.sort((a, b) => b - a);
  for (const i of present) {
    if (i >= keep) {
      ignoreNotFound(() => Deno.removeSync(join(dir, rotatedName(i))));
    } else {
      ignoreNotFound(() =>
        Deno.renameSync(join(dir, rotatedName(i)), join(dir, rotatedName(i + 1)))
      );
    }
  }
  Deno.renameSync(events, join(dir, rotatedName(1)));
  return true;
}

/**
 * Event files of a directory, oldest first (`events.N.jsonl` …
 * `events.jsonl`); regular files and symlinks (which readers refuse, by
 * name), never directories.
 */
export async function eventFiles(dir: string): Promise<string[]> {
  const rotated: { n: number; name: string }[] = [];
  let hasMain = false;
  try {
    for await (const e of Deno.readDir(dir)) {
      // Symlinks are listed so that the reader names them when it refuses them.
      if (!e.isFile && !e.isSymlink) continue;
      if (e.name === EVENTS_FILE) hasMain = true;
      const m = /^events\.(\d+)\.jsonl$/.exec(e.name);
      if (m) rotated.push({ n: Number(m[1]), name: e.name });
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  rotated.sort((a, b) => b.n - a.n);
  const names = rotated.map((r) => r.name);
  if (hasMain) names.push(EVENTS_FILE);
  return names.map((n) => join(dir, n));
}
