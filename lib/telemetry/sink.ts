/**
 * The writing side of telemetry for one process and directory: event lines
 * (one `O_APPEND` write each), rotation of `events.jsonl`, and the flush
 * that merges the run's counters into `metrics.json` under the directory
 * lock and writes `last_run.json`. See `docs/telemetry_concurrency.md`.
 *
 * @module
 */
import { acquireLock, tryLock } from "../file_lock.ts";
import { join } from "../path.ts";
import { randomHex } from "../text.ts";
import { TrifectaError } from "../errors.ts";
import { type RunCounters } from "./counters.ts";
import type { EventLine } from "./event.ts";
import {
  appendLine,
  EVENTS_FILE,
  isFsError,
  LAST_RUN_FILE,
  LOCK_PAUSES,
  openLockFile,
  PENDING_DIR,
  rotateLocked,
  writeJsonAtomic,
} from "./files.ts";
import { addWriteFailures, preallocate } from "./failures.ts";
import { mergeMetrics } from "./metrics_file.ts";
import { isRealDir, unsafeDefaultDir, unsafeDirError } from "./safe_file.ts";
import { ensureOwnGitignores } from "../config/gitignore.ts";
import type { Counters, LastRun } from "./summary.ts";

/** Options of an {@linkcode EventSink}. */
export interface SinkOptions {
  /** Segment root: the default `_ctx/telemetry` under it is refused behind a symlink. */
  root: string | undefined;
  /** Run id (for the names of `pending/` files). */
  runId: string;
  /** Rotate `events.jsonl` at this size. */
  maxEventsBytes: number;
  /** Rotated files kept. */
  keepRotated: number;
  /** Bound of the lock retry in a flush (ms). */
  lockTimeoutMs: number;
}

/** A short name for a write failure: the error code, else the error class. */
function failureName(err: Error): string {
  return err instanceof TrifectaError ? err.code : err.name;
}

/**
 * Writes one process's telemetry into one directory. Failures of the file
 * system never throw: they are counted (`telemetry_write_failed`) and
 * warned about in the run's {@linkcode RunCounters}.
 */
export class EventSink {
  /** The telemetry directory. */
  readonly dir: string;
  #counters: RunCounters;
  #options: SinkOptions;
  #dirReady = false;
  #flushing: Promise<void> = Promise.resolve();
  #pendingSeq = 0;

  /** A sink for `dir`; creates nothing until the first write. */
  constructor(dir: string, counters: RunCounters, options: SinkOptions) {
    this.dir = dir;
    this.#counters = counters;
    this.#options = options;
  }

  /**
   * Append one event line. Returns the size of `events.jsonl` after it, or
   * `undefined` when the write failed (counted and warned).
   */
  append(line: EventLine): number | undefined {
    const c = this.#counters;
    if (line.oversized) c.count("telemetry_events_oversized", 1);
    try {
      this.#ensureDir();
      const appended = appendLine(join(this.dir, EVENTS_FILE), line.text);
      if (appended.repairedTornLine) c.count("telemetry_torn_lines_repaired", 1);
      return appended.size;
    } catch (err) {
      if (!isFsError(err)) throw err;
      c.count("telemetry_write_failed", 1);
      c.warn(`telemetry write failed: ${failureName(err)}`);
      return undefined;
    }
  }

  /**
   * Rotate `events.jsonl` when `size` reached the bound, if the directory
   * lock is free right now (else the next event or flush does it).
   */
  rotateIfDue(size: number): void {
    if (size < this.#options.maxEventsBytes) return;
    let lock;
    try {
      lock = tryLock(openLockFile(this.dir));
    } catch (err) {
      if (!isFsError(err)) throw err;
      return; // the next event or flush retries
    }
    if (!lock) return; // someone else holds it: the next event or flush retries
    try {
      this.#rotateLocked();
    } catch (err) {
      if (!isFsError(err)) throw err;
      this.#counters.warn(`telemetry rotation failed: ${err.name}`);
    } finally {
      lock.release();
    }
  }

  /**
   * Merge the run's new counters into `metrics.json` (read, add, write a
   * temp file, rename) under the directory lock, rotate `events.jsonl` if
   * due, and write `summary()` to `last_run.json` atomically. When the lock
   * stays busy past the bound, the counters are saved to `pending/` for the
   * next merge and `telemetry_lock_skipped` is counted — nothing is lost.
   * Flushes of one sink run one after the other.
   */
  flush(summary: () => LastRun): Promise<void> {
    const next = this.#flushing.then(() => this.#flushOnce(summary));
    // The caller sees a failure through `next`; the chain only notes it so
    // that the next flush still runs.
    this.#flushing = next.then(
      () => undefined,
      (err: unknown) => this.#counters.warn(`telemetry flush failed: ${String(err)}`),
    );
    return next;
  }

