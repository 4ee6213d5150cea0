/**
 * The index `ast find` is served from, kept with the AST cache: the
 * skeletons of the walked files come through `skeletonOfFiles` with the
 * cache (with a persistent cache, a warm call stats each file and finds its
 * skeleton by the stat key — no read, no parse), then each file's symbols
 * are flattened into rows. An index kept between calls (the MCP session's)
 * holds each file's rows with the mtime and size they were taken under, so
 * a warm call walks and stats the tree and looks up only files that
 * changed.
 *
 * @module
 */
import {
  collectSkeletonTargets,
  IN_PROCESS_LIMIT,
  type ParsePool,
  singleFileFailure,
  skeletonOfFiles,
} from "../ast/mod.ts";
import type { SourceFile } from "../ast/mod.ts";
import type { AstCache } from "../cache/mod.ts";
import { MTIME_TRUST_WINDOW_MS } from "../cache/limits.ts";
import type { Segment } from "../segment/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import {
  readSnapshot,
  snapshotKey,
  type StatFile,
  walkDigest,
  writeSnapshot,
} from "./find_snapshot.ts";
import { rowsOfSkeleton, type SymbolRow } from "./symbol_rows.ts";

/** Options for {@linkcode SymbolIndex.load}. */
export interface IndexLoadOptions {
  /** The AST cache (a persistent one makes a warm call a lookup). */
  cache?: AstCache;
  /** Telemetry for the skeleton batch. */
  telemetry?: Telemetry;
  /** Parse workers for a cold walk of many files (default: made and closed as needed). */
  pool?: () => ParsePool;
  /** Walk only this segment-relative path (a directory or a file). */
  path?: string;
  /**
   * Read and keep the index snapshot in the cache (lib/nav/find_snapshot.ts):
   * for one-shot callers (the CLI) with a persistent cache.
   */
  snapshot?: boolean;
}

/** What one load found. */
export interface IndexLoad {
  /** Rows of every symbol of the walked files, files in path order. */
  rows: SymbolRow[];
  /** Real absolute path of each file with rows, by segment-relative path. */
  files: ReadonlyMap<string, string>;
  /** Files walked. */
  filesTotal: number;
  /** Files whose rows this index already held (same mtime and size): not looked up again. */
  reused: number;
  /** Files served from the AST cache. */
  cacheHits: number;
  /** Files parsed now. */
  parsed: number;
  /** Files skipped (binary, too large, denied, …). */
  skipped: number;
  /** True when the rows came from the snapshot in the cache (light rows). */
  fromSnapshot: boolean;
}

/** A file's mtime and size. */
type Stat = { mtimeMs: number; size: number };

/** One file's rows and the stat they were taken under. */
interface Memo {
  mtimeMs: number;
  size: number;
  /** When the stat was taken (ms since the epoch): a younger mtime is not trusted. */
  takenAt: number;
  rows: SymbolRow[];
}

/** A stat-keyed lookup (as the cache's `keyForStat`): the file's mtime and size. */
function statOf(file: SourceFile): Stat | undefined {
  try {
    const st = Deno.statSync(file.abs);
    const mtimeMs = st.mtime?.getTime();
    return mtimeMs === undefined ? undefined : { mtimeMs, size: st.size };
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    // Gone or unreadable since the walk: the skeleton stage names the reason.
    return undefined;
  }
}

/** Memo entries kept beyond the files of the last load, as a multiple of them. */
const MEMO_SLACK = 2;

/**
 * Symbol rows of a segment's files, kept between loads by file: a file
 * whose mtime and size are unchanged (and whose mtime is older than the
 * cache's trust window when its rows were taken) is not looked up again;
 * the others go through the AST cache and are flattened anew.
 */
export class SymbolIndex {
  #memo = new Map<string, Memo>();

  /** Files whose rows are held. */
  get memoised(): number {
    return this.#memo.size;
  }

