/**
 * A cross-process exclusive lock on a file (`flock(2)` through
 * `Deno.FsFile#tryLockSync`), taken with a timeout. The kernel releases it
 * when the process dies, so a crashed holder never wedges the cache. The
 * lock file is opened without following a planted symlink (`safe_dir.ts`).
 *
 * @module
 */
import { openStateFile } from "../safe_dir.ts";

/** A held lock. */
export interface HeldLock {
  /** Milliseconds spent waiting for it. */
  waitedMs: number;
  /** Release the lock and close the file. */
  release(): void;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Block the thread for `ms` (the cache API is synchronous by contract). */
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * Take an exclusive lock on `lockPath` (created if missing), polling until
 * `timeoutMs`; `undefined` on timeout.
 *
 * @throws {TrifectaError} `STATE_PATH_UNSAFE` when the lock file is a
 * symlink, FIFO or hard link.
 */
export function acquireLockSync(lockPath: string, timeoutMs: number): HeldLock | undefined {
  const file = openStateFile(lockPath);
  const start = performance.now();
  let delay = 2;
  for (;;) {
    if (file.tryLockSync(true)) {
      const waitedMs = performance.now() - start;
      return {
        waitedMs,
        release() {
          file.unlockSync();
          file.close();
        },
      };
    }
    const left = timeoutMs - (performance.now() - start);
    if (left <= 0) {
      file.close();
      return undefined;
    }
    sleepSync(Math.min(delay, left));
    delay = Math.min(delay * 2, 50);
  }
}
