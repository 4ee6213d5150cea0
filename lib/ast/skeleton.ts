/**
 * Skeletons through the AST cache: one file in process
 * ({@linkcode skeletonOfFile}) or many in parallel workers
 * ({@linkcode skeletonOfFiles}), with `ast.parse` telemetry.
 *
 * Lookup order per file: the cache's stat index (`keyForStat`: mtime + size
 * unchanged → no read, no hash), then the content hash key, then a parse.
 * Every read goes through the read boundary (lib/segment/boundary.ts), so a
 * skeleton is built from masked text; cache keys hash the raw bytes (the
 * boundary's hasher), so the cache stays exact. The stat for the stat index
 * reads metadata only, of a path the walker or `resolveInside` checked.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import type { AstCache } from "../cache/types.ts";
import { cacheKey } from "../cache/types.ts";
import { checkInsideSync, readInside } from "../segment/boundary.ts";
import { DEFAULT_MAX_FILE_BYTES } from "../segment/read.ts";
import { contentSha256Hex } from "../segment/digest.ts";
import type { Segment } from "../segment/segment.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import { type ParseOutcome, ParsePool } from "./pool.ts";
import { parseSkeleton } from "./parse_source.ts";
import { RAW_IMPORTS_REQUIRED, rawImportsRequired } from "./parser.ts";
import { countSymbols } from "./render.ts";
import { cachedSkeleton } from "./cached_shape.ts";
import type { FileSkeleton, Language } from "./types.ts";

/** A file to parse: its real path and segment-relative path. */
export interface SourceFile {
  /** Real absolute path. */
  abs: string;
  /** Segment-relative POSIX path. */
  rel: string;
}

/** Options for {@linkcode skeletonOfFile}. */
export interface SkeletonOptions {
  /** AST cache to read and fill. */
  cache?: AstCache;
  /** Telemetry for `ast.parse` events and counters. */
  telemetry?: Telemetry;
  /** Size cap in bytes (default 2 MiB). */
  maxBytes?: number;
}

/** A skeleton and how the cache served it. */
export interface SkeletonResult {
  /** The skeleton. */
  skeleton: FileSkeleton;
  /** `hit` when it came from the cache. */
  cache_status: "hit" | "miss";
  /** The cache key used. */
  cache_key: string;
}

/** Language of a path by its extension, or undefined when unsupported. */
export function languageOf(path: string): Language | undefined {
  if (path.endsWith(".py") || path.endsWith(".pyi")) return "python";
  if (path.endsWith(".tsx")) return "tsx";
  if (path.endsWith(".ts") || path.endsWith(".mts") || path.endsWith(".cts")) return "typescript";
  if (/\.(js|mjs|cjs|jsx)$/.test(path)) return "javascript";
  return undefined;
}

/** File extensions trifecta parses (for the walker). */
export const SOURCE_EXTENSIONS: readonly string[] = [
  ".py",
  ".pyi",
  ".ts",
  ".mts",
  ".cts",
  ".tsx",
  ".js",
  ".mjs",
  ".cjs",
  ".jsx",
];

/** Batches up to this many files get one `ast.parse` event per file at level lite. */
export const PER_FILE_EVENT_LIMIT = 20;
/** Batches smaller than this parse in process (workers cost ~0.1 s to start). */
export const IN_PROCESS_LIMIT = 12;

function unsupported(rel: string): TrifectaError {
  return new TrifectaError("UNSUPPORTED_LANGUAGE", `No skeleton grammar for ${rel}`, {
    nextSteps: [`Supported extensions: ${SOURCE_EXTENSIONS.join(" ")}`],
  });
}

/** Counter of cached values refused by the shape check (served as misses). */
export const AST_CACHE_INVALID_COUNTER = "ast_cache_invalid_count";

/**
 * A cached value that passes the shape check (lib/ast/cached_shape.ts), or
 * undefined: absent, or refused and counted. A refused value is a miss: the
 * file is parsed again and the entry overwritten.
 */
function validCached(
  value: unknown,
  rel: string,
  telemetry: Telemetry | undefined,
  sha256?: string,
): FileSkeleton | undefined {
  if (value === undefined) return undefined;
  const skeleton = cachedSkeleton(value, rel);
  if (skeleton && (sha256 === undefined || skeleton.sha256 === sha256)) return skeleton;
  if (telemetry?.enabled) telemetry.incr(AST_CACHE_INVALID_COUNTER);
  return undefined;
}

function recordParse(
  telemetry: Telemetry | undefined,
  skeleton: FileSkeleton,
  hit: boolean,
  ms: number,
  cacheKeyValue: string,
): void {
  if (!telemetry?.enabled) return;
  const counts = countSymbols(skeleton.symbols);
  telemetry.event(
    "ast.parse",
    { file: skeleton.path },
    {
      status: "ok",
      functions_count: counts.functions,
      classes_count: counts.classes,
      skeleton_bytes: skeleton.skeleton_bytes,
      reduction_ratio: ratio(skeleton.skeleton_bytes, skeleton.bytes),
      cache_hit: hit,
    },
    ms,
    {
      extra: {
        language: skeleton.language,
        cache_key: cacheKeyValue,
        has_errors: skeleton.has_errors,
      },
    },
  );
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10000) / 10000;
}

