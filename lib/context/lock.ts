/**
 * The build lock: an exclusive `flock(2)` on `_ctx/.pack.lock`, taken with
 * the shared lock helper (`lib/file_lock.ts`: bounded, jittered retries) and
 * released when the process dies. A second build waits for it until a
 * deadline, then fails with `PACK_LOCKED`.
 *
 * @module
 */
import { join } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { optionalEnv } from "../env.ts";
import { acquireLock, type HeldLock } from "../file_lock.ts";
import type { Segment } from "../segment/mod.ts";
import { ensureCtxDir, writeError } from "./ctx_files.ts";
import { LOCK_REL } from "./types.ts";

/** Default time a build waits for another build's lock (ms). */
export const DEFAULT_LOCK_WAIT_MS = 30_000;

/** Options for {@linkcode acquirePackLock}. */
export interface LockOptions {
  /** How long to wait (default: env `TRIFECTA_CTX_LOCK_TIMEOUT_MS` or 30 s). */
  waitMs?: number;
}

/** A held lock: its wait (ms) and an idempotent `release()`. */
export type PackLock = HeldLock;

/**
 * The lock file is ours: a symlink in its place (shipped with the
 * repository) would make the open create or lock a file elsewhere, so it is
 * removed; a directory is refused.
 */
function clearPlantedLock(path: string): void {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw writeError(err, LOCK_REL, "check");
  }
  if (info.isFile) return;
  if (!info.isSymlink) {
    throw new TrifectaError("CTX_DIR_UNSAFE", `${LOCK_REL} is not a regular file`, {
      nextSteps: [`Remove ${LOCK_REL}, then run the command again`],
    });
  }
  try {
    Deno.removeSync(path);
  } catch (err) {
    // Another build removed it first: the goal is reached either way.
    if (!(err instanceof Deno.errors.NotFound)) throw writeError(err, LOCK_REL, "remove");
  }
}

function envWaitMs(): number | undefined {
  const raw = optionalEnv("TRIFECTA_CTX_LOCK_TIMEOUT_MS");
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

function lockedError(waitMs: number, waitedMs: number): TrifectaError {
  return new TrifectaError(
    "PACK_LOCKED",
    `Another process is building the context pack (waited ${waitMs} ms for ${LOCK_REL}).`,
    {
      nextSteps: [
        "Wait for the other build to finish, then run the command again",
        "Raise the wait with TRIFECTA_CTX_LOCK_TIMEOUT_MS=<ms>",
      ],
      details: { waited_ms: Math.round(waitedMs) },
    },
  );
}

/**
 * Take the segment's pack lock, waiting for another holder up to the deadline.
 *
 * @example
 * ```ts
 * import { equal, ok, rejects } from "node:assert/strict";
 * import { resolveSegment } from "../segment/mod.ts";
 * import { acquirePackLock } from "./lock.ts";
 * const segment = await resolveSegment(Deno.makeTempDirSync());
 * const lock = await acquirePackLock(segment);
 * ok(lock.waitedMs >= 0);
 * await rejects(acquirePackLock(segment, { waitMs: 20 }), (e: Error & { code?: string }) => {
 *   equal(e.code, "PACK_LOCKED");
 *   return true;
 * });
 * lock.release();
 * Deno.removeSync(segment.root, { recursive: true });
 * ```
 *
 * @throws {TrifectaError} `PACK_LOCKED` when another process holds it past
 * the deadline; `CTX_DIR_UNSAFE`, `OUTPUT_NOT_WRITABLE`, `DISK_FULL` when
 * `_ctx` cannot hold it.
 */
export async function acquirePackLock(
  segment: Segment,
  options: LockOptions = {},
): Promise<PackLock> {
  const path = join(segment.root, LOCK_REL);
  ensureCtxDir(segment);
  clearPlantedLock(path);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { create: true, write: true });
  } catch (err) {
    throw writeError(err, LOCK_REL, "open");
  }
  const waitMs = options.waitMs ?? envWaitMs() ?? DEFAULT_LOCK_WAIT_MS;
  let attempt;
  try {
    attempt = await acquireLock(file, { waitMs });
  } catch (err) {
    // acquireLock closed the file; a lock the OS refuses is a write failure.
    throw writeError(err, LOCK_REL, "lock");
  }
  if (!attempt.ok) throw lockedError(waitMs, attempt.waitedMs);
  return attempt.lock;
}
