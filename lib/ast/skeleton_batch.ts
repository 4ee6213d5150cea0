/**
 * Skeletons of many files ({@linkcode skeletonOfFiles}), as a pipeline of
 * named stages per file: target (a language, or skipped) → cache lookup
 * (lib/ast/skeleton_lookup.ts; hits are served on the main thread) → parse
 * and extract in the pool's workers (lib/ast/pool.ts, lib/ast/extract.ts;
 * the worker renders the outline's size) → store in the cache; then the
 * batch's totals and telemetry.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { cacheKey } from "../cache/types.ts";
import type { ManifestCounts } from "../cache/manifest.ts";
import { DEFAULT_MAX_FILE_BYTES } from "../segment/read.ts";
import type { Segment } from "../segment/segment.ts";
import type { Telemetry } from "../telemetry/mod.ts";
// Types only: a warm run (all cache hits) never loads the pool or a parser.
import type { ParseJob, ParseOutcome, ParsePool } from "./pool.ts";
import { RAW_IMPORTS_REQUIRED, rawImportsRequired } from "./parser.ts";
import { RETIRE_AFTER_BYTES } from "./worker_protocol.ts";
import { countSymbols } from "./render/walk.ts";
import { lookupSkeleton, type SourceFile } from "./skeleton_lookup.ts";
import {
  IN_PROCESS_LIMIT,
  languageOf,
  PER_FILE_EVENT_LIMIT,
  ratio,
  recordParse,
  type SkeletonOptions,
  unsupported,
} from "./skeleton.ts";
import type { FileSkeleton } from "./types.ts";

/** Options for {@linkcode skeletonOfFiles}. */
export interface ManySkeletonOptions extends SkeletonOptions {
  /** Pool to parse with (kept open); by default one is made and closed. */
  pool?: ParsePool;
  /** Worker count for the pool made here (default: the cores). */
  workers?: number;
  /** Called after each file with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Called once per file as soon as it is settled (any order; `index` is its
   * place in the input). When given, the batch keeps no skeleton: the
   * returned outcomes carry paths, statuses and skip reasons only, and the
   * totals are summed as files settle (a tree's skeletons are never all held).
   */
  onFile?: (index: number, outcome: FileOutcome) => void;
  /** Serve by the cache's stat index (default true; see lib/ast/skeleton_lookup.ts). */
  statIndex?: boolean;
}

/** One file of a batch: its skeleton, or why it was skipped. */
export interface FileOutcome {
  /** Segment-relative path. */
  path: string;
  /** The skeleton (absent when skipped). */
  skeleton?: FileSkeleton;
  /** `hit` when the skeleton came from the cache. */
  cache_status: "hit" | "miss";
  /** Cache key (absent when skipped). */
  cache_key?: string;
  /** Why it was skipped: an error code such as `BINARY_FILE` or `FILE_TOO_LARGE`. */
  skipped?: string;
  /** Message for a skipped file (segment-relative paths only). */
  message?: string;
  /** Details of the error a skipped file met (e.g. `reason` of `PATH_DENIED`). */
  details?: Record<string, unknown>;
}

/** Totals of a batch. */
export interface BatchStats {
  /** Files asked for. */
  files: number;
  /** Files with a skeleton. */
  parsed: number;
  /** Files skipped. */
  skipped: number;
  /** Served from the cache. */
  cache_hits: number;
  /** Parsed now. */
  cache_misses: number;
  /** Files with syntax errors (recovered). */
  files_with_errors: number;
  /** Functions and methods. */
  functions: number;
  /** Classes. */
  classes: number;
  /** Every symbol. */
  symbols: number;
  /** Source bytes of the files with a skeleton. */
  bytes: number;
  /** Text outline bytes of those files. */
  skeleton_bytes: number;
  /** skeleton_bytes / bytes. */
  reduction_ratio: number;
  /** Parse workers used (0 = in process). */
  workers: number;
}

/** The result of {@linkcode skeletonOfFiles}: one outcome per file, in input order. */
export interface SkeletonBatch {
  /** Outcomes, in the order the files were given. */
  files: FileOutcome[];
  /** Totals. */
  stats: BatchStats;
}

/** What the cache entry of a file read on the main thread needs. */
interface KnownStat {
  mtimeMs: number;
  size: number;
}

