/**
 * Which files a skeleton request covers: path arguments resolved inside the
 * segment, directories walked (`.gitignore` respected), single files checked
 * for a grammar, and the rule that a file named on its own must parse (a
 * file met while walking a directory is only skipped). Shared by
 * `ast skeleton` and the MCP `skeleton` tool.
 *
 * @module
 */
import { PARSE_BUDGET_ENV, PARSE_TOO_COMPLEX } from "./budget.ts";
import { TrifectaError } from "../errors.ts";
// Not the segment barrel: it loads the content hasher (node:crypto), which a warm run never needs.
import { resolveInside } from "../segment/paths.ts";
import type { Segment } from "../segment/segment.ts";
import { skipReasonOfCode } from "../segment/skip.ts";
import { walkFiles } from "../segment/walk.ts";
import { languageOf, SOURCE_EXTENSIONS } from "./skeleton.ts";
import type { SkeletonBatch } from "./skeleton_batch.ts";
import type { SourceFile } from "./skeleton_lookup.ts";

/** A path left out of a skeleton request, and why. */
export interface SkippedTarget {
  /** Segment-relative path. */
  path: string;
  /**
   * Why, by the walker's names (lib/segment/skip.ts: `denied`,
   * `symlink_outside_segment`, `binary`, `too_large`, `vanished`, …).
   */
  reason: string;
  /** The read's error code, for a file skipped when read (`BINARY_FILE`, `PATH_DENIED`, …). */
  code?: string;
  /** Message, when there is one (segment-relative paths only). */
  message?: string;
}

/** The files a skeleton request covers. */
export interface SkeletonTargets {
  /** Files to outline, sorted by relative path, without duplicates. */
  files: SourceFile[];
  /** Relative paths named on their own (not found by walking a directory). */
  singles: Set<string>;
  /** Paths the walker left out. */
  skipped: SkippedTarget[];
  /** Directories walked. */
  dirs: number;
}

/** Options for {@linkcode collectSkeletonTargets}. */
export interface CollectTargetsOptions {
  /** Called before the first directory is walked (e.g. to start parse workers early). */
  onDirectory?: () => void;
}

/**
 * Resolve path arguments (relative to the segment root, or absolute inside
 * it) to the source files whose skeletons are asked for. A path named here is
 * checked by the read boundary (`resolveInside`): a refused one fails the
 * request with its own code; a file refused while walking a directory is
 * only skipped, with its reason.
 *
 * @throws {TrifectaError} `UNSUPPORTED_LANGUAGE` for a single file without a
 * grammar, and {@linkcode resolveInside}'s errors (`FILE_NOT_FOUND`,
 * `PATH_OUTSIDE_SEGMENT`, `PATH_DENIED`, …).
 */
export async function collectSkeletonTargets(
  segment: Segment,
  paths: readonly string[],
  options: CollectTargetsOptions = {},
): Promise<SkeletonTargets> {
  const files = new Map<string, SourceFile>();
  const singles = new Set<string>();
  const skipped: SkippedTarget[] = [];
  let dirs = 0;
  for (const arg of paths) {
    const resolved = await resolveInside(segment, arg);
    if (resolved.isDirectory) {
      if (dirs === 0) options.onDirectory?.();
      dirs++;
      const walked = await walkFiles(segment, resolved.abs, { extensions: SOURCE_EXTENSIONS });
      for (const f of walked.files) files.set(f.rel, f);
      for (const s of walked.skipped) skipped.push({ path: s.rel, reason: s.reason });
    } else {
      if (!languageOf(resolved.rel)) {
        throw new TrifectaError(
          "UNSUPPORTED_LANGUAGE",
          `No skeleton grammar for ${resolved.rel}`,
          { nextSteps: [`Supported extensions: ${SOURCE_EXTENSIONS.join(" ")}`] },
        );
      }
      files.set(resolved.rel, { abs: resolved.abs, rel: resolved.rel });
      singles.add(resolved.rel);
    }
  }
  const ordered = [...files.values()].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files: ordered, singles, skipped, dirs };
}

/**
 * The error for a file named on its own that could not be outlined (binary,
 * too large, unreadable), or undefined when every such file parsed.
 */
export function singleFileFailure(
  batch: SkeletonBatch,
  singles: ReadonlySet<string>,
): TrifectaError | undefined {
  const failed = batch.files.find((o) => o.skipped && singles.has(o.path));
  if (!failed) return undefined;
  return new TrifectaError(failed.skipped as string, failed.message ?? failed.path, {
    details: { ...failed.details, path: failed.path },
    nextSteps: failed.skipped === "FILE_TOO_LARGE"
      ? ["Raise the cap with TRIFECTA_AST_MAX_BYTES=<bytes>"]
      : failed.skipped === PARSE_TOO_COMPLEX
      ? [`Allow more time with ${PARSE_BUDGET_ENV}=<ms>`]
      : [],
  });
}

/**
 * Skipped paths of a request and of its batch, sorted by path, each with a
 * reason named as the walker names them (lib/segment/skip.ts): the walker's
 * own (`denied`, `symlink_outside_segment`, …) and the read's (`binary`,
 * `too_large`, `private_key_content`, `changed_during_read`, `vanished`, …,
 * and `too_complex` past the time budget (lib/ast/budget.ts),
 * with the error code in `code`). `countByReason` (lib/segment) sums them up
 * for a report.
 */
export function skippedTargets(
  targets: SkeletonTargets,
  batch: SkeletonBatch,
): SkippedTarget[] {
  const out = [...targets.skipped];
  for (const o of batch.files) {
    if (!o.skipped) continue;
    const reason = skipReasonOfCode(o.skipped, o.details?.reason);
    out.push({ path: o.path, reason, code: o.skipped, message: o.message });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
