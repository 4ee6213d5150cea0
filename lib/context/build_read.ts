/**
 * The read stage of `ctx build`: each discovered file is read through the
 * read boundary (secrets masked), or skipped with a named reason; secrets
 * found in content are counted by rule and by file (a hash of its path,
 * never the value). With `TRIFECTA_SECRET_FILES=exclude` a file with a
 * finding is left out whole.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { optionalEnv } from "../env.ts";
import {
  type BoundaryRead,
  contentSha256Hex,
  readInsideSync,
  type Segment,
} from "../segment/mod.ts";
import type { IndexTarget } from "./discover.ts";
import { nameHasSecret, shownPath, type SkippedFile, skipReasonOf } from "./skips.ts";
import { normalizeNewlines } from "./text.ts";

/** `mask`: secrets masked in the pack; `exclude`: files with a finding left out whole. */
export type SecretFilesMode = "mask" | "exclude";

/** Most skipped files and secret files listed by name or hash in a report (all are counted). */
export const REPORT_LIST_LIMIT = 100;

/** Secrets found in the files a build read. */
export interface SecretSummary {
  /** `mask` or `exclude` (see {@linkcode SecretFilesMode}). */
  mode: SecretFilesMode;
  /** Findings in all files. */
  findings: number;
  /** Files with at least one finding. */
  files: number;
  /** Findings per rule. */
  by_rule: Record<string, number>;
  /** Files left out whole (`exclude`). */
  excluded_files: number;
  /**
   * Per file (at most {@linkcode REPORT_LIST_LIMIT}): the first 16 hex
   * digits of sha256 of its segment-relative path, and findings per rule.
   */
  file_hashes: { path_hash: string; findings: number; by_rule: Record<string, number> }[];
}

/**
 * The mode from env `TRIFECTA_SECRET_FILES` (`mask` or `exclude`), with a warning for anything else.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { secretFilesFromEnv } from "./build_read.ts";
 * Deno.env.set("TRIFECTA_SECRET_FILES", "drop");
 * const warnings: string[] = [];
 * equal(secretFilesFromEnv(warnings), "mask");
 * equal(warnings.length, 1);
 * Deno.env.delete("TRIFECTA_SECRET_FILES");
 * ```
 */
export function secretFilesFromEnv(warnings: string[]): SecretFilesMode {
  const raw = optionalEnv("TRIFECTA_SECRET_FILES");
  if (raw === undefined || raw === "" || raw === "mask") return "mask";
  if (raw === "exclude") return "exclude";
  warnings.push(`TRIFECTA_SECRET_FILES must be mask or exclude; using mask`);
  return "mask";
}

/**
 * First 16 hex digits of sha256 of a segment-relative path.
 *
 * @example
 * ```ts
 * import { match } from "node:assert/strict";
 * import { pathHash } from "./build_read.ts";
 * match(pathHash("config/.env.sample"), /^[0-9a-f]{16}$/);
 * ```
 */
export function pathHash(rel: string): string {
  return contentSha256Hex(rel).slice(0, 16);
}

/** Files a build leaves out, by shown path (the first reason given wins). */
export class SkipList {
  #byPath = new Map<string, SkippedFile>();

  /** Record `path` (secrets in its name masked) as skipped for `reason`. */
  add(path: string, reason: string): void {
    const shown = shownPath(path);
    if (!this.#byPath.has(shown)) this.#byPath.set(shown, { path: shown, reason });
  }

  /** Every skipped file, in the order first recorded. */
  all(): SkippedFile[] {
    return [...this.#byPath.values()];
  }
}

/** Secret findings counted by rule and by file (path hash). */
export class SecretTally {
  #mode: SecretFilesMode;
  #byRule: Record<string, number> = {};
  #files: SecretSummary["file_hashes"] = [];
  #fileCount = 0;
  #findings = 0;

  /** A tally for a build in `mode`. */
  constructor(mode: SecretFilesMode) {
    this.#mode = mode;
  }

  /** Count the findings of one file read. */
  add(rel: string, read: BoundaryRead): void {
    const byRule: Record<string, number> = {};
    for (const f of read.findings) {
      byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
      this.#byRule[f.rule] = (this.#byRule[f.rule] ?? 0) + 1;
    }
    this.#findings += read.findings.length;
    this.#fileCount++;
    if (this.#files.length < REPORT_LIST_LIMIT) {
      this.#files.push({
        path_hash: pathHash(rel),
        findings: read.findings.length,
        by_rule: byRule,
      });
    }
  }

