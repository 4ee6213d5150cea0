/**
 * Reading the pack: one SQLite database, `_ctx/context_pack.db` (schema in
 * `store_schema.ts`, writes in `store_write.ts`).
 *
 * The database is one of trifecta's files in `_ctx` (see `ctx_files.ts`):
 * a regular file (a symlink, directory or FIFO in its place is
 * `PACK_CORRUPT`) under a size cap (`PACK_TOO_LARGE` without a byte read),
 * carrying this machine's stamp in its header, read before SQLite opens it
 * (`PACK_UNTRUSTED` otherwise, see `trust.ts`), of the current schema.
 * Rows are checked field by field (`pack_shape.ts`) before anything uses
 * them: a wrong type is `PACK_CORRUPT`, a database SQLite cannot read
 * `INDEX_CORRUPT`.
 *
 * {@linkcode readPackFile} loads the whole pack (search, validate, MCP);
 * {@linkcode readPackChunks} reads only the rows of some chunks (`ctx get`).
 *
 * @module
 */
import { join } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { optionalEnv } from "../env.ts";
import { isDeniedAny, type Segment } from "../segment/mod.ts";
import { checkCtxDir, ctxFileState } from "./ctx_files.ts";
import { INDEX_SCHEMA_VERSION, indexCorrupt, indexError, IndexReader } from "./fts.ts";
import { checkPackShape, packCorrupt } from "./pack_shape.ts";
import { type StoredText, unpackTexts } from "./store_text.ts";
import { previewOf } from "./text.ts";
import { indexHeaderState, UNSTAMPED_REASON, untrustedError } from "./trust.ts";
import { type ContextPack, LEGACY_PACK_REL, PACK_REL, PACK_SCHEMA_VERSION } from "./types.ts";

/** Largest pack database opened by default (512 MiB; env `TRIFECTA_PACK_MAX_BYTES`). */
export const DEFAULT_PACK_MAX_BYTES = 512 * 1024 * 1024;

/** A pack read from disk. */
export interface LoadedPack {
  /** The pack (whole, or only the chunks asked for; see {@linkcode readPackChunks}). */
  pack: ContextPack;
  /** Size of the database file in bytes. */
  bytes: number;
  /** First 16 hex digits of the pack's content digest. */
  packSha: string;
  /** Hex content digest (sha256 of the chunk ids and file hashes, see `store_write.ts`). */
  sha256: string;
  /** Modification time of the file (epoch ms). */
  mtimeMs: number | null;
}

/** Absolute path of the pack of a segment. */
export function packPath(segment: Segment): string {
  return join(segment.root, PACK_REL);
}

/** Absolute path of the search index of a segment (inside the pack since issue 16). */
export function indexPath(segment: Segment): string {
  return packPath(segment);
}

/** The pack size cap: env `TRIFECTA_PACK_MAX_BYTES` (bytes), else the default. */
export function packMaxBytes(): number {
  const raw = optionalEnv("TRIFECTA_PACK_MAX_BYTES");
  if (raw !== undefined && /^\d+$/.test(raw) && Number(raw) > 0) return Number(raw);
  return DEFAULT_PACK_MAX_BYTES;
}

function legacyPresent(segment: Segment): boolean {
  return ctxFileState(segment, LEGACY_PACK_REL) !== "missing";
}

function notFound(segment: Segment): TrifectaError {
  const old = legacyPresent(segment)
    ? ` (only ${LEGACY_PACK_REL}, a pack of an older trifecta, which is no longer read)`
    : "";
  return new TrifectaError("PACK_NOT_FOUND", `Context pack not found at ${PACK_REL}${old}`, {
    nextSteps: [
      "Build it with: trifecta ctx build -s <segment>",
      "In an MCP session: call the pack_sync tool",
    ],
  });
}

function tooLarge(bytes: number, max: number): TrifectaError {
  return new TrifectaError(
    "PACK_TOO_LARGE",
    `Context pack ${PACK_REL} is ${bytes} bytes or more, over the cap of ${max}`,
    {
      details: { bytes, max_bytes: max },
      nextSteps: [
        "Rebuild it with: trifecta ctx build -s <segment> (on a narrower segment)",
        "Or raise the cap with TRIFECTA_PACK_MAX_BYTES=<bytes>",
      ],
    },
  );
}

/** What lstat says of the pack file now (regular file checked by the caller). */
function fileInfo(segment: Segment): Deno.FileInfo {
  return Deno.lstatSync(packPath(segment));
}