/**
 * Metadata for the cache's stat index (no content is read). A failure is
 * named by the boundary's own check of the path (outside, loop, too long,
 * vanished), so a hostile entry is skipped with its reason, never thrown raw.
 */
function statOfSync(segment: Segment, file: SourceFile): Deno.FileInfo {
  try {
    return Deno.statSync(file.abs);
  } catch (err) {
    checkInsideSync(segment, file.abs); // throws the named error when there is one
    throw new TrifectaError("FILE_UNREADABLE", `Cannot stat ${file.rel}`, { cause: err });
  }
}

/**
 * The skeleton of one file, through the cache, parsed in process.
 *
 * @throws {TrifectaError} `UNSUPPORTED_LANGUAGE`, `FILE_NOT_FOUND`,
 * `FILE_TOO_LARGE`, `BINARY_FILE`, `PARSE_TOO_COMPLEX`.
 */
export async function skeletonOfFile(
  segment: Segment,
  file: SourceFile,
  options: SkeletonOptions = {},
): Promise<SkeletonResult> {
  const start = performance.now();
  const language = languageOf(file.rel);
  if (!language) throw unsupported(file.rel);
  const { cache, telemetry } = options;
  const info = statOfSync(segment, file);
  const mtimeMs = info.mtime?.getTime() ?? 0;
  let statKey: string | undefined;
  if (cache) {
    statKey = cache.keyForStat(file.rel, mtimeMs, info.size);
    const cached = statKey === undefined
      ? undefined
      : validCached(cache.get(statKey), file.rel, telemetry);
    if (cached && statKey) return served(cached, true, statKey);
  }
  const src = await readInside(segment, file.abs, {
    maxBytes: options.maxBytes ?? DEFAULT_MAX_FILE_BYTES,
    mode: "skeleton",
    hasher: contentSha256Hex,
  });
  const sha = src.sha256 as string;
  const key = cacheKey(segment.id, file.rel, sha);
  // The stat lookup already refused this key's value (and counted it).
  if (cache && key !== statKey) {
    const cached = validCached(cache.get(key), file.rel, telemetry, sha);
    if (cached) return served(cached, true, key);
  }
  const skeleton = await parseSkeleton(
    { rel: file.rel, language, text: src.text, size: src.bytes, sha256: sha },
    { maxBytes: options.maxBytes },
  );
  cache?.set(key, skeleton, {
    fileRel: file.rel,
    fileMtimeMs: src.mtimeMs ?? mtimeMs,
    fileSize: src.bytes,
  });
  return served(skeleton, false, key);

  function served(skeleton: FileSkeleton, hit: boolean, key: string): SkeletonResult {
    if (telemetry?.enabled) {
      telemetry.incr("ast_parse_count");
      telemetry.incr(hit ? "ast_cache_hit_count" : "ast_cache_miss_count");
      recordParse(telemetry, skeleton, hit, performance.now() - start, key);
    }
    return { skeleton, cache_status: hit ? "hit" : "miss", cache_key: key };
  }
}

