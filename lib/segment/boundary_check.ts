/**
 * Steps 1 to 3 of the read boundary (see `boundary.ts`): a path checked
 * without reading it. The path as named and its real path lie inside the
 * segment, neither is denied or named with a secret, and what it names is
 * looked at with `lstat` (never opened: a FIFO would block).
 *
 * @module
 */
import { resolve } from "../path.ts";
import { relInside } from "./contain.ts";
import {
  changed,
  denied,
  fsError,
  hardLink,
  invalidName,
  outside,
  outsideAsNamed,
  secretInName,
  tooLong,
} from "./fs_errors.ts";
import { maskedName, nameHasSecret, pathTooLong } from "./names.ts";
import type { Segment } from "./segment.ts";

/** A path checked against the boundary (no content read). */
export interface InsidePath {
  /** Real absolute path (inside the segment). */
  abs: string;
  /** Segment-relative POSIX path of the real file ("." for the root). */
  rel: string;
  /** Segment-relative POSIX path as named (may differ through symlinks). */
  namedRel: string;
  /** True for a directory. */
  isDirectory: boolean;
  /** True for a regular file (not a FIFO, socket or device). */
  isFile: boolean;
  /** Device of the checked file. */
  dev: number;
  /** Inode of the checked file. */
  ino: number;
  /** Size in bytes. */
  size: number;
  /** Modification time in ms (0 when the file system has none). */
  mtimeMs: number;
}

// A `//`, a `.` or `..` component, or a trailing `/`: the path needs `resolve`.
const UNNORMALISED = /\/\/|\/\.\.?(?:\/|$)|.\/$/;

/** `path` made absolute against the root, normalised (already so: as is). */
function absoluteOf(root: string, path: string): string {
  return path.startsWith("/") && !UNNORMALISED.test(path) ? path : resolve(root, path);
}

/** Step 1: the path as named; its segment-relative name and absolute path. */
function checkNamed(segment: Segment, path: string): { namedRel: string; lexical: string } {
  if (path.includes("\0")) throw invalidName(JSON.stringify(maskedName(path)));
  const lexical = absoluteOf(segment.root, path);
  const namedRel = relInside(segment.root, lexical);
  if (namedRel === undefined) throw outsideAsNamed(path);
  // First: every later message shows the name.
  if (nameHasSecret(namedRel)) throw secretInName(namedRel);
  if (pathTooLong(lexical)) throw tooLong(namedRel);
  const deniedName = denied(namedRel, namedRel, "denied_name", segment.extraDeny);
  if (deniedName) throw deniedName;
  return { namedRel, lexical };
}

/** Step 2: the real path (a symlink judged by where it lands). */
function checkReal(
  segment: Segment,
  lexical: string,
  namedRel: string,
): { real: string; rel: string } {
  let real: string;
  try {
    real = Deno.realPathSync(lexical);
  } catch (err) {
    throw fsError(err, segment, namedRel);
  }
  const rel = relInside(segment.root, real);
  if (rel === undefined) throw outside(namedRel);
  if (rel !== namedRel && nameHasSecret(rel)) throw secretInName(namedRel, rel);
  const deniedTarget = denied(namedRel, rel, "denied_target", segment.extraDeny);
  if (deniedTarget) throw deniedTarget;
  if (pathTooLong(real)) throw tooLong(namedRel);
  return { real, rel };
}

/**
 * Check a path (absolute, or relative to the segment root) without reading
 * it: lexically and really inside the segment, neither the named nor the
 * real path denied.
 *
 * @example
 * ```ts
 * import { checkInsideSync, resolveSegment } from "./mod.ts";
 * import { equal, throws } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${dir}/src`);
 * Deno.writeTextFileSync(`${dir}/.env`, "TOKEN=1\n");
 * const seg = await resolveSegment(dir);
 * equal(checkInsideSync(seg, "src").isDirectory, true);
 * throws(() => checkInsideSync(seg, ".env"), { code: "PATH_DENIED" });
 * throws(() => checkInsideSync(seg, "../elsewhere"), { code: "PATH_OUTSIDE_SEGMENT" });
 * Deno.removeSync(dir, { recursive: true });
 * ```
 *
 * @throws {TrifectaError} `PATH_OUTSIDE_SEGMENT`, `PATH_DENIED`,
 * `FILE_NOT_FOUND`, `SYMLINK_LOOP`, `PATH_TOO_LONG`, `INVALID_FILE_NAME`,
 * `PERMISSION_NOT_GRANTED`, `FILE_CHANGED_DURING_READ`.
 */
export function checkInsideSync(segment: Segment, path: string): InsidePath {
  const { namedRel, lexical } = checkNamed(segment, path);
  const { real, rel } = checkReal(segment, lexical, namedRel);
  let info: Deno.FileInfo;
  try {
    // lstat: the real path has no symlink left; one now is a swap.
    info = Deno.lstatSync(real);
  } catch (err) {
    throw fsError(err, segment, namedRel);
  }
  if (info.isSymlink) throw changed(namedRel, "checked");
  if (info.isFile && (info.nlink ?? 1) > 1) throw hardLink(namedRel, info.nlink ?? 2);
  return {
    abs: real,
    rel,
    namedRel,
    isDirectory: info.isDirectory,
    isFile: info.isFile,
    dev: info.dev,
    ino: info.ino ?? 0,
    size: info.size,
    mtimeMs: info.mtime?.getTime() ?? 0,
  };
}

/** Async form of {@linkcode checkInsideSync} (same checks, same errors). */
export function checkInside(segment: Segment, path: string): Promise<InsidePath> {
  try {
    return Promise.resolve(checkInsideSync(segment, path));
  } catch (err) {
    return Promise.reject(err);
  }
}
