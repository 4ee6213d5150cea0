/**
 * Skeletons through the AST cache: one file in process
 * ({@linkcode skeletonOfFile}; many in parallel workers:
 * lib/ast/skeleton_batch.ts), with `ast.parse` telemetry. The cache lookup
 * is lib/ast/skeleton_lookup.ts.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { languageOfPath, SOURCE_EXTENSIONS } from "../languages/mod.ts";
import type { AstCache } from "../cache/types.ts";
import { DEFAULT_MAX_FILE_BYTES } from "../segment/read.ts";
import type { Segment } from "../segment/segment.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import { countSymbols } from "./render/walk.ts";
import { lookupSkeleton, type SourceFile } from "./skeleton_lookup.ts";
import type { FileSkeleton, Language } from "./types.ts";

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

/**
 * Language of a path by its extension, or undefined when unsupported.
 *
 * @example
 * ```ts
 * import { languageOf } from "./skeleton.ts";
 * import { equal } from "node:assert/strict";
 * equal(languageOf("src/app.tsx"), "tsx");
 * equal(languageOf("README.md"), undefined);
 * ```
 */
export function languageOf(path: string): Language | undefined {
  return languageOfPath(path)?.name;
}

/** File extensions trifecta parses (for the walker). */
export { SOURCE_EXTENSIONS };

/** Batches up to this many files get one `ast.parse` event per file at level lite. */
export const PER_FILE_EVENT_LIMIT = 20;
/** Batches smaller than this parse in process (workers cost ~0.1 s to start). */
export const IN_PROCESS_LIMIT = 12;

/** The error for a file no grammar parses. */
export function unsupported(rel: string): TrifectaError {
  return new TrifectaError("UNSUPPORTED_LANGUAGE", `No skeleton grammar for ${rel}`, {
    nextSteps: [`Supported extensions: ${SOURCE_EXTENSIONS.join(" ")}`],
  });
}

/** One file's skeleton as served: from the cache or parsed, its key, and the time it took. */
export interface ServedSkeleton {
  /** The skeleton. */
  skeleton: FileSkeleton;
  /** True when it came from the cache. */
  hit: boolean;
  /** The cache key. */
  key: string;
  /** Milliseconds it took. */
  ms: number;
}

/** Record one file's `ast.parse` event (when telemetry is on). */
export function recordParse(telemetry: Telemetry | undefined, served: ServedSkeleton): void {
  if (!telemetry?.enabled) return;
  const { skeleton, hit } = served;
  const counts = countSymbols(skeleton.symbols);
  telemetry.event("ast.parse", {
    args: { file: skeleton.path },
    result: {
      status: "ok",
      functions_count: counts.functions,
      classes_count: counts.classes,
      skeleton_bytes: skeleton.skeleton_bytes,
      reduction_ratio: ratio(skeleton.skeleton_bytes, skeleton.bytes),
      cache_hit: hit,
    },
    timingMs: served.ms,
    extra: {
      language: skeleton.language,
      cache_key: served.key,
      has_errors: skeleton.has_errors,
    },
  });
}

/** `part / whole` to 4 decimals (0 for an empty whole). */
export function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10000) / 10000;
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
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const found = await lookupSkeleton(segment, file, { cache, telemetry, maxBytes });
  let skeleton: FileSkeleton;
  if (found.hit) skeleton = found.skeleton;
  else {
    const { text, bytes, sha256, mtimeMs } = found.source;
    // Loaded on a miss only: the parser's graph (and node:crypto) is not a cache hit's cost.
    const { parseSkeleton } = await import("./parse_source.ts");
    skeleton = await parseSkeleton(
      { rel: file.rel, language, text, size: bytes, sha256 },
      { maxBytes: options.maxBytes },
    );
    cache?.set(found.key, skeleton, { fileRel: file.rel, fileMtimeMs: mtimeMs, fileSize: bytes });
  }
  if (telemetry?.enabled) {
    telemetry.incr("ast_parse_count");
    telemetry.incr(found.hit ? "ast_cache_hit_count" : "ast_cache_miss_count");
    const ms = performance.now() - start;
    recordParse(telemetry, { skeleton, hit: found.hit, key: found.key, ms });
  }
  return { skeleton, cache_status: found.hit ? "hit" : "miss", cache_key: found.key };
}
