/**
 * Path policy: segment-relative POSIX paths, real-path containment (so a
 * symlink cannot lead out of the segment) and the denylist.
 *
 * @module
 */
import { basename, isAbsolute, relative, resolve, sep } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { isDenied } from "./denylist.ts";
import { sha256Hex } from "../sha256.ts";
import { permissionError, type Segment } from "./segment.ts";

function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

/** True when `target` equals `root` or lies under it (both absolute, normalised). */
export function isWithin(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Path of `target` for display and telemetry: relative POSIX path inside
 * `root`, `external/<hash8>-<basename>` outside it (no absolute path leaks).
 *
 * @example
 * ```ts
 * import { relpath } from "./paths.ts";
 * relpath("/repo", "/repo/src/app.py"); // "src/app.py"
 * relpath("/repo", "/usr/lib/python3/typing.py"); // "external/1a2b3c4d-typing.py"
 * ```
 */
export function relpath(root: string, target: string): string {
  const absTarget = resolve(root, target);
  if (isWithin(root, absTarget)) {
    const rel = toPosix(relative(root, absTarget));
    return rel === "" ? "." : rel;
  }
  return `external/${sha256Hex(absTarget).slice(0, 8)}-${basename(absTarget)}`;
}

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
 * it) to a real path inside the segment.
 *
 * @throws {TrifectaError} `PATH_OUTSIDE_SEGMENT` when it (or the symlink it
 * names) leaves the segment, `PATH_DENIED` for denylisted files,
 * `FILE_NOT_FOUND` when missing.
 */
export async function resolveInside(segment: Segment, pathArg: string): Promise<ResolvedPath> {
  const lexical = resolve(segment.root, pathArg);
  if (!isWithin(segment.root, lexical)) {
    throw new TrifectaError("PATH_OUTSIDE_SEGMENT", `Path is outside the segment: ${pathArg}`, {
      nextSteps: ["Give a path relative to the segment root, or choose another -s/--segment"],
    });
  }
  let real: string;
  let isDirectory: boolean;
  try {
    real = await Deno.realPath(lexical);
    isDirectory = (await Deno.stat(real)).isDirectory;
  } catch (err) {
    // The path lies inside the segment, so a missing read permission means a
    // symlink on the way leads out of the segment's granted scope.
    if (
      err instanceof Deno.errors.NotCapable &&
      Deno.permissions.querySync({ name: "read", path: segment.root }).state === "granted"
    ) {
      throw new TrifectaError(
        "PATH_OUTSIDE_SEGMENT",
        `Path resolves outside the segment (symlink): ${pathArg}`,
        { cause: err, nextSteps: ["trifecta does not follow symlinks that leave the segment"] },
      );
    }
    const perm = permissionError(err, pathArg);
    if (perm) throw perm;
    if (err instanceof Deno.errors.FilesystemLoop) {
      throw new TrifectaError("SYMLINK_LOOP", `Symlink loop at: ${pathArg}`, { cause: err });
    }
    throw new TrifectaError("FILE_NOT_FOUND", `No such file or directory: ${pathArg}`, {
      cause: err,
      nextSteps: ["Paths are relative to the segment root (-s/--segment, default .)"],
    });
  }
  if (!isWithin(segment.root, real)) {
    throw new TrifectaError(
      "PATH_OUTSIDE_SEGMENT",
      `Path resolves outside the segment (symlink): ${pathArg}`,
      { nextSteps: ["trifecta does not follow symlinks that leave the segment"] },
    );
  }
  const rel = relpath(segment.root, real);
  if (rel !== "." && isDenied(rel)) {
    throw new TrifectaError("PATH_DENIED", `Path is on the denylist (secrets, VCS): ${rel}`, {
      nextSteps: ["trifecta never reads .git/, .env*, key or credential files"],
    });
  }
  return { abs: real, rel, isDirectory };
}
