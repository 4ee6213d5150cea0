/**
 * POSIX path operations with the results of Node's `path.posix`, so that
 * trifecta's start-up paths need not import `node:path`: the first `node:`
 * import makes Deno set up its Node compatibility layer, a cost every short
 * CLI call would pay (docs/benchmarks.md). trifecta runs where its daemon
 * does, on POSIX systems; `tests/path_test.ts` checks every function against
 * `node:path/posix` on generated paths.
 *
 * @module
 */

/** The path separator. */
export const sep = "/";

/** The separator of `PATH`-like lists. */
export const delimiter = ":";

/** Whether `path` is absolute. */
export function isAbsolute(path: string): boolean {
  return path.startsWith("/");
}

// Resolve `.` and `..` among the segments of `path`; `..` is kept only when
// it may go above the start (a relative path).
function normalizeSegments(path: string, allowAboveRoot: boolean): string {
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (allowAboveRoot) out.push("..");
    } else out.push(seg);
  }
  return out.join("/");
}

/**
 * `path` with `.`/`..` resolved and repeated slashes collapsed; a trailing
 * slash is kept.
 *
 * @example
 * ```ts
 * import { normalize } from "./path.ts";
 * import { equal } from "node:assert/strict";
 * equal(normalize("/a//b/../c/"), "/a/c/");
 * equal(normalize("a/./b/.."), "a");
 * ```
 */
export function normalize(path: string): string {
  if (path === "") return ".";
  const absolute = isAbsolute(path);
  const trailing = path.endsWith("/");
  let body = normalizeSegments(path, !absolute);
  if (body === "" && !absolute) body = ".";
  if (body !== "" && trailing) body += "/";
  return absolute ? `/${body}` : body;
}

/**
 * Join segments with `/` and normalise the result (`.` when all are empty).
 *
 * @example
 * ```ts
 * import { join } from "./path.ts";
 * import { equal } from "node:assert/strict";
 * equal(join("/seg", "_ctx", "pack.json"), "/seg/_ctx/pack.json");
 * ```
 */
export function join(...paths: string[]): string {
  const joined = paths.filter((p) => p !== "").join("/");
  return joined === "" ? "." : normalize(joined);
}

/**
 * An absolute path: the segments are taken right to left until one is
 * absolute, then against the working directory; no trailing slash.
 *
 * @example
 * ```ts
 * import { resolve } from "./path.ts";
 * import { equal } from "node:assert/strict";
 * equal(resolve("/seg", "src/../lib"), "/seg/lib");
 * equal(resolve("/seg", "/etc", "hosts"), "/etc/hosts");
 * ```
 */
export function resolve(...paths: string[]): string {
  let joined = "";
  let absolute = false;
  for (let i = paths.length - 1; i >= -1 && !absolute; i--) {
    const p = i >= 0 ? paths[i] : Deno.cwd();
    if (p === undefined || p === "") continue;
    joined = `${p}/${joined}`;
    absolute = isAbsolute(p);
  }
  const body = normalizeSegments(joined, !absolute);
  if (absolute) return `/${body}`;
  return body === "" ? "." : body;
}

/**
 * The path from `from` to `to` (both resolved first); `""` when they are the
 * same.
 *
 * @example
 * ```ts
 * import { relative } from "./path.ts";
 * import { equal } from "node:assert/strict";
 * equal(relative("/seg/src", "/seg/lib/a.py"), "../lib/a.py");
 * ```
 */
export function relative(from: string, to: string): string {
  if (from === to) return "";
  const a = resolve(from).split("/").filter((s) => s !== "");
  const b = resolve(to).split("/").filter((s) => s !== "");
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...Array(a.length - common).fill(".."), ...b.slice(common)].join("/");
}

/**
 * The last segment of `path`, trailing slashes ignored.
 *
 * @example
 * ```ts
 * import { basename } from "./path.ts";
 * import { equal } from "node:assert/strict";
 * equal(basename("/seg/src/"), "src");
 * ```
 */
export function basename(path: string): string {
  let end = path.length;
  while (end > 0 && path[end - 1] === "/") end--;
  return path.slice(path.lastIndexOf("/", end - 1) + 1, end);
}

/**
 * Everything before the last segment of `path`, trailing slashes ignored
 * (`.` when there is none, `/` at the root).
 *
 * @example
 * ```ts
 * import { dirname } from "./path.ts";
 * import { equal } from "node:assert/strict";
 * equal(dirname("/seg/src/a.py"), "/seg/src");
 * ```
 */
export function dirname(path: string): string {
  if (path === "") return ".";
  const rooted = isAbsolute(path);
  // Skip trailing slashes, then find the slash before the last segment.
  let i = path.length - 1;
  while (i >= 1 && path[i] === "/") i--;
  while (i >= 1 && path[i] !== "/") i--;
  if (i < 1) return rooted ? "/" : ".";
  if (rooted && i === 1) return "//";
  return path.slice(0, i);
}