  /** The counts so far. */
  summary(): SecretSummary {
    return {
      mode: this.#mode,
      findings: this.#findings,
      files: this.#fileCount,
      by_rule: this.#byRule,
      excluded_files: this.#mode === "exclude" ? this.#fileCount : 0,
      file_hashes: this.#files,
    };
  }
}

/** A file the read stage kept: newline-normalised text, size on disk, mtime (epoch s). */
export interface ReadFile {
  /** Newline-normalised, secret-masked text. */
  text: string;
  /** Size on disk in bytes. */
  bytes: number;
  /** Modification time, float epoch seconds (0 when unknown). */
  mtime: number;
}

/** Read one target through the boundary, or say why it is skipped. */
function readTarget(
  segment: Segment,
  t: IndexTarget,
): { src: BoundaryRead; mtime: number } | { reason: string } {
  let src: BoundaryRead;
  try {
    src = readInsideSync(segment, t.rel, { mode: "raw" });
  } catch (err) {
    // Every refusal (and any file-system failure on this one file) is a
    // named skip; the build goes on with the other files. Anything else is
    // a bug and is not hidden.
    const fsFailure = Object.values(Deno.errors).some((E) => err instanceof E);
    if (!(err instanceof TrifectaError) && !fsFailure) throw err;
    return { reason: skipReasonOf(err) };
  }
  let mtime = 0;
  try {
    mtime = (Deno.statSync(src.abs).mtime?.getTime() ?? 0) / 1000;
  } catch (err) {
    // Gone right after the read: mtime 0 makes the next stale check re-read it.
    if (!(err instanceof Error)) throw err;
  }
  return { src, mtime };
}

/** Options for {@linkcode readTargets}. */
export interface ReadStageOptions {
  /** What to do with files holding secrets. */
  mode: SecretFilesMode;
  /** Where skipped files are recorded. */
  skips: SkipList;
}

/** What the read stage kept, by segment-relative path, and the secrets it counted. */
export interface ReadStage {
  /** Files kept, by segment-relative path. */
  files: Map<string, ReadFile>;
  /** Secret findings in the files read. */
  secrets: SecretTally;
}

/** Read one target into `out`; a refused file, a secret in a name or (exclude) in content is a skip. */
function readInto(
  segment: Segment,
  t: IndexTarget,
  options: ReadStageOptions,
  out: ReadStage,
): void {
  const { mode, skips } = options;
  // A secret in a file's name would reach the pack in its path and ids.
  if (nameHasSecret(t.rel)) {
    skips.add(t.rel, "secret_in_name");
    return;
  }
  const read = readTarget(segment, t);
  if ("reason" in read) {
    skips.add(t.rel, read.reason);
    return;
  }
  if (read.src.findings.length > 0) {
    out.secrets.add(t.rel, read.src);
    if (mode === "exclude") {
      skips.add(t.rel, "secret_excluded");
      return;
    }
  }
  out.files.set(t.rel, {
    text: normalizeNewlines(read.src.text),
    bytes: read.src.bytes,
    mtime: read.mtime,
  });
}

/**
 * Read every target through the boundary; a refused file, a secret in a
 * name, or (in `exclude` mode) a secret in content is a named skip.
 */
export function readTargets(
  segment: Segment,
  targets: readonly IndexTarget[],
  options: ReadStageOptions,
): ReadStage {
  const out: ReadStage = { files: new Map(), secrets: new SecretTally(options.mode) };
  for (const t of targets) readInto(segment, t, options, out);
  return out;
}

/** Files read between two turns of the event loop in {@linkcode readTargetsYielding}. */
const READS_PER_TURN = 16;

/**
 * {@linkcode readTargets}, giving the event loop a turn every few files, so
 * that parse workers started before it keep being fed while the main thread
 * reads (a build overlaps the two).
 */
export async function readTargetsYielding(
  segment: Segment,
  targets: readonly IndexTarget[],
  options: ReadStageOptions,
): Promise<ReadStage> {
  const out: ReadStage = { files: new Map(), secrets: new SecretTally(options.mode) };
  for (const [i, t] of targets.entries()) {
    readInto(segment, t, options, out);
    if (i % READS_PER_TURN === READS_PER_TURN - 1) await new Promise((r) => setTimeout(r, 0));
  }
  return out;
}
