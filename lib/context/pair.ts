/**
 * Opening the search index together with the pack it belongs to. A build
 * renames the index, then the pack (see `pack_io.ts`); a reader that opens
 * the two in that short window, or a pack or index changed by hand, sees a
 * different `build_id` or pack size in the two. The reader then tries again
 * a few times (a build finishes its second rename within milliseconds) and
 * otherwise refuses with `PACK_INDEX_MISMATCH`: answers never mix two builds.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import type { Segment } from "../segment/mod.ts";
import { ctxFileState } from "./ctx_files.ts";
import { indexCorrupt, IndexReader } from "./fts.ts";
import { indexPath, type PackHead, readPack, readPackHead } from "./pack_io.ts";
import { INDEX_REL } from "./types.ts";

/** Tries before a mismatch is reported (waits 20, 40, 80 … ms in between). */
const MISMATCH_TRIES = 4;

function indexNotFound(): TrifectaError {
  return new TrifectaError("INDEX_NOT_FOUND", `Search index not found at ${INDEX_REL}`, {
    nextSteps: ["Build it with: trifecta ctx build -s <segment>"],
  });
}

/**
 * Open the index read-only after checking it is a regular file, and read
 * its `build_id` (SQLite opens lazily: a file that is not a database fails
 * on first use).
 *
 * @throws {TrifectaError} `INDEX_NOT_FOUND`, `INDEX_CORRUPT`, `CTX_DIR_UNSAFE`.
 */
export function openIndex(segment: Segment): IndexReader {
  const state = ctxFileState(segment, INDEX_REL);
  if (state === "missing") throw indexNotFound();
  if (state !== "ok") throw indexCorrupt(state);
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

/**
 * Open the index that belongs to the pack on disk (see the module doc).
 *
 * @throws {TrifectaError} `PACK_NOT_FOUND`, `PACK_CORRUPT`, `INDEX_NOT_FOUND`,
 * `INDEX_CORRUPT`, `PACK_INDEX_MISMATCH`.
 */
export async function openMatchingIndex(segment: Segment): Promise<IndexReader> {
  let reason = "";
  for (let attempt = 0; attempt < MISMATCH_TRIES; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** (attempt - 1)));
    const head = readPackHead(segment);
    const reader = openIndex(segment);
    let why: string | undefined;
    try {
      why = pairMismatch(reader, head);
    } catch (err) {
      reader.close();
      throw err;
    }
    if (why === undefined) return reader;
    reader.close();
    reason = why;
  }
  // Rare path: a pack that does not parse is named as such (PACK_CORRUPT)
  // rather than as a mismatch.
  await readPack(segment);
  throw mismatchError(reason);
}
