/**
 * The file manifest of a cache made by `createAstCache`, when SQLite serves
 * it ({@linkcode openManifest}); every call goes through the same recovery
 * and fallback as the cache's own operations (`ResilientCache.guard`): a
 * database fault makes the manifest answer nothing, never throw.
 *
 * @module
 */
import { type ManifestColumns, type ManifestRow, rowTag, tagKey } from "./manifest.ts";
import { ResilientCache } from "./resilient_cache.ts";
import { TelemetryAstCache } from "./telemetry_cache.ts";
import type { AstCache } from "./types.ts";

/** A cache's file manifest, loaded once. */
export interface FileManifest {
  /** Rows by segment-relative path (loaded by one query; tags not yet checked). */
  readonly rows: ReadonlyMap<string, ManifestRow>;
  /** True when rows are checked by their tag: a write-ahead log was there before the open. */
  readonly checksTags: boolean;
  /**
   * True when the row may be trusted: its tag is the one this database's
   * stamp gives it (see `rowTag`), or no log was there at open (then every
   * row is in the file as this program's connections left it).
   */
  genuine(row: ManifestRow): Promise<boolean>;
  /**
   * Count a hit on each row's entry, served from the manifest (counters;
   * access time hourly): a run's hits at once, written back in one transaction.
   */
  hit(rows: readonly ManifestRow[]): void;
  /** Record (or replace) a file's row: tagged and written in batches of {@linkcode PUT_BATCH}, one transaction each. */
  put(row: ManifestRow): void;
  /** Tag and write the rows still held; resolves when every row put so far is written. */
  flush(): Promise<void>;
}

/** Options for {@linkcode openManifest}. */
export interface OpenManifestOptions {
  /**
   * The stored output the caller serves: `out` (`--json`), `text`, or
   * `both` (default). Only that one is read, unless tags must be checked.
   */
  columns?: ManifestColumns;
}

/** Rows per write transaction (bounds what is held, and one commit per file would cost the cold run). */
export const PUT_BATCH = 128;

/**
 * The manifest of `cache`, or undefined when no SQLite database serves it
 * (memory cache, fallback) or it cannot be read.
 *
 * @example
 * ```ts
 * import { createAstCache } from "./factory.ts";
 * import { openManifest } from "./manifest_access.ts";
 * import { resolveSegment } from "../segment/mod.ts";
 * import { equal } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * const segment = await resolveSegment(dir);
 * const memory = createAstCache({ segment, persist: false });
 * equal(await openManifest(memory), undefined);
 * const sqlite = createAstCache({ segment, persist: true });
 * equal((await openManifest(sqlite))?.rows.size, 0);
 * sqlite.close();
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function openManifest(
  cache: AstCache,
  options: OpenManifestOptions = {},
): Promise<FileManifest | undefined> {
  const base = cache instanceof TelemetryAstCache ? cache.inner : cache;
  if (!(base instanceof ResilientCache) || base.backend !== "sqlite") return undefined;
  const stamp = base.guard("manifest", (s) => s.stamp(), undefined);
  const checksTags = base.guard("manifest", (s) => s.walAtOpen, true);
  // A tag covers both outputs: checking one needs them both.
  const columns = checksTags ? "both" : options.columns ?? "both";
  const rows = base.guard("manifest", (s) => s.manifestRows(columns), undefined);
  // An unstamped file never keeps rows (docs/cache.md "Trust"): nothing to serve.
  if (rows === undefined || stamp === undefined || stamp === 0) return undefined;
  const key = await tagKey(stamp);
  let held: ManifestRow[] = [];
  let writing: Promise<void> = Promise.resolve();
  const write = () => {
    const batch = held;
    held = [];
    writing = writing.then(async () => {
      const tagged = await Promise.all(
        batch.map(async (row) => ({ ...row, tag: await rowTag(row, key) })),
      );
      base.guard("manifest", (s) => s.putManifest(tagged), undefined);
    });
  };
  return {
    rows,
    checksTags,
    genuine: async (row) =>
      !checksTags || (row.tag !== undefined && row.tag === await rowTag(row, key)),
    hit: (served) =>
      base.guard(
        "manifest",
        (s) => s.recordHits(served.map((r) => ({ key: r.key, accessedSec: r.entryAccessSec }))),
        undefined,
      ),
    put: (row) => {
      held.push(row);
      if (held.length >= PUT_BATCH) write();
    },
    flush: () => {
      write();
      return writing;
    },
  };
}
