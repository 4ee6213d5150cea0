/**
 * The read boundary: every byte trifecta reads from a segment passes through
 * {@linkcode readInside} (or {@linkcode readInsideSync} in workers). It
 * checks the path, opens the file, then checks what it opened:
 *
 * 1. the path as named lies inside the segment, no component of it is
 *    denied (lib/segment/denylist.ts) and its segment-relative name holds no
 *    secret (`PATH_DENIED`, reason `secret_in_name`: the name would reach
 *    outputs in paths, ids and `sym://` URIs; the message shows it masked);
 * 2. its real path lies inside the segment and is neither denied nor named
 *    with a secret (a symlink is judged by where it lands); a regular file with more than one
 *    hard link is refused (`PATH_DENIED`, reason `hard_link`): its other
 *    names, which may be denied or outside, cannot be found and checked;
 * 3. the real path is a regular file (`lstat`, before any open: opening a
 *    FIFO would block, a device would never end) within the size cap; the
 *    directories on it below the root are pinned (device and inode, by
 *    `lstat`: none may be a symlink);
 * 4. the open handle's device and inode (`fstat`) equal those checked in 3,
 *    so a file swapped for a symlink before the open is refused;
 * 5. the bytes are read from that handle, up to the cap (a file that grows
 *    while read is refused too);
 * 6. after the read the pinned directories and the file are looked up again,
 *    in four rounds: each must still be what was pinned, the file the inode
 *    read. A directory on the path swapped for a symlink out (and back) is
 *    refused (`FILE_CHANGED_DURING_READ`), never read through, unless the
 *    swaps keep step with every one of these calls;
 * 7. the content is not binary and holds no private key block (such a file
 *    is refused whole: `PATH_DENIED`, reason `private_key_content`).
 *
 * The text it returns has its secrets masked (lib/secrets.ts); raw bytes never
 * leave this module, only their hash when a hasher is given.
 *
 * What it cannot see (docs/security.md): a bind mount (it has no symlink in
 * its path; making one needs privileges on the machine); a directory swap
 * that keeps step with every check of step 6 (Deno has no `openat` or
 * `O_NOFOLLOW` that would make the open itself refuse a symlink on the way);
 * a regular file swapped for a FIFO between the `lstat` and the open (the
 * open then blocks: a denial of service, no disclosure).
 *
 * @module
 */
import { resolve } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { hasPrivateKeyBlock, maskSecrets, type SecretFinding } from "../secrets.ts";
import { deniedBy } from "./denylist.ts";
import { relInside } from "./contain.ts";
import {
  decodeUtf8,
  DEFAULT_MAX_FILE_BYTES,
  type DisclosureMode,
  looksBinary,
  type ReadObserver,
} from "./read.ts";
import { permissionError, type Segment } from "./segment.ts";

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

/** Options for {@linkcode readInside}. */
export interface BoundaryReadOptions {
  /** Disclosure mode the bytes are counted under (default `raw`). */
  mode?: DisclosureMode;
  /** Called with the byte count after the read. */
  onRead?: ReadObserver;
  /** Refuse files larger than this (default 2 MiB). */
  maxBytes?: number;
  /**
   * Return the text unmasked. Only for handing a document to a local
   * language server, whose answers are masked on the way out: masks shift
   * columns, and positions in the user's file must stay true.
   */
  unmaskedForLocalServer?: boolean;
  /**
   * Hashes the raw bytes into {@linkcode BoundaryRead.sha256} (e.g.
   * `contentSha256Hex`); passed in so start-up paths that need no hash do not
   * load `node:crypto`.
   */
  hasher?: (bytes: Uint8Array) => string;
}

/** What {@linkcode readInside} read. */
export interface BoundaryRead {
  /** Real absolute path (inside the segment). */
  abs: string;
  /** Segment-relative POSIX path of the real file. */
  rel: string;
  /** UTF-8 text (invalid bytes → U+FFFD), secrets masked. */
  text: string;
  /** Secrets that were masked (rule and line, never the value). */
  findings: SecretFinding[];
  /** Hash of the raw bytes, when a {@linkcode BoundaryReadOptions.hasher} was given. */
  sha256?: string;
  /** Size in bytes of what was read. */
  bytes: number;
  /** Modification time (ms) of the file read, from its open handle. */
  mtimeMs?: number;
}

