/**
 * Who may own the logs next to the cache database. SQLite replays a `-wal`
 * (or rolls back a hot `-journal`) when it opens the file, before trifecta
 * can read its stamp (`db_identity.ts`, page 1): a log that arrived with the
 * segment (a `git pull`, an archive) would put its pages into a trusted
 * file. A log is legitimate only while a live trifecta connection owns it,
 * or after one crashed (losing its last entries is fine: it is a cache).
 *
 * So every connection holds a shared `flock` on `<db>.live` for its whole
 * life (taken before SQLite opens the file, released after it closes). An
 * opener that can take that lock exclusively knows no connection is open
 * anywhere: it moves every log aside (`<db>.stray-*`) before SQLite sees the
 * file, then holds the lock shared like everyone else. A crash in the middle
 * of a checkpoint leaves the database holding part of the log's pages, so
 * then (and for any `-journal`, which trifecta's WAL files only have while
 * they are being created) the database goes aside too (`<db>.corrupt-*`) and
 * a fresh one is made. See `docs/cache.md` ("Trust").
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { releaseOnce } from "../file_lock.ts";
import { openStateFile } from "../safe_dir.ts";
import { LOG_SUFFIXES, moveAside, moveLogsAside } from "./corrupt_files.ts";
import { type CacheEventSink, emitCacheEvent } from "./events.ts";
import { classifyFsError } from "./sqlite_errors.ts";
import { CACHE_DB_REL, checkPaths, type FailedOpen, unavailable } from "./sqlite_paths.ts";

/** The suffix of the lock file every live connection holds shared. */
export const LIVE_LOCK_SUFFIX = ".live";

/** A shared hold on `<db>.live`, and what was moved aside to take it. */
export interface LiveHold {
  /** Names (in the cache directory) of the files moved aside. */
  movedAside: string[];
  /**
   * Why files went aside: `stray_log` (logs only), `stray_journal` or
   * `interrupted_checkpoint` (the database too); null when none did.
   */
  reason: SetAsideReason | null;
  /** Release the lock and close its file (idempotent). */
  release(): void;
}

/** Why {@linkcode holdLive} set files aside. */
export type SetAsideReason = "stray_log" | "stray_journal" | "interrupted_checkpoint";

/** The outcome of {@linkcode holdLive}. */
export type LiveAttempt =
  | { ok: true; hold: LiveHold }
  | { ok: false; waitedMs: number };

/** Options for {@linkcode holdLive}. */
export interface HoldLiveOptions {
  /** Give up after this many ms (another opener holds it exclusively only while it moves logs). */
  waitMs: number;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Take the shared hold on `<dbPath>.live` that a connection keeps while
 * open, first moving aside any log no live connection owns. The lock file is
 * opened with `openStateFile` (a planted link or FIFO there throws
 * `STATE_PATH_UNSAFE`); the caller has checked the directory.
 *
 * @example
 * ```ts
 * import { holdLive } from "./sqlite_live.ts";
 * import { deepEqual, ok } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/x.db-wal`, "a log nobody owns");
 * const attempt = holdLive(`${dir}/x.db`, { waitMs: 100 });
 * ok(attempt.ok);
 * if (attempt.ok) {
 *   deepEqual(attempt.hold.movedAside.length, 1);
 *   attempt.hold.release();
 * }
 * ok(!Deno.readDirSync(dir).some((e) => e.name === "x.db-wal"));
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function holdLive(dbPath: string, options: HoldLiveOptions): LiveAttempt {
  const file = openStateFile(`${dbPath}${LIVE_LOCK_SUFFIX}`);
  const start = performance.now();
  const movedAside: string[] = [];
  let reason: SetAsideReason | null = null;
  try {
    for (;;) {
      if (file.tryLockSync(true)) {
        // No connection is open anywhere: any log here is nobody's.
        try {
          const r = setLogsAside(dbPath);
          movedAside.push(...r.moved);
          reason = r.reason ?? reason;
        } finally {
          file.unlockSync();
        }
      }
      // Shared: alongside live connections (their logs are theirs).
      if (file.tryLockSync(false)) return { ok: true, hold: held(file, movedAside, reason) };
      const waited = performance.now() - start;
      if (waited >= options.waitMs) {
        file.close();
        return { ok: false, waitedMs: waited };
      }
      // Another opener holds it exclusively for a few renames.
      Atomics.wait(sleeper, 0, 0, 2);
    }
  } catch (err) {
    file.close();
    throw err;
  }
}

function held(file: Deno.FsFile, movedAside: string[], reason: SetAsideReason | null): LiveHold {
  return { movedAside, reason, release: releaseOnce(file) };
}

