/**
 * Path policy for path arguments: a user-given path resolved to a real path
 * inside the segment, with the read boundary's checks (containment of the
 * named and the real path, the denylist on both, symlink loops, over-long
 * and invalid names). Containment and display helpers live in contain.ts.
 *
 * @module
 */
import { checkInsideSync } from "./boundary.ts";
import type { Segment } from "./segment.ts";

export { isWithin, relpath } from "./contain.ts";

/** A path argument resolved inside the segment. */
export interface ResolvedPath {
  /** Real absolute path. */
  abs: string;
  /** Segment-relative POSIX path of the real file. */
  rel: string;
  /** True when it is a directory. */
  isDirectory: boolean;
}

/**
 * Resolve a user-given path (relative to the segment root, or absolute inside
 * it) to a real path inside the segment: the checks of the read boundary's
 * `checkInsideSync`, so a path refused there is refused here, with the same
 * code.
 *
 * @example
 * ```ts
 * import { resolveInside } from "./paths.ts";
 * import { resolveSegment } from "./segment.ts";
 * import { equal, rejects } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${dir}/src`);
 * Deno.symlinkSync("/etc", `${dir}/src/out`);
 * const seg = await resolveSegment(dir);
 * const src = await resolveInside(seg, "src");
 * equal(src.isDirectory, true);
 * equal(src.rel, "src");
 * await rejects(resolveInside(seg, "src/out/hostname"), { code: "PATH_OUTSIDE_SEGMENT" });
 * Deno.removeSync(dir, { recursive: true });
 * ```
 *
 * @throws {TrifectaError} `PATH_OUTSIDE_SEGMENT` when it (or the symlink it
 * names) leaves the segment, `PATH_DENIED` when the named or the real path is
 * denied, `FILE_NOT_FOUND`, `SYMLINK_LOOP`, `PATH_TOO_LONG`,
 * `INVALID_FILE_NAME`, `PERMISSION_NOT_GRANTED`.
 */
export function resolveInside(segment: Segment, pathArg: string): Promise<ResolvedPath> {
  try {
    const inside = checkInsideSync(segment, pathArg);
    return Promise.resolve({ abs: inside.abs, rel: inside.rel, isDirectory: inside.isDirectory });
  } catch (err) {
    return Promise.reject(err);
  }
}
