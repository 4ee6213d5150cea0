/**
 * What the `cache` commands do to a segment's database: open it without
 * creating it, report, verify (full `integrity_check`, repairing a corrupt
 * file), prune and clear. Always the persistent store: these commands
 * maintain the file.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import type { Segment } from "../segment/mod.ts";
import type { CacheEventSink } from "./events.ts";
import { cacheDbPath } from "./factory.ts";
import { DEFAULT_SIZE_WARNING_BYTES } from "./limits.ts";
import { SqliteCache, type SqliteReport } from "./sqlite_cache.ts";
import { type FailedOpen, openCacheDatabase, type OpenedDatabase } from "./sqlite_open.ts";

/** Options for {@linkcode openForMaintenance}. */
export interface MaintenanceOptions {
  /** Sink for recovery events. */
  events?: CacheEventSink;
  /** Lock timeout in ms. */
  lockTimeoutMs?: number;
  /** Where the check runs, for events (default `open`). */
  stage?: string;
}

/** An open database for a maintenance command. */
export interface MaintenanceSession {
  /** The store. */
  store: SqliteCache;
  /** How it was opened (state, moved-aside files). */
  opened: OpenedDatabase;
  /** Absolute path (never printed or recorded). */
  dbPath: string;
  /** The segment root. */
  root: string;
}

/** Code of a cache directory or file that the `cache` commands refuse to touch. */
export const CACHE_DIR_UNSAFE_CODE = "CACHE_DIR_UNSAFE";

/**
 * `CACHE_DIR_UNSAFE` (exit 1): `.trifecta/`, `.trifecta/cache/` or a
 * database file is a symlink, FIFO, hard link or not a directory, so a
 * maintenance command would change (or delete) something outside the
 * segment. Nothing was opened or changed.
 */
export function cacheDirUnsafeError(failed: FailedOpen): TrifectaError {
  const rel = failed.unsafe?.rel ?? ".trifecta";
  return new TrifectaError(
    CACHE_DIR_UNSAFE_CODE,
    `The AST cache path ${rel} is unsafe (${failed.detail}): trifecta keeps its cache only in real directories and regular files inside the segment, and changed nothing.`,
    {
      details: { path: rel, reason: failed.unsafe?.why ?? failed.reason },
      nextSteps: [
        `Remove ${rel} from the segment (it is trifecta's state, not source), then run the command again`,
        "Check where the link pointed: a repository that ships it may be hostile",
        "Other commands still work: ast commands fall back to a memory cache",
      ],
    },
  );
}

/**
 * Open the segment's database for maintenance, without creating it: a
 * `missing` {@linkcode FailedOpen} when there is none. A corrupt file is
 * moved aside and rebuilt on the way, as for any open.
 *
 * @throws {TrifectaError} `CACHE_DIR_UNSAFE` when a directory or file on the
 * way is a symlink, FIFO or hard link (see {@linkcode cacheDirUnsafeError}).
 */
export function openForMaintenance(
  segment: Segment,
  options: MaintenanceOptions = {},
): MaintenanceSession | FailedOpen {
  const dbPath = cacheDbPath(segment);
  const opened = openCacheDatabase(dbPath, {
    root: segment.root,
    create: false,
    events: options.events,
    lockTimeoutMs: options.lockTimeoutMs,
    stage: options.stage,
  });
  if (!opened.ok) {
    if (opened.reason === "unsafe_path") throw cacheDirUnsafeError(opened);
    return opened;
  }
  return {
    store: new SqliteCache(opened.db, { segmentId: segment.id }),
    opened,
    dbPath,
    root: segment.root,
  };
}

/** Size on disk of the database, its WAL and shared-memory files. */
export function databaseFileBytes(dbPath: string): number {
  let total = 0;
  for (const suffix of ["", "-wal", "-shm"]) {
    try {
      total += Deno.statSync(dbPath + suffix).size;
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  return total;
}

/** `cache stats` data. */
export interface StatsReport extends SqliteReport {
  /** Database + WAL + SHM bytes. */
  file_bytes: number;
  /** True past the size-warning threshold. */
  size_warning: boolean;
  /** The threshold. */
  size_warning_bytes: number;
}

/** Report on an open session. */
export function statsReport(session: MaintenanceSession): StatsReport {
  const report = session.store.report();
  const fileBytes = databaseFileBytes(session.dbPath);
  return {
    ...report,
    file_bytes: fileBytes,
    size_warning: fileBytes > DEFAULT_SIZE_WARNING_BYTES,
    size_warning_bytes: DEFAULT_SIZE_WARNING_BYTES,
  };
}

/** `cache verify` result. */
export interface VerifyReport {
  /** `ok` (sound), `repaired` (was corrupt, moved aside and rebuilt). */
  integrity: "ok" | "repaired";
  /** First lines of the failed check, empty when sound. */
  problems: string[];
  /** Files moved aside. */
  moved_aside: string[];
  /** Entries in the database after the check. */
  entries: number;
}

/**
 * Run the full `PRAGMA integrity_check` on a session; a corrupt file is moved
 * aside and replaced by a fresh database (the session's store is replaced).
 * Returns a {@linkcode FailedOpen} when the repair could not open a database.
 */
export function verifySession(
  session: MaintenanceSession,
  options: MaintenanceOptions = {},
): VerifyReport | FailedOpen {
  const opened = session.opened;
  if (opened.state === "recovered") {
    return {
      integrity: "repaired",
      problems: opened.corruption ? [opened.corruption.detail] : [],
      moved_aside: opened.movedAside,
      entries: session.store.stats().entries,
    };
  }
  const problems = session.store.integrityCheck(false);
  if (problems.length === 1 && problems[0] === "ok") {
    return {
      integrity: "ok",
      problems: [],
      moved_aside: [],
      entries: session.store.stats().entries,
    };
  }
  session.store.abandon();
  const reopened = openCacheDatabase(session.dbPath, {
    root: session.root,
    events: options.events,
    lockTimeoutMs: options.lockTimeoutMs,
    stage: "verify",
    suspect: {
      ino: opened.ino,
      failure: {
        kind: "corrupt",
        reason: "integrity_check_failed",
        detail: problems.slice(0, 3).join("; ").slice(0, 200),
      },
    },
  });
  if (!reopened.ok) {
    if (reopened.reason === "unsafe_path") throw cacheDirUnsafeError(reopened);
    return reopened;
  }
  session.store = new SqliteCache(reopened.db);
  session.opened = reopened;
  return {
    integrity: "repaired",
    problems: problems.slice(0, 10),
    moved_aside: reopened.movedAside,
    entries: session.store.stats().entries,
  };
}