/**
 * Keep `hold` for as long as `db` is open: its `close()` also releases it.
 * (Callers close the connection itself; this keeps the lock's life tied to
 * it without changing them.)
 */
export function releaseOnClose(db: DatabaseSync, hold: LiveHold): void {
  const close = db.close.bind(db);
  db.close = function closeAndRelease(): void {
    try {
      close();
    } finally {
      hold.release();
    }
  };
}

/** No lock to hold (a read-only file system). */
function unheld(): LiveHold {
  return { movedAside: [], reason: null, release() {} };
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (err) {
    // Absent is the usual case; any other error is a real failure.
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** Move aside the logs no live connection owns (and the database, when it cannot stand alone). */
function setLogsAside(dbPath: string): { moved: string[]; reason: SetAsideReason | null } {
  const present = LOG_SUFFIXES.filter((suffix) => exists(dbPath + suffix));
  if (present.length === 0) return { moved: [], reason: null };
  const reason = present.includes("-journal")
    ? "stray_journal"
    : checkpointInterrupted(`${dbPath}-shm`)
    ? "interrupted_checkpoint"
    : "stray_log";
  if (reason === "stray_log" || !exists(dbPath)) return { moved: moveLogsAside(dbPath), reason };
  return { moved: moveAside(dbPath), reason };
}

/** The wal-index's checkpoint info: `nBackfill` and `nBackfillAttempted` (SQLite `wal.c`). */
const N_BACKFILL_AT = 96;
const N_BACKFILL_ATTEMPTED_AT = 128;
const CKPT_INFO_END = 132;
/** The wal-index is in the machine's byte order. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * True when the `-shm` says a checkpoint started copying log pages into the
 * database and did not finish (or recovery could not tell): the database
 * alone may then mix old and new pages.
 */
function checkpointInterrupted(shmPath: string): boolean {
  const head = new Uint8Array(CKPT_INFO_END);
  let n = 0;
  try {
    using file = Deno.openSync(shmPath, { read: true });
    while (n < head.length) {
      const got = file.readSync(head.subarray(n));
      if (got === null || got === 0) break;
      n += got;
    }
  } catch (err) {
    // No -shm: no checkpoint ran since the log was made.
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
  if (n < CKPT_INFO_END) return false;
  const view = new DataView(head.buffer);
  const done = view.getUint32(N_BACKFILL_AT, LITTLE_ENDIAN);
  return view.getUint32(N_BACKFILL_ATTEMPTED_AT, LITTLE_ENDIAN) > done;
}

/** Options for {@linkcode takeLive}. */
export interface TakeLiveOptions {
  /** The segment root (see `checkPaths`). */
  root?: string;
  /** Create the directories when missing (default true). */
  create?: boolean;
  /** Wait this long for the lock. */
  waitMs: number;
  /** Sink for `ast.cache.log_set_aside` and `ast.cache.lock_timeout`. */
  events?: CacheEventSink;
  /** Where the open runs, for events (default `open`). */
  stage?: string;
}

/**
 * Check the paths (creating the directories unless `create` is false), then
 * {@linkcode holdLive}, as the opener needs it: a failure is a
 * {@linkcode FailedOpen} (`lock_timeout`, `unsafe_path`, …), and logs moved
 * aside are reported as `ast.cache.log_set_aside` (`reason`, `moved_aside`).
 */
export function takeLive(dbPath: string, options: TakeLiveOptions): LiveHold | FailedOpen {
  let attempt: LiveAttempt;
  try {
    const refused = checkPaths(dbPath, options.root, options.create !== false);
    if (refused) return refused;
    attempt = holdLive(dbPath, { waitMs: options.waitMs });
  } catch (err) {
    // A read-only file system: no process can write a log here any more, and
    // none can be moved; the open goes on as before (see docs/cache.md, "Trust").
    if (classifyFsError(err)?.reason === "read_only") return unheld();
    return unavailable(err);
  }
  if (!attempt.ok) {
    emitCacheEvent(options.events, "ast.cache.lock_timeout", {
      args: { operation: "live" },
      result: { backend: "sqlite", timeout_ms: options.waitMs, db_path: CACHE_DB_REL },
      timingMs: attempt.waitedMs,
    });
    const detail = `live lock not acquired in ${options.waitMs} ms`;
    return { ok: false, reason: "lock_timeout", detail };
  }
  const hold = attempt.hold;
  if (hold.reason !== null) {
    emitCacheEvent(options.events, "ast.cache.log_set_aside", {
      result: {
        backend: "sqlite",
        stage: options.stage ?? "open",
        reason: hold.reason,
        detail: "a log no live trifecta process owns was set aside before SQLite opened the file",
        moved_aside: hold.movedAside,
        db_path: CACHE_DB_REL,
      },
    });
  }
  return hold;
}