/** A file on its way to the pool. */
interface Queued {
  index: number;
  file: SourceFile;
  job: ParseJob;
  known?: KnownStat;
}

/** The size of a file to come, or 0 when it cannot be stat'ed (its read says why). */
function sizeOf(file: SourceFile | undefined): number {
  if (file === undefined) return 0;
  try {
    return Deno.statSync(file.abs).size;
  } catch {
    // Not ordered by size: the batch's read gives the named error or skip.
    return 0;
  }
}

function skippedOutcome(
  rel: string,
  err: { code: string; message: string; details?: Record<string, unknown> },
): FileOutcome {
  return {
    path: rel,
    cache_status: "miss",
    skipped: err.code,
    message: err.message,
    details: err.details,
  };
}

/** One batch in progress: its settings, the outcomes so far, and the pool once one is needed. */
class BatchRun {
  readonly outcomes: FileOutcome[];
  /** One `ast.parse` event per file (else one summary event). */
  readonly perFile: boolean;
  readonly #segment: Segment;
  readonly #options: ManySkeletonOptions;
  readonly #maxBytes: number;
  /** An empty cache cannot answer a content-hash lookup: workers read and hash. */
  readonly #hashFirst: boolean;
  readonly #ownPool: boolean;
  /** Large files after which the worker stays (more large files follow: see `order`). */
  readonly #keepWorker = new Set<number>();
  #pool: ParsePool | undefined;
  #done = 0;

  constructor(segment: Segment, total: number, options: ManySkeletonOptions) {
    const { cache, telemetry } = options;
    this.#segment = segment;
    this.#options = options;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.outcomes = new Array(total);
    this.stats = emptyStats(total);
    this.#hashFirst = cache !== undefined && cache.stats().entries > 0;
    this.perFile = telemetry?.enabled === true &&
      (telemetry.level === "full" || total <= PER_FILE_EVENT_LIMIT);
    this.#pool = options.pool;
    this.#ownPool = options.pool === undefined;
  }

  /** Parse workers used (0 = in process). */
  get workers(): number {
    return this.#pool?.size ?? 0;
  }

  /** Totals so far (reduction_ratio and workers are set at the end). */
  readonly stats: BatchStats;

