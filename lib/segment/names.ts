/**
 * Names as the read boundary and the walker judge them before any read: too
 * long for the OS, or holding a secret (a token in a file or directory name
 * would reach outputs in paths, ids and `sym://` URIs).
 *
 * @module
 */
import { maskSecrets } from "../secrets.ts";

/** Longest path (bytes) the OS accepts, with its terminating NUL. */
const PATH_MAX = Deno.build.os === "darwin" ? 1024 : 4096;
const encoder = new TextEncoder();

/**
 * True when `abs` is too long for the OS to open (PATH_MAX bytes or more).
 *
 * @example
 * ```ts
 * import { pathTooLong } from "./names.ts";
 * import { equal } from "node:assert/strict";
 * equal(pathTooLong("/repo/src/app.py"), false);
 * equal(pathTooLong(`/repo/${"d/".repeat(3000)}app.py`), true);
 * ```
 */
export function pathTooLong(abs: string): boolean {
  // Three UTF-8 bytes at most per UTF-16 unit: most paths need no encoding.
  if (abs.length * 3 < PATH_MAX) return false;
  return encoder.encode(abs).length >= PATH_MAX;
}

/**
 * True when a segment-relative name holds a secret (masking would change
 * it): such a path is never read, listed or shown raw.
 *
 * @example
 * ```ts
 * import { nameHasSecret } from "./names.ts";
 * import { equal } from "node:assert/strict";
 * equal(nameHasSecret("src/app.py"), false);
 * equal(nameHasSecret(`keys/${"AKIA"}ABCDEFGHIJKLMNOP.py`), true);
 * ```
 */
export function nameHasSecret(rel: string): boolean {
  return maskSecrets(rel).findings.length > 0;
}

/**
 * A name as it may be shown in a message or report: its secrets masked.
 *
 * @example
 * ```ts
 * import { maskedName } from "./names.ts";
 * import { equal, ok } from "node:assert/strict";
 * equal(maskedName("src/app.py"), "src/app.py");
 * ok(maskedName(`${"AKIA"}ABCDEFGHIJKLMNOP_backup.py`).includes("<SECRET_REDACTED:"));
 * ```
 */
export function maskedName(name: string): string {
  return maskSecrets(name).text;
}
