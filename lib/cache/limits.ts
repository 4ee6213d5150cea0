/**
 * Default limits and thresholds of the AST cache (documented in
 * `docs/cache.md`).
 *
 * @module
 */

/** Default entry cap (upstream's). */
export const DEFAULT_MAX_ENTRIES = 50_000;
/** Default byte cap on serialised values: 100 MiB (upstream's). */
export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;
/** Database file size (db + WAL) past which `ast.cache.size_warning` is emitted: 500 MB. */
export const DEFAULT_SIZE_WARNING_BYTES = 500 * 1000 * 1000;
/** Entries not read for this many days are pruned (automatically, at most once a day). */
export const DEFAULT_PRUNE_DAYS = 7;
/** How long to wait for the create/migrate/recover lock before falling back to memory. */
export const DEFAULT_LOCK_TIMEOUT_MS = 5_000;
/** SQLite `busy_timeout` for every statement. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
/**
 * The "racily clean" window of {@linkcode AstCache.keyForStat}: an entry is
 * trusted by mtime and size only when the file's mtime was at least this much
 * older than the moment the entry was written.
 */
export const MTIME_TRUST_WINDOW_MS = 2_000;
/** Eviction brings the store down to this fraction of its caps, so it runs in batches. */
export const EVICTION_LOW_WATER = 0.9;
/** How many corrupt files (`ast_cache.db.corrupt-*`) are kept for inspection. */
export const KEEP_CORRUPT_FILES = 3;
/**
 * A manifest hit rewrites its entry's `last_access` and `hit_count` only when
 * the recorded access is older than this (s): eviction and the 7-day prune
 * need no finer grain, and a row rewrite per file would cost more than a
 * warm run.
 */
export const ACCESS_GRAIN_SEC = 3_600;