/**
 * Open the pack database read-only after checking that it is a regular file
 * under the cap, stamped by a build on this machine, of the current schema,
 * with a build id. The caller closes it.
 *
 * @throws {TrifectaError} `PACK_NOT_FOUND`, `PACK_CORRUPT`, `PACK_TOO_LARGE`,
 * `PACK_UNTRUSTED`, `INDEX_CORRUPT`, `CTX_DIR_UNSAFE`.
 */
export function openStore(segment: Segment): IndexReader {
  if (!checkCtxDir(segment)) throw notFound(segment);
  const state = ctxFileState(segment, PACK_REL);
  if (state === "missing") throw notFound(segment);
  if (state !== "ok") throw packCorrupt(state);
  const size = fileInfo(segment).size;
  if (size > packMaxBytes()) throw tooLarge(size, packMaxBytes());
  let header;
  try {
    header = indexHeaderState(packPath(segment));
  } catch (err) {
    throw indexError(err);
  }
  if (header === "not_sqlite") throw indexCorrupt("not a database");
  if (header === "unstamped") throw untrustedError(UNSTAMPED_REASON);
  clearSideFiles(segment);
  const reader = new IndexReader(packPath(segment));
  try {
    const version = reader.query((db) =>
      Number((db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version)
    );
    if (version !== INDEX_SCHEMA_VERSION) {
      throw packCorrupt(`schema ${version}, not ${INDEX_SCHEMA_VERSION}`);
    }
    if (reader.meta("build_id") === undefined) throw indexCorrupt("it records no build id");
  } catch (err) {
    reader.close();
    throw err;
  }
  return reader;
}

/**
 * SQLite reads `<db>-wal` and `<db>-journal` beside a database as part of
 * it (a WAL's frames replace pages; a hot journal is rolled back; a FIFO
 * there blocks the open for ever). trifecta never writes either next to the
 * live pack (every write renames a whole new file over it, and `commitStore`
 * removes any it finds), so one there came from elsewhere — shipped with
 * the repository, or a `git pull` after the build — and is removed (never
 * opened or followed) before SQLite opens the pack; one that cannot be
 * removed (a directory, no write permission) makes the pack refused until
 * `ctx build` or `ctx sync`. (SQLite's `immutable` URI flag would ignore
 * them, but Deno's node:sqlite takes no URI filename under granular
 * permissions.)
 */
function clearSideFiles(segment: Segment): void {
  for (const side of ["-wal", "-journal", "-shm"]) {
    const rel = `${PACK_REL}${side}`;
    const state = ctxFileState(segment, rel);
    if (state === "missing") continue;
    try {
      if (state === "it is a directory") throw new Error("a directory");
      Deno.removeSync(join(segment.root, rel));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue;
      throw untrustedError(
        `${rel} sits next to the pack and cannot be removed: trifecta never writes one there (shipped with the repository?)`,
      );
    }
  }
}

const CHUNK_COLUMNS = `c.id AS id, c.kind AS kind, c.title_path AS title_path, c.seq AS seq,
  c.char_count AS char_count, c.token_est AS token_est, c.path AS source_path,
  c.method AS chunking_method, c.start_line AS start_line, c.end_line AS end_line,
  c.symbol AS symbol, c.symbol_kind AS symbol_kind, c.symbol_names AS symbol_names`;

/** A JSON array column, parsed; anything else is left for the shape check to name. */
function jsonColumn(v: unknown, at: string): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch (err) {
    throw packCorrupt(`${at} is not valid JSON`, err);
  }
}

/** Each file's stored chunk texts (`store_text.ts`), decoded on first use. */
class FileTexts {
  #reader: IndexReader;
  #decoded = new Map<string, StoredText[]>();

  /** Read texts from `reader`. */
  constructor(reader: IndexReader) {
    this.#reader = reader;
  }

  /** Decode every file's texts at once (a whole load). */
  preload(): void {
    const rows = this.#reader.query((db) =>
      db.prepare("SELECT path, texts FROM source_files").all()
    ) as { path: unknown; texts: unknown }[];
    for (const r of rows) this.#put(String(r.path), r.texts);
  }

  #put(path: string, value: unknown): StoredText[] {
    const texts = unpackTexts(value);
    if (texts === undefined) throw packCorrupt(`source_files.texts of a file is not stored texts`);
    this.#decoded.set(path, texts);
    return texts;
  }

  /** The text and skeleton of chunk `seq` of the file `path`, or undefined. */
  of(path: string, seq: number): StoredText | undefined {
    let texts = this.#decoded.get(path);
    if (texts === undefined) {
      const row = this.#reader.query((db) =>
        db.prepare("SELECT texts FROM source_files WHERE path = ?").get(path)
      ) as { texts: unknown } | undefined;
      if (row === undefined) return undefined;
      texts = this.#put(path, row.texts);
    }
    return texts[seq];
  }
}