  #settle(index: number, outcome: FileOutcome): void {
    addToStats(this.stats, outcome);
    const onFile = this.#options.onFile;
    if (onFile) {
      onFile(index, outcome);
      const { skeleton: _dropped, ...light } = outcome;
      this.outcomes[index] = light;
    } else this.outcomes[index] = outcome;
    this.#options.onProgress?.(++this.#done, this.outcomes.length);
  }

  /**
   * Stages target and cache lookup: settle the file when it is unsupported,
   * unreadable or in the cache; else hand back its job for the pool.
   */
  async lookup(index: number, file: SourceFile): Promise<Queued | undefined> {
    const t0 = performance.now();
    const language = languageOf(file.rel);
    if (!language) return void this.#settle(index, skippedOutcome(file.rel, unsupported(file.rel)));
    const { cache, telemetry } = this.#options;
    const job: ParseJob = {
      segment: this.#segment,
      rel: file.rel,
      abs: file.abs,
      language,
      wantStat: cache !== undefined,
    };
    // An empty cache can answer nothing: no stat, no read, no hash here;
    // the worker reads the file and reports its mtime and size.
    if (!cache || !this.#hashFirst) return { index, file, job };
    try {
      const found = await lookupSkeleton(this.#segment, file, {
        cache,
        telemetry,
        maxBytes: this.#maxBytes,
        statIndex: this.#options.statIndex,
      });
      if (!found.hit) {
        const { text, bytes, sha256, mtimeMs } = found.source;
        return {
          index,
          file,
          job: { ...job, text, size: bytes, sha256 },
          known: { mtimeMs, size: bytes },
        };
      }
      const { skeleton, key } = found;
      if (this.perFile) {
        recordParse(telemetry, { skeleton, hit: true, key, ms: performance.now() - t0 });
      }
      this.#settle(index, { path: skeleton.path, skeleton, cache_status: "hit", cache_key: key });
    } catch (err) {
      if (!(err instanceof TrifectaError)) throw err;
      this.#settle(index, skippedOutcome(file.rel, err));
    }
    return undefined;
  }

  /**
   * The order to look up and parse `files` in: as given, but on a cold run
   * of a tree the files of {@linkcode RETIRE_AFTER_BYTES} or more go first.
   * Their parse grows a worker's WebAssembly memory, which the worker then
   * gives back by retiring (lib/ast/pool.ts): early, that growth meets the
   * young heaps of the start instead of adding to the grown ones of the
   * middle of the run. Their entries wait (they are small) for the files
   * before them. A file that cannot be stat'ed keeps its place: its read
   * names the failure.
   */
  order(files: readonly SourceFile[]): number[] {
    const inOrder = files.map((_, i) => i);
    if (this.#hashFirst || files.length < IN_PROCESS_LIMIT) return inOrder;
    const large = inOrder.filter((i) => sizeOf(files[i]) >= RETIRE_AFTER_BYTES);
    if (large.length === 0) return inOrder;
    // A worker that has more large files coming keeps its grown memory for
    // them: only the last ones (one per worker) retire, so a tree of many
    // large files restarts at most a pool's worth of workers.
    const size = this.#options.pool?.size ?? this.#options.workers ?? navigator.hardwareConcurrency;
    const workers = Math.max(1, Math.min(8, size));
    for (const i of large.slice(0, Math.max(0, large.length - workers))) this.#keepWorker.add(i);
    const first = new Set(large);
    return [...large, ...inOrder.filter((i) => !first.has(i))];
  }

  /** Stage parse: parse and extract in the pool (made on first use), then store. */
  async parse(queued: Queued): Promise<void> {
    const { ParsePool } = await import("./pool.ts");
    this.#pool ??= new ParsePool({
      size: this.outcomes.length < IN_PROCESS_LIMIT ? 0 : this.#options.workers,
      maxBytes: this.#maxBytes,
    });
    const keepWorker = this.#keepWorker.has(queued.index) || undefined;
    const outcome = await this.#pool.parse({ ...queued.job, keepWorker });
    if (!outcome.ok && outcome.code === RAW_IMPORTS_REQUIRED) {
      throw rawImportsRequired(); // the run's fault, not the file's
    }
    const rel = queued.file.rel;
    this.#settle(
      queued.index,
      outcome.ok ? this.#store(queued, outcome) : skippedOutcome(rel, outcome),
    );
  }

  /** Stage store: the parsed skeleton into the cache (when its mtime and size are known). */
  #store(queued: Queued, parsed: Extract<ParseOutcome, { ok: true }>): FileOutcome {
    const { cache, telemetry } = this.#options;
    const { skeleton } = parsed;
    const rel = queued.file.rel;
    const key = cacheKey(this.#segment.id, rel, skeleton.sha256);
    const mtimeMs = queued.known ? queued.known.mtimeMs : parsed.mtimeMs;
    const size = queued.known ? queued.known.size : parsed.size;
    if (cache && mtimeMs !== undefined && size !== undefined) {
      cache.set(key, skeleton, { fileRel: rel, fileMtimeMs: mtimeMs, fileSize: size });
    }
    if (this.perFile) recordParse(telemetry, { skeleton, hit: false, key, ms: parsed.ms });
    return { path: rel, skeleton, cache_status: "miss", cache_key: key };
  }

  /** Close the pool when this run made it. */
  close(): void {
    if (this.#ownPool) this.#pool?.close();
  }
}

/** Zero totals for a batch of `files` files. */
export function emptyStats(files: number): BatchStats {
  return {
    files,
    parsed: 0,
    skipped: 0,
    cache_hits: 0,
    cache_misses: 0,
    files_with_errors: 0,
    functions: 0,
    classes: 0,
    symbols: 0,
    bytes: 0,
    skeleton_bytes: 0,
    reduction_ratio: 0,
    workers: 0,
  };
}

/** What one file with a skeleton adds to the totals: what a manifest row stores. */
export type SkeletonCounts = ManifestCounts;

/** The counts of one skeleton. */
export function countsOf(skeleton: FileSkeleton): SkeletonCounts {
  const c = countSymbols(skeleton.symbols);
  return {
    has_errors: skeleton.has_errors,
    bytes: skeleton.bytes,
    skeleton_bytes: skeleton.skeleton_bytes,
    functions: c.functions,
    classes: c.classes,
    symbols: c.total,
  };
}

