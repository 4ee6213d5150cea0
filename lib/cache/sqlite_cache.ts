/**
 * The SQLite backend over one open `node:sqlite` connection (opened, checked
 * and migrated by `sqlite_open.ts`). Statements are prepared once; reads
 * record their access in memory and write it back in one transaction every
 * {@linkcode SqliteCacheOptions.flushEvery} reads and on `stats`, eviction,
 * prune and `close`, so a read never takes the write lock.
 *
 * Errors from SQLite are thrown as they are; `resilient_cache.ts` turns them
 * into recovery or a memory fallback.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { serializeValue, utf8Length } from "./bytes.ts";
import { type CacheEventSink, emitCacheEvent } from "./events.ts";
import {
  ACCESS_GRAIN_SEC,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_ENTRIES,
  EVICTION_LOW_WATER,
  MTIME_TRUST_WINDOW_MS,
} from "./limits.ts";
import { type ManifestColumns, type ManifestRow, ManifestStore } from "./manifest.ts";
import { classifySqliteError } from "./sqlite_errors.ts";
import { readSchemaVersion } from "./sqlite_schema.ts";
import { CACHE_KEY_VERSION } from "./types.ts";
import type { AstCache, CacheEntryMeta, CacheStats } from "./types.ts";

/** Options for {@linkcode SqliteCache}. */
export interface SqliteCacheOptions {
  /** Entry cap (default 50,000). */
  maxEntries?: number;
  /** Cap on the summed size of serialised values (default 100 MiB). */
  maxBytes?: number;
  /** Segment id: `keyForStat` only returns keys of this segment. */
  segmentId?: string;
  /** Sink for `ast.cache.evict`. */
  events?: CacheEventSink;
  /** Clock in ms since the epoch (tests). */
  now?: () => number;
  /** Write recorded reads back after this many (default 256). */
  flushEvery?: number;
  /** A write-ahead log was there before the file was opened (default true: unknown). */
  walAtOpen?: boolean;
}

/** What `cache stats` shows for a database. */
export interface SqliteReport {
  /** Live entries. */
  entries: number;
  /** Summed size of the serialised values. */
  bytes: number;
  /** Hits recorded in the database since it was created or cleared. */
  hits: number;
  /** Misses likewise. */
  misses: number;
  /** hits / (hits + misses), 0 when nothing was asked. */
  hit_rate: number;
  /** `PRAGMA user_version`. */
  schema_version: number;
  /** Oldest entry's write time (ms since the epoch), or null when empty. */
  oldest_entry_ms: number | null;
  /** Newest entry's write time, or null. */
  newest_entry_ms: number | null;
  /** Least recent read or write of an entry, or null. */
  oldest_access_ms: number | null;
  /** Most recent read or write, or null. */
  newest_access_ms: number | null;
  /** Last automatic or manual prune, or null if never. */
  last_prune_ms: number | null;
}

interface TotalsRow {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
  last_prune: number;
}

function rateOf(hits: number, misses: number): number {
  return hits + misses === 0 ? 0 : hits / (hits + misses);
}

/** The SQLite AST cache on one connection. */
export class SqliteCache implements AstCache {
  /** Always `"sqlite"`. */
  readonly backend = "sqlite" as const;
  readonly #db: DatabaseSync;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #segmentPrefix: string | undefined;
  readonly #events: CacheEventSink | undefined;
  readonly #now: () => number;
  readonly #flushEvery: number;
  readonly #get: StatementSync;
  readonly #upsert: StatementSync;
  readonly #delete: StatementSync;
  readonly #totals: StatementSync;
  readonly #touch: StatementSync;
  readonly #count: StatementSync;
  readonly #byStat: StatementSync;
  readonly #hasFile: StatementSync;
  readonly #evictBatch: StatementSync;
  readonly #manifest: ManifestStore;
  readonly #pending = new Map<string, number>();
  #pendingHits = 0;
  #pendingMisses = 0;
  #sessionHits = 0;
  #sessionMisses = 0;
  #evictions = 0;
  #closed = false;
  /** See {@linkcode SqliteCacheOptions.walAtOpen}. */
  readonly walAtOpen: boolean;

