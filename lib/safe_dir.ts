/**
 * Checked directories and files for trifecta's own state inside a segment
 * (`.trifecta/`, `.trifecta/cache/`). A segment is untrusted: it may ship
 * `.trifecta` as a symlink to a directory outside it, or a state file as a
 * symlink, FIFO or hard link to another file. Deno's `--allow-write=<dir>`
 * checks only the path string, so a write through such a link lands outside
 * the segment even under the narrow flags. Every directory on the way is
 * checked with `lstat` (a real directory, never a symlink) and created one
 * level at a time; every file is a regular file with one link, or absent.
 * See `docs/security.md` ("CLI, grants and output hygiene").
 *
 * A base module: it imports nothing but `path.ts` and `errors.ts`.
 *
 * @module
 */
import { basename, dirname, join } from "./path.ts";
import { TrifectaError } from "./errors.ts";

/** Code of a state directory or file in a segment that trifecta refuses to use. */
export const STATE_PATH_UNSAFE_CODE = "STATE_PATH_UNSAFE";

/** Why a path was refused: the segment-relative path and the reason. */
export interface UnsafePath {
  /** Segment-relative path of the refused entry. */
  rel: string;
  /** `symlink`, `not_a_directory`, `not_a_regular_file` or `hard_linked`. */
  why: UnsafeWhy;
}

/** Reasons a path is refused. */
export type UnsafeWhy = "symlink" | "not_a_directory" | "not_a_regular_file" | "hard_linked";

/** Options for {@linkcode checkStateDir}. */
export interface CheckStateDirOptions {
  /** Create missing directories (mode 0700), one level at a time (default false). */
  create?: boolean;
}

/** Result of {@linkcode checkStateDir}: `ok`, `missing` (and not created) or unsafe. */
export type StateDirResult = { kind: "ok" } | { kind: "missing" } | {
  kind: "unsafe";
  unsafe: UnsafePath;
};

/**
 * `lstat` of `path`, or `undefined` when it does not exist (absent is a
 * normal state: trifecta creates its files on first use).
 */
export function lstatOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    throw err;
  }
}

function dirVerdict(info: Deno.FileInfo): UnsafeWhy | undefined {
  if (info.isSymlink) return "symlink";
  if (!info.isDirectory) return "not_a_directory";
  return undefined;
}

/**
 * Check (and with `create`, make) each directory of `rel` under `root`:
 * every component must be a real directory, never a symlink, so what lies
 * below stays inside `root`. `mkdir` of one level never follows a symlink
 * planted at that name (it fails with `AlreadyExists`, then the check
 * refuses it).
 */
export function checkStateDir(
  root: string,
  rel: string,
  options: CheckStateDirOptions = {},
): StateDirResult {
  const parts = rel.split("/").filter((p) => p !== "" && p !== ".");
  let path = root;
  let relSoFar = "";
  for (const part of parts) {
    path = join(path, part);
    relSoFar = relSoFar === "" ? part : `${relSoFar}/${part}`;
    let info = lstatOrUndefined(path);
    if (info === undefined) {
      if (!options.create) return { kind: "missing" };
      try {
        Deno.mkdirSync(path, { mode: 0o700 });
      } catch (err) {
        // Another process made it between the check and here: check it below.
        if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
      }
      info = Deno.lstatSync(path);
    }
    const why = dirVerdict(info);
    if (why) return { kind: "unsafe", unsafe: { rel: relSoFar, why } };
  }
  return { kind: "ok" };
}

/**
 * Check a state file: absent, or a regular file with one hard link (never a
 * symlink, FIFO, device, directory, or a second name of another file, whose
 * content a write would change). `undefined` when it is acceptable.
 */
export function checkStateFile(path: string, rel: string = basename(path)): UnsafePath | undefined {
  const info = lstatOrUndefined(path);
  if (info === undefined) return undefined;
  if (info.isSymlink) return { rel, why: "symlink" };
  if (!info.isFile) return { rel, why: "not_a_regular_file" };
  if ((info.nlink ?? 1) > 1) return { rel, why: "hard_linked" };
  return undefined;
}

/**
 * Open (creating it if missing) a state file for reading and writing without
 * following a planted link: an absent file is created with `O_EXCL` (which
 * never follows a symlink); an existing one must pass
 * {@linkcode checkStateFile}; the handle is then checked to be the inode
 * that was checked. Used for lock files.
 *
 * @throws {TrifectaError} `STATE_PATH_UNSAFE` for a link, FIFO, hard link or swap.
 */
export function openStateFile(path: string, rel: string = basename(path)): Deno.FsFile {
  for (let attempt = 0;; attempt++) {
    const bad = checkStateFile(path, rel);
    if (bad) throw unsafePathError(bad);
    const before = lstatOrUndefined(path);
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(
        path,
        before === undefined
          ? { read: true, write: true, createNew: true, mode: 0o600 }
          : { read: true, write: true },
      );
    } catch (err) {
      // Created or removed by another process between the check and the open.
      const raced = err instanceof Deno.errors.AlreadyExists ||
        err instanceof Deno.errors.NotFound;
      if (raced && attempt < 4) continue;
      throw err;
    }
    const after = file.statSync();
    const swapped = before !== undefined && before.ino !== null &&
      (after.ino !== before.ino || after.dev !== before.dev);
    if (!after.isFile || swapped || (after.nlink ?? 1) > 1) {
      file.close();
      throw unsafePathError({
        rel,
        why: !after.isFile ? "not_a_regular_file" : swapped ? "symlink" : "hard_linked",
      });
    }
    return file;
  }
}

/** Human text for a refused path. */
export function describeUnsafe(u: UnsafePath): string {
  switch (u.why) {
    case "symlink":
      return `${u.rel} is a symlink`;
    case "not_a_directory":
      return `${u.rel} is not a directory`;
    case "not_a_regular_file":
      return `${u.rel} is not a regular file`;
    case "hard_linked":
      return `${u.rel} has other hard links`;
  }
}

/** A `STATE_PATH_UNSAFE` error for a refused path (exit 1). */
export function unsafePathError(u: UnsafePath): TrifectaError {
  return new TrifectaError(
    STATE_PATH_UNSAFE_CODE,
    `${
      describeUnsafe(u)
    }: trifecta writes its state only to real directories and regular files inside the segment`,
    {
      details: { path: u.rel, reason: u.why },
      nextSteps: [`Remove ${u.rel} from the segment; trifecta recreates what it needs`],
    },
  );
}

/**
 * Write `text` to `<root>/<rel>` atomically (temp file + rename) after
 * checking, and creating, each directory of `rel` as a real directory inside
 * `root`. The temp file is created with `O_EXCL` and the rename replaces a
 * planted symlink at the target instead of writing through it.
 *
 * @throws {TrifectaError} `STATE_PATH_UNSAFE` when a directory on the way
 * is a symlink or not a directory, or the target is a directory.
 */
export async function writeStateFile(root: string, rel: string, text: string): Promise<void> {
  const dir = checkStateDir(root, dirname(rel), { create: true });
  if (dir.kind === "unsafe") throw unsafePathError(dir.unsafe);
  const path = join(root, rel);
  const target = lstatOrUndefined(path);
  if (target?.isDirectory) throw unsafePathError({ rel, why: "not_a_regular_file" });
  const tmp = `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeTextFile(tmp, text, { createNew: true, mode: 0o600 });
    await Deno.rename(tmp, path);
  } catch (err) {
    // Leave no temp file behind (it may not exist: ignore that); the caller
    // names the original failure.
    await Deno.remove(tmp).catch(() => undefined);
    throw err;
  }
}
