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
import { type FileSkeleton, skeletonOfFile } from "../ast/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import { chunkFiles, packOf } from "./build_chunks.ts";
import {
  readTargets,
  REPORT_LIST_LIMIT,
  secretFilesFromEnv,
  type SecretFilesMode,
  type SecretSummary,
  type SecretTally,
  SkipList,
} from "./build_read.ts";
import { discoverFiles, type IndexTarget } from "./discover.ts";
import { acquirePackLock } from "./lock.ts";
import { commitPack, type CommitResult, removeStaleTemps } from "./pack_io.ts";
import { countByReason, type SkippedFile } from "./skips.ts";
import { INDEX_REL, PACK_REL, type PackChunk } from "./types.ts";

/** Options for {@linkcode buildPack}. */
export interface BuildOptions {
  /** AST cache for the skeletons. */
  cache?: AstCache;
  /** Telemetry for `ast.parse` events and counters. */
  telemetry?: Telemetry;
  /** How long to wait for another build's lock (ms). */
  lockWaitMs?: number;
  /** Parallel skeleton extractions (default 4). */
  concurrency?: number;
  /** What to do with files holding secrets (default: env `TRIFECTA_SECRET_FILES`, else `mask`). */
  secretFiles?: SecretFilesMode;
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
interface BuildLog {
  warnings: string[];
  skips: SkipList;
}

async function pool<T>(
  items: readonly T[],
  n: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(n, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      // In range by the loop test; `undefined` only for a hole in a sparse array.
      if (item !== undefined) await fn(item);
    }
  });
  await Promise.all(workers);
}

/** Discover stage: the files to index, in order; the walker's skips go to the log. */
async function discoverStage(segment: Segment): Promise<{ targets: IndexTarget[]; log: BuildLog }> {
  const discovery = await discoverFiles(segment);
  const log: BuildLog = { warnings: discovery.warnings, skips: new SkipList() };
  for (const s of discovery.skipped) log.skips.add(s.path, s.reason);
  return { targets: discovery.targets, log };
}

/**
 * Skeleton stage: the skeleton of every source file read, extracted in
 * parallel; a file whose extraction fails is indexed whole, with a warning.
 */
async function skeletonStage(
  segment: Segment,
  sources: readonly IndexTarget[],
  options: BuildOptions & { log: BuildLog },
): Promise<{ skeletons: Map<string, FileSkeleton>; stats: SkeletonCacheStats }> {
  const skeletons = new Map<string, FileSkeleton>();
  const stats = { hit: 0, miss: 0, failed: 0 };
  let unavailable: string | undefined;
  await pool(sources, options.concurrency ?? 4, async (t) => {
    if (unavailable) return;
    try {
      const r = await skeletonOfFile(segment, { abs: t.abs, rel: t.rel }, {
        cache: options.cache,
        telemetry: options.telemetry,
      });
      skeletons.set(t.rel, r.skeleton);
      stats[r.cache_status === "hit" ? "hit" : "miss"]++;
    } catch (err) {
      if (err instanceof TrifectaError && err.code === "NOT_IMPLEMENTED") {
        unavailable = err.message;
        return;
      }
      stats.failed++;
      const code = err instanceof TrifectaError
        ? err.code
        : err instanceof Error
        ? err.name
        : "unknown";
      options.log.warnings.push(`Skeleton failed, indexed whole: ${t.rel} (${code})`);
    }
  });
  if (unavailable) {
    options.log.warnings.push(`Source files indexed whole: skeletons unavailable (${unavailable})`);
  }
  return { skeletons, stats };
}

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

function countBy(
  chunks: readonly PackChunk[],
  key: (c: PackChunk) => string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of chunks) out[key(c)] = (out[key(c)] ?? 0) + 1;
  return out;
}

/** What the report stage summarises. */
interface BuildOutcome {
  log: BuildLog;
  secrets: SecretTally;
  chunks: readonly PackChunk[];
  files: number;
  committed: CommitResult;
  lockWaitedMs: number;
  staleTemps: number;
  skeletonStats: SkeletonCacheStats;
}

/** Report stage: the build's report; skip and secret counters go to telemetry. */
function reportStage(outcome: BuildOutcome, telemetry: Telemetry | undefined): BuildReport {
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
 * Build the pack of `segment` and commit it with its search index. Holds the
 * pack lock throughout; a concurrent build waits for it.
 *
 * @throws {TrifectaError} `PACK_LOCKED` when another build holds the lock
 * past the wait; `CTX_DIR_UNSAFE` when `_ctx` is a symlink or a file;
 * `DISK_FULL`, `OUTPUT_NOT_WRITABLE`, `PERMISSION_NOT_GRANTED` when the pack
 * cannot be written (the previous pack and index are then unchanged). Files
 * the walker or the read boundary refuse are skipped, never thrown.
 */
export async function buildPack(
  segment: Segment,
  options: BuildOptions = {},
): Promise<BuildReport> {
  const lock = await acquirePackLock(segment, { waitMs: options.lockWaitMs });
  try {
    const staleTemps = await removeStaleTemps(segment);
    const { targets, log } = await discoverStage(segment);
    const mode = options.secretFiles ?? secretFilesFromEnv(log.warnings);
    const read = readTargets(segment, targets, { mode, skips: log.skips });
    const sources = targets.filter((t) => t.cls === "source" && read.files.has(t.rel));
    const skeleton = await skeletonStage(segment, sources, { ...options, log });
    const chunked = chunkFiles(targets, read.files, skeleton.skeletons);
    const committed = await commitPack(segment, packOf(segment, chunked), {
      definitions: chunked.definitions,
    });
    return reportStage({
      log,
      secrets: read.secrets,
      chunks: chunked.chunks,
      files: chunked.sourceFiles.length,
      committed,
      lockWaitedMs: lock.waitedMs,
      staleTemps,
      skeletonStats: skeleton.stats,
    }, options.telemetry);
  } finally {
    lock.release();
  }
}
