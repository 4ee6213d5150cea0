/**
 * Safe access to trifecta's own files in `<segment>/_ctx/`: the pack, the
 * index and the lock. The directory comes with the repository (prime files
 * live there), so it is untrusted too: `_ctx` must be a real directory (not
 * a symlink that would send writes and reads elsewhere), each file a regular
 * file opened without following a planted symlink, its handle the file that
 * was checked, and its size under a cap.
 *
 * @module
 */
import { join } from "../path.ts";
import { errorMessage, toTrifectaError, TrifectaError } from "../errors.ts";
import type { Segment } from "../segment/mod.ts";
import { osCode } from "../segment/fs_errors.ts";

/** Segment-relative path of trifecta's directory. */
export const CTX_DIR_REL = "_ctx";

/** Absolute path of `_ctx` in a segment. */
export function ctxDir(segment: Segment): string {
  return join(segment.root, CTX_DIR_REL);
}

function unsafeDir(what: string): TrifectaError {
  return new TrifectaError(
    "CTX_DIR_UNSAFE",
    `${CTX_DIR_REL} is ${what}: trifecta reads and writes its files only in a real ${CTX_DIR_REL} directory inside the segment`,
    {
      nextSteps: [
        `Remove ${CTX_DIR_REL} (or replace it with a directory), then run the command again`,
      ],
    },
  );
}

/**
 * Check `_ctx` before reading from it: absent (or not a directory: nothing
 * of trifecta's can be in it) is `false`, a real directory `true`; a symlink
 * is refused.
 *
 * @throws {TrifectaError} `CTX_DIR_UNSAFE`.
 */
export function checkCtxDir(segment: Segment): boolean {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(ctxDir(segment));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw readError(err, CTX_DIR_REL);
  }
  if (info.isSymlink) throw unsafeDir("a symlink");
  return info.isDirectory;
}

/**
 * Make `_ctx` when it is missing; refuse a symlink (writes through it would
 * land outside the segment) and anything else that is not a directory.
 *
 * @throws {TrifectaError} `CTX_DIR_UNSAFE`, `OUTPUT_NOT_WRITABLE`, `DISK_FULL`.
 */
export function ensureCtxDir(segment: Segment): void {
  if (checkCtxDir(segment)) return;
  try {
    Deno.mkdirSync(ctxDir(segment));
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) {
      // Another build made it between the check and here, or it is a file.
      if (checkCtxDir(segment)) return;
      throw new TrifectaError(
        "OUTPUT_NOT_WRITABLE",
        `${CTX_DIR_REL} is not a directory: trifecta cannot write its pack there`,
        {
          cause: err,
          nextSteps: [`Make <segment>/${CTX_DIR_REL} a writable directory (not a file)`],
        },
      );
    }
    throw writeError(err, CTX_DIR_REL, "create");
  }
}

/**
 * A file-system failure while writing trifecta's own files, as a named error
 * that says nothing earlier was lost.
 */
export function writeError(err: unknown, rel: string, verb: string): TrifectaError {
  if (err instanceof TrifectaError) return err;
  // The one normaliser names the fault; this names the file it hit and what
  // is still intact. Any other failure to write is OUTPUT_NOT_WRITABLE.
  const fault = toTrifectaError(err).code;
  const code = osCode(err);
  if (fault === "DISK_FULL") {
    return new TrifectaError("DISK_FULL", `No space left to ${verb} ${rel}`, {
      cause: err,
      details: { os_code: "ENOSPC" },
      nextSteps: ["Free disk space; the previous pack and index are unchanged"],
    });
  }
  if (fault === "PERMISSION_NOT_GRANTED") {
    return new TrifectaError(
      "PERMISSION_NOT_GRANTED",
      `Deno's permissions do not allow trifecta to ${verb} ${rel}`,
      { cause: err, nextSteps: ["Grant --allow-write=<segment>/_ctx (see docs/security.md)"] },
    );
  }
  return new TrifectaError(
    "OUTPUT_NOT_WRITABLE",
    `Could not ${verb} ${rel}: ${code ?? errorMessage(err)}`,
    {
      cause: err,
      details: { os_code: code ?? null },
      nextSteps: [
        `Make <segment>/${CTX_DIR_REL} a writable directory; the previous pack and index are unchanged`,
      ],
    },
  );
}

