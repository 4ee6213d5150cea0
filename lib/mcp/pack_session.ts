/**
 * The session's context pack: one SQLite database (`_ctx/context_pack.db`),
 * read whole once per write (every write records a new build id, see
 * `lib/context/pack_io.ts`), and never served stale or untrusted. Before
 * each `search` or `get` the pack's trust is checked (its stamp, see
 * `lib/context/trust.ts`): a pack this machine did not write (shipped with
 * the repository, copied) is rebuilt before anything is served
 * (`pack_rebuilt`). Every source file the pack records is checked against
 * the disk (a stat; a hash only when the stat moved); when one changed or
 * vanished the pack is synced incrementally (`syncPack`, under the pack
 * lock, like `trifecta ctx sync`: only those files are re-chunked) and the
 * answer says so (`pack_rebuilt`). Files added after the last write are
 * picked up by {@linkcode PackSession.sync} (the watcher calls it) or the
 * next `ctx sync`.
 *
 * @module
 */
import type { AstCache } from "../cache/mod.ts";
import { TrifectaError } from "../errors.ts";
import {
  checkStale,
  type LoadedPack,
  type PackProgress,
  readPack,
  readPackChunks,
  readSourceRecords,
  type StaleReport,
  syncPack,
  type SyncReport,
} from "../context/mod.ts";
import type { Segment } from "../segment/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";

/** Options for {@linkcode PackSession}. */
export interface PackSessionOptions {
  /** Telemetry for the rebuild. */
  telemetry?: Telemetry;
  /** Opens the session's AST cache (used by a rebuild). */
  openCache: () => Promise<AstCache>;
}

/** A fresh pack and what it took to get it. */
export interface FreshPack {
  /** The pack. */
  loaded: LoadedPack;
  /** What was stale when the pack had to be rebuilt (absent when it was fresh). */
  rebuilt?: StaleReport;
  /** True when it was rebuilt because this machine had not built it. */
  untrusted?: boolean;
}

/** The opened pack of one MCP session (see the module doc). */
export class PackSession {
  #segment: Segment;
  #opts: PackSessionOptions;

  /** Create a session; the pack is read at the first call. */
  constructor(segment: Segment, options: PackSessionOptions) {
    this.#segment = segment;
    this.#opts = options;
  }

  /**
   * The pack, fresh and trusted: rebuilt when this machine did not write it,
   * synced when a source file changed since the last write. With `ids`, the
   * pack holds only those chunks (and their files' records): one row each.
   *
   * @throws {TrifectaError} `PACK_NOT_FOUND`, `PACK_CORRUPT`, `PACK_TOO_LARGE`,
   * `INDEX_CORRUPT`, `CTX_DIR_UNSAFE`, or a build's errors when it had to be
   * rebuilt.
   */
  async fresh(options: { ids?: readonly string[] } = {}): Promise<FreshPack> {
    const { ids } = options;
    // With ids (the get tool): only those chunks' rows, never the whole pack.
    const read = () => ids ? readPackChunks(this.#segment, ids) : readPack(this.#segment);
    let loaded: LoadedPack;
    try {
      loaded = await read();
    } catch (err) {
      if (!(err instanceof TrifectaError) || err.code !== "PACK_UNTRUSTED") throw err;
      await this.sync();
      this.#opts.telemetry?.incr("mcp_pack_untrusted_rebuild_count");
      loaded = await read();
      return { loaded, rebuilt: { stale: true, changed: [], missing: [] }, untrusted: true };
    }
    const records = ids ? readSourceRecords(this.#segment) : loaded.pack.source_files;
    const stale = checkStale(this.#segment, records);
    if (!stale.stale) return { loaded };
    await this.sync({ paths: [...stale.changed, ...stale.missing] });
    loaded = await read();
    return { loaded, rebuilt: stale };
  }

  /**
   * Sync the pack with the files (incrementally; a full build when there is
   * no usable pack). `paths`: only these segment-relative paths may have
   * changed (a watcher's events); without it every file is compared.
   *
   * @throws {TrifectaError} a build's errors (`PACK_LOCKED`, `CTX_DIR_UNSAFE`,
   * `DISK_FULL`, …).
   */
  async sync(
    options: { paths?: string[]; onProgress?: (p: PackProgress) => void } = {},
  ): Promise<SyncReport> {
    const r = await syncPack(this.#segment, {
      cache: await this.#opts.openCache(),
      telemetry: this.#opts.telemetry,
      paths: options.paths,
      onProgress: options.onProgress,
    });
    this.#opts.telemetry?.incr(
      r.mode === "full" ? "mcp_pack_rebuild_count" : "mcp_pack_sync_count",
    );
    return r;
  }
}
