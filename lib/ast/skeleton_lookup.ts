/**
 * The cache lookup stage of a skeleton: the cache's stat index first
 * (`keyForStat`: mtime + size unchanged → no read, no hash), then the
 * content hash key, else the file as read, ready to parse. Every read goes
 * through the read boundary (lib/segment/boundary.ts), so a skeleton is
 * built from masked text; cache keys hash the raw bytes (the boundary's
 * hasher), so the cache stays exact. The stat for the stat index reads
 * metadata only, of a path the walker or `resolveInside` checked.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import type { AstCache } from "../cache/types.ts";
import { cacheKey } from "../cache/types.ts";
import { checkInsideSync, readInside } from "../segment/boundary.ts";
import type { Segment } from "../segment/segment.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import { cachedSkeleton } from "./cached_shape.ts";
import type { FileSkeleton } from "./types.ts";

/** A file to parse: its real path and segment-relative path. */
export interface SourceFile {
  /** Real absolute path. */
  abs: string;
  /** Segment-relative POSIX path. */
  rel: string;
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

/** A file read for parsing: masked text, and what the cache entry needs. */
export interface ReadSource {
  /** The text, secrets masked. */
  text: string;
  /** Size in bytes. */
  bytes: number;
  /** sha256 hex of the raw bytes. */
  sha256: string;
  /** Modification time (ms) of the file read. */
  mtimeMs: number;
}

/** What the lookup found: a valid cached skeleton, or the file read for parsing. */
export type CacheLookup =
  | { hit: true; skeleton: FileSkeleton; key: string }
  | { hit: false; source: ReadSource; key: string };

/** Options for {@linkcode lookupSkeleton}. */
export interface LookupOptions {
  /** The AST cache (without one, the file is only read). */
  cache?: AstCache;
  /** Telemetry for the refused-value counter. */
  telemetry?: Telemetry;
  /** Size cap of the read (bytes). */
  maxBytes: number;
  /**
   * Serve by the cache's stat index (`keyForStat`, default true). False:
   * every file is read and hashed (a caller that keeps its own, stricter
   * stat manifest, so what it records was verified by content).
   */
  statIndex?: boolean;
}

/**
 * Look `file` up in the cache by its stat, then by its content's hash; on
 * a miss, hand back the file as read (through the read boundary).
 *
 * @throws {TrifectaError} the boundary's errors (`FILE_NOT_FOUND`,
 * `FILE_TOO_LARGE`, `BINARY_FILE`, `PATH_DENIED`, …) and `FILE_UNREADABLE`.
 */
export async function lookupSkeleton(
  segment: Segment,
  file: SourceFile,
  options: LookupOptions,
): Promise<CacheLookup> {
  const { cache, telemetry } = options;
  // Sync: a warm run is thousands of stats and nothing else to overlap.
  const stat = statOfSync(segment, file);
  const statMtimeMs = stat.mtime?.getTime() ?? 0;
  const statKey = options.statIndex === false
    ? undefined
    : cache?.keyForStat(file.rel, statMtimeMs, stat.size);
  const byStat = statKey === undefined
    ? undefined
    : validCached(cache?.get(statKey), file.rel, telemetry);
  if (byStat && statKey) return { hit: true, skeleton: byStat, key: statKey };
  // Loaded on the first read only: a warm run never hashes (node:crypto costs its start-up).
  const { contentSha256Hex } = await import("../segment/digest.ts");
  let sha256 = "";
  const src = await readInside(segment, file.abs, {
    maxBytes: options.maxBytes,
    mode: "skeleton",
    hasher: (bytes) => (sha256 = contentSha256Hex(bytes)),
  });
  const key = cacheKey(segment.id, file.rel, sha256);
  // The stat lookup already refused this key's value (and counted it).
  const byHash = cache && key !== statKey
    ? validCached(cache.get(key), file.rel, telemetry, sha256)
    : undefined;
  if (byHash) return { hit: true, skeleton: byHash, key };
  const mtimeMs = src.mtimeMs ?? statMtimeMs;
  return { hit: false, key, source: { text: src.text, bytes: src.bytes, sha256, mtimeMs } };
}
