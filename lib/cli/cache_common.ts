/**
 * Shared by the `cache` command handlers (loaded lazily, never by `--help`):
 * opening the segment's database for maintenance and rendering.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import {
  CACHE_DB_REL,
  cacheDbPath,
  classifyFsError,
  classifySqliteError,
  type FailedOpen,
  type MaintenanceSession,
  openForMaintenance,
} from "../cache/mod.ts";
import type { Segment } from "../segment/mod.ts";
import type { CommandContext } from "./command.ts";

/** The open session, or `undefined` when the segment has no database yet. */
export function openSession(
  ctx: CommandContext,
  stage = "open",
): MaintenanceSession | undefined {
  const s = openForMaintenance(ctx.segment, { events: ctx.telemetry, stage });
  if ("reason" in s) {
    if (s.reason === "missing") return undefined;
    if (s.reason === "read_only" || isReadOnly(ctx.segment)) throw readOnlyError(s.reason);
    throw unavailableError(s);
  }
  return s;
}

/**
 * True when the database file cannot be opened for writing (a read-only
 * mount, or no write permission): SQLite reports that as "unable to open"
 * when a leftover WAL needs its shared-memory file created.
 */
function isReadOnly(segment: Segment): boolean {
  try {
    Deno.openSync(cacheDbPath(segment), { write: true }).close();
    return false;
  } catch (err) {
    const f = classifyFsError(err);
    if (f?.reason === "read_only" || f?.reason === "permission_denied") return true;
    // Any other failure (missing file, …) is not a read-only store.
    if (err instanceof Error) return false;
    throw err;
  }
}

/**
 * `CACHE_READ_ONLY`: the database is on a read-only file system or not
 * writable (exit 1). The cache itself is optional: other commands fall back
 * to memory.
 */
export function readOnlyError(reason: string): TrifectaError {
  return new TrifectaError(
    "CACHE_READ_ONLY",
    `The AST cache database ${CACHE_DB_REL} is on a read-only file system or not writable (${reason}): SQLite can neither change it nor read it while a leftover write-ahead log (-wal) waits to be recovered.`,
    {
      details: { reason },
      nextSteps: [
        "Run the cache command where the segment's .trifecta/ directory is writable (remount read-write, or fix its permissions)",
        "Other commands still work: without a writable cache they parse with a memory cache",
        `To start over once it is writable, remove ${CACHE_DB_REL} and its -wal/-shm files`,
      ],
    },
  );
}

/**
 * Run a maintenance operation on an open store, naming the failures a store
 * can meet mid-operation (read-only, full disk, busy, corrupt) instead of
 * `INTERNAL_ERROR`.
 */
export function maintain<T>(op: () => T): T {
  try {
    return op();
  } catch (err) {
    const f = classifySqliteError(err) ?? classifyFsError(err);
    if (!f) throw err;
    if (f.reason === "read_only" || f.reason === "permission_denied") {
      throw readOnlyError(f.reason);
    }
    if (f.reason === "disk_full") {
      throw new TrifectaError("DISK_FULL", `No space left for the AST cache (${f.detail}).`, {
        cause: err,
        nextSteps: ["Free disk space and run the command again; the cache file is unchanged"],
      });
    }
    throw unavailableError({
      ok: false,
      reason: f.kind === "busy" ? "lock_timeout" : f.reason,
      detail: f.detail,
    });
  }
}

/** `CACHE_UNAVAILABLE`: the database exists but cannot be opened or repaired. */
export function unavailableError(failed: FailedOpen): TrifectaError {
  if (failed.reason === "read_only") return readOnlyError(failed.reason);
  return new TrifectaError(
    "CACHE_UNAVAILABLE",
    `The AST cache database ${CACHE_DB_REL} cannot be opened or repaired (${failed.reason}: ${failed.detail}).`,
    {
      details: { reason: failed.reason },
      nextSteps: [
        `Check that ${CACHE_DB_REL} is a writable file in a writable directory`,
        "If another trifecta process holds the cache lock, retry when it is done",
        `Remove ${CACHE_DB_REL} to start over (the cache is rebuilt on demand)`,
      ],
    },
  );
}

/** ms since the epoch → ISO 8601, or null. */
export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** Human-readable byte count. */
export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** Lines telling the user that a corrupt database was moved aside. */
export function recoveryNote(movedAside: string[]): string {
  if (movedAside.length === 0) return "";
  return `note: the cache database was corrupt; moved aside as .trifecta/cache/${
    movedAside[0]
  } and rebuilt empty\n`;
}
