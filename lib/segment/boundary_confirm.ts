/**
 * Step 3 (pin) and step 6 (confirm) of the read boundary (see
 * `boundary.ts`): the directories on the real path are pinned by device and
 * inode before the open, and looked up again after the read.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { changed } from "./fs_errors.ts";

/**
 * How often the path is checked again after the read (see
 * {@linkcode confirmInside}). Each round costs one `lstat` per directory
 * below the root, plus one; in our measurements (tests/segment/boundary_test.ts,
 * a process swapping a directory for a symlink out and back in a tight loop)
 * one round let 1 read in 500 through, and each further round cut that by
 * about 28: four rounds let none of 300,000 through.
 */
const CONFIRM_ROUNDS = 4;

/** A directory on the real path, with the device and inode it had when pinned. */
export interface Pin {
  /** Absolute path of the directory. */
  path: string;
  /** Its device. */
  dev: number;
  /** Its inode. */
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
export function pinDirs(root: string, rel: string, shown: string): Pin[] {
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
export function confirmInside(
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
