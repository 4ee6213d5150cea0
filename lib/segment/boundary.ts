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
 * The steps live in `boundary_check.ts` (1–3), `boundary_confirm.ts` (3, 6)
 * and here (4, 5, 7); their errors in `fs_errors.ts`.
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
import { hasPrivateKeyBlock, maskSecrets, type SecretFinding } from "../secrets.ts";
import { checkInsideSync } from "./boundary_check.ts";
import { confirmInside, pinDirs } from "./boundary_confirm.ts";
import {
  binary,
  changed,
  fsError,
  hardLink,
  notRegular,
  privateKey,
  tooLarge,
} from "./fs_errors.ts";
import {
  decodeSource,
  DEFAULT_MAX_FILE_BYTES,
  type DisclosureMode,
  looksBinary,
  type ReadObserver,
} from "./read.ts";
import type { Segment } from "./segment.ts";
import type { InsidePath } from "./boundary_check.ts";
import { languageOfPath } from "../languages/mod.ts";

export { checkInside, checkInsideSync, type InsidePath } from "./boundary_check.ts";
export { maskedName, nameHasSecret, pathTooLong } from "./names.ts";

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

/** Steps 4 and 5: open the checked file, confirm it is the one checked, read it. */
function readChecked(
  segment: Segment,
  checked: InsidePath,
  max: number,
): { raw: Uint8Array; held: Deno.FileInfo } {
  const shown = checked.namedRel;
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(checked.abs, { read: true });
  } catch (err) {
    // It was there at the lstat a moment ago: gone now means it changed.
    if (err instanceof Deno.errors.NotFound) throw changed(shown, "opened", err);
    throw fsError(err, segment, shown);
  }
  try {
    const held = file.statSync();
    if (!held.isFile || held.dev !== checked.dev || held.ino !== checked.ino) {
      throw changed(shown, "opened");
    }
    if ((held.nlink ?? 1) > 1) throw hardLink(shown, held.nlink ?? 2);
    return { raw: readBounded(file, held.size, max, shown), held };
  } catch (err) {
    throw fsError(err, segment, shown);
  } finally {
    file.close();
  }
}

/**
 * Read a segment file through the boundary (see the module doc for the
 * checks, in order).
 *
 * @example
 * ```ts
 * import { contentSha256Hex, readInsideSync, resolveSegment } from "./mod.ts";
 * import { equal, throws } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${dir}/src`);
 * Deno.writeTextFileSync(`${dir}/src/app.py`, `KEY = "${"AKIA"}ABCDEFGHIJKLMNOP"\n`);
 * Deno.writeTextFileSync(`${dir}/.env`, "TOKEN=1\n");
 * const seg = await resolveSegment(dir);
 * const { text, findings, sha256 } = readInsideSync(seg, "src/app.py", {
 *   hasher: contentSha256Hex,
 * });
 * equal(text.includes("ABCDEFGHIJKLMNOP"), false);
 * equal(findings.length, 1);
 * equal(sha256?.length, 64);
 * throws(() => readInsideSync(seg, ".env"), { code: "PATH_DENIED" });
 * Deno.removeSync(dir, { recursive: true });
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
  const checked = checkInsideSync(segment, path);
  const shown = checked.namedRel;
  if (!checked.isFile) throw notRegular(shown, checked.isDirectory);
  if (checked.size > max) throw tooLarge(shown, checked.size, max);
  const pinned = pinDirs(segment.root, checked.rel, shown);
  const { raw, held } = readChecked(segment, checked, max);
  confirmInside(pinned, checked.abs, held, shown);
  options.onRead?.(options.mode ?? "raw", raw.length);
  // Step 7: never binary, never a private key; secrets masked.
  if (looksBinary(raw)) throw binary(shown, raw.length);
  const declares = languageOfPath(checked.rel)?.declaresEncoding;
  const decoded = decodeSource(raw, { declares, shown });
  if (hasPrivateKeyBlock(decoded)) throw privateKey(shown);
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
