/**
 * Look at a cache database without changing it: connect with trifecta's
 * pragmas, read its schema version, run `PRAGMA quick_check` and compare
 * its schema with trifecta's. A failure comes back as a
 * {@linkcode SqliteFailure}, so the opener can decide to recover.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { classifySqliteError, isSqliteError, type SqliteFailure } from "./sqlite_errors.ts";
import { readSchemaVersion, schemaProblems } from "./sqlite_schema.ts";

/** Outcome of one inspection: an open connection and what was found, or a failure. */
export type Inspection =
  | { db: DatabaseSync; version: number; problems: string[]; schema: string[] }
  | { failure: SqliteFailure };

/** Size of `path` in bytes (0 when missing). */
export function fileSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return 0;
    throw err;
  }
}

/** Database plus WAL size in bytes. */
export function databaseSize(dbPath: string): number {
  return fileSize(dbPath) + fileSize(`${dbPath}-wal`);
}

/** Inode of `path` without following a symlink; `undefined` when missing. */
export function inodeOf(path: string): number | null | undefined {
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
  return db.prepare("PRAGMA quick_check").all().map((r) => String(Object.values(r)[0]));
}

/** The corruption `PRAGMA quick_check` reported. */
export function checkFailure(problems: string[]): SqliteFailure {
  return {
    kind: "corrupt",
    reason: "quick_check_failed",
    detail: problems.slice(0, 3).join("; ").slice(0, 200),
  };
}

/** A schema that is not exactly trifecta's. */
export function schemaFailure(problems: string[]): SqliteFailure {
  return {
    kind: "corrupt",
    reason: "unexpected_schema",
    detail: problems.slice(0, 3).join("; ").slice(0, 200),
  };
}

/**
 * Any other SQLite error (`no such column`, …) or a migration's refusal met
 * while reading or migrating a file: the file is not what trifecta makes, so
 * it is treated as corrupt (moved aside, rebuilt), never `INTERNAL_ERROR`.
 */
export function unexpectedFailure(err: unknown): SqliteFailure | undefined {
  if (!isSqliteError(err) && !(err instanceof RangeError)) return undefined;
  const message = err instanceof Error ? err.message : String(err);
  // SQLite's own message names tables and columns, never a path.
  return { kind: "corrupt", reason: "unexpected_schema", detail: message.slice(0, 200) };
}

/** Connect to `dbPath` (creating an empty file if missing) and inspect it. */
export function inspect(dbPath: string, busyTimeoutMs: number): Inspection {
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