/** Longest path (bytes) the OS accepts, with its terminating NUL. */
const PATH_MAX = Deno.build.os === "darwin" ? 1024 : 4096;
const encoder = new TextEncoder();

/** True when `abs` is too long for the OS to open (PATH_MAX bytes or more). */
export function pathTooLong(abs: string): boolean {
  // Three UTF-8 bytes at most per UTF-16 unit: most paths need no encoding.
  if (abs.length * 3 < PATH_MAX) return false;
  return encoder.encode(abs).length >= PATH_MAX;
}

function osCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function changed(shown: string, when: string, cause?: unknown): TrifectaError {
  return new TrifectaError(
    "FILE_CHANGED_DURING_READ",
    `File changed while it was being ${when} (swapped?): ${shown}`,
    { cause, nextSteps: ["Run the command again once the repository is not being changed"] },
  );
}

function tooLong(shown: string, cause?: unknown): TrifectaError {
  return new TrifectaError("PATH_TOO_LONG", `Path is too long for the file system: ${shown}`, {
    cause,
    nextSteps: ["Move or rename the file to a shorter path"],
  });
}

function invalidName(shown: string, cause?: unknown): TrifectaError {
  return new TrifectaError(
    "INVALID_FILE_NAME",
    `File name is not valid UTF-8 (or holds a NUL byte) and cannot be opened: ${shown}`,
    { cause, nextSteps: ["Rename the file to a UTF-8 name"] },
  );
}

function outside(shown: string, cause?: unknown): TrifectaError {
  return new TrifectaError(
    "PATH_OUTSIDE_SEGMENT",
    `Path resolves outside the segment (symlink): ${shown}`,
    {
      cause,
      details: { reason: "symlink" },
      nextSteps: ["trifecta does not follow symlinks that leave the segment"],
    },
  );
}

/** Turn a file-system failure on `shown` into a named error. */
function fsError(err: unknown, segment: Segment, shown: string): TrifectaError {
  if (err instanceof TrifectaError) return err;
  if (
    err instanceof Deno.errors.NotCapable &&
    Deno.permissions.querySync({ name: "read", path: segment.root }).state === "granted"
  ) {
    // Inside the segment but not granted: a symlink on the way leads out.
    return outside(shown, err);
  }
  const perm = permissionError(err, shown);
  if (perm) return perm;
  if (err instanceof Deno.errors.FilesystemLoop || osCode(err) === "ELOOP") {
    return new TrifectaError("SYMLINK_LOOP", `Symlink loop at: ${shown}`, { cause: err });
  }
  if (osCode(err) === "ENAMETOOLONG") return tooLong(shown, err);
  if (err instanceof Deno.errors.NotFound && shown.includes("\uFFFD")) {
    return invalidName(shown, err);
  }
  if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
    return new TrifectaError("FILE_NOT_FOUND", `No such file or directory: ${shown}`, {
      cause: err,
      nextSteps: ["Paths are relative to the segment root (-s/--segment, default .)"],
    });
  }
  return new TrifectaError(
    "FILE_UNREADABLE",
    `Cannot read ${shown}: ${osCode(err) ?? "I/O error"}`,
    { cause: err },
  );
}

/**
 * True when a segment-relative name holds a secret (masking would change
 * it): such a path is never read, listed or shown raw.
 */
export function nameHasSecret(rel: string): boolean {
  return maskSecrets(rel).findings.length > 0;
}

/** A name as it may be shown in a message or report: its secrets masked. */
export function maskedName(name: string): string {
  return maskSecrets(name).text;
}

