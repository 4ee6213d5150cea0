/**
 * The in-memory LRU backend: a `Map` in access order gives O(1) get, set and
 * eviction of the least recently used entry.
 *
 * @module
 */
import { serializeValue, utf8Length } from "./bytes.ts";
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, MTIME_TRUST_WINDOW_MS } from "./limits.ts";
import type { AstCache, CacheEntryMeta, CacheStats } from "./types.ts";

/** Options for {@linkcode MemoryLruCache}. */
export interface MemoryLruOptions {
  /** Entry cap (default 50,000). */
  maxEntries?: number;
  /** Cap on the summed UTF-8 size of the JSON-serialised values (default 100 MiB). */
  maxBytes?: number;
  /** Clock in ms since the epoch (tests). */
  now?: () => number;
}

interface Entry {
  value: unknown;
  bytes: number;
  meta?: CacheEntryMeta;
  createdMs: number;
}

/**
 * In-memory LRU cache. Values are stored as given (not copied): treat what
 * `get` returns as read-only. A value larger than `maxBytes` is not stored.
 */
export class MemoryLruCache implements AstCache {
  /** Always `"memory"`. */
  readonly backend = "memory" as const;
  readonly #map = new Map<string, Entry>();
  readonly #byFile = new Map<string, string>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  /** Create an empty cache. */
  constructor(options: MemoryLruOptions = {}) {
    this.#maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.#maxBytes = Math.max(1, options.maxBytes ?? DEFAULT_MAX_BYTES);
    this.#now = options.now ?? Date.now;
  }

  /** The value for `key` (now the most recently used), or `undefined`. */
  get(key: string): unknown | undefined {
    const entry = this.#map.get(key);
    if (entry === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    this.#map.delete(key);
    this.#map.set(key, entry);
    return entry.value;
  }

  /** Store a value, evicting least recently used entries past the caps. */
  set(key: string, value: unknown, meta?: CacheEntryMeta): void {
    const bytes = utf8Length(serializeValue(value));
    this.#remove(key);
    if (bytes > this.#maxBytes) return;
    while (
      this.#map.size > 0 &&
      (this.#map.size + 1 > this.#maxEntries || this.#bytes + bytes > this.#maxBytes)
    ) {
      const oldest = this.#map.keys().next().value as string;
      this.#remove(oldest);
      this.#evictions++;
    }
    this.#map.set(key, { value, bytes, meta, createdMs: this.#now() });
    this.#bytes += bytes;
    if (meta) this.#byFile.set(meta.fileRel, key);
  }

  /** Delete one entry; true when it existed. */
  delete(key: string): boolean {
    return this.#remove(key);
  }

  /** Delete every entry (counters are kept). */
  clear(): void {
    this.#map.clear();
    this.#byFile.clear();
    this.#bytes = 0;
  }

  /** Statistics of this process's cache. */
  stats(): CacheStats {
    const asked = this.#hits + this.#misses;
    return {
      entries: this.#map.size,
      hits: this.#hits,
      misses: this.#misses,
      hit_rate: asked === 0 ? 0 : this.#hits / asked,
      max_entries: this.#maxEntries,
      max_bytes: this.#maxBytes,
      current_bytes: this.#bytes,
      backend: "memory",
    };
  }

  /** Entries evicted so far (LRU over a cap). */
  get evictions(): number {
    return this.#evictions;
  }

  /** Keys in LRU order, least recently used first (tests, diagnostics). */
  keys(): string[] {
    return [...this.#map.keys()];
  }

  /**
   * The key of the newest entry for `fileRel` recorded with this mtime and
   * size, when the file's mtime was at least {@linkcode MTIME_TRUST_WINDOW_MS}
   * older than the entry (see `docs/cache.md`, "Invalidation").
   */
  keyForStat(fileRel: string, mtimeMs: number, size: number): string | undefined {
    const key = this.#byFile.get(fileRel);
    if (key === undefined || !Number.isFinite(mtimeMs)) return undefined;
    const entry = this.#map.get(key);
    const meta = entry?.meta;
    if (!entry || !meta || meta.fileMtimeMs !== mtimeMs || meta.fileSize !== size) return undefined;
    if (meta.fileMtimeMs > entry.createdMs - MTIME_TRUST_WINDOW_MS) return undefined;
    return key;
  }

  /** True when an entry for `fileRel` exists (whatever its content hash). */
  hasFile(fileRel: string): boolean {
    return this.#byFile.has(fileRel);
  }

  /** Nothing to release. */
  close(): void {}

  #remove(key: string): boolean {
    const entry = this.#map.get(key);
    if (entry === undefined) return false;
    this.#map.delete(key);
    this.#bytes -= entry.bytes;
    if (entry.meta && this.#byFile.get(entry.meta.fileRel) === key) {
      this.#byFile.delete(entry.meta.fileRel);
    }
    return true;
  }
}
