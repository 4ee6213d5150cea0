/**
 * The SQLite backend as callers see it: a corruption error during use moves
 * the file aside and continues on a fresh database; a database that cannot be
 * used any more (locked past the timeout, read-only, full disk, I/O error)
 * is replaced by a memory cache for the rest of the process. Every case emits
 * an event and no operation throws for them.
 *
 * @module
 */
import { type CacheEventSink, emitCacheEvent } from "./events.ts";
import { MemoryLruCache } from "./memory_lru.ts";
import { SqliteCache, type SqliteCacheOptions } from "./sqlite_cache.ts";
import { classifySqliteError } from "./sqlite_errors.ts";
import { openCacheDatabase } from "./sqlite_open.ts";
import type { AstCache, CacheBackend, CacheEntryMeta, CacheStats } from "./types.ts";

/** Options for {@linkcode ResilientCache}. */
export interface ResilientCacheOptions {
  /** Absolute path of the database (to reopen after recovery). */
  dbPath: string;
  /** The segment root (the directories below it are checked on reopen). */
  root?: string;
  /** Inode of the open file. */
  ino: number | null;
  /** Options for every {@linkcode SqliteCache} made (caps, segment id). */
  cache?: SqliteCacheOptions;
  /** Sink for `ast.cache.corruption_detected`, `fallback`, `lock_timeout`. */
  events?: CacheEventSink;
  /** Create/migrate/recover lock timeout. */
  lockTimeoutMs?: number;
  /** SQLite busy timeout. */
  busyTimeoutMs?: number;
}

/** What happened to the store during this process. */
export interface ResilienceState {
  /** Times a corrupt database was moved aside and rebuilt during use. */
  recoveries: number;
  /** Files moved aside during use. */
  movedAside: string[];
  /** Why the store fell back to memory during use, or null. */
  fallbackReason: string | null;
}

/** A {@linkcode SqliteCache} that recovers from corruption and falls back to memory. */
export class ResilientCache implements AstCache {
  #store: SqliteCache | MemoryLruCache;
  #ino: number | null;
  readonly #options: ResilientCacheOptions;
  readonly #state: ResilienceState = { recoveries: 0, movedAside: [], fallbackReason: null };

  /** Wrap an open store. */
  constructor(store: SqliteCache, options: ResilientCacheOptions) {
    this.#store = store;
    this.#ino = options.ino;
    this.#options = options;
  }

  /** The backend serving now (`memory` after a fallback). */
  get backend(): CacheBackend {
    return this.#store.backend;
  }

  /** The store serving now. */
  get store(): SqliteCache | MemoryLruCache {
    return this.#store;
  }

  /** Recovery and fallback history. */
  state(): ResilienceState {
    return { ...this.#state, movedAside: [...this.#state.movedAside] };
  }

  /** The value for `key`; a miss when the database failed. */
  get(key: string): unknown | undefined {
    try {
      return this.#store.get(key);
    } catch (err) {
      this.#fail(err, "get");
      return undefined;
    }
  }

  /** Store a value; after a recovery or fallback the write goes to the new store. */
  set(key: string, value: unknown, meta?: CacheEntryMeta): void {
    try {
      this.#store.set(key, value, meta);
    } catch (err) {
      this.#fail(err, "set");
      try {
        this.#store.set(key, value, meta);
      } catch (again) {
        this.#fail(again, "set");
      }
    }
  }

  /** Delete one entry. */
  delete(key: string): boolean {
    try {
      return this.#store.delete(key);
    } catch (err) {
      this.#fail(err, "delete");
      return false;
    }
  }

  /** Delete every entry. */
  clear(): void {
    try {
      this.#store.clear();
    } catch (err) {
      this.#fail(err, "clear");
      this.#store.clear();
    }
  }

  /** Statistics of the store serving now. */
  stats(): CacheStats {
    try {
      return this.#store.stats();
    } catch (err) {
      this.#fail(err, "stats");
      return this.#store.stats();
    }
  }

  /** See {@linkcode AstCache.keyForStat}. */
  keyForStat(fileRel: string, mtimeMs: number, size: number): string | undefined {
    try {
      return this.#store.keyForStat(fileRel, mtimeMs, size);
    } catch (err) {
      this.#fail(err, "keyForStat");
      return undefined;
    }
  }

  /** True when an entry for `fileRel` exists. */
  hasFile(fileRel: string): boolean {
    try {
      return this.#store.hasFile(fileRel);
    } catch (err) {
      this.#fail(err, "hasFile");
      return false;
    }
  }

  /**
   * Run `fn` on the SQLite store with the same recovery and fallback as the
   * cache operations; `otherwise` when memory serves or `fn` failed.
   */
  guard<T>(operation: string, fn: (store: SqliteCache) => T, otherwise: T): T {
    const store = this.#store;
    if (!(store instanceof SqliteCache)) return otherwise;
    try {
      return fn(store);
    } catch (err) {
      this.#fail(err, operation);
      return otherwise;
    }
  }

  /** Flush and close; a failing final flush is reported, not thrown. */
  close(): void {
    try {
      this.#store.close();
    } catch (err) {
      const failure = classifySqliteError(err);
      if (!failure) throw err;
      emitCacheEvent(this.#options.events, "ast.cache.error", {
        args: { operation: "close" },
        result: { backend: "sqlite", reason: failure.reason, detail: failure.detail },
      });
    }
  }

  #fail(err: unknown, operation: string): void {
    const failure = classifySqliteError(err);
    const store = this.#store;
    if (!failure || !(store instanceof SqliteCache)) throw err;
    store.abandon();
    if (failure.kind === "corrupt") {
      const reopened = openCacheDatabase(this.#options.dbPath, {
        root: this.#options.root,
        events: this.#options.events,
        lockTimeoutMs: this.#options.lockTimeoutMs,
        busyTimeoutMs: this.#options.busyTimeoutMs,
        stage: "use",
        suspect: { ino: this.#ino, failure },
      });
      if (reopened.ok) {
        this.#store = new SqliteCache(reopened.db, this.#options.cache);
        this.#ino = reopened.ino;
        this.#state.recoveries++;
        this.#state.movedAside.push(...reopened.movedAside);
        return;
      }
      this.#fallback(reopened.reason, operation);
      return;
    }
    if (failure.kind === "busy") {
      emitCacheEvent(this.#options.events, "ast.cache.lock_timeout", {
        args: { operation },
        result: { backend: "sqlite", timeout_ms: this.#options.busyTimeoutMs ?? null },
      });
      this.#fallback("lock_timeout", operation);
      return;
    }
    this.#fallback(failure.reason, operation);
  }

  #fallback(reason: string, operation: string): void {
    this.#store = new MemoryLruCache({
      maxEntries: this.#options.cache?.maxEntries,
      maxBytes: this.#options.cache?.maxBytes,
    });
    this.#state.fallbackReason = reason;
    emitCacheEvent(this.#options.events, "ast.cache.fallback", {
      args: { operation },
      result: { backend: "memory", from: "sqlite", stage: "use", reason },
    });
  }
}