function secretInName(namedRel: string, rel?: string): TrifectaError {
  const via = rel === undefined ? "" : ` (symlink to ${maskedName(rel)})`;
  return new TrifectaError(
    "PATH_DENIED",
    `Path name holds a secret and is never read: ${maskedName(namedRel)}${via}`,
    {
      details: { reason: "secret_in_name" },
      nextSteps: ["Rename the file or directory so its name holds no token or password"],
    },
  );
}

function denied(
  shown: string,
  rel: string,
  reason: "denied_name" | "denied_target",
): TrifectaError | undefined {
  if (rel === ".") return undefined;
  const glob = deniedBy(rel);
  if (glob === undefined) return undefined;
  const via = reason === "denied_target" ? ` (symlink to ${rel})` : "";
  return new TrifectaError(
    "PATH_DENIED",
    `Path is on the denylist (secrets, VCS; ${glob}): ${shown}${via}`,
    {
      details: { reason, glob },
      nextSteps: [
        "trifecta never reads VCS internals, .env*, key or credential files (docs/security.md)",
      ],
    },
  );
}

// A `//`, a `.` or `..` component, or a trailing `/`: the path needs `resolve`.
const UNNORMALISED = /\/\/|\/\.\.?(?:\/|$)|.\/$/;

/** `path` made absolute against the root, normalised (already so: as is). */
function absoluteOf(root: string, path: string): string {
  return path.startsWith("/") && !UNNORMALISED.test(path) ? path : resolve(root, path);
}

function hardLink(shown: string, links: number): TrifectaError {
  // Another name of the same file may be a denied or an outside file (a
  // planted `notes.py` linked to `.env` shows what the user later writes
  // there): no name can be checked but the one given, so none is trusted.
  return new TrifectaError(
    "PATH_DENIED",
    `File has ${links} hard links; trifecta cannot check its other names: ${shown}`,
    {
      details: { reason: "hard_link", links },
      nextSteps: [
        "Replace the link with a copy (cp FILE FILE.tmp && mv FILE.tmp FILE), or leave the file out",
      ],
    },
  );
}

