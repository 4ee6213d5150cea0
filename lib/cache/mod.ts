/**
 * The AST cache: the {@linkcode AstCache} contract, a memory LRU and a SQLite
 * store, the telemetry wrapper, and the factory that picks one and reports
 * why ({@linkcode describeCache}, {@linkcode explainLookup}). See
 * `docs/cache.md`.
 *
 * @module
 */
export {
  type AstCache,
  CACHE_KEY_VERSION,
  CACHE_SCHEMA_VERSION,
  type CacheBackend,
  type CacheEntryMeta,
  cacheKey,
  type CacheStats,
} from "./types.ts";
export {
  cacheDbPath,
  createAstCache,
  type CreateAstCacheOptions,
  persistSource,
} from "./factory.ts";
export {
  type CacheInfo,
  type CacheStatus,
  type DbState,
  describeCache,
  explainLookup,
  type ExplainLookupOptions,
  type LookupOutcome,
  type MissReason,
  type PersistSource,
} from "./info.ts";
export { MemoryLruCache, type MemoryLruOptions } from "./memory_lru.ts";
export { SqliteCache, type SqliteCacheOptions, type SqliteReport } from "./sqlite_cache.ts";
export {
  type ResilienceState,
  ResilientCache,
  type ResilientCacheOptions,
} from "./resilient_cache.ts";
export { TelemetryAstCache } from "./telemetry_cache.ts";
export type { CacheEventSink } from "./events.ts";
export {
  CACHE_DB_REL,
  type FailedOpen,
  moveAside,
  openCacheDatabase,
  type OpenCacheDatabaseOptions,
  type OpenCacheDatabaseResult,
  type OpenedDatabase,
  type OpenState,
} from "./sqlite_open.ts";
export { DB_SCHEMA_VERSION } from "./sqlite_schema.ts";
export {
  classifyFsError,
  classifySqliteError,
  type SqliteFailure,
  type SqliteFailureKind,
} from "./sqlite_errors.ts";
export * from "./limits.ts";
export {
  CACHE_DIR_UNSAFE_CODE,
  cacheDirUnsafeError,
  databaseFileBytes,
  type MaintenanceOptions,
  type MaintenanceSession,
  openForMaintenance,
  type StatsReport,
  statsReport,
  type VerifyReport,
  verifySession,
} from "./maintenance.ts";
