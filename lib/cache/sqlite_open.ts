/**
 * Open the cache database: connect, check (`user_version`, `PRAGMA
 * quick_check`), and when the file is missing, old, corrupt or suspected
 * corrupt, create / migrate / recover it under an exclusive lock file so that
 * concurrent processes never race each other (see `docs/cache.md`,
 * "Concurrency"). Corrupt files are moved aside, never deleted in place.
 *
 * The segment is untrusted: before anything is created or opened, its paths
 * are checked (`sqlite_paths.ts`, `unsafe_path`, see `docs/cache.md`,
 * "Trust"). A file's schema must be exactly trifecta's (`sqlite_inspect.ts`),
 * and a file trifecta did not stamp here is emptied before use
 * (`db_identity.ts`).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { openStateFile } from "../safe_dir.ts";
import { acquireLockSync, type LockAttempt } from "../file_lock.ts";
import { moveAside } from "./corrupt_files.ts";
import { adoptDatabase, fileStamp, stampMatches } from "./db_identity.ts";
import { type CacheEventSink, emitCacheEvent } from "./events.ts";
import { DEFAULT_BUSY_TIMEOUT_MS, DEFAULT_LOCK_TIMEOUT_MS } from "./limits.ts";
import { classifySqliteError, type SqliteFailure } from "./sqlite_errors.ts";
import {
  checkFailure,
  databaseSize,
  fileSize,
  inodeOf,
  inspect,
  type Inspection,
  schemaFailure,
  unexpectedFailure,
} from "./sqlite_inspect.ts";
import {
  CACHE_DB_REL,
  checkOpenedFile,
  checkPaths,
  type FailedOpen,
  missing,
  unavailable,
} from "./sqlite_paths.ts";
import { DB_SCHEMA_VERSION, migrate } from "./sqlite_schema.ts";
import { releaseOnClose, takeLive } from "./sqlite_live.ts";

export { CACHE_DB_REL, type FailedOpen };
export { moveAside };

/** Options for {@linkcode openCacheDatabase}. */
export interface OpenCacheDatabaseOptions {
  /**
   * The segment root: every directory from it down to the database's is
   * checked to be a real directory (default: only the database's own).
   */
  root?: string;
  /** Create the file when it is missing (default true). */
  create?: boolean;
  /** Wait this long for the create/migrate/recover lock (default 5 s). */
  lockTimeoutMs?: number;
  /** SQLite `busy_timeout` (default 5 s). */
  busyTimeoutMs?: number;
  /** Sink for `ast.cache.corruption_detected` and `ast.cache.lock_timeout`. */
  events?: CacheEventSink;
  /** Where the check ran, for events: `open` (default), `use`, `verify`. */
  stage?: string;
  /**
   * A connection to the file with this inode reported corruption: if the file
   * is still the same one, move it aside even when `quick_check` passes.
   */
  suspect?: { ino: number | null; failure: SqliteFailure };
}

/** How the database was found. */
export type OpenState = "opened" | "created" | "migrated" | "recovered";

/** A successful open. */
export interface OpenedDatabase {
  /** True. */
  ok: true;
  /** The connection (WAL, busy_timeout set, schema current). */
  db: DatabaseSync;
  /** What happened. */
  state: OpenState;
  /** Schema version found in the file (0 when created). */
  fromVersion: number;
  /** Names (in the cache directory) of files moved aside, if any. */
  movedAside: string[];
  /** The corruption found, if any. */
  corruption?: SqliteFailure;
  /** Inode of the file (to tell a replaced file from this one). */
  ino: number | null;
  /** Entries deleted because the file was not stamped by trifecta here (0 when trusted). */
  untrustedCleared: number;
  /** Database plus WAL size in bytes. */
  sizeBytes: number;
  /**
   * A write-ahead log was there before this open (another process is using
   * the file, one crashed, or one was shipped): its frames were not written
   * by this connection, so manifest rows are checked by their tag.
   */
  walAtOpen?: boolean;
}

/** Result of {@linkcode openCacheDatabase}. */
export type OpenCacheDatabaseResult = OpenedDatabase | FailedOpen;

function isFailedOpen(value: object): value is FailedOpen {
  return "ok" in value && value.ok === false;
}

/** An inspection failure that is not corruption: the open stops there. */
function failedInspection(failure: SqliteFailure): FailedOpen {
  const reason = failure.kind === "busy" ? "lock_timeout" : failure.reason;
  return { ok: false, reason, detail: failure.detail };
}

/** {@linkcode inspect}, then re-check the file SQLite opened by name. */
function inspectOpened(
  dbPath: string,
  root: string | undefined,
  busy: number,
): Inspection | FailedOpen {
  const seen = inspect(dbPath, busy);
  if (!("db" in seen)) return seen;
  const refused = checkOpenedFile(dbPath, root);
  if (!refused) return seen;
  seen.db.close();
  return refused;
}