/** Options for {@linkcode skeletonOfFiles}. */
export interface ManySkeletonOptions extends SkeletonOptions {
  /** Pool to parse with (kept open); by default one is made and closed. */
  pool?: ParsePool;
  /** Worker count for the pool made here (default: the cores). */
  workers?: number;
  /** Called after each file with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
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
  const { cache, telemetry } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const outcomes: FileOutcome[] = new Array(files.length);
  // An empty cache cannot answer a content-hash lookup: let workers read and hash.
  const hashFirst = cache !== undefined && cache.stats().entries > 0;
  const perFile = telemetry?.enabled === true &&
    (telemetry.level === "full" || files.length <= PER_FILE_EVENT_LIMIT);
  let pool = options.pool;
  const ownPool = pool === undefined;
  let done = 0;
  const progress = (): void => options.onProgress?.(++done, files.length);
  const pending: Promise<void>[] = [];
  const needsPool = (): ParsePool => {
    pool ??= new ParsePool({
      size: files.length < IN_PROCESS_LIMIT ? 0 : options.workers,
      maxBytes,
    });
    return pool;
  };
  try {
    for (let i = 0; i < files.length; i++) {
      const file = files[i];
      const t0 = performance.now();
      const language = languageOf(file.rel);
      if (!language) {
        outcomes[i] = skippedOutcome(file.rel, unsupported(file.rel));
        progress();
        continue;
      }
      let info: { mtimeMs: number; size: number } | undefined;
      let text: string | undefined;
      let size: number | undefined;
      let sha: string | undefined;
      try {
        // An empty cache can answer nothing: no stat, no read, no hash here;
        // the worker reads the file and reports its mtime and size.
        if (cache && hashFirst) {
          // Sync: a warm run is thousands of stats and nothing else to overlap.
          const stat = statOfSync(segment, file);
          const statKey = cache.keyForStat(file.rel, stat.mtime?.getTime() ?? 0, stat.size);
          const cached = statKey === undefined
            ? undefined
            : validCached(cache.get(statKey), file.rel, telemetry);
          if (cached && statKey) {
            outcomes[i] = hitOutcome(cached, statKey, perFile ? t0 : undefined);
            progress();
            continue;
          }
          const src = await readInside(segment, file.abs, {
            maxBytes,
            mode: "skeleton",
            hasher: contentSha256Hex,
          });
          text = src.text;
          size = src.bytes;
          sha = src.sha256 as string;
          info = { mtimeMs: src.mtimeMs ?? stat.mtime?.getTime() ?? 0, size: src.bytes };
          const key = cacheKey(segment.id, file.rel, sha);
          const hit = key === statKey
            ? undefined // refused (and counted) by the stat lookup above
            : validCached(cache.get(key), file.rel, telemetry, sha);
          if (hit) {
            outcomes[i] = hitOutcome(hit, key, perFile ? t0 : undefined);
            progress();
            continue;
          }
        }
      } catch (err) {
        if (!(err instanceof TrifectaError)) throw err;
        outcomes[i] = skippedOutcome(file.rel, err);
        progress();
        continue;
      }
      const fileInfo = info;
      pending.push(
        needsPool().parse({
          segment,
          rel: file.rel,
          abs: file.abs,
          language,
          text,
          size,
          sha256: sha,
          wantStat: cache !== undefined,
        }).then(
          (outcome: ParseOutcome) => {
            if (!outcome.ok && outcome.code === RAW_IMPORTS_REQUIRED) {
              throw rawImportsRequired(); // the run's fault, not the file's
            }
            if (!outcome.ok) {
              outcomes[i] = {
                path: file.rel,
                cache_status: "miss",
                skipped: outcome.code,
                message: outcome.message,
                details: outcome.details,
              };
            } else {
              const skeleton = outcome.skeleton;
              const key = cacheKey(segment.id, file.rel, skeleton.sha256);
              const mtimeMs = fileInfo ? fileInfo.mtimeMs : outcome.mtimeMs;
              const size = fileInfo ? fileInfo.size : outcome.size;
              if (cache && mtimeMs !== undefined && size !== undefined) {
                cache.set(key, skeleton, {
                  fileRel: file.rel,
                  fileMtimeMs: mtimeMs,
                  fileSize: size,
                });
              }
              if (perFile) recordParse(telemetry, skeleton, false, outcome.ms, key);
              outcomes[i] = { path: file.rel, skeleton, cache_status: "miss", cache_key: key };
            }
            progress();
          },
        ),
      );
    }
    await Promise.all(pending);
  } finally {
    if (ownPool) pool?.close();
  }
  const stats = batchStats(outcomes, pool?.size ?? 0);
  if (telemetry?.enabled) {
    telemetry.incr("ast_parse_count", stats.parsed);
    telemetry.incr("ast_cache_hit_count", stats.cache_hits);
    telemetry.incr("ast_cache_miss_count", stats.cache_misses);
    if (!perFile) {
      telemetry.event(
        "ast.parse.summary",
        { files_count: stats.files },
        {
          status: "ok",
          functions_count: stats.functions,
          classes_count: stats.classes,
          skeleton_bytes: stats.skeleton_bytes,
          reduction_ratio: stats.reduction_ratio,
          cache_hits: stats.cache_hits,
          cache_misses: stats.cache_misses,
          skipped_count: stats.skipped,
        },
        performance.now() - start,
        { extra: { workers: stats.workers, bytes: stats.bytes } },
      );
    }
  }
  return { files: outcomes, stats };

  function hitOutcome(skeleton: FileSkeleton, key: string, t0: number | undefined): FileOutcome {
    if (t0 !== undefined) recordParse(telemetry, skeleton, true, performance.now() - t0, key);
    return { path: skeleton.path, skeleton, cache_status: "hit", cache_key: key };
  }
}

function skippedOutcome(rel: string, err: TrifectaError): FileOutcome {
  return {
    path: rel,
    cache_status: "miss",
    skipped: err.code,
    message: err.message,
    details: err.details,
  };
}

function batchStats(outcomes: readonly FileOutcome[], workers: number): BatchStats {
  const s: BatchStats = {
    files: outcomes.length,
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
    workers,
  };
  for (const o of outcomes) {
    if (!o.skeleton) {
      s.skipped++;
      continue;
    }
    s.parsed++;
    if (o.cache_status === "hit") s.cache_hits++;
    else s.cache_misses++;
    if (o.skeleton.has_errors) s.files_with_errors++;
    const c = countSymbols(o.skeleton.symbols);
    s.functions += c.functions;
    s.classes += c.classes;
    s.symbols += c.total;
    s.bytes += o.skeleton.bytes;
    s.skeleton_bytes += o.skeleton.skeleton_bytes;
  }
  s.reduction_ratio = ratio(s.skeleton_bytes, s.bytes);
  return s;
}
