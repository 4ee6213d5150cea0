/**
 * Segment resolution: the directory trifecta works on, its real path and its
 * stable id.
 *
 * @module
 */
import { resolve } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { sha256Hex } from "../sha256.ts";

/** A resolved segment: the root every relative path is taken against. */
export interface Segment {
  /** Real (symlink-free) absolute path of the segment root. */
  root: string;
  /** First 8 hex digits of sha256 of {@linkcode Segment.root}. */
  id: string;
  /** The path as the user gave it (for messages only, never telemetry). */
  input: string;
  /**
   * Extra denylist globs from the config files (`deny`, docs/config.md),
   * on top of the built-in denylist, which always applies.
   */
  readonly extraDeny?: readonly string[];
  /** Extra ignore globs from the config files (`ignore`), gitignore syntax, for the walker. */
  readonly extraIgnore?: readonly string[];
}

/**
 * The segment id: first 8 hex digits of sha256 of the real root path.
 *
 * @example
 * ```ts
 * import { segmentIdFor } from "./segment.ts";
 * import { equal, match, notEqual } from "node:assert/strict";
 * match(segmentIdFor("/work/repo"), /^[0-9a-f]{8}$/);
 * equal(segmentIdFor("/work/repo"), segmentIdFor("/work/repo")); // stable for this path
 * notEqual(segmentIdFor("/work/repo"), segmentIdFor("/work/other"));
 * ```
 */
export function segmentIdFor(realRoot: string): string {
  return sha256Hex(realRoot).slice(0, 8);
}

/**
 * Turn a permission failure into an error that names the flag to grant.
 * Returns `undefined` when `err` is not a permission error.
 */
export function permissionError(err: unknown, what: string): TrifectaError | undefined {
  if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
    const notCapable = err instanceof Deno.errors.NotCapable;
    return new TrifectaError(
      notCapable ? "PERMISSION_NOT_GRANTED" : "PERMISSION_DENIED",
      notCapable
        ? `Deno's permissions do not allow reading ${what}.`
        : `The operating system refused access to ${what}.`,
      {
        cause: err,
        nextSteps: notCapable
          ? [`Grant read access with --allow-read=${what} (or run from inside the segment)`]
          : ["Check the file permissions of the segment directory"],
      },
    );
  }
  return undefined;
}

/**
 * Resolve a segment path: it must exist and be a directory; the result holds
 * its real path and id.
 *
 * @throws {TrifectaError} `INVALID_SEGMENT_PATH` when missing or not a directory.
 */
export async function resolveSegment(input = "."): Promise<Segment> {
  const abs = resolve(input);
  let real: string;
  try {
    real = await Deno.realPath(abs);
    const info = await Deno.stat(real);
    if (!info.isDirectory) throw new Deno.errors.NotADirectory(input);
  } catch (err) {
    const perm = permissionError(err, input);
    if (perm) throw perm;
    throw new TrifectaError(
      "INVALID_SEGMENT_PATH",
      `Invalid segment path: input='${input}' (path does not exist or is not a directory)`,
      {
        cause: err,
        nextSteps: ["Pass an existing directory with -s/--segment DIR (default: .)"],
      },
    );
  }
  return { root: real, id: segmentIdFor(real), input };
}
