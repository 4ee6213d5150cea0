/**
 * The AST cache contract shared by every backend.
 *
 * @module
 */
import { EXTRACTION_FINGERPRINT } from "./fingerprint.ts";

/** Which store serves the cache. */
export type CacheBackend = "memory" | "sqlite";

/** Facts about the file an entry was computed from (for invalidation). */
export interface CacheEntryMeta {
  /** Segment-relative POSIX path of the file. */
  fileRel: string;
  /** File mtime in ms since the epoch when it was read. */
  fileMtimeMs: number;
  /** File size in bytes when it was read. */
  fileSize: number;
}

/** Cache statistics. */
export interface CacheStats {
  /** Live entries. */
  entries: number;
  /** Hits counted by this cache object (or the database, for SQLite). */
  hits: number;
  /** Misses counted likewise. */
  misses: number;
  /** hits / (hits + misses), 0..1 (0 when nothing was asked). */
  hit_rate: number;
  /** Entry cap. */
  max_entries: number;
  /** Byte cap. */
  max_bytes: number;
  /** Bytes held (serialised values). */
  current_bytes: number;
  /** Backend name. */
  backend: CacheBackend;
}

/**
 * An AST cache: values are JSON-serialisable objects keyed by
 * {@linkcode cacheKey}. All methods are synchronous (memory and
 * `node:sqlite` both are), so the hot path never awaits.
 */
export interface AstCache {
  /** Backend name. */
  readonly backend: CacheBackend;
  /** The value for `key`, or `undefined` (a miss). */
  get(key: string): unknown | undefined;
  /** Store a value. */
  set(key: string, value: unknown, meta?: CacheEntryMeta): void;
  /** Delete one entry; true when it existed. */
  delete(key: string): boolean;
  /** Delete every entry. */
  clear(): void;
  /** Current statistics. */
  stats(): CacheStats;
  /**
   * The key of a live entry for `fileRel` whose recorded mtime and size equal
   * these, if any: lets a caller skip reading and hashing an unchanged file.
   */
  keyForStat(fileRel: string, mtimeMs: number, size: number): string | undefined;
  /** Release resources (close the database). */
  close(): void;
}

/**
 * Schema version of cached values; part of every key. Bumped whenever a
 * skeleton's content changes for the same file (4: signatures end where the
 * header ends, issue 14), or the way `ast skeleton` renders one (the
 * manifest serves its `--json` entry and text outline as written), so an
 * old value is never served.
 */
export const CACHE_SCHEMA_VERSION = 4;

/**
 * The last part of every key: the value schema and the extraction
 * fingerprint (`<schema>.<fingerprint>`, lib/cache/fingerprint.ts), so an
 * entry written by other extraction code (a new query, secret rule or
 * grammar) is never served.
 */
export const CACHE_KEY_VERSION: string = `${CACHE_SCHEMA_VERSION}.${EXTRACTION_FINGERPRINT}`;

/**
 * The cache key `<segment_id>:<file relpath>:<sha256(content)[:16]>:<schema>.<fingerprint>`
 * ({@linkcode CACHE_KEY_VERSION}).
 * Relative, so no absolute path reaches the key, the database or telemetry.
 *
 * @example
 * ```ts
 * import { CACHE_KEY_VERSION, cacheKey } from "./types.ts";
 * import { equal } from "node:assert/strict";
 * equal(
 *   cacheKey("1a2b3c4d", "src/app.py", "9f86d081884c7d659a2feaa0c55ad015"),
 *   `1a2b3c4d:src/app.py:9f86d081884c7d65:${CACHE_KEY_VERSION}`,
 * );
 * equal(cacheKey("1a2b3c4d", "src/app.py", "9f86d081884c7d65", 1), "1a2b3c4d:src/app.py:9f86d081884c7d65:1");
 * ```
 */
export function cacheKey(
  segmentId: string,
  fileRel: string,
  contentSha256Hex: string,
  schemaVersion: number | string = CACHE_KEY_VERSION,
): string {
  return `${segmentId}:${fileRel}:${contentSha256Hex.slice(0, 16)}:${schemaVersion}`;
}
