/**
 * Open the cache database: connect, check (`user_version`, `PRAGMA
 * quick_check`), and when the file is missing, old, corrupt or suspected
 * corrupt, create / migrate / recover it under an exclusive lock file so that
 * concurrent processes never race each other (see `docs/cache.md`,
 * "Concurrency"). Corrupt files are moved aside, never deleted in place.
 *
 * The segment is untrusted: before anything is created or opened, the
 * directories from the segment root down are checked to be real directories
 * (never symlinks) and the database, its `-wal`, `-shm` and `.lock` to be
 * regular files with one link, or absent (`unsafe_path`, see `docs/cache.md`,
 * "Trust"). A file's schema must be exactly trifecta's, and a file trifecta
 * did not stamp here is emptied before use (`db_identity.ts`).
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { basename, dirname, relative } from "../path.ts";
import {
  checkStateDir,
  checkStateFile,
  describeUnsafe,
  STATE_PATH_UNSAFE_CODE,
  type UnsafePath,
} from "../safe_dir.ts";
import { TrifectaError } from "../errors.ts";
import { adoptDatabase, fileStamp, stampMatches } from "./db_identity.ts";
import { type CacheEventSink, emitCacheEvent } from "./events.ts";
import { acquireLockSync } from "./file_lock.ts";
import { DEFAULT_BUSY_TIMEOUT_MS, DEFAULT_LOCK_TIMEOUT_MS, KEEP_CORRUPT_FILES } from "./limits.ts";
import {
  classifyFsError,
  classifySqliteError,
  isSqliteError,
  type SqliteFailure,
} from "./sqlite_errors.ts";
import { DB_SCHEMA_VERSION, migrate, readSchemaVersion, schemaProblems } from "./sqlite_schema.ts";

/** The database's path relative to the segment root. */
export const CACHE_DB_REL = ".trifecta/cache/ast_cache.db";

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
}

