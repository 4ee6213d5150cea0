/**
 * Why a path was left out: the named reasons the walker and readers report,
 * the map from read-boundary errors to them, and counts for reports.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";

/** Every reason a path can be skipped for (contract of issue 12). */
export const SKIP_REASONS = [
  "denied",
  "symlink_outside_segment",
  "symlink_to_denied",
  "symlink_loop",
  "unreadable",
  "invalid_name",
  "path_too_long",
  "vanished",
  "not_regular_file",
  "changed_during_read",
  "private_key_content",
  "too_large",
  "binary",
  "secret_in_name",
  "too_complex",
  "unsupported_encoding",
] as const;

/** A reason of {@linkcode SKIP_REASONS}. */
export type SkipReason = typeof SKIP_REASONS[number];

/**
 * Reasons that mean a symlink in the segment leads where trifecta does not
 * read: out of the segment, or onto a denied file. A language server that
 * follows links would read through them.
 */
export const UNSAFE_LINK_REASONS: readonly SkipReason[] = [
  "symlink_outside_segment",
  "symlink_to_denied",
];

/** True for a reason of {@linkcode UNSAFE_LINK_REASONS}. */
export function isUnsafeLinkReason(reason: string): boolean {
  return (UNSAFE_LINK_REASONS as readonly string[]).includes(reason);
}

/**
 * The skip reason for an error of the read boundary (`readInside`,
 * `checkInside`), so a reader that skips a refused file counts it under the
 * walker's names. A file with several hard links (`PATH_DENIED`, reason
 * `hard_link`) counts as `denied`; unknown errors as `unreadable`.
 *
 * @example
 * ```ts
 * import { TrifectaError } from "../errors.ts";
 * import { skipReasonOf } from "./skip.ts";
 * import { equal } from "node:assert/strict";
 * equal(skipReasonOf(new TrifectaError("BINARY_FILE", "binary")), "binary");
 * equal(skipReasonOf(new Error("anything else")), "unreadable");
 * ```
 */
export function skipReasonOf(err: unknown): SkipReason {
  if (!(err instanceof TrifectaError)) return "unreadable";
  return skipReasonOfCode(err.code, err.details.reason);
}

/**
 * {@linkcode skipReasonOf} for an error known by its code and
 * `details.reason` only (e.g. one passed back by a parse worker).
 *
 * @example
 * ```ts
 * import { skipReasonOfCode } from "./skip.ts";
 * import { equal } from "node:assert/strict";
 * equal(skipReasonOfCode("PATH_DENIED", "private_key_content"), "private_key_content");
 * equal(skipReasonOfCode("PATH_DENIED", "hard_link"), "denied");
 * ```
 */
export function skipReasonOfCode(code: string, detailsReason?: unknown): SkipReason {
  switch (code) {
    case "PATH_OUTSIDE_SEGMENT":
      return "symlink_outside_segment";
    case "PATH_DENIED":
      if (detailsReason === "denied_target") return "symlink_to_denied";
      if (detailsReason === "private_key_content") return "private_key_content";
      if (detailsReason === "secret_in_name") return "secret_in_name";
      return "denied";
    case "FILE_CHANGED_DURING_READ":
    case "FILE_CHANGED":
      return "changed_during_read";
    case "NOT_A_REGULAR_FILE":
      return "not_regular_file";
    case "FILE_NOT_FOUND":
      return "vanished";
    case "FILE_TOO_LARGE":
      return "too_large";
    case "BINARY_FILE":
      return "binary";
    case "SYMLINK_LOOP":
      return "symlink_loop";
    case "PATH_TOO_LONG":
      return "path_too_long";
    case "INVALID_FILE_NAME":
      return "invalid_name";
    case "PARSE_TOO_COMPLEX":
      return "too_complex";
    case "UNSUPPORTED_ENCODING":
      return "unsupported_encoding";
    default:
      return "unreadable";
  }
}

/**
 * Count skipped paths by reason, for reports (keys in first-seen order).
 *
 * @example
 * ```ts
 * import { countByReason } from "./skip.ts";
 * import { deepEqual } from "node:assert/strict";
 * deepEqual(
 *   countByReason([{ reason: "denied" }, { reason: "denied" }, { reason: "binary" }]),
 *   { denied: 2, binary: 1 },
 * );
 * ```
 */
export function countByReason(skipped: readonly { reason: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of skipped) out[s.reason] = (out[s.reason] ?? 0) + 1;
  return out;
}
