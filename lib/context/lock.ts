/**
 * The build lock: an exclusive `flock(2)` on `_ctx/.pack.lock` through
 * `Deno.FsFile#tryLock`, released when the process dies. A second build
 * polls for it until a deadline, then fails with `PACK_LOCKED`.
 *
 * @module
 */
import { join } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { optionalEnv } from "../env.ts";
import type { Segment } from "../segment/mod.ts";
import { ensureCtxDir, writeError } from "./ctx_files.ts";
import { LOCK_REL } from "./types.ts";

/** Default time a build waits for another build's lock (ms). */
export const DEFAULT_LOCK_WAIT_MS = 30_000;

/** Options for {@linkcode acquirePackLock}. */
export interface LockOptions {
  /** How long to wait (default: env `TRIFECTA_CTX_LOCK_TIMEOUT_MS` or 30 s). */
  waitMs?: number;
  /** Poll interval (default 50 ms). */
  pollMs?: number;
}

/** A held lock. */
export interface PackLock {
  /** Milliseconds spent waiting for it. */
  waitedMs: number;
  /** Release it. */
  release(): void;
}

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

/**
 * Take the segment's pack lock, waiting for another holder up to the deadline.
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
  const pollMs = options.pollMs ?? 50;
  const start = Date.now();
  try {
    while (!(await file.tryLock(true))) {
      if (Date.now() - start >= waitMs) {
        throw new TrifectaError(
          "PACK_LOCKED",
          `Another process is building the context pack (waited ${waitMs} ms for ${LOCK_REL}).`,
          {
            nextSteps: [
              "Wait for the other build to finish, then run the command again",
              "Raise the wait with TRIFECTA_CTX_LOCK_TIMEOUT_MS=<ms>",
            ],
            details: { waited_ms: Date.now() - start },
          },
        );
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  } catch (err) {
    file.close();
    throw err;
  }
  const waitedMs = Date.now() - start;
  let released = false;
  return {
    waitedMs,
    release() {
      if (released) return;
      released = true;
      file.unlockSync();
      file.close();
    },
  };
}