/** A failed open: the caller falls back to memory (or reports, for `cache` commands). */
export interface FailedOpen {
  /** False. */
  ok: false;
  /**
   * `missing` (and `create` was false), `lock_timeout`, `schema_too_new`,
   * `unsafe_path`, or an unavailable reason.
   */
  reason: string;
  /** Short detail without absolute paths. */
  detail: string;
  /** For `unsafe_path`: the refused entry, segment-relative. */
  unsafe?: UnsafePath;
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
    return Deno.lstatSync(path).ino;
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
    // A shipped file's schema is checked before use; this also keeps any
    // function with side effects out of triggers and views meanwhile.
    db.exec("PRAGMA trusted_schema = OFF");
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

/**
 * Any other SQLite error (`no such column`, …) or a migration's refusal met
 * while reading or migrating a file: the file is not what trifecta makes, so
 * it is treated as corrupt (moved aside, rebuilt), never `INTERNAL_ERROR`.
 */
function unexpectedFailure(err: unknown): SqliteFailure | undefined {
  if (!isSqliteError(err) && !(err instanceof RangeError)) return undefined;
  const message = err instanceof Error ? err.message : String(err);
  // SQLite's own message names tables and columns, never a path.
  return { kind: "corrupt", reason: "unexpected_schema", detail: message.slice(0, 200) };
}

function schemaFailure(problems: string[]): SqliteFailure {
  return {
    kind: "corrupt",
    reason: "unexpected_schema",
    detail: problems.slice(0, 3).join("; ").slice(0, 200),
  };
}

/** Outcome of one inspection attempt. */
type Inspection =
  | { db: DatabaseSync; version: number; problems: string[]; schema: string[] }
  | { failure: SqliteFailure };

function inspect(dbPath: string, busyTimeoutMs: number): Inspection {
  let db: DatabaseSync | undefined;
  try {
    db = connect(dbPath, busyTimeoutMs);
    const version = readSchemaVersion(db);
    const problems = quickCheck(db);
    const schema = schemaProblems(db);
    return {
      db,
      version,
      problems: problems.length === 1 && problems[0] === "ok" ? [] : problems,
      schema,
    };
  } catch (err) {
    const failure = classifySqliteError(err) ?? unexpectedFailure(err);
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

/** The relative names of the files checked next to the database. */
const SIDE_FILES = ["", "-wal", "-shm", ".lock"];

/**
 * Check the directories from `root` down to the database's (creating them
 * with `create`) and the database's files; a {@linkcode FailedOpen} with
 * `unsafe_path` (or `missing`) when they cannot be used.
 */
function checkPaths(
  dbPath: string,
  root: string | undefined,
  create: boolean,
): FailedOpen | undefined {
  const dir = dirname(dbPath);
  const base = root ?? defaultRoot(dbPath);
  const relDir = relative(base, dir);
  if (relDir.startsWith("..")) {
    return unsafeOpen({ rel: relDir, why: "not_a_directory" });
  }
  if (relDir === "") {
    // A database outside any segment (the caller chose the directory): it
    // is made as asked, and must be a directory.
    let info: Deno.FileInfo;
    try {
      if (create) Deno.mkdirSync(dir, { recursive: true });
      info = Deno.lstatSync(dir);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      return { ok: false, reason: "missing", detail: "no cache database yet" };
    }
    if (info.isSymlink || !info.isDirectory) {
      return unsafeOpen({
        rel: basename(dir),
        why: info.isSymlink ? "symlink" : "not_a_directory",
      });
    }
  } else {
    const checked = checkStateDir(base, relDir, { create });
    if (checked.kind === "unsafe") return unsafeOpen(checked.unsafe);
    if (checked.kind === "missing") {
      return { ok: false, reason: "missing", detail: "no cache database yet" };
    }
  }
  for (const suffix of SIDE_FILES) {
    const path = dbPath + suffix;
    const bad = checkStateFile(path, relative(base, path));
    if (bad) return unsafeOpen(bad, path);
  }
  return undefined;
}

/**
 * Without a root: the segment root when `dbPath` is a segment's database
 * (both directories are checked), else the database's own directory.
 */
function defaultRoot(dbPath: string): string {
  const tail = `/${CACHE_DB_REL}`;
  return dbPath.endsWith(tail) ? dbPath.slice(0, -tail.length) || "/" : dirname(dbPath);
}

/**
 * A refused path. A file where a directory belongs (`path_blocked`) or a
 * directory where the database belongs (`cannot_open`) keep their plain
 * reasons; a symlink, FIFO, device or hard link is `unsafe_path`.
 */
function unsafeOpen(unsafe: UnsafePath, path?: string): FailedOpen {
  const detail = describeUnsafe(unsafe);
  if (unsafe.why === "not_a_directory") return { ok: false, reason: "path_blocked", detail };
  if (path !== undefined && unsafe.why === "not_a_regular_file" && isDirectory(path)) {
    return { ok: false, reason: "cannot_open", detail: "unable to open database file" };
  }
  return { ok: false, reason: "unsafe_path", detail, unsafe };
}

function isDirectory(path: string): boolean {
  try {
    return Deno.lstatSync(path).isDirectory;
  } catch (err) {
    // Gone since the check: not a directory.
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** Re-check the database file after SQLite opened (or created) it by name. */
function checkOpenedFile(dbPath: string, root: string | undefined): FailedOpen | undefined {
  const bad = checkStateFile(dbPath, relative(root ?? defaultRoot(dbPath), dbPath));
  return bad ? unsafeOpen(bad, dbPath) : undefined;
}

function unavailable(err: unknown): FailedOpen {
  if (err instanceof TrifectaError && err.code === STATE_PATH_UNSAFE_CODE) {
    const d = err.details as { path?: unknown; reason?: unknown } | undefined;
    return unsafeOpen({
      rel: String(d?.path ?? ""),
      why: (d?.reason as UnsafePath["why"] | undefined) ?? "not_a_regular_file",
    });
  }
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
    const refused = checkPaths(dbPath, options.root, false);
    if (refused && refused.reason !== "missing") return refused;
    if (refused && options.create === false) return refused;
    ino = refused ? undefined : inodeOf(dbPath);
  } catch (err) {
    return unavailable(err);
  }
  if (ino === undefined && options.create === false) {
    return { ok: false, reason: "missing", detail: "no cache database yet" };
  }
  // Fast path: an existing, current, sound file stamped here needs no lock.
  if (ino !== undefined && options.suspect === undefined) {
    const seen = inspect(dbPath, busy);
    if ("db" in seen) {
      const refused = checkOpenedFile(dbPath, options.root);
      if (refused) {
        seen.db.close();
        return refused;
      }
      if (
        seen.version === DB_SCHEMA_VERSION && seen.problems.length === 0 &&
        seen.schema.length === 0 && stampMatches(seen.db, fileStamp(dbPath))
      ) {
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
    const refused = checkPaths(dbPath, options.root, options.create !== false);
    if (refused) return refused;
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
      // Corruption that quick_check missed but the migration met, or a
      // migration that failed on a file it should not have met: recover once.
      const failure = classifySqliteError(err) ?? unexpectedFailure(err);
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
  let movedAside: string[] = [];
  // A leftover -wal or -shm without its database (a crash, or shipped with
  // the segment) must never meet a fresh file: SQLite would replay it.
  if (!existed) movedAside = moveAside(dbPath);
  const recheck = checkPaths(dbPath, options.root, false);
  if (recheck && recheck.reason !== "missing") return recheck;
  let seen = inspect(dbPath, busy);
  const opened = "db" in seen ? checkOpenedFile(dbPath, options.root) : undefined;
  if (opened && "db" in seen) {
    seen.db.close();
    return opened;
  }
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
  } else if (seen.schema.length > 0) {
    corruption = schemaFailure(seen.schema);
  } else if (existed && options.suspect && options.suspect.ino === ino) {
    corruption = options.suspect.failure;
  }
  if (corruption) {
    if ("db" in seen) seen.db.close();
    movedAside = [...movedAside, ...moveAside(dbPath)];
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
    const refused = checkOpenedFile(dbPath, options.root);
    if (refused) {
      db.close();
      return refused;
    }
    const stamp = fileStamp(dbPath);
    let untrustedCleared = 0;
    if (stamp !== null && !stampMatches(db, stamp)) {
      untrustedCleared = adoptDatabase(db, stamp);
      if (existed && !corruption) {
        emitCacheEvent(options.events, "ast.cache.untrusted_cleared", {
          result: {
            backend: "sqlite",
            removed: untrustedCleared,
            from_version: fromVersion,
            db_path: CACHE_DB_REL,
          },
        });
      }
    }
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
      untrustedCleared,
      sizeBytes: fileSize(dbPath) + fileSize(`${dbPath}-wal`),
    };
  } catch (err) {
    if (db.isOpen) db.close();
    throw err;
  }
}
