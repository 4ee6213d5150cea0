/**
 * Open the cache database: connect, check (`user_version`, `PRAGMA
 * quick_check`), and when the file is missing, old, corrupt or suspected
 * corrupt, create / migrate / recover it under an exclusive lock file so that
 * concurrent processes never race each other (see `docs/cache.md`,
 * "Concurrency"). Corrupt files are moved aside, never deleted in place.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { basename, dirname } from "../path.ts";
import { type CacheEventSink, emitCacheEvent } from "./events.ts";
import { acquireLockSync } from "./file_lock.ts";
import { DEFAULT_BUSY_TIMEOUT_MS, DEFAULT_LOCK_TIMEOUT_MS, KEEP_CORRUPT_FILES } from "./limits.ts";
import { classifyFsError, classifySqliteError, type SqliteFailure } from "./sqlite_errors.ts";
import { DB_SCHEMA_VERSION, migrate, readSchemaVersion } from "./sqlite_schema.ts";

/** The database's path relative to the segment root. */
export const CACHE_DB_REL = ".trifecta/cache/ast_cache.db";

/** Options for {@linkcode openCacheDatabase}. */
export interface OpenCacheDatabaseOptions {
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
  /** Database plus WAL size in bytes. */
  sizeBytes: number;
}

/** A failed open: the caller falls back to memory (or reports, for `cache` commands). */
export interface FailedOpen {
  /** False. */
  ok: false;
  /** `missing` (and `create` was false), `lock_timeout`, `schema_too_new`, or an unavailable reason. */
  reason: string;
  /** Short detail without paths. */
  detail: string;
}

/** Result of {@linkcode openCacheDatabase}. */
export type OpenCacheDatabaseResult = OpenedDatabase | FailedOpen;

function fileSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return 0;
    throw err;
  }
}