/** A chunk row as the pack's chunk object (its fields checked by the caller). */
function chunkOfRow(
  r: Record<string, unknown>,
  i: number,
  texts: FileTexts,
): Record<string, unknown> {
  // `doc` is `kind:path` by construction (build_chunks.ts): derived, not stored.
  const out: Record<string, unknown> = { ...r, doc: `${r.kind}:${r.source_path}` };
  delete out.seq;
  out.title_path = jsonColumn(r.title_path, `chunks[${i}].title_path`);
  out.symbol_names = jsonColumn(r.symbol_names, `chunks[${i}].symbol_names`);
  const stored = texts.of(String(r.source_path), Number(r.seq));
  if (stored === undefined) throw packCorrupt(`chunks[${i}].text is not stored`);
  out.text = stored[0];
  out.skeleton = stored[1];
  for (const k of ["symbol", "symbol_kind", "symbol_names", "skeleton"]) {
    if (out[k] === null || out[k] === undefined) delete out[k];
  }
  return out;
}

/** The pack from `rows` of chunks and `sources`, checked field by field. */
function packOfRows(
  reader: IndexReader,
  rows: Record<string, unknown>[],
  parts: { sources: unknown[]; texts: FileTexts },
): ContextPack {
  const chunks = rows.map((r, i) => chunkOfRow(r, i, parts.texts));
  const sources = parts.sources;
  return checkPackShape({
    schema_version: PACK_SCHEMA_VERSION,
    segment: reader.meta("segment") ?? "segment",
    created_at: reader.meta("created_at") ?? "",
    build_id: reader.meta("build_id") ?? "",
    source_files: sources,
    chunks,
    index: chunks.map((c) => ({
      id: c.id,
      // Joined only when it is strings: the shape check below names anything else
      // (a deeply nested array would make join() recurse past the stack).
      title_path_norm: Array.isArray(c.title_path) &&
          c.title_path.every((t: unknown) => typeof t === "string")
        ? c.title_path.join(" > ")
        : "",
      // Derived from the text, not stored (200 characters of every chunk).
      preview: typeof c.text === "string" ? previewOf(c.text) : "",
      token_est: c.token_est,
    })),
  });
}

/** Source-file rows (no texts), in pack order, unchecked: the caller checks their shape. */
export function sourceRows(reader: IndexReader, where = "", args: string[] = []): unknown[] {
  return reader.query((db) =>
    db.prepare(
      `SELECT path, sha256, mtime, chars, bytes FROM source_files ${where} ORDER BY ord`,
    ).all(...args)
  );
}

/** The whole pack held by an open store. */
export function loadStore(reader: IndexReader): ContextPack {
  const rows = reader.query((db) =>
    db.prepare(
      `SELECT ${CHUNK_COLUMNS} FROM chunks AS c JOIN source_files AS f ON f.path = c.path
       ORDER BY f.ord, c.seq`,
    ).all() as Record<string, unknown>[]
  );
  const texts = new FileTexts(reader);
  texts.preload();
  return packOfRows(reader, rows, { sources: sourceRows(reader), texts });
}

/** The chunks `ids` (those that exist) and the records of their files. */
export function loadChunks(reader: IndexReader, ids: readonly string[]): ContextPack {
  const rows: Record<string, unknown>[] = [];
  const one = reader.query((db) =>
    db.prepare(
      `SELECT ${CHUNK_COLUMNS} FROM chunks AS c JOIN source_files AS f ON f.path = c.path
       WHERE c.id = ?`,
    )
  );
  for (const id of new Set(ids)) {
    const row = reader.query(() => one.get(id) as Record<string, unknown> | undefined);
    if (row) rows.push(row);
  }
  const paths = [...new Set(rows.map((r) => String(r.source_path)))];
  const marks = paths.map(() => "?").join(",");
  const sources = paths.length === 0 ? [] : sourceRows(reader, `WHERE path IN (${marks})`, paths);
  return packOfRows(reader, rows, { sources, texts: new FileTexts(reader) });
}

/** Whether the segment's denylist (with its config globs) lets `path` be served now. */
export function servedPath(segment: Segment, path: string): boolean {
  return !isDeniedAny(path, segment.extraDeny);
}

/**
 * The pack without what the segment's denylist refuses now: a file denied
 * after the build (a `deny` glob added to the config, docs/config.md) is
 * never served from a pack built before, until a sync drops its rows.
 */
function servedOnly(segment: Segment, pack: ContextPack): ContextPack {
  const denied = (path: string) => !servedPath(segment, path);
  if (
    !pack.source_files.some((f) => denied(f.path)) &&
    !pack.chunks.some((c) => denied(c.source_path))
  ) {
    return pack;
  }
  const chunks = pack.chunks.filter((c) => !denied(c.source_path));
  const kept = new Set(chunks.map((c) => c.id));
  return {
    ...pack,
    source_files: pack.source_files.filter((f) => !denied(f.path)),
    chunks,
    index: pack.index.filter((e) => kept.has(e.id)),
  };
}