  async #flushOnce(summary: () => LastRun): Promise<void> {
    let delta: Counters | undefined;
    try {
      this.#ensureDir();
      const attempt = await acquireLock(openLockFile(this.dir), {
        waitMs: this.#options.lockTimeoutMs,
        ...LOCK_PAUSES,
      });
      if (attempt.ok) {
        try {
          // Rotate first, so that the rotation is counted in this merge.
          this.#rotateLocked();
          delta = this.#counters.takeDelta();
          const problems = mergeMetrics(this.dir, delta);
          delta = undefined; // merged
          for (const p of problems) this.#counters.warn(`telemetry: ${p}`);
        } finally {
          attempt.lock.release();
        }
      } else {
        this.#counters.count("telemetry_lock_skipped", 1);
        this.#counters.warn("telemetry: metrics.json lock busy; counters deferred to pending/");
        delta = this.#counters.takeDelta();
        this.#writePending(delta);
        delta = undefined; // kept in pending/
      }
      writeJsonAtomic(join(this.dir, LAST_RUN_FILE), summary());
    } catch (err) {
      if (!isFsError(err)) throw err;
      this.#counters.count("telemetry_write_failed", 1);
      this.#counters.warn(`telemetry flush failed: ${failureName(err)}`);
      // Not merged: the delta taken for the merge, or (failed before or
      // after it) whatever is unmerged now.
      await this.#keepFailedDelta(delta ?? this.#counters.takeDelta());
    }
  }

  /** The lock stayed busy: save `delta` to `pending/` for the next merge. */
  #writePending(delta: Counters): void {
    const pdir = join(this.dir, PENDING_DIR);
    Deno.mkdirSync(pdir, { recursive: true });
    // mkdir accepts a symlink to a directory; writing through it is refused.
    isRealDir(pdir);
    const name = `${this.#options.runId}-${++this.#pendingSeq}-${randomHex(3)}.json`;
    writeJsonAtomic(join(pdir, name), delta);
  }

  /**
   * A flush failed (typically a full disk): the run's event counts go to the
   * pre-allocated `write_failures.json`, updated in place, so that `health`
   * still sees them; the other counters stay in memory for a later flush of
   * this process. If even that fails, everything stays in memory.
   */
  async #keepFailedDelta(delta: Counters): Promise<void> {
    const rest: Counters = { ...delta };
    // Only in a directory this process set up and checked (never through a
    // refused symlink).
    if (this.#dirReady) {
      try {
        await addWriteFailures(this.dir, {
          events_attempted: delta.telemetry_events_attempted ?? 0,
          events_written: delta.telemetry_events_written ?? 0,
          flushes_failed: 1,
        }, { lockTimeoutMs: Math.min(this.#options.lockTimeoutMs, 200) });
        delete rest.telemetry_events_attempted;
        delete rest.telemetry_events_written;
      } catch (err) {
        if (!isFsError(err)) throw err;
        this.#counters.warn(`telemetry: write_failures.json not updated: ${failureName(err)}`);
      }
    }
    this.#counters.keepUnmerged(rest);
  }

  /** Rotate if due; the caller holds the directory lock. */
  #rotateLocked(): void {
    const o = this.#options;
    if (rotateLocked(this.dir, { maxBytes: o.maxEventsBytes, keep: o.keepRotated })) {
      this.#counters.count("telemetry_rotations", 1);
    }
  }

  /**
   * Create the directory once per process. The default `_ctx/telemetry` is
   * refused when `_ctx` or `telemetry` is a symlink (checked before and after
   * the mkdir, which follows one); `.lock` and `write_failures.json` are
   * created while there is space.
   */
  #ensureDir(): void {
    if (this.#dirReady) return;
    const root = this.#options.root;
    const check = () => {
      const why = root === undefined ? undefined : unsafeDefaultDir(root, this.dir);
      if (why !== undefined) throw unsafeDirError(why);
    };
    check();
    Deno.mkdirSync(this.dir, { recursive: true });
    check();
    // A new `_ctx/` is ignored by git from the start, not only when the command ends.
    if (root !== undefined) ensureOwnGitignores(root);
    const err = preallocate(this.dir);
    if (err) {
      this.#counters.warn(`telemetry: write_failures.json not pre-allocated: ${failureName(err)}`);
    }
    this.#dirReady = true;
  }
}