function inodeOf(path: string): number | null | undefined {
  try {
    return Deno.statSync(path).ino;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

function connect(dbPath: string, busyTimeoutMs: number): DatabaseSync {
  const db = new DatabaseSync(dbPath);
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    db.exec("PRAGMA synchronous = NORMAL");
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

function quickCheck(db: DatabaseSync): string[] {
  return db.prepare("PRAGMA quick_check").all().map((r) =>
    String(Object.values(r as Record<string, unknown>)[0])
  );
}

function checkFailure(problems: string[]): SqliteFailure {
  return {
    kind: "corrupt",
    reason: "quick_check_failed",
    detail: problems.slice(0, 3).join("; ").slice(0, 200),
  };
}

/** Outcome of one inspection attempt. */
type Inspection =
  | { db: DatabaseSync; version: number; problems: string[] }
  | { failure: SqliteFailure };

function inspect(dbPath: string, busyTimeoutMs: number): Inspection {
  let db: DatabaseSync | undefined;
  try {
    db = connect(dbPath, busyTimeoutMs);
    const version = readSchemaVersion(db);
    const problems = quickCheck(db);
    return { db, version, problems: problems.length === 1 && problems[0] === "ok" ? [] : problems };
  } catch (err) {
    const failure = classifySqliteError(err);
    if (!failure) throw err;
    if (db?.isOpen) db.close();
    return { failure };
  }
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:.]/g, "");
}

/**
 * Move `dbPath` and its `-wal`/`-shm` aside as `<name>.corrupt-<timestamp>[-wal|-shm]`,
 * keep the newest {@linkcode KEEP_CORRUPT_FILES} sets, and return the new names.
 * A leftover WAL must never meet a fresh database, so a failed rename throws.
 */
export function moveAside(dbPath: string): string[] {
  const target = `${dbPath}.corrupt-${timestamp()}`;
  const moved: string[] = [];
  for (const suffix of ["", "-wal", "-shm"]) {
    try {
      Deno.renameSync(dbPath + suffix, target + suffix);
      moved.push(basename(target + suffix));
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  pruneCorruptFiles(dbPath);
  return moved;
}

function pruneCorruptFiles(dbPath: string): void {
  const dir = dirname(dbPath);
  const prefix = `${basename(dbPath)}.corrupt-`;
  const stamps = new Set<string>();
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.name.startsWith(prefix)) {
      stamps.add(entry.name.slice(prefix.length).replace(/-(wal|shm)$/, ""));
    }
  }
  const old = [...stamps].sort().reverse().slice(KEEP_CORRUPT_FILES);
  for (const stamp of old) {
    for (const suffix of ["", "-wal", "-shm"]) {
      try {
        Deno.removeSync(`${dir}/${prefix}${stamp}${suffix}`);
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
    }
  }
}

function unavailable(err: unknown): FailedOpen {
  const f = classifySqliteError(err) ?? classifyFsError(err);
  if (!f) throw err;
  return { ok: false, reason: f.kind === "busy" ? "lock_timeout" : f.reason, detail: f.detail };
}

/**
 * Open (creating, migrating or recovering as needed) the cache database at
 * `dbPath`. Never throws for the named failure cases: they come back as a
 * {@linkcode FailedOpen}.
 */
export function openCacheDatabase(
  dbPath: string,
  options: OpenCacheDatabaseOptions = {},
): OpenCacheDatabaseResult {
  const busy = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  let ino: number | null | undefined;
  try {
    ino = inodeOf(dbPath);
  } catch (err) {
    return unavailable(err);
  }
  if (ino === undefined && options.create === false) {
    return { ok: false, reason: "missing", detail: "no cache database yet" };
  }
  // Fast path: an existing, current, sound file needs no lock.
  if (ino !== undefined && options.suspect === undefined) {
    const seen = inspect(dbPath, busy);
    if ("db" in seen) {
      if (seen.version === DB_SCHEMA_VERSION && seen.problems.length === 0) {
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
          sizeBytes: fileSize(dbPath) + fileSize(`${dbPath}-wal`),
        };
      }
      seen.db.close();
    } else if (seen.failure.kind === "unavailable") {
      return { ok: false, reason: seen.failure.reason, detail: seen.failure.detail };
    }
  }
  return openLocked(dbPath, options, busy);
}

function openLocked(
  dbPath: string,
  options: OpenCacheDatabaseOptions,
  busy: number,
): OpenCacheDatabaseResult {
  const timeout = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  let lock;
  try {
    Deno.mkdirSync(dirname(dbPath), { recursive: true });
    lock = acquireLockSync(`${dbPath}.lock`, timeout);
  } catch (err) {
    return unavailable(err);
  }
  if (!lock) {
    emitCacheEvent(options.events, "ast.cache.lock_timeout", {
      args: { operation: "open" },
      result: { backend: "sqlite", timeout_ms: timeout, db_path: CACHE_DB_REL },
      timingMs: timeout,
    });
    return { ok: false, reason: "lock_timeout", detail: `lock not acquired in ${timeout} ms` };
  }
  try {
    try {
      return openUnderLock(dbPath, options, busy);
    } catch (err) {
      // Corruption that quick_check missed but the migration met: recover once.
      const failure = classifySqliteError(err);
      if (failure?.kind !== "corrupt") throw err;
      const ino = inodeOf(dbPath) ?? null;
      return openUnderLock(dbPath, { ...options, suspect: { ino, failure } }, busy);
    }
  } catch (err) {
    return unavailable(err);
  } finally {
    lock.release();
  }
}

function openUnderLock(
  dbPath: string,
  options: OpenCacheDatabaseOptions,
  busy: number,
): OpenCacheDatabaseResult {
  const ino = inodeOf(dbPath);
  if (ino === undefined && options.create === false) {
    return { ok: false, reason: "missing", detail: "no cache database yet" };
  }
  const existed = ino !== undefined;
  let seen = inspect(dbPath, busy);
  let corruption: SqliteFailure | undefined;
  if ("failure" in seen) {
    if (seen.failure.kind !== "corrupt") {
      return {
        ok: false,
        reason: seen.failure.kind === "busy" ? "lock_timeout" : seen.failure.reason,
        detail: seen.failure.detail,
      };
    }
    corruption = seen.failure;
  } else if (seen.problems.length > 0) {
    corruption = checkFailure(seen.problems);
  } else if (existed && options.suspect && options.suspect.ino === ino) {
    corruption = options.suspect.failure;
  }
  let movedAside: string[] = [];
  if (corruption) {
    if ("db" in seen) seen.db.close();
    movedAside = moveAside(dbPath);
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
    seen = inspect(dbPath, busy);
  }
  if ("failure" in seen) {
    return { ok: false, reason: seen.failure.reason, detail: seen.failure.detail };
  }
  const db = seen.db;
  try {
    if (seen.version > DB_SCHEMA_VERSION) {
      db.close();
      return {
        ok: false,
        reason: "schema_too_new",
        detail: `database schema ${seen.version} is newer than ${DB_SCHEMA_VERSION}`,
      };
    }
    if (seen.version === 0 && fileSize(dbPath) === 0) {
      // A brand-new file: free pages can be returned later (`cache clear`).
      db.exec("PRAGMA auto_vacuum = INCREMENTAL");
    }
    db.exec("PRAGMA journal_mode = WAL");
    const fromVersion = migrate(db);
    const state: OpenState = corruption
      ? "recovered"
      : !existed
      ? "created"
      : fromVersion < DB_SCHEMA_VERSION
      ? "migrated"
      : "opened";
    return {
      ok: true,
      db,
      state,
      fromVersion,
      movedAside,
      corruption,
      ino: inodeOf(dbPath) ?? null,
      sizeBytes: fileSize(dbPath) + fileSize(`${dbPath}-wal`),
    };
  } catch (err) {
    if (db.isOpen) db.close();
    throw err;
  }
}
