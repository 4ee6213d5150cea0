/**
 * `file://` URIs from a language server to absolute paths, strictly: no
 * remote host, no encoded `/` or NUL, dot segments resolved. Kept apart from
 * the client so the daemon path of a query can check answers without
 * loading it.
 *
 * @module
 */

/**
 * Absolute path of a `file://` URI; undefined for other schemes, a host
 * other than `localhost`, an encoded `/` or NUL, or a malformed URI.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { uriToPath } from "./uri.ts";
 * equal(uriToPath("file:///repo/a%20b.py"), "/repo/a b.py");
 * equal(uriToPath("file://evil.example/etc/passwd"), undefined);
 * ```
 */
export function uriToPath(uri: string): string | undefined {
  if (typeof uri !== "string" || !/^file:/i.test(uri)) return undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    // Not a URI at all: there is no path to give.
    return undefined;
  }
  if (url.protocol !== "file:") return undefined;
  if (url.hostname !== "" && url.hostname !== "localhost") return undefined;
  if (/%(2f|00)/i.test(url.pathname)) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    // Invalid percent-encoding: not a path.
    return undefined;
  }
  return path.startsWith("/") ? path : undefined;
}
