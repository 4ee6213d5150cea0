/**
 * `createAstCache`: the one place that decides the backend. Persistent
 * (SQLite at `<segment>/.trifecta/cache/ast_cache.db`) when `persist` is true
 * or `TRIFECTA_AST_PERSIST=1` (both count the same); memory otherwise, or
 * when the database cannot be opened (with an `ast.cache.fallback` event;
 * reason `unsafe_path` when `.trifecta/`, its `cache/` or a database file is
 * a symlink, FIFO or hard link: nothing is written through it).
 * Wrapped by {@linkcode TelemetryAstCache} only when telemetry is enabled.
 *
 * @module
 */
import { optionalEnv } from "../env.ts";
import { ensureOwnGitignores } from "../config/gitignore.ts";
import { join } from "../path.ts";
import type { Segment } from "../segment/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import { type CacheEventSink, emitCacheEvent } from "./events.ts";
import { type CacheInfo, type DbState, type PersistSource, registerCacheInfo } from "./info.ts";
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_ENTRIES,
  DEFAULT_PRUNE_DAYS,
  DEFAULT_SIZE_WARNING_BYTES,
} from "./limits.ts";
import { MemoryLruCache } from "./memory_lru.ts";
import { ResilientCache } from "./resilient_cache.ts";
import { SqliteCache } from "./sqlite_cache.ts";
import {
  CACHE_DB_REL,
  type FailedOpen,
  openCacheDatabase,
  type OpenedDatabase,
} from "./sqlite_open.ts";
import { TelemetryAstCache } from "./telemetry_cache.ts";
import type { AstCache } from "./types.ts";

/** Options for {@linkcode createAstCache}. */
export interface CreateAstCacheOptions {
  /**
   * Persistent (SQLite) when true; the env `TRIFECTA_AST_PERSIST=1` counts
   * the same. The CLI passes its resolved `cache.persist` (lib/config:
   * default true since issue 16, so CLI commands persist where the segment
   * is writable); a library caller that leaves it out gets memory.
   */
  persist?: boolean;
  /** The segment. */
  segment: Segment;
  /** Telemetry for `ast.cache.*` events. */
  telemetry?: Telemetry;
  /** Entry cap (default 50,000). */
  maxEntries?: number;
  /** Byte cap on serialised values (default 100 MiB). */
  maxBytes?: number;
  /** Create/migrate/recover lock timeout in ms (default 5,000). */
  lockTimeoutMs?: number;
  /** SQLite busy timeout in ms (default 5,000). */
  busyTimeoutMs?: number;
  /** `ast.cache.size_warning` threshold on db + WAL bytes (default 500 MB). */
  sizeWarningBytes?: number;
  /** Automatic prune age in days (default 7; runs at most once a day). */
  pruneDays?: number;
}

/** Absolute path of a segment's cache database. */
export function cacheDbPath(segment: Segment): string {
  return join(segment.root, CACHE_DB_REL);
}

function envPersist(): boolean {
  // Without --allow-env the variable reads as unset (and never prompts).
  return optionalEnv("TRIFECTA_AST_PERSIST") === "1";
}

/** What asked for persistence: the flag, the env, both, or nothing (null). */
export function persistSource(flag: boolean | undefined): PersistSource | null {
  const env = envPersist();
  if (flag && env) return "flag+env";
  if (flag) return "flag";
  if (env) return "env";
  return null;
}

function baseInfo(source: PersistSource | null): CacheInfo {
  return {
    backend: "memory",
    persist_requested: source !== null,
    persist_source: source,
    db_path: null,
    db_state: "ephemeral",
    migrated_from: null,
    entries_at_open: 0,
    fallback_reason: null,
    moved_aside: [],
  };
}

function wrap(
  base: AstCache,
  sink: CacheEventSink | undefined,
  segment: Segment,
  introspect: { info(): CacheInfo; hasFile(fileRel: string): boolean },
): AstCache {
  const outer = sink ? new TelemetryAstCache(base, sink, segment.id) : base;
  registerCacheInfo(outer, introspect);
  return outer;
}

/** The caps every backend gets. */
interface Caps {
  maxEntries: number;
  maxBytes: number;
}

/** A memory cache that describes itself with `info`. */
function memoryCache(
  info: CacheInfo,
  caps: Caps,
  sink: CacheEventSink | undefined,
  segment: Segment,
): AstCache {
  const mem = new MemoryLruCache(caps);
  return wrap(mem, sink, segment, {
    info: () => ({ ...info }),
    hasFile: (f) => mem.hasFile(f),
  });
}

