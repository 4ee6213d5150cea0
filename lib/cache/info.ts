/**
 * Which backend serves a cache and why, and the `cache_status` /
 * `miss_reason` pair that `ast` commands report (upstream §1.11, with
 * reasons that are all reachable and true; see `docs/cache.md`).
 *
 * @module
 */
import type { AstCache, CacheBackend } from "./types.ts";

/** What asked for persistence. */
export type PersistSource = "flag" | "env" | "flag+env";

/** State of the database when the cache was created. */
export type DbState =
  | "ephemeral"
  | "created"
  | "empty"
  | "populated"
  | "recovered"
  | "unavailable";

/** Why a cache is what it is. */
export interface CacheInfo {
  /** Backend serving now (`memory` after a fallback). */
  backend: CacheBackend;
  /** True when `--persist-cache` or `TRIFECTA_AST_PERSIST=1` asked for SQLite. */
  persist_requested: boolean;
  /** Which of the two asked, or null. */
  persist_source: PersistSource | null;
  /** Database path relative to the segment, or null for memory. */
  db_path: string | null;
  /** State of the database at creation. */
  db_state: DbState;
  /** Schema version found in the file when it was migrated, else null. */
  migrated_from: number | null;
  /** Entries in the database at creation. */
  entries_at_open: number;
  /** Why SQLite was asked for but memory serves (`read_only`, `lock_timeout`, …), or null. */
  fallback_reason: string | null;
  /** Corrupt files moved aside (names in `.trifecta/cache/`). */
  moved_aside: string[];
}

/** How a cache answers questions about itself (registered by the factory). */
export interface CacheIntrospection {
  /** Current info. */
  info(): CacheInfo;
  /** True when the store holds an entry for `fileRel` (any content hash). */
  hasFile(fileRel: string): boolean;
}

const registry = new WeakMap<AstCache, CacheIntrospection>();

/** Attach introspection to a cache (the factory does this). */
export function registerCacheInfo(cache: AstCache, introspection: CacheIntrospection): void {
  registry.set(cache, introspection);
}

/**
 * Which backend serves `cache` and why. A cache not made by
 * `createAstCache` is described from its `backend` alone.
 */
export function describeCache(cache: AstCache): CacheInfo {
  const known = registry.get(cache);
  if (known) return known.info();
  const sqlite = cache.backend === "sqlite";
  return {
    backend: cache.backend,
    persist_requested: sqlite,
    persist_source: null,
    db_path: null,
    db_state: sqlite ? "populated" : "ephemeral",
    migrated_from: null,
    entries_at_open: 0,
    fallback_reason: null,
    moved_aside: [],
  };
}

/** `cache_status` of one lookup. */
export type CacheStatus = "hit" | "miss";

/** Why a lookup missed (or `cache_hit`, as upstream reports for a hit). */
export type MissReason =
  | "cache_hit"
  | "persistent_unavailable"
  | "file_changed"
  | "ephemeral_cache"
  | "cold_cache_db_missing"
  | "cache_rebuilt"
  | "cold_cache_empty"
  | "key_miss";

/** What `ast symbols` reports for one lookup. */
export interface LookupOutcome {
  /** `hit` or `miss`. */
  cache_status: CacheStatus;
  /** Why (see {@linkcode MissReason}). */
  miss_reason: MissReason;
}

/** Options for {@linkcode explainLookup}. */
export interface ExplainLookupOptions {
  /** The file looked up: lets a miss be told apart as `file_changed`. */
  fileRel?: string;
}

/**
 * Explain one lookup. On a miss, the first that applies: the persistent
 * store was asked for but unavailable → `persistent_unavailable`; an entry
 * for the same file with another content hash exists → `file_changed`;
 * memory by choice → `ephemeral_cache`; the database file did not exist →
 * `cold_cache_db_missing`; it was corrupt and rebuilt → `cache_rebuilt`; it
 * was empty → `cold_cache_empty`; otherwise → `key_miss`.
 */
export function explainLookup(
  cache: AstCache,
  hit: boolean,
  options: ExplainLookupOptions = {},
): LookupOutcome {
  if (hit) return { cache_status: "hit", miss_reason: "cache_hit" };
  const known = registry.get(cache);
  const info = known ? known.info() : describeCache(cache);
  const miss = (miss_reason: MissReason): LookupOutcome => ({ cache_status: "miss", miss_reason });
  if (info.persist_requested && info.backend === "memory") return miss("persistent_unavailable");
  if (options.fileRel !== undefined && known?.hasFile(options.fileRel)) return miss("file_changed");
  if (!info.persist_requested) return miss("ephemeral_cache");
  switch (info.db_state) {
    case "created":
      return miss("cold_cache_db_missing");
    case "recovered":
      return miss("cache_rebuilt");
    case "empty":
      return miss("cold_cache_empty");
    default:
      return miss("key_miss");
  }
}
