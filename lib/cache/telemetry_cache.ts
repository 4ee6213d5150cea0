/**
 * `TelemetryAstCache`: wraps any {@linkcode AstCache} and records
 * `ast.cache.hit | miss | write | delete | clear` with the cache key, backend,
 * segment id and timing. The factory only wraps when telemetry is enabled,
 * so a run with telemetry off pays nothing.
 *
 * @module
 */
import type { CacheEventSink } from "./events.ts";
import type { AstCache, CacheBackend, CacheEntryMeta, CacheStats } from "./types.ts";

function timing(start: number): { ms: number; us: number } {
  const d = performance.now() - start;
  return { ms: Math.max(1, Math.round(d)), us: Math.round(d * 1000) };
}

/** An {@linkcode AstCache} that records each operation as a telemetry event. */
export class TelemetryAstCache implements AstCache {
  readonly #inner: AstCache;
  readonly #sink: CacheEventSink;
  readonly #segmentId: string;

  /** Wrap `inner`; `segmentId` is the 8-hex segment id (never a path). */
  constructor(inner: AstCache, sink: CacheEventSink, segmentId: string) {
    this.#inner = inner;
    this.#sink = sink;
    this.#segmentId = segmentId;
  }

  /** The wrapped cache. */
  get inner(): AstCache {
    return this.#inner;
  }

  /** The wrapped cache's backend. */
  get backend(): CacheBackend {
    return this.#inner.backend;
  }

  #emit(cmd: string, key: string | null, start: number, extra?: Record<string, unknown>): void {
    const t = timing(start);
    this.#sink.event(cmd, {
      args: key === null ? {} : { cache_key: key },
      result: { backend: this.#inner.backend, segment_id: this.#segmentId, ...extra },
      timingMs: t.ms,
      extra: { timing_us: t.us },
    });
  }

  /** Get, recording `ast.cache.hit` or `ast.cache.miss`. */
  get(key: string): unknown | undefined {
    const start = performance.now();
    const value = this.#inner.get(key);
    const hit = value !== undefined;
    this.#emit(hit ? "ast.cache.hit" : "ast.cache.miss", key, start, {
      status: hit ? "hit" : "miss",
    });
    return value;
  }

  /** Set, recording `ast.cache.write`. */
  set(key: string, value: unknown, meta?: CacheEntryMeta): void {
    const start = performance.now();
    this.#inner.set(key, value, meta);
    this.#emit("ast.cache.write", key, start, { status: "ok" });
  }

  /** Delete, recording `ast.cache.delete` with `existed`. */
  delete(key: string): boolean {
    const start = performance.now();
    const existed = this.#inner.delete(key);
    this.#emit("ast.cache.delete", key, start, { status: "ok", existed });
    return existed;
  }

  /** Clear, recording `ast.cache.clear`. */
  clear(): void {
    const start = performance.now();
    this.#inner.clear();
    this.#emit("ast.cache.clear", null, start, { status: "ok" });
  }

  /** The wrapped cache's statistics (no event). */
  stats(): CacheStats {
    return this.#inner.stats();
  }

  /** The wrapped cache's answer (no event). */
  keyForStat(fileRel: string, mtimeMs: number, size: number): string | undefined {
    return this.#inner.keyForStat(fileRel, mtimeMs, size);
  }

  /** Close the wrapped cache. */
  close(): void {
    this.#inner.close();
  }
}
