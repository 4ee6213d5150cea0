/**
 * `ctx build`: a pipeline of named stages under the pack lock —
 * discover → read → skeletons → chunk → index → write → report. Files are
 * read through the read boundary (secrets masked; refused files skipped with
 * a named reason), chunked (Markdown by heading, source by top-level symbol,
 * config whole), and the pack and its search index are committed as one
 * pair.
 *
 * One hostile file never fails a build: whatever the walker or the boundary
 * refuses is counted by reason, and secrets found in content are counted by
 * rule and by file (a hash of its path, never the value). With
 * `TRIFECTA_SECRET_FILES=exclude` a file with a finding is left out whole.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import type { Segment } from "../segment/mod.ts";
import type { AstCache } from "../cache/mod.ts";
import { type FileSkeleton, skeletonOfFiles } from "../ast/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import { chunkFiles, packOf } from "./build_chunks.ts";
import {
  readTargetsYielding,
  REPORT_LIST_LIMIT,
  secretFilesFromEnv,
  type SecretFilesMode,
  type SecretSummary,
  type SecretTally,
  SkipList,
} from "./build_read.ts";
import { discoverFiles, type IndexTarget } from "./discover.ts";
import { fileRowsOf } from "./file_rows.ts";
import { acquirePackLock } from "./lock.ts";
import { countByReason, nameHasSecret, type SkippedFile } from "./skips.ts";
import { commitStore, removeStaleTemps, type StoreCommit, writeNewStore } from "./store_write.ts";
import { INDEX_REL, PACK_REL, type PackChunk, type PackProgress } from "./types.ts";
import { EXTRACTION_FINGERPRINT } from "../cache/fingerprint.ts";

/** Options for {@linkcode buildPack}. */
export interface BuildOptions {
  /** AST cache for the skeletons. */
  cache?: AstCache;
  /** Telemetry for `ast.parse` events and counters. */
  telemetry?: Telemetry;
  /** How long to wait for another build's lock (ms). */
  lockWaitMs?: number;
  /** Parse workers for a large batch (default: the cores; see `skeletonOfFiles`). */
  concurrency?: number;
  /** What to do with files holding secrets (default: env `TRIFECTA_SECRET_FILES`, else `mask`). */
  secretFiles?: SecretFilesMode;
  /** Called as the build goes (walk, chunk, index, commit; see {@linkcode PackProgress}). */
  onProgress?: (p: PackProgress) => void;
}

/** What a build did. */
export interface BuildReport {
  /** Segment-relative path of the pack. */
  pack: string;
  /** Segment-relative path of the index. */
  index: string;
  /** Files indexed. */
  files: number;
  /** Chunks written. */
  chunks: number;
  /** Chunks per kind. */
  by_kind: Record<string, number>;
  /** Chunks per chunking method. */
  by_method: Record<string, number>;
  /**
   * Files left out, with the reason (at most {@linkcode REPORT_LIST_LIMIT};
   * secrets in names masked).
   */
  skipped: SkippedFile[];
  /** Files left out in all. */
  skipped_total: number;
  /** Files left out per reason. */
  skipped_by_reason: Record<string, number>;
  /** Secrets found in content (counts and path hashes, never a value). */
  secrets: SecretSummary;
  /** Warnings. */
  warnings: string[];
  /** Pack size in bytes. */
  bytes: number;
  /** First 16 hex digits of sha256 of the pack. */
  pack_sha: string;
  /** Time spent waiting for another build (ms). */
  lock_waited_ms: number;
  /** Stale temp files of a killed build removed. */
  stale_temps_removed: number;
  /** AST cache hits and misses. */
  skeleton_cache: SkeletonCacheStats;
  /** Entries moved aside because they blocked the pack or index (e.g. a directory). */
  moved_aside: string[];
}

/** AST cache hits, misses and failed extractions of one build. */
export interface SkeletonCacheStats {
  /** Skeletons served by the cache. */
  hit: number;
  /** Skeletons extracted. */
  miss: number;
  /** Extractions that failed (the file is indexed whole). */
  failed: number;
}

/** What every stage of one build adds to: its warnings and its skipped files. */
export interface BuildLog {
  warnings: string[];
  skips: SkipList;
}

/** Discover stage: the files to index, in order; the walker's skips go to the log. */
export async function discoverStage(
  segment: Segment,
  onProgress?: (p: PackProgress) => void,
): Promise<{ targets: IndexTarget[]; log: BuildLog }> {
  onProgress?.({ stage: "walk", done: 0, total: 1 });
  const discovery = await discoverFiles(segment);
  const log: BuildLog = { warnings: discovery.warnings, skips: new SkipList() };
  for (const s of discovery.skipped) log.skips.add(s.path, s.reason);
  const n = discovery.targets.length;
  onProgress?.({ stage: "walk", done: n, total: n });
  return { targets: discovery.targets, log };
}

