/**
 * What the `cache` commands do to a segment's database: open it without
 * creating it, report, verify (full `integrity_check`, repairing a corrupt
 * file), prune and clear. Always the persistent store: these commands
 * maintain the file.
 *
 * @module
 */
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
}

/**
 * Open the segment's database for maintenance, without creating it: a
 * `missing` {@linkcode FailedOpen} when there is none. A corrupt file is
 * moved aside and rebuilt on the way, as for any open.
 */
export function openForMaintenance(
  segment: Segment,
  options: MaintenanceOptions = {},
): MaintenanceSession | FailedOpen {
  const dbPath = cacheDbPath(segment);
  const opened = openCacheDatabase(dbPath, {
    create: false,
    events: options.events,
    lockTimeoutMs: options.lockTimeoutMs,
    stage: options.stage,
  });
  if (!opened.ok) return opened;
  return { store: new SqliteCache(opened.db, { segmentId: segment.id }), opened, dbPath };
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
  if (!reopened.ok) return reopened;
  session.store = new SqliteCache(reopened.db);
  session.opened = reopened;
  return {
    integrity: "repaired",
    problems: problems.slice(0, 10),
    moved_aside: reopened.movedAside,
    entries: session.store.stats().entries,
  };
}
