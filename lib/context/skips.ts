/**
 * Why a build left a file out: the walker's and the read boundary's reasons
 * (lib/segment `SKIP_REASONS`, `skipReasonOf`), plus the pack's own — a
 * prime reference that leaves the segment, a secret in a file name, a file
 * left out for its secrets. Each is counted in the build report and
 * telemetry.
 *
 * @module
 */
import { maskSecrets } from "../secrets.ts";
import { SKIP_REASONS } from "../segment/mod.ts";

export { countByReason, skipReasonOf } from "../segment/mod.ts";

/** A path a build left out, and why (one of {@linkcode PACK_SKIP_REASONS}). */
export interface SkippedFile {
  /** Segment-relative path, secrets in the name masked, very long names shortened. */
  path: string;
  /** The reason. */
  reason: string;
}

/** Every reason a build may name: the segment's, then the pack's own. */
export const PACK_SKIP_REASONS: readonly string[] = [
  ...SKIP_REASONS,
  "reference_outside_segment",
  "secret_excluded",
];

/** Longest path shown in a report; longer ones keep their two ends. */
const SHOWN_PATH_MAX = 300;

/** A path as shown in reports: secrets in the name masked, a very long one shortened. */
export function shownPath(rel: string): string {
  const masked = maskSecrets(rel).text;
  const cps = Array.from(masked);
  if (cps.length <= SHOWN_PATH_MAX) return masked;
  const half = SHOWN_PATH_MAX / 2;
  return `${cps.slice(0, half).join("")}…${cps.slice(-half).join("")}`;
}

/** True when a path's name holds a secret (it is then never indexed). */
export function nameHasSecret(rel: string): boolean {
  return maskSecrets(rel).findings.length > 0;
}