/**
 * Open (creating, migrating or recovering as needed) the cache database at
 * `dbPath`. Never throws for the named failure cases: they come back as a
 * {@linkcode FailedOpen}. The connection holds the shared `.live` lock until
 * it is closed; a log no live connection owns never reaches SQLite
 * (`sqlite_live.ts`).
 */
export function openCacheDatabase(
  dbPath: string,
  options: OpenCacheDatabaseOptions = {},
): OpenCacheDatabaseResult {
  const waitMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const hold = takeLive(dbPath, { ...options, waitMs });
  if ("ok" in hold) return hold;
  let opened: OpenCacheDatabaseResult;
  try {
    opened = openHeld(dbPath, options, hold.movedAside);
  } catch (err) {
    hold.release();
    throw err;
  }
  if (!opened.ok) {
    hold.release();
    return opened;
  }
  releaseOnClose(opened.db, hold);
  return opened;
}

/**
 * {@linkcode openCacheDatabase} once the `.live` lock is held; `movedBefore`:
 * the logs set aside to take it (reported with the result).
 */
function openHeld(
  dbPath: string,
  options: OpenCacheDatabaseOptions,
  movedBefore: string[],
): OpenCacheDatabaseResult {
  const busy = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  let ino: number | null | undefined;
  try {
    const refused = checkPaths(dbPath, options.root, false);
    if (refused && refused.reason !== "missing") return refused;
    if (refused && options.create === false) return refused;
    ino = refused ? undefined : inodeOf(dbPath);
  } catch (err) {
    return unavailable(err);
  }
  if (ino === undefined && options.create === false) return missing();
  // Looked at before SQLite opens the file (which makes a log of its own).
  const walAtOpen = pathExists(`${dbPath}-wal`);
  if (ino !== undefined && options.suspect === undefined) {
    const fast = openFast(dbPath, options, busy, ino);
    if (fast) return fast.ok ? { ...fast, movedAside: [...movedBefore], walAtOpen } : fast;
  }
  const opened = openLocked(dbPath, options, busy, movedBefore);
  return opened.ok ? { ...opened, walAtOpen } : opened;
}

/** True when something (of any type) is at `path`. */
function pathExists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    return true; // cannot tell: count it as there (the rows get checked)
  }
}

/**
 * The fast path: an existing, current, sound file stamped here needs no
 * lock. `undefined` when the file needs the locked path (create, migrate,
 * recover, adopt).
 */
function openFast(
  dbPath: string,
  options: OpenCacheDatabaseOptions,
  busy: number,
  ino: number | null,
): OpenCacheDatabaseResult | undefined {
  const seen = inspectOpened(dbPath, options.root, busy);
  if (isFailedOpen(seen)) return seen;
  if ("failure" in seen) {
    return seen.failure.kind === "unavailable" ? failedInspection(seen.failure) : undefined;
  }
  const current = seen.version === DB_SCHEMA_VERSION && seen.problems.length === 0 &&
    seen.schema.length === 0 && stampMatches(seen.db, fileStamp(dbPath));
  if (!current) {
    seen.db.close();
    return undefined;
  }
  try {
    seen.db.exec("PRAGMA journal_mode = WAL");
  } catch (err) {
    seen.db.close();
    return unavailable(err);
  }
  return {
    ok: true,
    db: seen.db,
    state: "opened",
    fromVersion: seen.version,
    movedAside: [],
    ino,
    untrustedCleared: 0,
    sizeBytes: databaseSize(dbPath),
  };
}

function openLocked(
  dbPath: string,
  options: OpenCacheDatabaseOptions,
  busy: number,
  movedBefore: string[],
): OpenCacheDatabaseResult {
  const timeout = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  let attempt: LockAttempt;
  try {
    const refused = checkPaths(dbPath, options.root, options.create !== false);
    if (refused) return refused;
    // Opened without following a planted symlink, FIFO or hard link.
    attempt = acquireLockSync(openStateFile(`${dbPath}.lock`), { waitMs: timeout });
  } catch (err) {
    return unavailable(err);
  }
  if (!attempt.ok) {
    emitCacheEvent(options.events, "ast.cache.lock_timeout", {
      args: { operation: "open" },
      result: { backend: "sqlite", timeout_ms: timeout, db_path: CACHE_DB_REL },
      timingMs: timeout,
    });
    return { ok: false, reason: "lock_timeout", detail: `lock not acquired in ${timeout} ms` };
  }
  try {
    try {
      return openUnderLock(dbPath, options, busy, movedBefore);
    } catch (err) {
      // Corruption that quick_check missed but the migration met, or a
      // migration that failed on a file it should not have met: recover once.
      const failure = classifySqliteError(err) ?? unexpectedFailure(err);
      if (failure?.kind !== "corrupt") throw err;
      const ino = inodeOf(dbPath) ?? null;
      return openUnderLock(dbPath, { ...options, suspect: { ino, failure } }, busy, movedBefore);
    }
  } catch (err) {
    return unavailable(err);
  } finally {
    attempt.lock.release();
  }
}

