/**
 * PLACEHOLDER until the AST cache issue lands: the contract and a trivial
 * in-memory factory so that callers can be written against the API.
 *
 * @module
 */
import type { Segment } from "../segment/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import type { AstCache, CacheStats } from "./types.ts";

export {
  type AstCache,
  CACHE_SCHEMA_VERSION,
  type CacheBackend,
  type CacheEntryMeta,
  cacheKey,
  type CacheStats,
} from "./types.ts";

/** Options for {@linkcode createAstCache}. */
export interface CreateAstCacheOptions {
  /** Persistent (SQLite) when true; the env `TRIFECTA_AST_PERSIST=1` counts the same. */
  persist?: boolean;
  /** The segment. */
  segment: Segment;
  /** Telemetry for `ast.cache.*` events. */
  telemetry?: Telemetry;
  /** Entry cap. */
  maxEntries?: number;
  /** Byte cap. */
  maxBytes?: number;
}

/** Create the AST cache for a segment. */
export function createAstCache(_options: CreateAstCacheOptions): AstCache {
  const map = new Map<string, unknown>();
  let hits = 0;
  let misses = 0;
  return {
    backend: "memory",
    get(key) {
      const v = map.get(key);
      if (v === undefined) misses++;
      else hits++;
      return v;
    },
    set(key, value) {
      map.set(key, value);
    },
    delete: (key) => map.delete(key),
    clear: () => map.clear(),
    stats(): CacheStats {
      return {
        entries: map.size,
        hits,
        misses,
        hit_rate: hits + misses === 0 ? 0 : hits / (hits + misses),
        max_entries: 10_000,
        max_bytes: 100 * 1024 * 1024,
        current_bytes: 0,
        backend: "memory",
      };
    },
    keyForStat: () => undefined,
    close() {},
  };
}
