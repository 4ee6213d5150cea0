/**
 * What `ctx search` reads of the pack besides its index. The row source
 * ({@linkcode rowSource}, what `searchPack` uses) reads the listed files'
 * records (no texts: a few columns per file, every row checked field by
 * field) to tell which hits may be served and to check their staleness, and
 * then only the rows of the chunks it returns (with their texts, for the
 * previews), as `ctx get` does; never the whole pack.
 * {@linkcode wholePackSource} answers the same from a pack loaded whole
 * (what search did before), kept to check the two against each other.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { isDenied, type Segment } from "../segment/mod.ts";
import type { IndexHit, IndexReader } from "./fts.ts";
import { assertSafeRelPath } from "./ids.ts";
import { checkedSourceRows, loadChunks, servedPath } from "./pack_io.ts";
import type { ContextPack, PackChunk, PackSourceFile } from "./types.ts";

/** Where a search's chunks and source records come from. */
export interface SearchSource {
  /** The listed source files the denylist lets be served now, in pack order. */
  readonly sources: readonly PackSourceFile[];
  /** Whether `hit` names a chunk that may be served. */
  servable(hit: IndexHit): boolean;
  /**
   * Whether `hit` lies in a file the denylist refuses now (a `deny` glob
   * added after the build): such a hit is left out without a trace, never
   * counted, or the counts would tell whether a guessed word is in it.
   */
  hidden(hit: IndexHit): boolean;
  /** The listed files the denylist refuses now (their matches are not counted). */
  readonly deniedPaths: readonly string[];
  /** The chunks `ids` that exist and may be served, by id. */
  chunks(ids: readonly string[]): Map<string, PackChunk>;
}

/**
 * Whether a chunk of `path` may not be served: a path that leaves the
 * segment, is denied, or is not among the listed files (a pack that passed
 * trust should have none).
 */
function refusedPath(path: string, listed: ReadonlySet<string>): boolean {
  try {
    assertSafeRelPath(path, "source path");
  } catch (err) {
    // A path that leaves the segment is refused, not an error of the search.
    if (err instanceof TrifectaError) return true;
    throw err;
  }
  return isDenied(path) || !listed.has(path);
}

/** Whether `path` is a safe path the denylist refuses now (built-in or the config's globs). */
function deniedNow(segment: Segment | undefined, path: string): boolean {
  try {
    assertSafeRelPath(path, "source path");
  } catch (err) {
    // Not a path of the segment at all: refused (and counted) as such, not hidden.
    if (err instanceof TrifectaError) return false;
    throw err;
  }
  return isDenied(path) || (segment !== undefined && !servedPath(segment, path));
}

/**
 * The rows `searchPack` reads: the files' records now, each returned
 * chunk's row (checked as `ctx get` checks it) when asked.
 *
 * @throws {TrifectaError} `PACK_CORRUPT` for a source record of the wrong
 * shape, `INDEX_CORRUPT` when SQLite cannot read them.
 */
export function rowSource(segment: Segment, reader: IndexReader): SearchSource {
  const all = checkedSourceRows(reader);
  const sources = all.filter((f) => servedPath(segment, f.path));
  const listed = new Set(sources.map((f) => f.path));
  return {
    sources,
    servable: (hit) => !refusedPath(String(hit.path), listed),
    hidden: (hit) => deniedNow(segment, String(hit.path)),
    deniedPaths: all.filter((f) => !servedPath(segment, f.path)).map((f) => f.path),
    chunks: (ids) => {
      const out = new Map<string, PackChunk>();
      for (const c of loadChunks(reader, ids).chunks) {
        if (!refusedPath(c.source_path, listed)) out.set(c.id, c);
      }
      return out;
    },
  };
}

/**
 * The same answers from a pack loaded whole (as `readPack` serves it: the
 * files denied now already left out), for `segment`'s denylist.
 */
export function wholePackSource(pack: ContextPack, segment?: Segment): SearchSource {
  const listed = new Set(pack.source_files.map((f) => f.path));
  const byId = new Map<string, PackChunk>();
  for (const c of pack.chunks) if (!refusedPath(c.source_path, listed)) byId.set(c.id, c);
  return {
    sources: pack.source_files,
    servable: (hit) => byId.has(String(hit.id)),
    hidden: (hit) => deniedNow(segment, String(hit.path)),
    deniedPaths: [],
    chunks: (ids) => {
      const out = new Map<string, PackChunk>();
      for (const id of ids) {
        const c = byId.get(id);
        if (c) out.set(id, c);
      }
      return out;
    },
  };
}
