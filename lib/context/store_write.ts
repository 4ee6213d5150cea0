/**
 * Writing the pack database. Every write — a full build or an incremental
 * sync — makes a new file in `_ctx/` and renames it over the live one, so:
 *
 * - a reader that opened the old file keeps reading it (POSIX keeps an open
 *   file alive after a rename), and a reader that opens the path sees the
 *   whole old or the whole new pack, never a half-written one;
 * - a killed build or sync (kill -9 anywhere) leaves the previous pack in
 *   place, valid; its temp file is removed by the next build or sync;
 * - no journal or WAL file ever sits next to the live database (a live WAL
 *   or hot journal renamed over would be replayed into the wrong file).
 *
 * A full build fills an empty temp database; a sync copies the live one and
 * changes the copy in one transaction (`sync.ts`). Both then stamp it with
 * this machine's mark (`trust.ts`), sync it to disk and rename it.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { join } from "../path.ts";
import { fileStamp } from "../cache/db_identity.ts";
import { contentSha256Hex, type Segment } from "../segment/mod.ts";
import { ctxDir, ensureCtxDir, writeError } from "./ctx_files.ts";
import { createStore, type FileRows, RowWriter, setMeta } from "./store_schema.ts";
import { LEGACY_INDEX_REL, LEGACY_PACK_REL, PACK_REL, type PackProgress } from "./types.ts";

/** The pack-wide values a write records in `meta`. */
export interface StoreMeta {
  /** Segment label (never a path). */
  segment: string;
  /** ISO-8601 time of the write. */
  created_at: string;
  /** Random id of this write. */
  build_id: string;
  /** Secret-files mode the text was read under (a change forces a full build). */
  secret_mode: string;
  /**
   * The extraction fingerprint the chunks were cut with (lib/cache/fingerprint.ts;
   * a change forces a full build).
   */
  extraction: string;
}

/** Stamp the database at `path` as written here (see `trust.ts`). */
export function stampStore(db: DatabaseSync, path: string): void {
  const stamp = fileStamp(path);
  if (stamp !== null) db.exec(`PRAGMA application_id = ${stamp}`);
}

/**
 * The digest of the pack's content: sha256 of its chunk ids (each a hash of
 * its text) in pack order, and of each file's hash. Two packs with the same
 * digest serve the same chunks.
 */
export function contentDigest(db: DatabaseSync): string {
  const parts: string[] = [];
  const rows = db.prepare(
    `SELECT c.id AS id FROM chunks AS c JOIN source_files AS f ON f.path = c.path
     ORDER BY f.ord, c.seq`,
  ).all() as { id: string }[];
  for (const r of rows) parts.push(String(r.id));
  const files = db.prepare("SELECT path, sha256 FROM source_files ORDER BY ord").all() as {
    path: string;
    sha256: string;
  }[];
  for (const f of files) parts.push(`${f.path}\t${f.sha256}`);
  return contentSha256Hex(parts.join("\n"));
}

/**
 * Record `meta` and the counts and digest of what the database now holds;
 * returns the digest.
 */
export function finishMeta(db: DatabaseSync, meta: StoreMeta): string {
  const count = db.prepare("SELECT count(*) AS n FROM chunks").get() as { n: number };
  const digest = contentDigest(db);
  setMeta(db, { ...meta, chunks: String(Number(count.n)), content_sha256: digest });
  return digest;
}

/** Options for {@linkcode writeNewStore}. */
export interface NewStoreOptions {
  /** Progress of the row writes (stage `index`). */
  onProgress?: (p: PackProgress) => void;
}

/**
 * Fill a new database at `path` (which must not exist) with `files`, in
 * order; returns the content digest.
 */
export function writeNewStore(
  path: string,
  files: readonly FileRows[],
  meta: StoreMeta & NewStoreOptions,
): string {
  const { onProgress, ...values } = meta;
  const db = new DatabaseSync(path);
  try {
    // A temp file: a kill leaves it for the next sweep, so no journal is needed.
    db.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;");
    createStore(db);
    stampStore(db, path);
    db.exec("BEGIN");
    const rows = new RowWriter(db);
    files.forEach((f, i) => {
      rows.add(f, i);
      if (onProgress && (i % 200 === 0 || i === files.length - 1)) {
        onProgress({ stage: "index", done: i + 1, total: files.length });
      }
    });
    const digest = finishMeta(db, values);
    db.exec("COMMIT");
    db.exec("INSERT INTO chunks_fts(chunks_fts) VALUES ('optimize')");
    return digest;
  } finally {
    db.close();
  }
}