/** A file-system failure while reading trifecta's own files, as a named error. */
export function readError(err: unknown, rel: string): TrifectaError {
  if (err instanceof TrifectaError) return err;
  if (err instanceof Deno.errors.NotCapable) {
    return new TrifectaError(
      "PERMISSION_NOT_GRANTED",
      `Deno's permissions do not allow trifecta to read ${rel}`,
      { cause: err, nextSteps: ["Grant --allow-read=<segment> (see docs/security.md)"] },
    );
  }
  if (err instanceof Deno.errors.PermissionDenied) {
    return new TrifectaError("PERMISSION_DENIED", `The operating system refused to read ${rel}`, {
      cause: err,
      nextSteps: ["Check the permissions of <segment>/_ctx"],
    });
  }
  return new TrifectaError("FILE_UNREADABLE", `Cannot read ${rel}: ${osCode(err) ?? "I/O error"}`, {
    cause: err,
  });
}

/** Options for {@linkcode readCtxFile}. */
export interface CtxReadOptions {
  /** Refuse files larger than this. */
  maxBytes: number;
  /** Read at most this many bytes from the start (for a header) instead of the whole file. */
  headBytes?: number;
  /** Error for a missing file. */
  notFound: () => TrifectaError;
  /** Error for anything that is not a regular file. */
  corrupt: (reason: string) => TrifectaError;
  /** Error for a file over the cap (default: `corrupt`). */
  tooLarge?: (bytes: number, max: number) => TrifectaError;
}

/** What {@linkcode readCtxFile} read. */
export interface CtxFileRead {
  /** The bytes (the head only with `headBytes`). */
  bytes: Uint8Array;
  /** The file's size. */
  size: number;
  /** Modification time (epoch ms), or null. */
  mtimeMs: number | null;
}

function tooLarge(options: CtxReadOptions, bytes: number): TrifectaError {
  return options.tooLarge?.(bytes, options.maxBytes) ??
    options.corrupt(`it is ${bytes} bytes or more, over the cap of ${options.maxBytes}`);
}

function readAll(file: Deno.FsFile, limit: number): Uint8Array {
  const out = new Uint8Array(limit);
  let at = 0;
  while (at < limit) {
    const n = file.readSync(out.subarray(at));
    if (n === null || n === 0) break;
    at += n;
  }
  return out.subarray(0, at);
}

/**
 * Read one of trifecta's files in `_ctx` (segment-relative `rel`): a regular
 * file, not a symlink, the opened handle the file checked, at most
 * `maxBytes` long.
 *
 * @throws {TrifectaError} the option's errors, `CTX_DIR_UNSAFE`.
 */
export function readCtxFile(segment: Segment, rel: string, options: CtxReadOptions): CtxFileRead {
  if (!checkCtxDir(segment)) throw options.notFound();
  const abs = join(segment.root, rel);
  // A build renaming a new file in between the check and the open shows as
  // a changed inode: read again (a few times) rather than fail.
  for (let attempt = 0;; attempt++) {
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(abs);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) throw options.notFound();
      throw readError(err, rel);
    }
    if (info.isSymlink) throw options.corrupt("it is a symlink");
    if (info.isDirectory) throw options.corrupt("it is a directory");
    if (!info.isFile) throw options.corrupt("it is not a regular file");
    if (info.size > options.maxBytes) throw tooLarge(options, info.size);
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(abs, { read: true });
    } catch (err) {
      if (err instanceof Deno.errors.NotFound && attempt < 3) continue;
      if (err instanceof Deno.errors.NotFound) throw options.notFound();
      throw readError(err, rel);
    }
    try {
      const held = file.statSync();
      if (!held.isFile || held.dev !== info.dev || held.ino !== info.ino) {
        if (attempt < 3) continue;
        throw options.corrupt("it changed while it was being opened");
      }
      if (held.size > options.maxBytes) throw tooLarge(options, held.size);
      // One byte past the cap shows a file that grew after the stat.
      const limit = options.headBytes ?? options.maxBytes + 1;
      const bytes = readAll(file, Math.min(limit, held.size + 1));
      if (options.headBytes === undefined && bytes.length > options.maxBytes) {
        throw tooLarge(options, bytes.length);
      }
      return { bytes, size: held.size, mtimeMs: held.mtime?.getTime() ?? null };
    } finally {
      file.close();
    }
  }
}

/**
 * Check one of trifecta's files before opening it some other way (SQLite):
 * `missing` when absent, `ok` for a regular file, else why not.
 */
export function ctxFileState(segment: Segment, rel: string): "missing" | "ok" | string {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(join(segment.root, rel));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return "missing";
    throw readError(err, rel);
  }
  if (info.isSymlink) return "it is a symlink";
  if (info.isDirectory) return "it is a directory";
  if (!info.isFile) return "it is not a regular file";
  return "ok";
}
