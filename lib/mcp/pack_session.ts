/**
 * The session's context pack: read, hashed and parsed once while the pack
 * file is unchanged (device, inode, size, mtime, ctime; see `readPackFile`),
 * and never served stale or untrusted. Before each `search` or `get` the
 * pair's trust is checked (the index's stamp and the pack's recorded hash,
 * see `lib/context/trust.ts`): a pack this machine did not build (shipped
 * with the repository, copied, or built by an older trifecta) is rebuilt
 * before anything is served (`pack_rebuilt`). Before each `search`
 * or `get` every source file the pack records is checked against the disk
 * (a stat; a hash only when the stat moved). When one changed or vanished
 * the pack and its index are rebuilt (under the pack lock, like
 * `trifecta ctx sync`) and the answer says so (`pack_rebuilt`). Files added
 * to the segment after the build are not noticed until the next rebuild.
 *
 * @module
 */
import type { AstCache } from "../cache/mod.ts";
import { TrifectaError } from "../errors.ts";
import {
  buildPack,
  checkStale,
  type LoadedPack,
  readPack,
  type StaleReport,
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
   * The pack, fresh and trusted: rebuilt when this machine did not build it
   * or a source file changed since the build.
   *
   * @throws {TrifectaError} `PACK_NOT_FOUND`, `PACK_CORRUPT`, `PACK_TOO_LARGE`,
   * `INDEX_NOT_FOUND`, `INDEX_CORRUPT`, `PACK_INDEX_MISMATCH`, `CTX_DIR_UNSAFE`,
   * or a build's errors when it had to be rebuilt.
   */
  async fresh(): Promise<FreshPack> {
    let loaded: LoadedPack;
    try {
      loaded = await readPack(this.#segment);
    } catch (err) {
      if (!(err instanceof TrifectaError) || err.code !== "PACK_UNTRUSTED") throw err;
      await this.#rebuild();
      this.#opts.telemetry?.incr("mcp_pack_untrusted_rebuild_count");
      loaded = await readPack(this.#segment);
      return { loaded, rebuilt: { stale: true, changed: [], missing: [] }, untrusted: true };
    }
    const stale = checkStale(this.#segment, loaded.pack.source_files);
    if (!stale.stale) return { loaded };
    await this.#rebuild();
    loaded = await readPack(this.#segment);
    return { loaded, rebuilt: stale };
  }

  async #rebuild(): Promise<void> {
    await buildPack(this.#segment, {
      cache: await this.#opts.openCache(),
      telemetry: this.#opts.telemetry,
    });
    this.#opts.telemetry?.incr("mcp_pack_rebuild_count");
  }
}
