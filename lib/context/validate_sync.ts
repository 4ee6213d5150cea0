/**
 * The validation that follows an incremental `ctx sync`: what the sync
 * wrote, and the pack-level rules that are cheap, instead of every chunk.
 *
 * The files the sync wrote are told by the source-file records before and
 * after it ({@linkcode packRecords}): a record added or changed (hash,
 * mtime, size, characters, discovery class) is a file whose rows were
 * written; a record gone is a file deleted. The written files get every
 * rule `ctx validate` applies to a file and its chunks: the record's shape,
 * a safe and allowed path, a re-read through the read boundary with the
 * same hash and size, and each chunk row read and checked field by field
 * with its stored text. A deleted file must have no chunk or symbol row
 * left. Every other file is compared by stat, as the quick validation did
 * (re-read only when its size or mtime moved). Over the whole pack: the
 * trust stamp and schema (`openStore`), every source record's shape, the
 * segment label, the chunk rows counted (`COUNT(*)`, never loaded) against
 * the listed files' chunks and against the search rows, and the symbol
 * table. A full build, and `ctx validate`, keep the full validation.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import type { Segment } from "../segment/mod.ts";
import type { IndexReader } from "./fts.ts";
import { checkedSourceRows, loadChunks, openStore, packPath, servedPath } from "./pack_io.ts";
import { INDEX_REL, PACK_REL } from "./types.ts";
import {
  checkLabelAndSize,
  checkRowCounts,
  checkSource,
  Findings,
  type ValidationReport,
} from "./validate.ts";

/** Each listed file's record as one comparable string, by path. */
export type PackRecords = ReadonlyMap<string, string>;

/** The records of the open pack, by path (what a write changes when it writes a file's rows). */
function recordsOf(reader: IndexReader): Map<string, string> {
  const rows = reader.query((db) =>
    db.prepare("SELECT path, sha256, mtime, chars, bytes, target FROM source_files").all()
  ) as Record<string, unknown>[];
  const out = new Map<string, string>();
  for (const r of rows) {
    out.set(String(r.path), JSON.stringify([r.sha256, r.mtime, r.chars, r.bytes, r.target]));
  }
  return out;
}

/**
 * The source-file records of the pack of `segment` (no chunk read), or
 * undefined when there is no readable trusted pack (a sync then builds the
 * whole pack, and the whole is validated).
 */
export function packRecords(segment: Segment): PackRecords | undefined {
  let reader: IndexReader;
  try {
    reader = openStore(segment);
  } catch (err) {
    // No usable pack: nothing to compare with; the caller validates the whole.
    if (err instanceof TrifectaError) return undefined;
    throw err;
  }
  try {
    return recordsOf(reader);
  } catch (err) {
    // Unreadable records: as above, the caller validates the whole.
    if (err instanceof TrifectaError) return undefined;
    throw err;
  } finally {
    reader.close();
  }
}

/** What the sync changed: files written (added or changed) and files deleted. */
interface Written {
  written: Set<string>;
  deleted: string[];
}

function writtenOf(before: PackRecords, after: ReadonlyMap<string, string>): Written {
  const written = new Set<string>();
  for (const [path, key] of after) if (before.get(path) !== key) written.add(path);
  const deleted = [...before.keys()].filter((p) => !after.has(p));
  return { written, deleted };
}

/** Chunks and characters of the listed files the denylist serves (counted, not loaded). */
function listedCounts(
  segment: Segment,
  reader: IndexReader,
): { chunks: number; chars: number } {
  const rows = reader.query((db) =>
    db.prepare(
      `SELECT c.path AS path, count(*) AS n, sum(c.char_count) AS chars
       FROM chunks AS c JOIN source_files AS f ON f.path = c.path GROUP BY c.path`,
    ).all()
  ) as { path: unknown; n: unknown; chars: unknown }[];
  let chunks = 0;
  let chars = 0;
  for (const r of rows) {
    if (!servedPath(segment, String(r.path))) continue;
    chunks += Number(r.n);
    chars += Number(r.chars);
  }
  return { chunks, chars };
}

/** Each written file's chunk rows, read and checked as a load checks them. */
function checkWrittenRows(reader: IndexReader, written: ReadonlySet<string>): void {
  const idsOf = reader.query((db) => db.prepare("SELECT id FROM chunks WHERE path = ?"));
  const ids: string[] = [];
  for (const path of written) {
    for (const r of reader.query(() => idsOf.all(path)) as { id: unknown }[]) {
      ids.push(String(r.id));
    }
  }
  loadChunks(reader, ids);
}

/** No chunk or symbol row is left of a deleted file. */
function checkDeleted(reader: IndexReader, deleted: readonly string[], found: Findings): void {
  const left = reader.query((db) =>
    db.prepare(
      `SELECT (SELECT count(*) FROM chunks WHERE path = ?1) +
              (SELECT count(*) FROM symbols WHERE path = ?1) AS n`,
    )
  );
  for (const path of deleted) {
    const n = Number((reader.query(() => left.get(path)) as { n: number }).n);
    if (n > 0) {
      found.fail(
        "PACK_INDEX_MISMATCH",
        `Context pack ${INDEX_REL} still holds ${n} row(s) of a deleted file`,
      );
    }
  }
}

/** The pack's file mtime (epoch ms), or null when it cannot be stat'ed now. */
function packMtime(segment: Segment): number | null {
  try {
    return Deno.lstatSync(packPath(segment)).mtime?.getTime() ?? null;
  } catch (err) {
    // Replaced or removed since it was opened: only the mtime shown is unknown.
    if (err instanceof Error) return null;
    throw err;
  }
}

/** The checks on the open pack (see the module doc); a named error ends them. */
async function checkOpen(
  segment: Segment,
  reader: IndexReader,
  how: { before: PackRecords; found: Findings },
): Promise<Partial<ValidationReport>> {
  const { found } = how;
  const sources = checkedSourceRows(reader).filter((f) => servedPath(segment, f.path));
  const counts = listedCounts(segment, reader);
  const base = {
    pack_sha: (reader.meta("content_sha256") ?? "").slice(0, 16),
    pack_mtime: packMtime(segment),
    chunks: counts.chunks,
    source_files: sources.length,
  };
  checkLabelAndSize(reader.meta("segment") ?? "segment", counts.chars, found);
  const { written, deleted } = writtenOf(how.before, recordsOf(reader));
  for (const f of sources) await checkSource(segment, f, found, !written.has(f.path));
  checkWrittenRows(reader, written);
  checkDeleted(reader, deleted, found);
  if (counts.chunks === 0) found.fail("EMPTY_PACK", "Context pack contains no chunks");
  checkRowCounts(reader, counts.chunks, found);
  return base;
}

/**
 * Validate the pack of `segment` after an incremental sync, given its
 * records from before the sync (see the module doc). Same report as
 * `validatePack`.
 */
export async function validateSynced(
  segment: Segment,
  before: PackRecords,
): Promise<ValidationReport> {
  const found = new Findings();
  let reader: IndexReader;
  try {
    reader = openStore(segment);
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    found.fail(err.code, err.code === "PACK_NOT_FOUND" ? `Missing ${PACK_REL}` : err.message);
    return found.report({});
  }
  try {
    return found.report(await checkOpen(segment, reader, { before, found }));
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    found.fail(err.code, err.message);
    return found.report({});
  } finally {
    reader.close();
  }
}
