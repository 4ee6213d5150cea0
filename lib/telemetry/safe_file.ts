/**
 * Checked opens and bounded reads for the telemetry directory. The directory
 * sits inside a segment, and a segment is untrusted: it may ship
 * `_ctx/telemetry/events.jsonl` as a symlink to `~/.bashrc`, `metrics.json`
 * as a FIFO or a 1 GB file, `pending/` as a symlink to another directory.
 * Every open here checks what it opened: a regular file (never a symlink,
 * FIFO or directory), the same inode the check saw, and for writes a single
 * hard link. See `docs/security.md` ("Telemetry files").
 *
 * @module
 */
import { join } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { lstatOrUndefined } from "../safe_dir.ts";

/** Code of a telemetry file or directory that trifecta refuses to use. */
export const UNSAFE_FILE_CODE = "TELEMETRY_FILE_UNSAFE";
/** Code of a telemetry directory that is a symlink or not a directory. */
export const UNSAFE_DIR_CODE = "TELEMETRY_DIR_UNSAFE";

/** Retries of {@linkcode openChecked} when the file changes under it (rotation races). */
const MAX_ATTEMPTS = 8;

/** How a checked file is opened. */
export type OpenMode = "read" | "append" | "update" | "lock";

function unsafe(path: string, why: string): TrifectaError {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return new TrifectaError(UNSAFE_FILE_CODE, `telemetry file ${name} ${why}; not used`, {
    details: { file: name, reason: why },
    nextSteps: [`Remove the telemetry file ${name}; trifecta recreates it`],
  });
}

function openOptions(mode: OpenMode, create: boolean): Deno.OpenOptions {
  switch (mode) {
    case "read":
      return { read: true };
    case "append":
      // `read` too: the writer peeks at the last byte (torn-line check).
      return create ? { read: true, append: true, createNew: true } : { read: true, append: true };
    case "update":
      return { read: true, write: true };
    case "lock":
      return create ? { read: true, write: true, createNew: true } : { read: true, write: true };
  }
}

/**
 * Open `path` only if it is a regular file, re-checking after the open that
 * the handle is the inode that was checked (a swap for a symlink between the
 * check and the open is refused, never read or written through). Modes
 * `append` and `lock` create a missing file with `O_EXCL`, which never
 * follows a symlink; `append`, `update` and `lock` refuse a file with more
 * than one hard link (writing would change another name's content).
 *
 * @throws {TrifectaError} `TELEMETRY_FILE_UNSAFE` for a symlink, FIFO,
 * directory, swapped or hard-linked file; `Deno.errors.NotFound` when a
 * `read` or `update` target is missing.
 */
export function openChecked(path: string, mode: OpenMode): Deno.FsFile {
  const creates = mode === "append" || mode === "lock";
  for (let attempt = 0;; attempt++) {
    const before = lstatOrUndefined(path);
    if (before === undefined && !creates) {
      throw new Deno.errors.NotFound(`no such file: ${path}`);
    }
    if (before !== undefined) {
      if (before.isSymlink) throw unsafe(path, "is a symlink");
      if (!before.isFile) throw unsafe(path, "is not a regular file");
      if (mode !== "read" && (before.nlink ?? 1) > 1) throw unsafe(path, "has other hard links");
    }
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, openOptions(mode, before === undefined));
    } catch (err) {
      // Another process created it between our lstat and our O_EXCL open:
      // check again what is there now.
      if (err instanceof Deno.errors.AlreadyExists && attempt < MAX_ATTEMPTS) continue;
      // Renamed away (rotation) between our lstat and the open: a writer
      // creates a new one.
      if (err instanceof Deno.errors.NotFound && creates && attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
    let swapped = false;
    try {
      const after = file.statSync();
      if (!after.isFile) throw unsafe(path, "is not a regular file");
      swapped = before !== undefined && after.ino !== null && before.ino !== null &&
        (after.ino !== before.ino || after.dev !== before.dev);
      if (!swapped && mode !== "read" && (after.nlink ?? 1) > 1) {
        throw unsafe(path, "has other hard links");
      }
    } catch (err) {
      file.close();
      throw err;
    }
    if (!swapped) return file;
    file.close();
    // Rotation renames events.jsonl and another writer creates a new one, so
    // a different inode is normal under concurrency: check the new one. A
    // swap for a symlink shows on the next lstat.
    if (attempt >= MAX_ATTEMPTS) throw unsafe(path, "kept changing between check and open");
  }
}