/**
 * Skeleton stage: the skeleton of every source file read, through the
 * skeleton pipeline `ast skeleton` uses (`skeletonOfFiles`: parse workers on
 * every core for a large batch, in process for a small one; one parse per
 * file). A file whose extraction fails is indexed whole, with a warning.
 */
export async function skeletonStage(
  segment: Segment,
  sources: readonly IndexTarget[],
  options: BuildOptions & { log: BuildLog },
): Promise<SkeletonStage> {
  const skeletons = new Map<string, FileSkeleton>();
  const failures: { path: string; code: string }[] = [];
  const { onProgress } = options;
  let batch;
  try {
    batch = await skeletonOfFiles(segment, sources.map((t) => ({ abs: t.abs, rel: t.rel })), {
      cache: options.cache,
      telemetry: options.telemetry,
      workers: options.concurrency,
      onProgress: onProgress
        ? (done, total) => {
          if (done % 25 === 0 || done === total) onProgress({ stage: "chunk", done, total });
        }
        : undefined,
    });
  } catch (err) {
    // No parser at all in this process (e.g. raw imports not enabled): index whole.
    if (!(err instanceof TrifectaError) || !UNAVAILABLE.has(err.code)) throw err;
    options.log.warnings.push(`Source files indexed whole: skeletons unavailable (${err.message})`);
    return { skeletons, hits: new Set(), failures };
  }
  const hits = new Set<string>();
  for (const f of batch.files) {
    if (f.skeleton) {
      skeletons.set(f.path, f.skeleton);
      if (f.cache_status === "hit") hits.add(f.path);
    } else failures.push({ path: f.path, code: String(f.skipped) });
  }
  return { skeletons, hits, failures };
}

/** What the skeleton stage found, per file. */
export interface SkeletonStage {
  /** Skeletons by path. */
  skeletons: Map<string, FileSkeleton>;
  /** Paths served by the cache. */
  hits: Set<string>;
  /** Files whose extraction failed, with the error code. */
  failures: { path: string; code: string }[];
}

/**
 * The skeleton stage's outcome for the files `kept` (read through the
 * boundary): their counts, and a warning for each that is indexed whole.
 */
export function skeletonOutcome(
  stage: SkeletonStage,
  kept: ReadonlyMap<string, unknown>,
  log: BuildLog,
): { skeletons: Map<string, FileSkeleton>; stats: SkeletonCacheStats } {
  const stats = { hit: 0, miss: 0, failed: 0 };
  for (const path of stage.skeletons.keys()) {
    if (kept.has(path)) stats[stage.hits.has(path) ? "hit" : "miss"]++;
  }
  for (const f of stage.failures) {
    if (!kept.has(f.path)) continue; // refused by the read boundary: skipped, not indexed
    stats.failed++;
    log.warnings.push(`Skeleton failed, indexed whole: ${f.path} (${f.code})`);
  }
  return { skeletons: stage.skeletons, stats };
}

/** Errors that mean no skeleton can be had in this process at all. */
const UNAVAILABLE: ReadonlySet<string> = new Set(["NOT_IMPLEMENTED", "RAW_IMPORTS_REQUIRED"]);

function recordTelemetry(
  telemetry: Telemetry | undefined,
  skipped: Record<string, number>,
  secrets: SecretSummary,
): void {
  if (!telemetry) return;
  for (const [reason, n] of Object.entries(skipped)) {
    telemetry.incr(`ctx_build_skipped_${reason}_count`, n);
  }
  for (const [rule, n] of Object.entries(secrets.by_rule)) {
    telemetry.incr(`ctx_build_secret_${rule}_count`, n);
  }
  if (secrets.files > 0) telemetry.incr("ctx_build_secret_files_count", secrets.files);
}

/** Chunks counted by `key` (kind, chunking method). */
export function countBy(
  chunks: readonly PackChunk[],
  key: (c: PackChunk) => string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of chunks) out[key(c)] = (out[key(c)] ?? 0) + 1;
  return out;
}

/** What the report stage summarises. */
export interface BuildOutcome {
  log: BuildLog;
  secrets: SecretTally;
  chunks: readonly PackChunk[];
  files: number;
  committed: StoreCommit & { packSha: string };
  lockWaitedMs: number;
  staleTemps: number;
  skeletonStats: SkeletonCacheStats;
}