async function syncFile(path: string): Promise<void> {
  const f = await Deno.open(path, { read: true, write: true });
  try {
    await f.syncData();
  } finally {
    f.close();
  }
}

function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (err) {
    // Gone already is the goal; what cannot be removed now is removed by the
    // next build's sweep (removeStaleTemps).
    if (err instanceof Deno.errors.NotFound) return;
  }
}

/**
 * A directory (or anything but a file or symlink) where the pack goes
 * blocks the rename: move it aside, keeping what it holds.
 */
function moveAsideIfBlocking(abs: string, rel: string, suffix: string): string | undefined {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(abs);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw writeError(err, rel, "check");
  }
  if (info.isFile || info.isSymlink) return undefined;
  try {
    Deno.renameSync(abs, `${abs}.corrupt${suffix}`);
  } catch (err) {
    throw writeError(err, rel, "move aside");
  }
  return `${rel}.corrupt${suffix}`;
}

/** Remove a side file of the live pack, whatever it is (never followed; a directory is moved aside). */
function removeSide(path: string): void {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw writeError(err, PACK_REL, "check beside");
  }
  try {
    if (info.isDirectory) {
      Deno.renameSync(path, `${path}.corrupt-${crypto.randomUUID().slice(0, 8)}`);
    } else Deno.removeSync(path);
  } catch (err) {
    throw writeError(err, PACK_REL, "remove a side file of");
  }
}

/** What {@linkcode commitStore} did. */
export interface StoreCommit {
  /** Size of the new pack file in bytes. */
  bytes: number;
  /** Entries moved out of the way (a directory where the pack goes). */
  movedAside: string[];
}

/** Options for {@linkcode commitStore}. */
export interface CommitStoreOptions {
  /** Called once the temp file is complete, before the rename (tests). */
  beforeRename?: () => void;
}

/**
 * Write a new pack file with `fill` (given the temp path, in `_ctx/`), sync
 * it and rename it over the live one (see the module doc). The caller holds
 * the pack lock. Legacy files of older builds are removed afterwards.
 *
 * @throws {TrifectaError} `DISK_FULL`, `OUTPUT_NOT_WRITABLE`,
 * `PERMISSION_NOT_GRANTED`, `CTX_DIR_UNSAFE`; the previous pack is then
 * unchanged.
 */
export async function commitStore(
  segment: Segment,
  fill: (tmpPath: string) => void | Promise<void>,
  options: CommitStoreOptions = {},
): Promise<StoreCommit> {
  ensureCtxDir(segment);
  const suffix = `-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const live = join(segment.root, PACK_REL);
  const tmp = `${live}.tmp${suffix}`;
  try {
    try {
      await fill(tmp);
      await syncFile(tmp);
    } catch (err) {
      throw writeError(err, PACK_REL, "write");
    }
    options.beforeRename?.();
    const aside = moveAsideIfBlocking(live, PACK_REL, suffix);
    // No SQLite side file may sit next to the new pack (readers open it
    // immutable and ignore them; this is belt and braces): a shipped `-wal`
    // or hot `-journal` must never be taken for part of it.
    for (const side of ["-wal", "-shm", "-journal"]) removeSide(`${live}${side}`);
    try {
      Deno.renameSync(tmp, live);
    } catch (err) {
      throw writeError(err, PACK_REL, "replace");
    }
    removeLegacy(segment);
    return { bytes: Deno.statSync(live).size, movedAside: aside === undefined ? [] : [aside] };
  } finally {
    // SQLite may leave a journal next to a temp database it failed to write.
    for (const p of [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`]) removeQuietly(p);
  }
}

/**
 * Remove the JSON pack and separate index of builds before issue 16 (a
 * symlink planted there is removed, never followed).
 */
function removeLegacy(segment: Segment): void {
  for (const rel of [LEGACY_PACK_REL, LEGACY_INDEX_REL]) {
    const abs = join(segment.root, rel);
    try {
      const info = Deno.lstatSync(abs);
      if (info.isFile || info.isSymlink) Deno.removeSync(abs);
    } catch (err) {
      // Absent is the usual case; one that cannot be removed is harmless
      // (nothing reads it any more) and is tried again by the next build.
      if (err instanceof Deno.errors.NotFound) continue;
    }
  }
}

const TEMP_RE = /^context_(pack\.db|pack\.json|index\.db)\.(tmp|prev)-/;

/** Remove temp files a killed build or sync left in `_ctx/` (call with the lock held). */
export async function removeStaleTemps(segment: Segment): Promise<number> {
  let n = 0;
  const dir = ctxDir(segment);
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && TEMP_RE.test(e.name)) {
      await Deno.remove(join(dir, e.name));
      n++;
    }
  }
  return n;
}
