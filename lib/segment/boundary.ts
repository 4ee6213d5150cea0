/**
 * The read boundary: every byte trifecta reads from a segment passes through
 * {@linkcode readInside} (or {@linkcode readInsideSync} in workers). It opens
 * the file, then checks what it opened:
 *
 * - the path as named lies inside the segment and is not denied;
 * - its real path lies inside the segment and is not denied (any component);
 * - it is a regular file (a FIFO or device would block or never end);
 * - the open handle's device and inode equal those of the checked path, so a
 *   file swapped for a symlink between the check and the read is refused,
 *   never read through;
 * - the size stays under the cap while reading, the content is not binary and
 *   holds no private key block (such a file is refused whole).
 *
 * The text it returns has its secrets masked (lib/secrets.ts); raw bytes never
 * leave this module, only their hash when a hasher is given.
 *
 * @module
 */
import { relative, resolve } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { hasPrivateKeyBlock, maskSecrets, type SecretFinding } from "../secrets.ts";
import { isDenied } from "./denylist.ts";
import { isWithin } from "./paths.ts";
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
  /** Device of the checked file. */
  dev: number;
  /** Inode of the checked file. */
  ino: number;
  /** Size in bytes. */
  size: number;
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
}

function toPosix(rel: string): string {
  return rel === "" ? "." : rel;
}

function osCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Turn a file-system failure on `shown` into a named error. */
function fsError(err: unknown, segment: Segment, shown: string): TrifectaError {
  if (err instanceof TrifectaError) return err;
  if (
    err instanceof Deno.errors.NotCapable &&
    Deno.permissions.querySync({ name: "read", path: segment.root }).state === "granted"
  ) {
    // Inside the segment but not granted: a symlink on the way leads out.
    return new TrifectaError(
      "PATH_OUTSIDE_SEGMENT",
      `Path resolves outside the segment (symlink): ${shown}`,
      { cause: err, nextSteps: ["trifecta does not follow symlinks that leave the segment"] },
    );
  }
  const perm = permissionError(err, shown);
  if (perm) return perm;
  if (err instanceof Deno.errors.FilesystemLoop) {
    return new TrifectaError("SYMLINK_LOOP", `Symlink loop at: ${shown}`, { cause: err });
  }
  const code = osCode(err);
  if (code === "ENAMETOOLONG") {
    return new TrifectaError("PATH_TOO_LONG", `Path is too long for the file system: ${shown}`, {
      cause: err,
    });
  }
  if (err instanceof Deno.errors.NotFound && shown.includes("\uFFFD")) {
    return new TrifectaError(
      "INVALID_FILE_NAME",
      `File name is not valid UTF-8 and cannot be opened: ${shown}`,
      { cause: err, nextSteps: ["Rename the file to a UTF-8 name"] },
    );
  }
  if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
    return new TrifectaError("FILE_NOT_FOUND", `No such file or directory: ${shown}`, {
      cause: err,
      nextSteps: ["Paths are relative to the segment root (-s/--segment, default .)"],
    });
  }
  return new TrifectaError("FILE_UNREADABLE", `Cannot read ${shown}: ${code ?? "I/O error"}`, {
    cause: err,
  });
}

function denied(rel: string, reason: "denied_name" | "denied_target"): TrifectaError {
  return new TrifectaError("PATH_DENIED", `Path is on the denylist (secrets, VCS): ${rel}`, {
    details: { reason },
    nextSteps: ["trifecta never reads .git/, .env*, key or credential files"],
  });
}

/**
 * Check a path (absolute, or relative to the segment root) without reading
 * it: lexically and really inside the segment, neither name denied.
 *
 * @throws {TrifectaError} `PATH_OUTSIDE_SEGMENT`, `PATH_DENIED`,
 * `FILE_NOT_FOUND`, `SYMLINK_LOOP`, `PATH_TOO_LONG`, `INVALID_FILE_NAME`,
 * `PERMISSION_NOT_GRANTED`.
 */
