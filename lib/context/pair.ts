/**
 * Opening the search index together with the pack it belongs to. A build
 * renames the index, then the pack (see `pack_io.ts`); a reader that opens
 * the two in that short window, or a pack or index changed by hand, sees a
 * different `build_id` or pack size in the two. The reader then tries again
 * a few times (a build finishes its second rename within milliseconds) and
 * otherwise refuses with `PACK_INDEX_MISMATCH`: answers never mix two builds.
 *
 * Then trust (see `trust.ts`): the index must carry this machine's stamp
 * and record the SHA-256 of the pack on disk, else `PACK_UNTRUSTED`. Every
 * reader of the pack (search, get, MCP) comes through here.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import type { Segment } from "../segment/mod.ts";
import { ctxFileState } from "./ctx_files.ts";
import { indexCorrupt, indexError, IndexReader } from "./fts.ts";
import { indexPath, type LoadedPack, type PackHead, readPackFile } from "./pack_io.ts";
import { indexHeaderState, packHashProblem, UNSTAMPED_REASON, untrustedError } from "./trust.ts";
import { INDEX_REL } from "./types.ts";

/** Tries before a mismatch is reported (waits 20, 40, 80 … ms in between). */
const MISMATCH_TRIES = 4;

function indexNotFound(): TrifectaError {
  return new TrifectaError("INDEX_NOT_FOUND", `Search index not found at ${INDEX_REL}`, {
    nextSteps: ["Build it with: trifecta ctx build -s <segment>"],
  });
}

/**
 * Open the index read-only after checking it is a regular file stamped by
 * a build on this machine (see `trust.ts`), and read its `build_id` (SQLite
 * opens lazily: a file that is not a database fails on first use).
 *
 * @throws {TrifectaError} `INDEX_NOT_FOUND`, `INDEX_CORRUPT`, `CTX_DIR_UNSAFE`,
 * `PACK_UNTRUSTED`.
 */
export function openIndex(segment: Segment): IndexReader {
  const state = ctxFileState(segment, INDEX_REL);
  if (state === "missing") throw indexNotFound();
  if (state !== "ok") throw indexCorrupt(state);
  let header;
  try {
    header = indexHeaderState(indexPath(segment));
  } catch (err) {
    throw indexError(err);
  }
  if (header === "not_sqlite") throw indexCorrupt("not a database");
  if (header === "unstamped") throw untrustedError(UNSTAMPED_REASON);
  const reader = new IndexReader(indexPath(segment));
  try {
    if (reader.meta("build_id") === undefined) throw indexCorrupt("it records no build id");
  } catch (err) {
    reader.close();
    throw err;
  }
  return reader;
}

/** Why an index does not belong to the pack on disk, or undefined when it does. */
export function pairMismatch(reader: IndexReader, head: PackHead): string | undefined {
  if (reader.meta("build_id") !== head.buildId) return "the build ids differ";
  const bytes = reader.meta("pack_bytes");
  // Indexes of older builds record no size: the build id must do.
  if (bytes !== undefined && Number(bytes) !== head.bytes) {
    return "the pack's size is not the one the build wrote (edited after the build?)";
  }
  return undefined;
}

/** The error for a pack and an index of different builds. */
export function mismatchError(reason: string): TrifectaError {
  return new TrifectaError(
    "PACK_INDEX_MISMATCH",
    `The search index ${INDEX_REL} does not belong to the context pack: ${reason}`,
    { nextSteps: ["Rebuild both with: trifecta ctx build -s <segment>"] },
  );
}

/** A trusted pack and the open index that belongs to it. */
export interface TrustedPair {
  /** The pack, read and checked. */
  loaded: LoadedPack;
  /** The index; the caller closes it. */
  reader: IndexReader;
}

/**
 * Read the pack and open the index that belongs to it, trusting both (see
 * the module doc).
 *
 * @throws {TrifectaError} `PACK_NOT_FOUND`, `PACK_CORRUPT`, `PACK_TOO_LARGE`,
 * `INDEX_NOT_FOUND`, `INDEX_CORRUPT`, `PACK_INDEX_MISMATCH`, `PACK_UNTRUSTED`,
 * `CTX_DIR_UNSAFE`.
 */
export async function openTrustedPair(segment: Segment): Promise<TrustedPair> {
  let reason = "";
  let untrusted = false;
  for (let attempt = 0; attempt < MISMATCH_TRIES; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** (attempt - 1)));
    const loaded = await readPackFile(segment);
    const reader = openIndex(segment);
    let why: string | undefined;
    try {
      why = pairMismatch(reader, { buildId: loaded.pack.build_id, bytes: loaded.bytes });
      untrusted = false;
      if (why === undefined) {
        why = packHashProblem(reader.meta("pack_sha256"), loaded.sha256);
        untrusted = why !== undefined;
      }
    } catch (err) {
      reader.close();
      throw err;
    }
    if (why === undefined) return { loaded, reader };
    reader.close();
    reason = why;
  }
  throw untrusted ? untrustedError(reason) : mismatchError(reason);
}

/**
 * Read the pack, trusted: {@linkcode openTrustedPair} without keeping the
 * index open. What `ctx get` and the MCP session serve from.
 *
 * @throws {TrifectaError} as {@linkcode openTrustedPair}.
 */
export async function readPack(segment: Segment): Promise<LoadedPack> {
  const { loaded, reader } = await openTrustedPair(segment);
  reader.close();
  return loaded;
}
