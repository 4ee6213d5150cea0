/**
 * The one cross-process lock helper used by the AST cache, the context pack
 * and telemetry: an exclusive `flock(2)` through `Deno.FsFile#tryLock`,
 * tried once or retried with bounded, jittered back-off until a deadline.
 * The kernel releases the lock when the process dies, so a crashed holder
 * never wedges anyone. Opening the lock file (and refusing a planted
 * symlink or FIFO there) is the caller's job: each layer has its own
 * state-path rules.
 *
 * @module
 */

/** A held lock. */
export interface HeldLock {
  /** Milliseconds spent waiting for it. */
  readonly waitedMs: number;
  /** Release the lock and close its file (idempotent). */
  release(): void;
}

/** Why a lock was not taken. */
export type LockFailureReason = "timeout";

/** The outcome of an attempt: the lock, or why not and after how long. */
export type LockAttempt =
  | { ok: true; lock: HeldLock }
  | { ok: false; reason: LockFailureReason; waitedMs: number };

/** Options for {@linkcode acquireLock} and {@linkcode acquireLockSync}. */
export interface AcquireLockOptions {
  /** Give up after this many ms (0: one attempt only). */
  waitMs: number;
  /** First pause between attempts (ms, default 1); doubles each time. */
  minPauseMs?: number;
  /** Longest pause between attempts (ms, default 50). */
  maxPauseMs?: number;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * A release for a locked file: unlock and close, once (later calls do
 * nothing).
 *
 * @example
 * ```ts
 * import { releaseOnce, tryLock } from "./file_lock.ts";
 * import { ok } from "node:assert/strict";
 * const path = Deno.makeTempFileSync();
 * const file = Deno.openSync(path, { read: true, write: true });
 * file.lockSync(true);
 * const release = releaseOnce(file);
 * release();
 * release(); // a second call is a no-op, not a second close
 * const again = tryLock(Deno.openSync(path, { read: true, write: true }));
 * ok(again !== undefined, "the lock was released");
 * again.release();
 * Deno.removeSync(path);
 * ```
 */
export function releaseOnce(file: Deno.FsFile): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    try {
      file.unlockSync();
    } finally {
      file.close();
    }
  };
}

function held(file: Deno.FsFile, waitedMs: number): HeldLock {
  return { waitedMs, release: releaseOnce(file) };
}

/** Try once (never blocks); closes `file` when the lock is busy. */
export function tryLock(file: Deno.FsFile): HeldLock | undefined {
  let ok = false;
  try {
    ok = file.tryLockSync(true);
  } finally {
    if (!ok) file.close();
  }
  return ok ? held(file, 0) : undefined;
}

/** The pause before attempt `n` (0-based): doubling, capped, jittered ±50%. */
function pauseMs(n: number, left: number, options: AcquireLockOptions): number {
  const base = Math.min((options.minPauseMs ?? 1) * 2 ** Math.min(n, 16), options.maxPauseMs ?? 50);
  return Math.max(0, Math.min(left, base * (0.5 + Math.random())));
}

/**
 * The attempts of one acquisition: each step tries once (a non-blocking
 * flock), then yields the pause before the next try; it returns the outcome.
 * The async and sync forms differ only in how they pause.
 */
function* attempts(
  file: Deno.FsFile,
  options: AcquireLockOptions,
): Generator<number, LockAttempt, void> {
  const start = performance.now();
  for (let n = 0;; n++) {
    let locked = false;
    try {
      locked = file.tryLockSync(true);
    } catch (err) {
      file.close();
      throw err;
    }
    const waited = performance.now() - start;
    if (locked) return { ok: true, lock: held(file, waited) };
    if (waited >= options.waitMs) {
      file.close();
      return { ok: false, reason: "timeout", waitedMs: waited };
    }
    yield pauseMs(n, options.waitMs - waited, options);
  }
}

/**
 * Take an exclusive lock on `file`, retrying until `options.waitMs` passes.
 * On failure the file is closed and the reason returned (never thrown: the
 * caller names the error in its own terms, e.g. `PACK_LOCKED`).
 *
 * @example
 * ```ts
 * import { acquireLock } from "./file_lock.ts";
 * import { ok } from "node:assert/strict";
 * const path = Deno.makeTempFileSync();
 * const attempt = await acquireLock(Deno.openSync(path, { write: true }), { waitMs: 100 });
 * ok(attempt.ok);
 * if (attempt.ok) attempt.lock.release();
 * Deno.removeSync(path);
 * ```
 */
export async function acquireLock(
  file: Deno.FsFile,
  options: AcquireLockOptions,
): Promise<LockAttempt> {
  const steps = attempts(file, options);
  for (let step = steps.next();; step = steps.next()) {
    if (step.done) return step.value;
    const pause = step.value;
    await new Promise((r) => setTimeout(r, pause));
  }
}

/**
 * Synchronous {@linkcode acquireLock}, for callers whose API is synchronous
 * by contract (the AST cache): it blocks the thread between attempts.
 */
export function acquireLockSync(file: Deno.FsFile, options: AcquireLockOptions): LockAttempt {
  const steps = attempts(file, options);
  for (let step = steps.next();; step = steps.next()) {
    if (step.done) return step.value;
    Atomics.wait(sleeper, 0, 0, step.value);
  }
}