/** A loaded pack with what the file and its meta say of it. */
function loadedOf(segment: Segment, reader: IndexReader, raw: ContextPack): LoadedPack {
  const pack = servedOnly(segment, raw);
  const sha256 = reader.meta("content_sha256") ?? "";
  let info: Deno.FileInfo | undefined;
  try {
    info = fileInfo(segment);
  } catch (err) {
    // Replaced or removed since it was opened: the open handle still reads
    // the file it opened; only the size and mtime shown are unknown.
    if (!(err instanceof Error)) throw err;
  }
  return {
    pack,
    bytes: info?.size ?? 0,
    packSha: sha256.slice(0, 16),
    sha256,
    mtimeMs: info?.mtime?.getTime() ?? null,
  };
}

/** The last whole pack read in this process, by its build id and what lstat says of its file. */
let lastRead: { key: string; loaded: LoadedPack } | undefined;

/** What identifies one version of the pack file, or undefined when it cannot be told. */
function fileKey(segment: Segment): string | undefined {
  try {
    const i = fileInfo(segment);
    if (!i.isFile || i.ino === null) return undefined;
    // The deny globs too: the pack kept is the one they filtered (servedOnly).
    const deny = JSON.stringify(segment.extraDeny ?? []);
    return `${segment.root}\0${deny}\0${i.dev}:${i.ino}:${i.size}:${i.mtime?.getTime()}:${i.ctime?.getTime()}`;
  } catch (err) {
    // Missing or unreadable now: no reuse, the load below reads the handle.
    if (err instanceof Error) return undefined;
    throw err;
  }
}

/**
 * The whole pack held by `reader` (opened on `segment`'s pack). Read once
 * per process while the file is the same (device, inode, size, mtime,
 * ctime) and records the same build id (every write records a new one).
 */
export function loadWhole(segment: Segment, reader: IndexReader): LoadedPack {
  const file = fileKey(segment);
  const key = file === undefined ? undefined : `${file}\0${reader.meta("build_id") ?? ""}`;
  if (key !== undefined && lastRead?.key === key) return lastRead.loaded;
  const loaded = loadedOf(segment, reader, loadStore(reader));
  lastRead = key !== undefined && fileKey(segment) === file ? { key, loaded } : undefined;
  return loaded;
}

/**
 * Read the whole pack, trusted (see the module doc).
 *
 * @throws {TrifectaError} as {@linkcode openStore}.
 */
export function readPackFileSync(segment: Segment): LoadedPack {
  const reader = openStore(segment);
  try {
    return loadWhole(segment, reader);
  } finally {
    reader.close();
  }
}

/** {@linkcode readPackFileSync}, as a promise. */
export function readPackFile(segment: Segment): Promise<LoadedPack> {
  try {
    return Promise.resolve(readPackFileSync(segment));
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Read only the chunks `ids` of the trusted pack (and their files' records):
 * one indexed row per id, whatever the pack's size. Ids not in the pack are
 * absent from the result.
 *
 * @throws {TrifectaError} as {@linkcode openStore}.
 */
export function readPackChunksSync(segment: Segment, ids: readonly string[]): LoadedPack {
  const reader = openStore(segment);
  try {
    return loadedOf(segment, reader, loadChunks(reader, ids));
  } finally {
    reader.close();
  }
}

/** {@linkcode readPackChunksSync}, as a promise. */
export function readPackChunks(segment: Segment, ids: readonly string[]): Promise<LoadedPack> {
  try {
    return Promise.resolve(readPackChunksSync(segment, ids));
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * The source-file records of the trusted pack (no chunk read): what a stale
 * check compares with the disk. Checked field by field.
 *
 * @throws {TrifectaError} as {@linkcode openStore}.
 */
export function readSourceRecords(segment: Segment): ContextPack["source_files"] {
  const reader = openStore(segment);
  try {
    return checkedSourceRows(reader);
  } finally {
    reader.close();
  }
}

/**
 * Every source-file record of an open pack, checked field by field, without
 * reading a chunk (`PACK_CORRUPT` names the first bad one).
 */
export function checkedSourceRows(reader: IndexReader): ContextPack["source_files"] {
  return checkPackShape({
    schema_version: PACK_SCHEMA_VERSION,
    segment: "segment",
    created_at: "",
    build_id: "",
    source_files: sourceRows(reader),
    chunks: [],
    index: [],
  }).source_files;
}