/** The database could not be opened: say why and use memory. */
function fallbackToMemory(
  opened: FailedOpen,
  info: CacheInfo,
  caps: Caps,
  sink: CacheEventSink | undefined,
  segment: Segment,
): AstCache {
  emitCacheEvent(sink, "ast.cache.fallback", {
    result: {
      backend: "memory",
      from: "sqlite",
      stage: "open",
      reason: opened.reason,
      ...(opened.unsafe ? { detail: opened.detail } : {}),
    },
  });
  const fallback: CacheInfo = { ...info, db_state: "unavailable", fallback_reason: opened.reason };
  return memoryCache(fallback, caps, sink, segment);
}

/** Report a migration and a database past the size threshold; prune old entries. */
function afterOpen(
  opened: OpenedDatabase,
  resilient: ResilientCache,
  options: CreateAstCacheOptions,
  sink: CacheEventSink | undefined,
): void {
  if (opened.state === "migrated") {
    emitCacheEvent(sink, "ast.cache.migrated", {
      result: { backend: "sqlite", from_version: opened.fromVersion, db_path: CACHE_DB_REL },
    });
  }
  const threshold = options.sizeWarningBytes ?? DEFAULT_SIZE_WARNING_BYTES;
  if (opened.sizeBytes > threshold) {
    emitCacheEvent(sink, "ast.cache.size_warning", {
      result: { backend: "sqlite", size_bytes: opened.sizeBytes, threshold_bytes: threshold },
    });
  }
  const pruneDays = options.pruneDays ?? DEFAULT_PRUNE_DAYS;
  const pruned = resilient.guard("prune", (s) => s.autoPrune(pruneDays), undefined);
  if (pruned !== undefined) {
    emitCacheEvent(sink, "ast.cache.prune", {
      result: { backend: "sqlite", removed: pruned, older_than_days: pruneDays, auto: true },
    });
  }
}

function dbStateOf(opened: OpenedDatabase, entries: number): DbState {
  if (opened.state === "created" || opened.state === "recovered") return opened.state;
  return entries === 0 ? "empty" : "populated";
}

/** The SQLite cache (falling back to memory on later faults) over an opened database. */
function persistentCache(
  opened: OpenedDatabase,
  info: CacheInfo,
  caps: Caps,
  options: CreateAstCacheOptions,
  sink: CacheEventSink | undefined,
): AstCache {
  const cacheOptions = { ...caps, segmentId: options.segment.id, events: sink };
  const first = new SqliteCache(opened.db, { ...cacheOptions, walAtOpen: opened.walAtOpen });
  const resilient = new ResilientCache(first, {
    dbPath: cacheDbPath(options.segment),
    root: options.segment.root,
    ino: opened.ino,
    cache: cacheOptions,
    events: sink,
    lockTimeoutMs: options.lockTimeoutMs,
    busyTimeoutMs: options.busyTimeoutMs,
  });
  afterOpen(opened, resilient, options, sink);
  const entries = resilient.guard("stats", (s) => s.stats().entries, 0);
  const openInfo: CacheInfo = {
    ...info,
    db_path: CACHE_DB_REL,
    db_state: dbStateOf(opened, entries),
    migrated_from: opened.state === "migrated" ? opened.fromVersion : null,
    entries_at_open: entries,
    moved_aside: opened.movedAside,
  };
  return wrap(resilient, sink, options.segment, {
    info: () => {
      const s = resilient.state();
      return {
        ...openInfo,
        backend: resilient.backend,
        db_path: resilient.backend === "sqlite" ? CACHE_DB_REL : null,
        fallback_reason: s.fallbackReason,
        moved_aside: [...openInfo.moved_aside, ...s.movedAside],
      };
    },
    hasFile: (f) => resilient.hasFile(f),
  });
}

/**
 * Create the AST cache for a segment. Never throws for an unusable database:
 * it falls back to memory and says why in {@linkcode describeCache}.
 */
export function createAstCache(options: CreateAstCacheOptions): AstCache {
  const source = persistSource(options.persist);
  const sink = options.telemetry?.enabled ? options.telemetry : undefined;
  const caps: Caps = {
    maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
  };
  const info = baseInfo(source);
  if (source === null) return memoryCache(info, caps, sink, options.segment);
  const opened = openCacheDatabase(cacheDbPath(options.segment), {
    root: options.segment.root,
    events: sink,
    lockTimeoutMs: options.lockTimeoutMs,
    busyTimeoutMs: options.busyTimeoutMs,
  });
  if (!opened.ok) return fallbackToMemory(opened, info, caps, sink, options.segment);
  // A new `.trifecta/` is ignored by git from the start (an MCP session may run for hours).
  ensureOwnGitignores(options.segment.root);
  return persistentCache(opened, info, caps, options, sink);
}