function check(segment: Segment, path: string): InsidePath {
  if (path.includes("\0")) throw invalidName(JSON.stringify(maskedName(path)));
  const lexical = absoluteOf(segment.root, path);
  const namedRel = relInside(segment.root, lexical);
  if (namedRel === undefined) {
    const shown = maskedName(path);
    throw new TrifectaError("PATH_OUTSIDE_SEGMENT", `Path is outside the segment: ${shown}`, {
      details: { reason: "outside" },
      nextSteps: ["Give a path relative to the segment root, or choose another -s/--segment"],
    });
  }
  // First: every later message shows the name.
  if (nameHasSecret(namedRel)) throw secretInName(namedRel);
  if (pathTooLong(lexical)) throw tooLong(namedRel);
  const deniedName = denied(namedRel, namedRel, "denied_name");
  if (deniedName) throw deniedName;
  let real: string;
  let info: Deno.FileInfo;
  try {
    real = Deno.realPathSync(lexical);
  } catch (err) {
    throw fsError(err, segment, namedRel);
  }
  const rel = relInside(segment.root, real);
  if (rel === undefined) throw outside(namedRel);
  if (rel !== namedRel && nameHasSecret(rel)) throw secretInName(namedRel, rel);
  const deniedTarget = denied(namedRel, rel, "denied_target");
  if (deniedTarget) throw deniedTarget;
  if (pathTooLong(real)) throw tooLong(namedRel);
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

/**
 * Check a path (absolute, or relative to the segment root) without reading
 * it: lexically and really inside the segment, neither the named nor the
 * real path denied.
 *
 * @example
 * ```ts
 * import { checkInsideSync, resolveSegment } from "./mod.ts";
 * const seg = await resolveSegment(".");
 * checkInsideSync(seg, "src").isDirectory;
 * ```
 *
 * @throws {TrifectaError} `PATH_OUTSIDE_SEGMENT`, `PATH_DENIED`,
 * `FILE_NOT_FOUND`, `SYMLINK_LOOP`, `PATH_TOO_LONG`, `INVALID_FILE_NAME`,
 * `PERMISSION_NOT_GRANTED`, `FILE_CHANGED_DURING_READ`.
 */
export function checkInsideSync(segment: Segment, path: string): InsidePath {
  return check(segment, path);
}

/** Async form of {@linkcode checkInsideSync} (same checks, same errors). */
export function checkInside(segment: Segment, path: string): Promise<InsidePath> {
  try {
    return Promise.resolve(checkInsideSync(segment, path));
  } catch (err) {
    return Promise.reject(err);
  }
}

function tooLarge(shown: string, bytes: number, max: number): TrifectaError {
  return new TrifectaError(
    "FILE_TOO_LARGE",
    `File is over the cap of ${max} bytes (${bytes}${bytes > max ? "" : "+"}): ${shown}`,
    { details: { bytes, max_bytes: max } },
  );
}

/**
 * How often the path is checked again after the read (see
 * {@linkcode confirmInside}). Each round costs one `lstat` per directory
 * below the root, plus one; in our measurements (tests/segment/boundary_test.ts,
 * a process swapping a directory for a symlink out and back in a tight loop)
 * one round let 1 read in 500 through, and each further round cut that by
 * about 28: four rounds let none of 300,000 through.
 */
const CONFIRM_ROUNDS = 4;

interface Pin {
  path: string;
  dev: number;
  ino: number;
}

/** Same device and inode, and a directory that is no symlink. */
function isPinnedDir(info: Deno.FileInfo, pin: Pin): boolean {
  return info.isDirectory && !info.isSymlink && info.dev === pin.dev && info.ino === pin.ino;
}

/**
 * The directories on the real path below the root, down to the file's
 * parent (the root itself for a file directly in it), with the device and
 * inode each has now (`lstat`, so a symlink in the place of one is seen;
 * resolving each also walks every directory above it).
 */
function pinDirs(root: string, rel: string, shown: string): Pin[] {
  const parts = rel.split("/");
  const base = root.endsWith("/") ? root : `${root}/`;
  const paths = parts.length === 1 ? [root] : [];
  for (let i = 1; i < parts.length; i++) paths.push(base + parts.slice(0, i).join("/"));
  return paths.map((path) => {
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(path);
    } catch (err) {
      throw changed(shown, "checked", err);
    }
    if (!info.isDirectory || info.isSymlink) throw changed(shown, "checked");
    return { path, dev: info.dev, ino: info.ino ?? 0 };
  });
}

/**
 * After the read: every directory on the real path is still the one pinned
 * before the open, and the real path still names the inode that was read.
 * A directory swapped for a symlink out and back would have to be swapped
 * in step with every one of these calls, in every round; Deno offers no
 * `openat`/`O_NOFOLLOW` to make the open itself refuse a symlink on the way.
 */
function confirmInside(
  pins: readonly Pin[],
  abs: string,
  held: Deno.FileInfo,
  shown: string,
): void {
  for (let round = 0; round < CONFIRM_ROUNDS; round++) {
    try {
      for (const pin of pins) {
        if (!isPinnedDir(Deno.lstatSync(pin.path), pin)) throw changed(shown, "read");
      }
      const post = Deno.lstatSync(abs);
      if (post.isSymlink || post.dev !== held.dev || post.ino !== held.ino) {
        throw changed(shown, "read");
      }
    } catch (err) {
      // The path was there a moment ago: gone or looping now means it changed.
      if (err instanceof TrifectaError) throw err;
      throw changed(shown, "read", err);
    }
  }
}

/** Read the whole handle, refusing more than `max` bytes however the file grows. */
function readBounded(file: Deno.FsFile, expected: number, max: number, shown: string): Uint8Array {
  // One byte over the expected size: a file read whole ends in one read + EOF.
  let buf = new Uint8Array(Math.min(expected, max) + 1);
  let total = 0;
  for (;;) {
    if (total === buf.length) {
      // It grew since fstat (total <= max here, so the buffer can grow).
      const bigger = new Uint8Array(Math.min(max + 1, buf.length * 2));
      bigger.set(buf);
      buf = bigger;
    }
    const n = file.readSync(buf.subarray(total));
    if (n === null || n === 0) break;
    total += n;
    if (total > max) throw tooLarge(shown, total, max);
  }
  return buf.subarray(0, total);
}