/** Report stage: the build's report; skip and secret counters go to telemetry. */
export function reportStage(outcome: BuildOutcome, telemetry: Telemetry | undefined): BuildReport {
  const { log, committed } = outcome;
  for (const m of committed.movedAside) {
    log.warnings.push(`Moved ${m} aside: it blocked the pack or the index`);
  }
  const skipped = log.skips.all();
  const skippedByReason = countByReason(skipped);
  const secrets = outcome.secrets.summary();
  recordTelemetry(telemetry, skippedByReason, secrets);
  return {
    pack: PACK_REL,
    index: INDEX_REL,
    files: outcome.files,
    chunks: outcome.chunks.length,
    by_kind: countBy(outcome.chunks, (c) => c.kind),
    by_method: countBy(outcome.chunks, (c) => c.chunking_method),
    skipped: skipped.slice(0, REPORT_LIST_LIMIT),
    skipped_total: skipped.length,
    skipped_by_reason: skippedByReason,
    secrets,
    warnings: log.warnings,
    bytes: committed.bytes,
    pack_sha: committed.packSha,
    lock_waited_ms: outcome.lockWaitedMs,
    stale_temps_removed: outcome.staleTemps,
    skeleton_cache: outcome.skeletonStats,
    moved_aside: committed.movedAside,
  };
}

/**
 * A promise that always fulfils, with its value or its error: it may settle
 * while the caller is busy with other work, before anything awaits it (an
 * unawaited rejection would end the process).
 */
function settled<T>(p: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return p.then((value) => ({ value }), (error: unknown) => ({ error }));
}

/** The value of a {@linkcode settled} promise, or its error thrown. */
function unwrap<T>(s: { value: T } | { error: unknown }): T {
  if ("error" in s) throw s.error;
  return s.value;
}

/** What a build holding the pack lock was given. */
export interface HeldLock {
  /** Time spent waiting for the lock (ms). */
  waitedMs: number;
  /** Stale temp files removed with the lock held. */
  staleTemps: number;
}

/**
 * The build stages, with the pack lock already held (by {@linkcode buildPack},
 * or by `syncPack` when it falls back to a full build).
 */
export async function buildLocked(
  segment: Segment,
  options: BuildOptions,
  held: HeldLock,
): Promise<BuildReport> {
  const { onProgress } = options;
  const { targets, log } = await discoverStage(segment, onProgress);
  const mode = options.secretFiles ?? secretFilesFromEnv(log.warnings);
  // Parse (in workers) while the main thread reads: the batch reads each
  // file through the boundary itself, and a file the read stage refuses is
  // dropped from the outcome.
  const sources = targets.filter((t) => t.cls === "source" && !nameHasSecret(t.rel));
  const parsing = settled(skeletonStage(segment, sources, { ...options, log }));
  const read = await readTargetsYielding(segment, targets, { mode, skips: log.skips });
  const skeleton = skeletonOutcome(unwrap(await parsing), read.files, log);
  const chunked = chunkFiles(targets, read.files, skeleton.skeletons);
  const pack = packOf(segment, chunked);
  let digest = "";
  onProgress?.({ stage: "commit", done: 0, total: 1 });
  const committed = await commitStore(segment, (tmp) => {
    digest = writeNewStore(tmp, fileRowsOf(targets, chunked), {
      segment: pack.segment,
      created_at: pack.created_at,
      build_id: pack.build_id,
      secret_mode: mode,
      extraction: EXTRACTION_FINGERPRINT,
      onProgress,
    });
  });
  onProgress?.({ stage: "commit", done: 1, total: 1 });
  return reportStage({
    log,
    secrets: read.secrets,
    chunks: chunked.chunks,
    files: chunked.sourceFiles.length,
    committed: { ...committed, packSha: digest.slice(0, 16) },
    lockWaitedMs: held.waitedMs,
    staleTemps: held.staleTemps,
    skeletonStats: skeleton.stats,
  }, options.telemetry);
}

/**
 * Build the pack of `segment` and commit it (one new database file renamed
 * over the old one, see `store_write.ts`). Holds the pack lock throughout;
 * a concurrent build waits for it.
 *
 * @throws {TrifectaError} `PACK_LOCKED` when another build holds the lock
 * past the wait; `CTX_DIR_UNSAFE` when `_ctx` is a symlink or a file;
 * `DISK_FULL`, `OUTPUT_NOT_WRITABLE`, `PERMISSION_NOT_GRANTED` when the pack
 * cannot be written (the previous pack is then unchanged). Files the walker
 * or the read boundary refuse are skipped, never thrown.
 */
export async function buildPack(
  segment: Segment,
  options: BuildOptions = {},
): Promise<BuildReport> {
  const lock = await acquirePackLock(segment, { waitMs: options.lockWaitMs });
  try {
    const staleTemps = await removeStaleTemps(segment);
    return await buildLocked(segment, options, { waitedMs: lock.waitedMs, staleTemps });
  } finally {
    lock.release();
  }
}
