/**
 * Where the cache database lives and whether its paths may be used. The
 * segment is untrusted: the directories from the segment root down must be
 * real directories (never symlinks), and the database, its `-wal`, `-shm`,
 * `-journal`, `.lock` and `.live` regular files with one link, or absent (`unsafe_path`, see
 * `docs/cache.md`, "Trust").
 *
 * @module
 */
import { basename, dirname, relative } from "../path.ts";
import {
  checkStateDir,
  checkStateFile,
  describeUnsafe,
  STATE_PATH_UNSAFE_CODE,
  type UnsafePath,
  type UnsafeWhy,
} from "../safe_dir.ts";
import { TrifectaError } from "../errors.ts";
import { classifyFsError, classifySqliteError } from "./sqlite_errors.ts";

/** The database's path relative to the segment root. */
export const CACHE_DB_REL = ".trifecta/cache/ast_cache.db";

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

/** The refusal for a database that is not there and may not be created. */
export function missing(): FailedOpen {
  return { ok: false, reason: "missing", detail: "no cache database yet" };
}

/** The relative names of the files checked next to the database. */
const SIDE_FILES = ["", "-wal", "-shm", "-journal", ".lock", ".live"];

/** Check (creating with `create`) a database directory outside any segment. */
function checkOwnDir(dir: string, create: boolean): FailedOpen | undefined {
  // The caller chose the directory: it is made as asked, and must be one.
  let info: Deno.FileInfo;
  try {
    if (create) Deno.mkdirSync(dir, { recursive: true });
    info = Deno.lstatSync(dir);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    return missing();
  }
  if (info.isSymlink || !info.isDirectory) {
    return unsafeOpen({
      rel: basename(dir),
      why: info.isSymlink ? "symlink" : "not_a_directory",
    });
  }
  return undefined;
}

/**
 * Check the directories from `root` down to the database's (creating them
 * with `create`) and the database's files; a {@linkcode FailedOpen} with
 * `unsafe_path` (or `missing`) when they cannot be used.
 */
export function checkPaths(
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
    const refused = checkOwnDir(dir, create);
    if (refused) return refused;
  } else {
    const checked = checkStateDir(base, relDir, { create });
    if (checked.kind === "unsafe") return unsafeOpen(checked.unsafe);
    if (checked.kind === "missing") return missing();
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
export function checkOpenedFile(dbPath: string, root: string | undefined): FailedOpen | undefined {
  const bad = checkStateFile(dbPath, relative(root ?? defaultRoot(dbPath), dbPath));
  return bad ? unsafeOpen(bad, dbPath) : undefined;
}

const UNSAFE_WHYS: readonly UnsafeWhy[] = [
  "symlink",
  "not_a_directory",
  "not_a_regular_file",
  "hard_linked",
];

function isUnsafeWhy(value: unknown): value is UnsafeWhy {
  return UNSAFE_WHYS.some((why) => why === value);
}

/** The refused entry named by a `STATE_PATH_UNSAFE` error's details. */
function unsafeFromError(err: TrifectaError): UnsafePath {
  const { path, reason } = err.details;
  return {
    rel: String(path ?? ""),
    why: isUnsafeWhy(reason) ? reason : "not_a_regular_file",
  };
}

/**
 * An error met while opening, as a {@linkcode FailedOpen}: an unsafe state
 * path, or a SQLite / file-system failure the cache can fall back from.
 * Anything else is rethrown (a bug, not a condition of the file).
 */
export function unavailable(err: unknown): FailedOpen {
  if (err instanceof TrifectaError && err.code === STATE_PATH_UNSAFE_CODE) {
    return unsafeOpen(unsafeFromError(err));
  }
  const f = classifySqliteError(err) ?? classifyFsError(err);
  if (!f) throw err;
  return { ok: false, reason: f.kind === "busy" ? "lock_timeout" : f.reason, detail: f.detail };
}
