/**
 * Classification of `node:sqlite` and file-system errors into the named
 * cases the cache handles: corruption, busy (lock held past the timeout) and
 * unavailable (read-only, full disk, cannot open, I/O error). Anything else is
 * a programming error and is rethrown by callers.
 *
 * @module
 */

/** How the cache reacts to a failure. */
export type SqliteFailureKind = "corrupt" | "busy" | "unavailable";

/** A classified failure. */
export interface SqliteFailure {
  /** Named case. */
  kind: SqliteFailureKind;
  /** Short reason for events (`not_a_database`, `disk_full`, …): never a path. */
  reason: string;
  /** SQLite's own message (no path: messages that may carry one are replaced). */
  detail: string;
}

// Primary SQLite result codes (the low byte of an extended code).
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_PROTOCOL = 15;
const SQLITE_NOTADB = 26;

/** SQLite's standard messages for the codes handled here. */
const MESSAGES: [string, number][] = [
  ["file is not a database", SQLITE_NOTADB],
  ["database disk image is malformed", SQLITE_CORRUPT],
  ["database is locked", SQLITE_BUSY],
  ["database table is locked", SQLITE_LOCKED],
  ["attempt to write a readonly database", SQLITE_READONLY],
  ["database or disk is full", SQLITE_FULL],
  ["disk I/O error", SQLITE_IOERR],
  ["unable to open database file", SQLITE_CANTOPEN],
  ["locking protocol", SQLITE_PROTOCOL],
];

function codeFromMessage(message: string): number | undefined {
  return MESSAGES.find(([m]) => message.startsWith(m))?.[1];
}

interface SqliteErrorShape {
  code?: unknown;
  errcode?: unknown;
  errstr?: unknown;
  message?: unknown;
}

/** True for an error thrown by `node:sqlite`. */
export function isSqliteError(err: unknown): boolean {
  return err instanceof Error && (err as SqliteErrorShape).code === "ERR_SQLITE_ERROR";
}

/**
 * Classify an error from `node:sqlite`; `undefined` when it is not one of the
 * named cases (the caller rethrows).
 */
export function classifySqliteError(err: unknown): SqliteFailure | undefined {
  if (!isSqliteError(err)) return undefined;
  const e = err as SqliteErrorShape;
  // Statement errors carry `errcode`; `exec` errors carry only SQLite's
  // standard message (sqlite3_errstr), so that is mapped back to the code.
  const message = typeof e.message === "string" ? e.message : "";
  const code = typeof e.errcode === "number" ? e.errcode & 0xff : codeFromMessage(message);
  const detail = typeof e.errstr === "string"
    ? e.errstr
    : (MESSAGES.find(([m]) => message.startsWith(m))?.[0] ?? "unable to open database file");
  switch (code) {
    case SQLITE_CORRUPT:
      return { kind: "corrupt", reason: "database_malformed", detail };
    case SQLITE_NOTADB:
      return { kind: "corrupt", reason: "not_a_database", detail };
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_PROTOCOL:
      return { kind: "busy", reason: "database_locked", detail };
    case SQLITE_READONLY:
      return { kind: "unavailable", reason: "read_only", detail };
    case SQLITE_FULL:
      return { kind: "unavailable", reason: "disk_full", detail };
    case SQLITE_IOERR:
      return { kind: "unavailable", reason: "io_error", detail };
    case SQLITE_CANTOPEN:
      // The constructor's failure reads "unable to open database file: <path>";
      // the path is not repeated in `detail`.
      return { kind: "unavailable", reason: "cannot_open", detail: "unable to open database file" };
    default:
      return undefined;
  }
}

/**
 * Classify a file-system error met while preparing the cache directory or
 * moving files: `undefined` when it is not a named case.
 */
export function classifyFsError(err: unknown): SqliteFailure | undefined {
  if (err instanceof Deno.errors.PermissionDenied || err instanceof Deno.errors.NotCapable) {
    return { kind: "unavailable", reason: "permission_denied", detail: err.name };
  }
  if (
    err instanceof Deno.errors.AlreadyExists || err instanceof Deno.errors.NotADirectory ||
    err instanceof Deno.errors.IsADirectory
  ) {
    return { kind: "unavailable", reason: "path_blocked", detail: err.name };
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return { kind: "unavailable", reason: "disk_full", detail: String(code) };
  }
  if (code === "EROFS") return { kind: "unavailable", reason: "read_only", detail: "EROFS" };
  return undefined;
}
