/**
 * The context pack: build, validate, search and get with progressive
 * disclosure. See `docs/context_pack.md`.
 *
 * @module
 */
export * from "./types.ts";
export {
  type BuildOptions,
  buildPack,
  type BuildReport,
  type SkeletonCacheStats,
} from "./build.ts";
export {
  pathHash,
  REPORT_LIST_LIMIT,
  secretFilesFromEnv,
  type SecretFilesMode,
  type SecretSummary,
} from "./build_read.ts";
export { segmentLabel } from "./build_chunks.ts";
export {
  DEFAULT_BUDGET,
  type Evidence,
  evidenceOf,
  getChunks,
  type GetOptions,
  type GetResult,
  parseIds,
  pdReportLine,
  type ReturnedChunk,
  skeletonOf,
  type StopReason,
} from "./get.ts";
export {
  DEFAULT_LIMIT,
  FIELD_BONUS,
  type HitSignals,
  normalizeQuery,
  OLD_INDEX_WARNING,
  queryRejectedError,
  rejectionReason,
  type SearchHit,
  type SearchOptions,
  searchPack,
  type SearchResult,
  SYMBOL_BONUS,
  type SymbolMatch,
  type SymbolMatchKind,
  type ZeroHitReason,
} from "./search.ts";
export { isTestPath } from "./test_paths.ts";
export { INDEX_SCHEMA_VERSION } from "./fts.ts";
export { type ValidateOptions, validatePack, type ValidationReport } from "./validate.ts";
export { type PackRecords, packRecords, validateSynced } from "./validate_sync.ts";
export { type SearchStats, searchStats, type StatsOptions } from "./stats.ts";
export { checkStale, type RecordedSource, type StaleReport, textSha256 } from "./stale.ts";
export {
  DEFAULT_PACK_MAX_BYTES,
  indexPath,
  type LoadedPack,
  openStore,
  packMaxBytes,
  packPath,
  readPackChunks,
  readPackChunksSync,
  readPackFile,
  readSourceRecords,
} from "./pack_io.ts";
export { type SyncOptions, syncPack, type SyncReport } from "./sync.ts";
export { STORE_SCHEMA_VERSION } from "./store_schema.ts";
export { checkPackShape } from "./pack_shape.ts";
export { openIndex, openTrustedPair, readPack, type TrustedPair } from "./pair.ts";
export { untrustedError } from "./trust.ts";
export { PACK_SKIP_REASONS, type SkippedFile } from "./skips.ts";
export { checkCtxDir, CTX_DIR_REL } from "./ctx_files.ts";
export { assertSafeRelPath, chunkId, type ChunkIdParts, parseChunkId } from "./ids.ts";
export { COLUMN_WEIGHTS, identifierWords } from "./fts.ts";
export { acquirePackLock, type LockOptions, type PackLock } from "./lock.ts";