/** Add one file with a skeleton, served from the cache (`hit`) or parsed, to `s`. */
export function addCounts(s: BatchStats, counts: SkeletonCounts, hit: boolean): void {
  s.parsed++;
  if (hit) s.cache_hits++;
  else s.cache_misses++;
  if (counts.has_errors) s.files_with_errors++;
  s.functions += counts.functions;
  s.classes += counts.classes;
  s.symbols += counts.symbols;
  s.bytes += counts.bytes;
  s.skeleton_bytes += counts.skeleton_bytes;
}

function addToStats(s: BatchStats, o: FileOutcome): void {
  if (o.skeleton) addCounts(s, countsOf(o.skeleton), o.cache_status === "hit");
  else s.skipped++;
}

/** Set the ratio once every file is in. */
export function finishStats(s: BatchStats, workers: number): BatchStats {
  s.reduction_ratio = ratio(s.skeleton_bytes, s.bytes);
  s.workers = workers;
  return s;
}

/** The batch's counters, and its summary event when files had no event each. */
function recordBatch(
  telemetry: Telemetry | undefined,
  batch: { stats: BatchStats; perFile: boolean; ms: number },
): void {
  if (!telemetry?.enabled) return;
  const { stats } = batch;
  telemetry.incr("ast_parse_count", stats.parsed);
  telemetry.incr("ast_cache_hit_count", stats.cache_hits);
  telemetry.incr("ast_cache_miss_count", stats.cache_misses);
  if (batch.perFile) return;
  telemetry.event("ast.parse.summary", {
    args: { files_count: stats.files },
    result: {
      status: "ok",
      functions_count: stats.functions,
      classes_count: stats.classes,
      skeleton_bytes: stats.skeleton_bytes,
      reduction_ratio: stats.reduction_ratio,
      cache_hits: stats.cache_hits,
      cache_misses: stats.cache_misses,
      skipped_count: stats.skipped,
    },
    timingMs: batch.ms,
    extra: { workers: stats.workers, bytes: stats.bytes },
  });
}

/**
 * Files handed to the pool and not yet settled, at most: enough to keep 8
 * workers busy (two in flight each, the rest queued), few enough that a
 * large tree's jobs, promises and replies are never all alive at once
 * (objects that live that long survive young collections, and each one
 * survived makes V8 grow the young generation, which never shrinks in a
 * busy run).
 */
export const MAX_PARSES_AHEAD = 32;

/**
 * Stages target and lookup for each file in input order, and parse for the
 * misses, with at most {@linkcode MAX_PARSES_AHEAD} parses unsettled. The
 * first parse failure (the run's, e.g. no raw imports) stops the loop and
 * is thrown once the parses already started have settled.
 */
async function lookupAndParse(run: BatchRun, files: readonly SourceFile[]): Promise<void> {
  let active = 0;
  let wake: (() => void) | undefined;
  let failed: { err: unknown } | undefined;
  const settled = (): void => {
    active--;
    wake?.();
  };
  const slot = (limit: number): Promise<void> | undefined =>
    active > limit ? new Promise<void>((resolve) => (wake = resolve)) : undefined;
  for (const index of run.order(files)) {
    const file = files[index];
    if (failed || file === undefined) break;
    const queued = await run.lookup(index, file);
    if (!queued) continue;
    active++;
    run.parse(queued).catch((err: unknown) => void (failed ??= { err })).finally(settled);
    for (let w = slot(MAX_PARSES_AHEAD - 1); w && !failed; w = slot(MAX_PARSES_AHEAD - 1)) await w;
  }
  for (let w = slot(0); w; w = slot(0)) await w;
  if (failed) throw failed.err;
}

/**
 * Skeletons of many files: cache hits are served on the main thread, the
 * rest are parsed in parallel workers. Unreadable, binary, oversized and
 * unsupported files are skipped with a reason, never thrown.
 */
export async function skeletonOfFiles(
  segment: Segment,
  files: readonly SourceFile[],
  options: ManySkeletonOptions = {},
): Promise<SkeletonBatch> {
  const start = performance.now();
  const run = new BatchRun(segment, files.length, options);
  try {
    await lookupAndParse(run, files);
  } finally {
    run.close();
  }
  const stats = finishStats(run.stats, run.workers);
  recordBatch(options.telemetry, { stats, perFile: run.perFile, ms: performance.now() - start });
  return { files: run.outcomes, stats };
}
