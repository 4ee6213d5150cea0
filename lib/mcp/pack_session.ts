/**
 * The session's context pack: read once and kept while the pack file is
 * unchanged (mtime and size), and never served stale. Before each `search`
 * or `get` every source file the pack records is checked against the disk
 * (a stat; a hash only when the stat moved). When one changed or vanished
 * the pack and its index are rebuilt (under the pack lock, like
 * `trifecta ctx sync`) and the answer says so (`pack_rebuilt`). Files added
 * to the segment after the build are not noticed until the next rebuild.
 *
 * @module
 */
import type { AstCache } from "../cache/mod.ts";
import {
  buildPack,
  checkStale,
  type LoadedPack,
  packPath,
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
}

/** The opened pack of one MCP session (see the module doc). */
export class PackSession {
  #segment: Segment;
  #opts: PackSessionOptions;
  #loaded: LoadedPack | undefined;
  #stamp = "";

  /** Create a session; the pack is read at the first call. */
  constructor(segment: Segment, options: PackSessionOptions) {
    this.#segment = segment;
    this.#opts = options;
  }

  /**
   * The pack, fresh: re-read when the file changed, rebuilt when a source
   * file changed since the build.
   *
   * @throws {TrifectaError} `PACK_NOT_FOUND`, `PACK_CORRUPT`, `PACK_TOO_LARGE`,
   * `CTX_DIR_UNSAFE`, or a build's errors when it had to be rebuilt.
   */
  async fresh(): Promise<FreshPack> {
    let loaded = await this.#load();
    const stale = checkStale(this.#segment, loaded.pack.source_files);
    if (!stale.stale) return { loaded };
    await buildPack(this.#segment, {
      cache: await this.#opts.openCache(),
      telemetry: this.#opts.telemetry,
    });
    this.#opts.telemetry?.incr("mcp_pack_rebuild_count");
    loaded = await this.#load();
    return { loaded, rebuilt: stale };
  }

  async #load(): Promise<LoadedPack> {
    let stamp = "";
    try {
      // lstat: a symlink in the pack's place is never followed (readPack refuses it).
      const info = await Deno.lstat(packPath(this.#segment));
      stamp = `${info.mtime?.getTime() ?? 0}:${info.size}:${info.ino ?? 0}`;
    } catch (err) {
      // Missing or unreadable: readPack below names the error.
      if (!(err instanceof Error)) throw err;
    }
    if (this.#loaded && stamp !== "" && stamp === this.#stamp) return this.#loaded;
    this.#loaded = await readPack(this.#segment);
    this.#stamp = stamp;
    return this.#loaded;
  }
}