/**
 * Read a segment file through the boundary (see the module doc for the
 * checks, in order).
 *
 * @example
 * ```ts
 * import { contentSha256Hex, readInsideSync, resolveSegment } from "./mod.ts";
 * const seg = await resolveSegment(".");
 * const { text, findings, sha256 } = readInsideSync(seg, "src/app.py", {
 *   hasher: contentSha256Hex,
 * });
 * ```
 *
 * @throws {TrifectaError} the codes of {@linkcode checkInsideSync}, and
 * `NOT_A_REGULAR_FILE`, `FILE_CHANGED_DURING_READ`, `FILE_TOO_LARGE`,
 * `BINARY_FILE`, `PATH_DENIED` (details.reason `private_key_content`).
 */
export function readInsideSync(
  segment: Segment,
  path: string,
  options: BoundaryReadOptions = {},
): BoundaryRead {
  const max = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const checked = check(segment, path);
  const shown = checked.namedRel;
  if (!checked.isFile) {
    const kind = checked.isDirectory ? "a directory" : "a FIFO, socket or device";
    throw new TrifectaError("NOT_A_REGULAR_FILE", `Not a regular file (${kind}): ${shown}`, {
      details: { kind: checked.isDirectory ? "directory" : "special" },
    });
  }
  if (checked.size > max) throw tooLarge(shown, checked.size, max);
  const pinned = pinDirs(segment.root, checked.rel, shown);
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(checked.abs, { read: true });
  } catch (err) {
    // It was there at the lstat a moment ago: gone now means it changed.
    if (err instanceof Deno.errors.NotFound) throw changed(shown, "opened", err);
    throw fsError(err, segment, shown);
  }
  let raw: Uint8Array;
  let held: Deno.FileInfo;
  try {
    held = file.statSync();
    if (!held.isFile || held.dev !== checked.dev || held.ino !== checked.ino) {
      throw changed(shown, "opened");
    }
    if ((held.nlink ?? 1) > 1) throw hardLink(shown, held.nlink ?? 2);
    raw = readBounded(file, held.size, max, shown);
  } catch (err) {
    throw fsError(err, segment, shown);
  } finally {
    file.close();
  }
  confirmInside(pinned, checked.abs, held, shown);
  options.onRead?.(options.mode ?? "raw", raw.length);
  if (looksBinary(raw)) {
    throw new TrifectaError("BINARY_FILE", `File looks binary (contains NUL bytes): ${shown}`, {
      details: { bytes: raw.length },
    });
  }
  const decoded = decodeUtf8(raw);
  if (hasPrivateKeyBlock(decoded)) {
    throw new TrifectaError(
      "PATH_DENIED",
      `File holds a private key block and is never read: ${shown}`,
      {
        details: { reason: "private_key_content" },
        nextSteps: ["trifecta never reads files that contain private keys"],
      },
    );
  }
  const masked = maskSecrets(decoded);
  return {
    abs: checked.abs,
    rel: checked.rel,
    text: options.unmaskedForLocalServer ? decoded : masked.text,
    findings: masked.findings,
    sha256: options.hasher?.(raw),
    bytes: raw.length,
    mtimeMs: held.mtime?.getTime(),
  };
}

/**
 * Async form of {@linkcode readInsideSync} (same checks, same errors). The
 * work is synchronous: files are capped (2 MiB by default), so a read holds
 * the event loop for about a millisecond, and one code path is easier to
 * keep right than two.
 */
export function readInside(
  segment: Segment,
  path: string,
  options: BoundaryReadOptions = {},
): Promise<BoundaryRead> {
  try {
    return Promise.resolve(readInsideSync(segment, path, options));
  } catch (err) {
    return Promise.reject(err);
  }
}
