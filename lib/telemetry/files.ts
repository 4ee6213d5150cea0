/**
 * File primitives of the telemetry directory: one-write appends, atomic JSON
 * writes (temp file + rename), the directory lock (`Deno.FsFile#tryLock`) and
 * size-capped rotation. See `docs/telemetry_concurrency.md`.
 *
 * @module
 */
import { join } from "../path.ts";
import { randomHex } from "../text.ts";

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

/**
 * Append `line` (which must end with `\n`) with one `write` on a file opened
 * with `O_APPEND`: concurrent appenders never interleave within a line. The
 * file is opened per call, so a writer never keeps writing into a file that
 * rotation renamed long ago. Returns the file's size after the write.
 */
export function appendLine(path: string, line: string): number {
  const bytes = encoder.encode(line);
  const file = Deno.openSync(path, { append: true, create: true });
  try {
    let off = file.writeSync(bytes);
    // A short write on a regular file only happens on a full disk; finish it.
    while (off < bytes.length) off += file.writeSync(bytes.subarray(off));
    return file.statSync().size;
  } finally {
    file.close();
  }
}

/** A unique temp-file name next to `path`. */
export function tempNameFor(path: string): string {
  return `${path}.${Deno.pid}.${randomHex(4)}.tmp`;
}

/**
 * Write JSON (2-space indent, trailing newline) to a temp file and rename it
 * over `path`. Synchronous: the files are small, and a short CLI process
 * that flushes once would otherwise pay Deno's first-use cost of async file
 * writes (~2.5 ms).
 */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = tempNameFor(path);
  Deno.writeTextFileSync(tmp, JSON.stringify(value, null, 2) + "\n");
  try {
    Deno.renameSync(tmp, path);
  } catch (err) {
    try {
      Deno.removeSync(tmp);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    throw err;
  }
}

/** A held directory lock; release it with {@linkcode releaseLock}. */
export type HeldLock = Deno.FsFile;

/** Try once to take the exclusive directory lock (never blocks). */
export function tryLockSync(dir: string): HeldLock | undefined {
  const file = Deno.openSync(join(dir, LOCK_FILE), { read: true, write: true, create: true });
  let ok = false;
  try {
    ok = file.tryLockSync(true);
  } finally {
    if (!ok) file.close();
  }
  return ok ? file : undefined;
}

/** Options for {@linkcode lockWithin}. */
export interface LockOptions {
  /** Give up after this many ms (default {@linkcode DEFAULT_LOCK_TIMEOUT_MS}). */
  timeoutMs?: number;
}

/**
 * Take the directory lock, retrying with short jittered sleeps (1–8 ms) until
 * `timeoutMs` passes; `undefined` when it stays busy.
 */
export async function lockWithin(
  dir: string,
  options: LockOptions = {},
): Promise<HeldLock | undefined> {
  const timeout = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const start = performance.now();
  for (let attempt = 0;; attempt++) {
    // The attempt itself is synchronous (a non-blocking flock); only the
    // wait between attempts is async.
    const lock = tryLockSync(dir);
    if (lock) return lock;
    if (performance.now() - start >= timeout) return undefined;
    const wait = Math.min(8, 1 + attempt) * (0.5 + Math.random());
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** Release and close a lock. */
export function releaseLock(lock: HeldLock): void {
  try {
    lock.unlockSync();
  } finally {
    lock.close();
  }
}

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

/** Event files of a directory, oldest first (`events.N.jsonl` … `events.jsonl`). */
export async function eventFiles(dir: string): Promise<string[]> {
  const rotated: { n: number; name: string }[] = [];
  let hasMain = false;
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile) continue;
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