/** The corruption an inspection found, a failure that stops the open, or neither. */
function corruptionOf(
  seen: Inspection,
  suspected: SqliteFailure | undefined,
): SqliteFailure | FailedOpen | undefined {
  if ("failure" in seen) {
    return seen.failure.kind === "corrupt" ? seen.failure : failedInspection(seen.failure);
  }
  if (seen.problems.length > 0) return checkFailure(seen.problems);
  if (seen.schema.length > 0) return schemaFailure(seen.schema);
  return suspected;
}

/** Move a corrupt file aside and report it; returns the names moved. */
function setAside(
  dbPath: string,
  options: OpenCacheDatabaseOptions,
  corruption: SqliteFailure,
  movedBefore: string[],
): string[] {
  const movedAside = [...movedBefore, ...moveAside(dbPath)];
  emitCacheEvent(options.events, "ast.cache.corruption_detected", {
    result: {
      backend: "sqlite",
      stage: options.stage ?? "open",
      reason: corruption.reason,
      detail: corruption.detail,
      moved_aside: movedAside,
      db_path: CACHE_DB_REL,
    },
  });
  return movedAside;
}

/** A connection past inspection, and what the locked opener found on the way. */
interface Opening {
  db: DatabaseSync;
  version: number;
  existed: boolean;
  movedAside: string[];
  corruption: SqliteFailure | undefined;
}

/** Inspect (and recover) the file under the lock, then finish the open. */
function openUnderLock(
  dbPath: string,
  options: OpenCacheDatabaseOptions,
  busy: number,
  movedBefore: string[],
): OpenCacheDatabaseResult {
  const ino = inodeOf(dbPath);
  if (ino === undefined && options.create === false) return missing();
  const existed = ino !== undefined;
  // A leftover -wal or -shm without its database (a crash, or shipped with
  // the segment) must never meet a fresh file: SQLite would replay it.
  let movedAside = [...movedBefore, ...(existed ? [] : moveAside(dbPath))];
  const recheck = checkPaths(dbPath, options.root, false);
  if (recheck && recheck.reason !== "missing") return recheck;
  let seen = inspectOpened(dbPath, options.root, busy);
  if (isFailedOpen(seen)) return seen;
  const suspected = existed && options.suspect?.ino === ino ? options.suspect?.failure : undefined;
  const found = corruptionOf(seen, suspected);
  if (found && isFailedOpen(found)) return found;
  if (found) {
    if ("db" in seen) seen.db.close();
    movedAside = setAside(dbPath, options, found, movedAside);
    seen = inspect(dbPath, busy);
  }
  if ("failure" in seen) return failedInspection(seen.failure);
  return finishOpen(dbPath, options, {
    db: seen.db,
    version: seen.version,
    existed,
    movedAside,
    corruption: found,
  });
}

/** Empty a file trifecta did not stamp here; the number of entries removed. */
function adoptUntrusted(
  dbPath: string,
  options: OpenCacheDatabaseOptions,
  o: Opening,
  fromVersion: number,
): number {
  const stamp = fileStamp(dbPath);
  if (stamp === null || stampMatches(o.db, stamp)) return 0;
  const removed = adoptDatabase(o.db, stamp);
  if (o.existed && !o.corruption) {
    emitCacheEvent(options.events, "ast.cache.untrusted_cleared", {
      result: { backend: "sqlite", removed, from_version: fromVersion, db_path: CACHE_DB_REL },
    });
  }
  return removed;
}

function stateOf(o: Opening, fromVersion: number): OpenState {
  if (o.corruption) return "recovered";
  if (!o.existed) return "created";
  return fromVersion < DB_SCHEMA_VERSION ? "migrated" : "opened";
}

/** Refuse a newer schema, migrate, re-check the file and adopt it. */
function finishOpen(
  dbPath: string,
  options: OpenCacheDatabaseOptions,
  o: Opening,
): OpenCacheDatabaseResult {
  const db = o.db;
  try {
    if (o.version > DB_SCHEMA_VERSION) {
      db.close();
      return {
        ok: false,
        reason: "schema_too_new",
        detail: `database schema ${o.version} is newer than ${DB_SCHEMA_VERSION}`,
      };
    }
    // A brand-new file: free pages can be returned later (`cache clear`).
    if (o.version === 0 && fileSize(dbPath) === 0) db.exec("PRAGMA auto_vacuum = INCREMENTAL");
    db.exec("PRAGMA journal_mode = WAL");
    const fromVersion = migrate(db);
    const refused = checkOpenedFile(dbPath, options.root);
    if (refused) {
      db.close();
      return refused;
    }
    const untrustedCleared = adoptUntrusted(dbPath, options, o, fromVersion);
    return {
      ok: true,
      db,
      state: stateOf(o, fromVersion),
      fromVersion,
      movedAside: o.movedAside,
      corruption: o.corruption,
      ino: inodeOf(dbPath) ?? null,
      untrustedCleared,
      sizeBytes: databaseSize(dbPath),
    };
  } catch (err) {
    if (db.isOpen) db.close();
    throw err;
  }
}
