/**
 * Opening the pack for a reader. Since issue 16 the pack and its search
 * index are one database (`_ctx/context_pack.db`), so a reader can no longer
 * combine two builds: what it opened is one write's whole file (see
 * `store_write.ts`). Trust (`trust.ts`) is checked by {@linkcode openIndex}
 * before SQLite reads anything: a pack this machine did not write is
 * `PACK_UNTRUSTED`. Every reader of the pack (search, get, validate, MCP)
 * comes through here or `pack_io.ts`.
 *
 * @module
 */
import type { Segment } from "../segment/mod.ts";
import type { IndexReader } from "./fts.ts";
import { type LoadedPack, loadWhole, openStore, readPackFileSync } from "./pack_io.ts";

/**
 * Open the pack database read-only, trusted (see `pack_io.ts` `openStore`).
 *
 * @throws {TrifectaError} `PACK_NOT_FOUND`, `PACK_CORRUPT`, `PACK_TOO_LARGE`,
 * `PACK_UNTRUSTED`, `INDEX_CORRUPT`, `CTX_DIR_UNSAFE`.
 */
export function openIndex(segment: Segment): IndexReader {
  return openStore(segment);
}

/** A trusted pack and the open database it was read from. */
export interface TrustedPair {
  /** The pack, read and checked. */
  loaded: LoadedPack;
  /** The database; the caller closes it. */
  reader: IndexReader;
}

/**
 * Open the pack database and load the whole pack from that same handle, so
 * the rows searched and the chunks served are of one write.
 *
 * @throws {TrifectaError} as {@linkcode openIndex}.
 */
export function openTrustedPair(segment: Segment): Promise<TrustedPair> {
  try {
    const reader = openStore(segment);
    try {
      return Promise.resolve({ loaded: loadWhole(segment, reader), reader });
    } catch (err) {
      reader.close();
      throw err;
    }
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Read the whole pack, trusted. What search and the MCP session serve from.
 *
 * @throws {TrifectaError} as {@linkcode openIndex}.
 */
export function readPack(segment: Segment): Promise<LoadedPack> {
  try {
    return Promise.resolve(readPackFileSync(segment));
  } catch (err) {
    return Promise.reject(err);
  }
}