export function checkInsideSync(segment: Segment, path: string): InsidePath {
  const lexical = resolve(segment.root, path);
  if (!isWithin(segment.root, lexical)) {
    throw new TrifectaError("PATH_OUTSIDE_SEGMENT", `Path is outside the segment: ${path}`, {
      nextSteps: ["Give a path relative to the segment root, or choose another -s/--segment"],
    });
  }
  const namedRel = toPosix(relative(segment.root, lexical));
  if (namedRel !== "." && isDenied(namedRel)) throw denied(namedRel, "denied_name");
  let real: string;
  let info: Deno.FileInfo;
  try {
    real = Deno.realPathSync(lexical);
    info = Deno.statSync(real);
  } catch (err) {
    throw fsError(err, segment, namedRel);
  }
  if (!isWithin(segment.root, real)) {
    throw new TrifectaError(
      "PATH_OUTSIDE_SEGMENT",
      `Path resolves outside the segment (symlink): ${namedRel}`,
      { nextSteps: ["trifecta does not follow symlinks that leave the segment"] },
    );
  }
  const rel = toPosix(relative(segment.root, real));
  if (rel !== "." && isDenied(rel)) throw denied(namedRel, "denied_target");
  return {
    abs: real,
    rel,
    namedRel,
    isDirectory: info.isDirectory,
    dev: info.dev,
    ino: info.ino ?? 0,
    size: info.size,
  };
}

/** Async form of {@linkcode checkInsideSync}. */
export function checkInside(segment: Segment, path: string): Promise<InsidePath> {
  try {
    return Promise.resolve(checkInsideSync(segment, path));
  } catch (err) {
    return Promise.reject(err);
  }
}

function readBounded(file: Deno.FsFile, max: number, shown: string): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const buf = new Uint8Array(64 * 1024);
  for (;;) {
    const n = file.readSync(buf);
    if (n === null || n === 0) break;
    total += n;
    // The file may grow after it was checked: the cap holds for what is read.
    if (total > max) {
      throw new TrifectaError("FILE_TOO_LARGE", `File is over the cap of ${max} bytes: ${shown}`, {
        details: { max_bytes: max },
      });
    }
    chunks.push(buf.slice(0, n));
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Read a segment file through the boundary (see the module doc).
 *
 * @example
 * ```ts
 * import { readInsideSync, resolveSegment } from "./mod.ts";
 * const seg = await resolveSegment(".");
 * const { text, findings } = readInsideSync(seg, "src/app.py");
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
  if (checked.isDirectory) {
    throw new TrifectaError("NOT_A_REGULAR_FILE", `Not a regular file: ${shown}`);
  }
  // Checked before opening: opening a FIFO blocks until a writer comes.
  let pre: Deno.FileInfo;
  try {
    pre = Deno.statSync(checked.abs);
  } catch (err) {
    throw fsError(err, segment, shown);
  }
  if (!pre.isFile) throw new TrifectaError("NOT_A_REGULAR_FILE", `Not a regular file: ${shown}`);
  if (pre.size > max) {
    throw new TrifectaError("FILE_TOO_LARGE", `File is ${pre.size} bytes, over the cap of ${max}`, {
      details: { bytes: pre.size, max_bytes: max },
    });
  }
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(checked.abs, { read: true });
  } catch (err) {
    throw fsError(err, segment, shown);
  }
  let raw: Uint8Array;
  try {
    const held = file.statSync();
    if (
      !held.isFile || held.dev !== checked.dev || held.ino !== checked.ino ||
      pre.dev !== checked.dev || pre.ino !== checked.ino
    ) {
      throw new TrifectaError(
        "FILE_CHANGED_DURING_READ",
        `File changed while it was being opened (swapped?): ${shown}`,
        { nextSteps: ["Run the command again once the repository is not being changed"] },
      );
    }
    raw = readBounded(file, max, shown);
  } catch (err) {
    throw fsError(err, segment, shown);
  } finally {
    file.close();
  }
  // The path is checked again after the read: a component swapped for a
  // symlink while the file was open shows up here.
  const after = checkInsideSync(segment, path);
  if (after.dev !== checked.dev || after.ino !== checked.ino) {
    throw new TrifectaError(
      "FILE_CHANGED_DURING_READ",
      `File changed while it was being read (swapped?): ${shown}`,
      { nextSteps: ["Run the command again once the repository is not being changed"] },
    );
  }
  options.onRead?.(options.mode ?? "raw", raw.length);
  if (looksBinary(raw)) {
    throw new TrifectaError("BINARY_FILE", "File looks binary (contains NUL bytes)", {
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
  const masked = options.unmaskedForLocalServer
    ? { text: decoded, findings: maskSecrets(decoded).findings }
    : maskSecrets(decoded);
  return {
    abs: checked.abs,
    rel: checked.rel,
    text: masked.text,
    findings: masked.findings,
    sha256: options.hasher?.(raw),
    bytes: raw.length,
  };
}

/** Async form of {@linkcode readInsideSync} (same checks, same errors). */
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