  /** Wrap an open, migrated connection. */
  constructor(db: DatabaseSync, options: SqliteCacheOptions = {}) {
    this.#db = db;
    this.#maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.#maxBytes = Math.max(1, options.maxBytes ?? DEFAULT_MAX_BYTES);
    this.#segmentPrefix = options.segmentId === undefined ? undefined : `${options.segmentId}:`;
    this.#events = options.events;
    this.#now = options.now ?? Date.now;
    this.#flushEvery = Math.max(1, options.flushEvery ?? 256);
    this.walAtOpen = options.walAtOpen ?? true;
    this.#get = db.prepare("SELECT value FROM cache WHERE key = ?");
    this.#upsert = db.prepare(
      `INSERT INTO cache (key, value, created_at, last_access, value_bytes, file_rel, file_mtime, file_size, hit_count)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, created_at = excluded.created_at,
         last_access = excluded.last_access, value_bytes = excluded.value_bytes,
         file_rel = excluded.file_rel, file_mtime = excluded.file_mtime, file_size = excluded.file_size`,
    );
    this.#delete = db.prepare("DELETE FROM cache WHERE key = ?");
    this.#totals = db.prepare(
      "SELECT entries, bytes, hits, misses, last_prune FROM totals WHERE id = 1",
    );
    this.#touch = db.prepare(
      "UPDATE cache SET last_access = max(last_access, ?), hit_count = hit_count + ? WHERE key = ?",
    );
    this.#count = db.prepare("UPDATE totals SET hits = hits + ?, misses = misses + ? WHERE id = 1");
    this.#byStat = db.prepare(
      `SELECT key, created_at FROM cache WHERE file_rel = ? AND file_mtime = ? AND file_size = ?
       ORDER BY created_at DESC`,
    );
    this.#hasFile = db.prepare("SELECT 1 AS x FROM cache WHERE file_rel = ? LIMIT 1");
    this.#evictBatch = db.prepare(
      "DELETE FROM cache WHERE key IN (SELECT key FROM cache ORDER BY last_access ASC LIMIT ?)",
    );
    this.#manifest = new ManifestStore(db);
  }

  /** The value for `key`, or `undefined`. */
  get(key: string): unknown | undefined {
    const row = this.#get.get(key) as { value: string } | undefined;
    if (row === undefined) {
      this.#sessionMisses++;
      this.#pendingMisses++;
      this.#maybeFlush();
      return undefined;
    }
    this.#sessionHits++;
    this.#pendingHits++;
    this.#pending.set(key, (this.#pending.get(key) ?? 0) + 1);
    this.#maybeFlush();
    return JSON.parse(row.value);
  }

  /** The file manifest, by file (lib/cache/manifest.ts): one query, reading `columns`. */
  manifestRows(columns: ManifestColumns = "both"): Map<string, ManifestRow> {
    return this.#manifest.load(columns);
  }

  /** The database's stamp (`PRAGMA application_id`): the key of manifest row tags. */
  stamp(): number {
    const row = this.#db.prepare("PRAGMA application_id").get() as { application_id: number };
    return row.application_id;
  }

  /** Record files' manifest rows, in one transaction. */
  putManifest(rows: readonly ManifestRow[]): void {
    if (rows.length === 0) return;
    this.#transaction(() => {
      for (const row of rows) this.#manifest.put(row);
    });
  }

  /**
   * Count a hit on `key` served without reading its value (a manifest hit).
   * The hit totals move as for a `get`; the entry's `last_access` and
   * `hit_count` only when its access is older than
   * {@linkcode ACCESS_GRAIN_SEC} (`accessedSec`, as loaded): rewriting every
   * row on every warm run would cost more than the run (the rows hold the
   * values), and eviction and prune need no finer grain.
   */
  recordHit(key: string, accessedSec = 0): void {
    this.recordHits([{ key, accessedSec }]);
  }

  /**
   * {@linkcode recordHit} for a run's worth of manifest hits at once: one
   * flush check for the batch, so a warm run writes its hits back in one
   * transaction rather than one per {@linkcode SqliteCacheOptions.flushEvery}
   * (the batch is held in memory no longer than it takes to count it).
   */
  recordHits(hits: Iterable<{ key: string; accessedSec?: number }>): void {
    const nowSec = this.#now() / 1000;
    for (const { key, accessedSec = 0 } of hits) {
      this.#sessionHits++;
      this.#pendingHits++;
      if (nowSec - accessedSec >= ACCESS_GRAIN_SEC) {
        this.#pending.set(key, (this.#pending.get(key) ?? 0) + 1);
      }
    }
    this.#maybeFlush();
  }

  /** Store a value (upsert), then evict least recently used rows past the caps. */
  set(key: string, value: unknown, meta?: CacheEntryMeta): void {
    const json = serializeValue(value);
    const bytes = utf8Length(json);
    if (bytes > this.#maxBytes) return;
    const nowSec = this.#now() / 1000;
    this.#upsert.run(
      key,
      json,
      nowSec,
      nowSec,
      bytes,
      meta?.fileRel ?? null,
      meta?.fileMtimeMs ?? null,
      meta?.fileSize ?? null,
    );
    const t = this.#totals.get() as unknown as TotalsRow;
    if (t.entries > this.#maxEntries || t.bytes > this.#maxBytes) this.#evict();
  }

  /** Delete one entry; true when it existed. */
  delete(key: string): boolean {
    this.#pending.delete(key);
    return Number(this.#delete.run(key).changes) > 0;
  }

  /** Delete every entry and reset the database's hit and miss counters. */
  clear(): void {
    this.#pending.clear();
    this.#pendingHits = 0;
    this.#pendingMisses = 0;
    this.#transaction(() => {
      this.#db.exec("DELETE FROM cache");
      this.#manifest.clear();
      this.#db.exec("UPDATE totals SET entries = 0, bytes = 0, hits = 0, misses = 0 WHERE id = 1");
    });
  }

  /**
   * Statistics. `hits` and `misses` are the database's totals (every process
   * that used it, since it was created or cleared), exact once each process
   * has flushed; this process's reads are flushed first.
   */
  stats(): CacheStats {
    this.flush();
    const t = this.#totals.get() as unknown as TotalsRow;
    return {
      entries: t.entries,
      hits: t.hits,
      misses: t.misses,
      hit_rate: rateOf(t.hits, t.misses),
      max_entries: this.#maxEntries,
      max_bytes: this.#maxBytes,
      current_bytes: t.bytes,
      backend: "sqlite",
    };
  }

  /** Hits and misses of this object only (this process). */
  sessionCounts(): { hits: number; misses: number } {
    return { hits: this.#sessionHits, misses: this.#sessionMisses };
  }

  /** Rows evicted by this object. */
  get evictions(): number {
    return this.#evictions;
  }

  /**
   * The key of the newest entry for `fileRel` recorded with this mtime and
   * size, of this segment and value schema, and written at least
   * {@linkcode MTIME_TRUST_WINDOW_MS} after the file's mtime (see
   * `docs/cache.md`, "Invalidation").
   */
  keyForStat(fileRel: string, mtimeMs: number, size: number): string | undefined {
    if (!Number.isFinite(mtimeMs)) return undefined;
    const suffix = `:${CACHE_KEY_VERSION}`;
    for (const row of this.#byStat.iterate(fileRel, mtimeMs, size)) {
      const { key, created_at } = row as { key: string; created_at: number };
      if (!key.endsWith(suffix)) continue;
      if (this.#segmentPrefix !== undefined && !key.startsWith(this.#segmentPrefix)) continue;
      if (mtimeMs > created_at * 1000 - MTIME_TRUST_WINDOW_MS) return undefined;
      return key;
    }
    return undefined;
  }

  /** True when an entry for `fileRel` exists (whatever its content hash). */
  hasFile(fileRel: string): boolean {
    return this.#hasFile.get(fileRel) !== undefined;
  }

  /** Write recorded reads (last access, hit counts, hit and miss totals) back. */
  flush(): void {
    if (this.#pendingHits === 0 && this.#pendingMisses === 0) return;
    const nowSec = this.#now() / 1000;
    const pending = [...this.#pending];
    const hits = this.#pendingHits;
    const misses = this.#pendingMisses;
    this.#transaction(() => {
      for (const [key, n] of pending) this.#touch.run(nowSec, n, key);
      this.#count.run(hits, misses);
    });
    this.#pending.clear();
    this.#pendingHits = 0;
    this.#pendingMisses = 0;
  }

  /** Delete entries not read or written for `days` days; returns how many. */
  prune(days: number): number {
    this.flush();
    const nowSec = this.#now() / 1000;
    let removed = 0;
    this.#transaction(() => {
      removed = Number(
        this.#db.prepare("DELETE FROM cache WHERE last_access < ?").run(nowSec - days * 86_400)
          .changes,
      );
      this.#db.prepare("UPDATE totals SET last_prune = ? WHERE id = 1").run(nowSec);
    });
    return removed;
  }

  /**
   * Prune entries older than `days` if the last prune was more than a day
   * ago; returns how many were removed, or `undefined` when it did not run.
   */
  autoPrune(days: number): number | undefined {
    const t = this.#totals.get() as unknown as TotalsRow;
    if (this.#now() / 1000 - t.last_prune < 86_400) return undefined;
    return this.prune(days);
  }

  /** Counts and ages for `cache stats`. */
  report(): SqliteReport {
    this.flush();
    const t = this.#totals.get() as unknown as TotalsRow;
    const ages = this.#db.prepare(
      `SELECT min(created_at) AS oc, max(created_at) AS nc, min(last_access) AS oa,
              max(last_access) AS na FROM cache`,
    ).get() as { oc: number | null; nc: number | null; oa: number | null; na: number | null };
    const ms = (s: number | null) => (s === null ? null : Math.round(s * 1000));
    return {
      entries: t.entries,
      bytes: t.bytes,
      hits: t.hits,
      misses: t.misses,
      hit_rate: rateOf(t.hits, t.misses),
      schema_version: readSchemaVersion(this.#db),
      oldest_entry_ms: ms(ages.oc),
      newest_entry_ms: ms(ages.nc),
      oldest_access_ms: ms(ages.oa),
      newest_access_ms: ms(ages.na),
      last_prune_ms: t.last_prune > 0 ? ms(t.last_prune) : null,
    };
  }

  /** `PRAGMA quick_check` (quick) or `PRAGMA integrity_check`: `["ok"]` when sound. */
  integrityCheck(quick = false): string[] {
    const rows = this.#db.prepare(quick ? "PRAGMA quick_check" : "PRAGMA integrity_check").all();
    return rows.map((r) => String(Object.values(r as Record<string, unknown>)[0]));
  }

  /**
   * Give free pages back to the file system after `clear` or `prune`
   * (`incremental_vacuum`; files made by this version use
   * `auto_vacuum = INCREMENTAL`, `VACUUM` itself is not available in Deno's
   * SQLite build). False when the file cannot shrink (an older file) or
   * another process is busy with it.
   */
  vacuum(): boolean {
    const mode = this.#db.prepare("PRAGMA auto_vacuum").get() as { auto_vacuum: number };
    if (mode.auto_vacuum !== 2) return false;
    try {
      this.#db.prepare("PRAGMA incremental_vacuum").all();
      this.#db.prepare("PRAGMA wal_checkpoint(TRUNCATE)").all();
      return true;
    } catch (err) {
      if (isBusy(err)) return false;
      throw err;
    }
  }

  /** Flush recorded reads and close the connection (idempotent). */
  close(): void {
    if (this.#closed) return;
    try {
      this.flush();
    } finally {
      this.#closed = true;
      this.#db.close();
    }
  }

  /** Close without writing anything back (the file is being moved aside). */
  abandon(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  #maybeFlush(): void {
    if (this.#pendingHits + this.#pendingMisses >= this.#flushEvery) this.flush();
  }

  #evict(): void {
    this.flush();
    const targetEntries = Math.floor(this.#maxEntries * EVICTION_LOW_WATER);
    const targetBytes = Math.floor(this.#maxBytes * EVICTION_LOW_WATER);
    let evicted = 0;
    let reason = "entries";
    this.#transaction(() => {
      for (;;) {
        const t = this.#totals.get() as unknown as TotalsRow;
        if (t.entries <= 1 || (t.entries <= targetEntries && t.bytes <= targetBytes)) break;
        const avg = t.bytes / t.entries;
        const overEntries = t.entries - targetEntries;
        const overBytes = avg > 0 ? Math.ceil((t.bytes - targetBytes) / avg) : 0;
        if (overBytes > overEntries) reason = "bytes";
        const batch = Math.min(t.entries - 1, Math.max(1, overEntries, overBytes));
        evicted += Number(this.#evictBatch.run(batch).changes);
      }
    });
    this.#evictions += evicted;
    emitCacheEvent(this.#events, "ast.cache.evict", {
      result: { backend: "sqlite", evicted, reason },
    });
  }

  #transaction(fn: () => void): void {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      fn();
      this.#db.exec("COMMIT");
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      throw err;
    }
  }
}

function isBusy(err: unknown): boolean {
  return classifySqliteError(err)?.kind === "busy";
}
