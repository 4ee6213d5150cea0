/**
 * Byte counting and text decoding shared by the read boundary
 * (boundary.ts, through which every read of segment content goes): disclosure
 * modes, the size cap, binary detection, UTF-8 decoding.
 *
 * @module
 */

/**
 * Every disclosure mode, in order of growing cost: the one list the CLI's
 * `--mode` choices, the MCP tools' `mode` schemas and the readers use.
 *
 * @example
 * ```ts
 * import { DISCLOSURE_MODES } from "./read.ts";
 * import { deepEqual } from "node:assert/strict";
 * deepEqual([...DISCLOSURE_MODES], ["skeleton", "excerpt", "raw"]);
 * ```
 */
export const DISCLOSURE_MODES = ["skeleton", "excerpt", "raw"] as const;

/** How much of a file a command discloses: one of {@linkcode DISCLOSURE_MODES}. */
export type DisclosureMode = typeof DISCLOSURE_MODES[number];

/** Receives the number of bytes each read took. */
export type ReadObserver = (mode: DisclosureMode, bytes: number) => void;

/** Default size cap for source files (2 MiB). */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

/** True when the bytes look binary (a NUL byte in the first 8 KiB). */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Decode UTF-8, replacing invalid bytes. */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
