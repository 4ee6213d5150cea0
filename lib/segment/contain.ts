/**
 * Containment and display of paths (pure, no file system): whether a path
 * lies under the segment root, and the segment-relative form trifecta shows.
 *
 * @module
 */
import { basename, isAbsolute, relative, resolve } from "../path.ts";
import { sha256Hex } from "../sha256.ts";

/**
 * True when `target` equals `root` or lies under it (both absolute,
 * normalised).
 *
 * @example
 * ```ts
 * import { isWithin } from "./contain.ts";
 * import { equal } from "node:assert/strict";
 * equal(isWithin("/repo", "/repo/src/a.py"), true);
 * equal(isWithin("/repo", "/repo/../etc"), false);
 * equal(isWithin("/repo", "/repo/..hidden.py"), true); // a name, not a parent
 * ```
 */
export function isWithin(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === "" || (rel !== ".." && !rel.startsWith("../") && !isAbsolute(rel));
}

/**
 * The segment-relative POSIX path of `abs` ("." for the root itself), or
 * undefined when it lies outside. Both paths must be absolute and normalised
 * (as `realPath` and `resolve` return them): a prefix test, no allocation of
 * path segments, for the read boundary's hot path.
 *
 * @example
 * ```ts
 * import { relInside } from "./contain.ts";
 * import { equal } from "node:assert/strict";
 * equal(relInside("/repo", "/repo/src/a.py"), "src/a.py");
 * equal(relInside("/repo", "/repository/a.py"), undefined);
 * ```
 */
export function relInside(root: string, abs: string): string | undefined {
  if (abs === root) return ".";
  const prefix = root.endsWith("/") ? root : `${root}/`;
  return abs.startsWith(prefix) ? abs.slice(prefix.length) : undefined;
}

/**
 * Path of `target` for display and telemetry: relative POSIX path inside
 * `root`, `external/<hash8>-<basename>` outside it (no absolute path leaks).
 *
 * @example
 * ```ts
 * import { relpath } from "./contain.ts";
 * import { equal, match } from "node:assert/strict";
 * equal(relpath("/repo", "/repo/src/app.py"), "src/app.py");
 * match(relpath("/repo", "/usr/lib/python3/typing.py"), /^external\/[0-9a-f]{8}-typing\.py$/);
 * ```
 */
export function relpath(root: string, target: string): string {
  const absTarget = resolve(root, target);
  if (isWithin(root, absTarget)) {
    const rel = relative(root, absTarget);
    return rel === "" ? "." : rel;
  }
  return `external/${sha256Hex(absTarget).slice(0, 8)}-${basename(absTarget)}`;
}