/** The result of {@linkcode readCapped}. */
export type CappedRead =
  | { kind: "ok"; text: string }
  | { kind: "missing" }
  | { kind: "oversized"; size: number }
  | { kind: "unsafe"; reason: string };

/**
 * Read a small file whole, but never more than `maxBytes`: a larger file is
 * reported as `oversized` without reading it, a symlink, FIFO or directory as
 * `unsafe` without opening it (a FIFO would block the open forever).
 */
export function readCapped(path: string, maxBytes: number): CappedRead {
  let file: Deno.FsFile;
  try {
    file = openChecked(path, "read");
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { kind: "missing" };
    if (err instanceof TrifectaError && err.code === UNSAFE_FILE_CODE) {
      return { kind: "unsafe", reason: String(err.details.reason) };
    }
    throw err;
  }
  try {
    const size = file.statSync().size;
    if (size > maxBytes) return { kind: "oversized", size };
    // Read at most maxBytes + 1: the file may grow after the fstat.
    const buf = new Uint8Array(Math.min(size, maxBytes) + 1);
    let off = 0;
    while (off < buf.length) {
      const n = file.readSync(buf.subarray(off));
      if (n === null) break;
      off += n;
    }
    if (off > maxBytes) return { kind: "oversized", size: off };
    return { kind: "ok", text: new TextDecoder().decode(buf.subarray(0, off)) };
  } finally {
    file.close();
  }
}

/** Human size: `512 B`, `64.0 KiB`, `1.0 GiB`. */
export function formatBytes(n: number): string {
  const units = ["KiB", "MiB", "GiB", "TiB"];
  if (n < 1024) return `${n} B`;
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/**
 * Why the default telemetry directory `<root>/_ctx/telemetry` may not be
 * used, or `undefined` when it may (or does not exist yet). Only the default
 * layout is checked: `TRIFECTA_TELEMETRY_DIR` is the user's own choice. A
 * symlinked `_ctx` or `telemetry` would send writes (and `pending/`
 * deletions) to wherever the repository points it, and readers would report
 * another directory's files.
 */
export function unsafeDefaultDir(root: string, dir: string): string | undefined {
  if (dir !== join(root, "_ctx", "telemetry")) return undefined;
  for (const p of [join(root, "_ctx"), dir]) {
    const st = lstatOrUndefined(p);
    if (st === undefined) return undefined;
    const name = p.slice(root.length + 1);
    if (st.isSymlink) return `${name} is a symlink`;
    if (!st.isDirectory) return `${name} is not a directory`;
  }
  return undefined;
}

/** A `TELEMETRY_DIR_UNSAFE` error for {@linkcode unsafeDefaultDir}'s reason. */
export function unsafeDirError(reason: string): TrifectaError {
  return new TrifectaError(
    UNSAFE_DIR_CODE,
    `telemetry directory refused: ${reason} (trifecta does not follow it)`,
    {
      details: { reason },
      nextSteps: ["Remove the symlink or file at _ctx/telemetry (or _ctx); trifecta recreates it"],
    },
  );
}

/**
 * True when `dir` exists and is a real directory (not a symlink to one);
 * false when it is missing.
 *
 * @throws {TrifectaError} `TELEMETRY_FILE_UNSAFE` when it is a symlink or a file.
 */
export function isRealDir(dir: string): boolean {
  const st = lstatOrUndefined(dir);
  if (st === undefined) return false;
  if (st.isSymlink) throw unsafe(dir, "is a symlink");
  if (!st.isDirectory) throw unsafe(dir, "is not a directory");
  return true;
}