  #fresh(file: SourceFile, stat: { mtimeMs: number; size: number } | undefined): Memo | undefined {
    const memo = this.#memo.get(file.rel);
    if (memo === undefined || stat === undefined) return undefined;
    if (memo.mtimeMs !== stat.mtimeMs || memo.size !== stat.size) return undefined;
    return stat.mtimeMs <= memo.takenAt - MTIME_TRUST_WINDOW_MS ? memo : undefined;
  }

  /**
   * Walk the path (default the whole segment), get the skeleton of each
   * new or changed file through the cache, and flatten it.
   *
   * @throws {TrifectaError} the walk's errors for the path (`FILE_NOT_FOUND`,
   * `PATH_OUTSIDE_SEGMENT`, `PATH_DENIED`, …) and a single named file's
   * failure (`BINARY_FILE`, `FILE_TOO_LARGE`, …).
   */
  async load(segment: Segment, options: IndexLoadOptions = {}): Promise<IndexLoad> {
    const targets = await collectSkeletonTargets(segment, [options.path ?? "."]);
    const takenAt = Date.now();
    const stats = new Map(targets.files.map((f) => [f.rel, statOf(f)]));
    const snapshot = this.#snapshotOf(segment, options, { files: targets.files, stats, takenAt });
    const stored = snapshot === undefined
      ? undefined
      : readSnapshot(snapshot.cache, snapshot.key, snapshot.walk);
    if (snapshot !== undefined && stored !== undefined) {
      return {
        rows: stored,
        files: new Map(targets.files.map((f) => [f.rel, f.abs])),
        filesTotal: targets.files.length,
        reused: targets.files.length,
        cacheHits: 0,
        parsed: 0,
        skipped: targets.skipped.length,
        fromSnapshot: true,
      };
    }
    const stale = targets.files.filter((f) => this.#fresh(f, stats.get(f.rel)) === undefined);
    const batch = await skeletonOfFiles(segment, stale, {
      cache: options.cache,
      telemetry: options.telemetry,
      pool: stale.length >= IN_PROCESS_LIMIT && options.pool ? options.pool() : undefined,
    });
    const failed = singleFileFailure(batch, targets.singles);
    if (failed) throw failed;
    const flattened = new Map<string, SymbolRow[]>();
    for (const outcome of batch.files) {
      const stat = stats.get(outcome.path);
      if (outcome.skeleton === undefined) {
        this.#memo.delete(outcome.path);
        continue;
      }
      const fileRows = rowsOfSkeleton(outcome.skeleton);
      flattened.set(outcome.path, fileRows);
      if (stat !== undefined) this.#memo.set(outcome.path, { ...stat, takenAt, rows: fileRows });
    }
    const files = new Map<string, string>();
    const byFile = new Map<string, SymbolRow[]>();
    const rows: SymbolRow[] = [];
    for (const f of targets.files) {
      const fileRows = flattened.get(f.rel) ?? this.#memo.get(f.rel)?.rows;
      if (fileRows === undefined) continue;
      // One by one, not push(...): a file may hold more rows than a call takes arguments.
      for (const row of fileRows) rows.push(row);
      files.set(f.rel, f.abs);
      byFile.set(f.rel, fileRows);
    }
    if (snapshot !== undefined) writeSnapshot(snapshot.cache, snapshot.key, snapshot.walk, byFile);
    this.#prune(new Set(targets.files.map((f) => f.rel)));
    return {
      rows,
      files,
      filesTotal: targets.files.length,
      reused: targets.files.length - stale.length,
      cacheHits: batch.stats.cache_hits,
      parsed: batch.stats.cache_misses,
      skipped: batch.stats.skipped + targets.skipped.length,
      fromSnapshot: false,
    };
  }

  /**
   * Where the snapshot of this walk lives, when one may be used: asked
   * for, a cache to keep it, nothing held in memory yet (a session's index
   * is faster), and every walked file's stat known.
   */
  #snapshotOf(
    segment: Segment,
    options: IndexLoadOptions,
    walk: {
      files: readonly SourceFile[];
      stats: ReadonlyMap<string, Stat | undefined>;
      takenAt: number;
    },
  ):
    | { cache: AstCache; key: string; walk: { digest: string; files: StatFile[]; takenAt: number } }
    | undefined {
    const cache = options.cache;
    if (options.snapshot !== true || cache === undefined || this.#memo.size > 0) return undefined;
    const files: StatFile[] = [];
    for (const f of walk.files) {
      const st = walk.stats.get(f.rel);
      if (st === undefined) return undefined;
      files.push({ rel: f.rel, abs: f.abs, ...st });
    }
    return {
      cache,
      key: snapshotKey(segment, options.path ?? "."),
      walk: { digest: walkDigest(files), files, takenAt: walk.takenAt },
    };
  }

  /** Drop entries of files not walked, once the memo outgrows what a load needs. */
  #prune(seen: ReadonlySet<string>): void {
    if (this.#memo.size <= MEMO_SLACK * Math.max(seen.size, 1024)) return;
    for (const rel of [...this.#memo.keys()]) if (!seen.has(rel)) this.#memo.delete(rel);
  }
}
