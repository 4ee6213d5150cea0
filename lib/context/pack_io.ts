/**
 * Reading the pack, and committing a new pack and index as one pair.
 *
 * Reading: the pack is one of trifecta's files in `_ctx` (see
 * `ctx_files.ts`): a regular file under a size cap, parsed, then checked
 * field by field (`pack_shape.ts`).
 *
 * Committing: both files are written whole to temp files in `_ctx/` and
 * synced before either is renamed, so a build that fails while writing (a
 * full disk, a read-only mount, a kill) leaves the previous pair untouched.
 * Then the index is renamed over the old one, then the pack; should the
 * pack's rename fail, the previous index (kept as a hard link) is put back.
 * Readers tell a pair apart by the `build_id` and the pack's size, recorded
 * in both: a reader that catches the moment between the two renames sees a
 * mismatch and reads again (see `pair.ts`). The index also records the
 * SHA-256 of the pack and carries this machine's stamp (see `trust.ts`).
 *
 * {@linkcode readPackFile} does not check that trust: callers outside the
 * pair (`ctx get`, MCP) use `readPack` of `pair.ts`, which does.
 *
 * @module
 */
import { join } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { optionalEnv } from "../env.ts";
import { contentSha256Hex, type Segment } from "../segment/mod.ts";
import { ctxDir, ensureCtxDir, readCtxFile, writeError } from "./ctx_files.ts";
import { writeIndex } from "./fts.ts";
import type { SymbolDef } from "./definitions.ts";
import { checkPackShape, packCorrupt } from "./pack_shape.ts";
import { type ContextPack, INDEX_REL, PACK_REL } from "./types.ts";

/** Largest pack read by default (512 MiB; env `TRIFECTA_PACK_MAX_BYTES`). */
export const DEFAULT_PACK_MAX_BYTES = 512 * 1024 * 1024;

/** A pack read from disk. */
export interface LoadedPack {
  /** The parsed pack. */
  pack: ContextPack;
  /** Size of the file in bytes. */
  bytes: number;
  /** First 16 hex digits of sha256 of the file. */
  packSha: string;
  /** Hex sha256 of the file (compared with the one its index records). */
  sha256: string;
  /** Modification time of the file (epoch ms). */
  mtimeMs: number | null;
}

/** Absolute path of the pack of a segment. */
export function packPath(segment: Segment): string {
  return join(segment.root, PACK_REL);
}

/** Absolute path of the search index of a segment. */
export function indexPath(segment: Segment): string {
  return join(segment.root, INDEX_REL);
}

/** The pack size cap: env `TRIFECTA_PACK_MAX_BYTES` (bytes), else the default. */
export function packMaxBytes(): number {
  const raw = optionalEnv("TRIFECTA_PACK_MAX_BYTES");
  if (raw !== undefined && /^\d+$/.test(raw) && Number(raw) > 0) return Number(raw);
  return DEFAULT_PACK_MAX_BYTES;
}

function notFound(): TrifectaError {
  return new TrifectaError("PACK_NOT_FOUND", `Context pack not found at ${PACK_REL}`, {
    nextSteps: ["Build it with: trifecta ctx build -s <segment>"],
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

const fatalDecoder = new TextDecoder("utf-8", { fatal: true });

/** The last pack read in this process, keyed by what lstat says of its file. */
let lastRead: { key: string; loaded: LoadedPack } | undefined;

/** What identifies one version of the pack file, or undefined when it cannot be told. */
function fileKey(path: string): string | undefined {
  try {
    const i = Deno.lstatSync(path);
    if (!i.isFile || i.ino === null) return undefined;
    return `${path}\0${i.dev}:${i.ino}:${i.size}:${i.mtime?.getTime()}:${i.ctime?.getTime()}`;
  } catch (err) {
    // Missing or unreadable: the read below names the error.
    if (err instanceof Error) return undefined;
    throw err;
  }
}

/**
 * Read, parse and check `_ctx/context_pack.json`, without checking that it
 * can be trusted (see `pair.ts` `readPack`). The file is read, parsed and
 * hashed once per process while lstat sees the same file (device, inode,
 * size, mtime, ctime).
 *
 * @throws {TrifectaError} `PACK_NOT_FOUND`; `PACK_CORRUPT` when it is not a
 * regular file, not UTF-8 JSON, or not shaped like a pack; `PACK_TOO_LARGE`
 * over the cap; `CTX_DIR_UNSAFE` when `_ctx` is a symlink.
 */
export function readPackFile(segment: Segment): Promise<LoadedPack> {
  try {
    return Promise.resolve(readPackFileSync(segment));
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Synchronous {@linkcode readPackFile}. */
export function readPackFileSync(segment: Segment): LoadedPack {
  const key = fileKey(packPath(segment));
  if (key !== undefined && lastRead?.key === key) return lastRead.loaded;
  const loaded = readPackUncached(segment);
  // Re-keyed after the read: a file replaced meanwhile is read again next time.
  const after = fileKey(packPath(segment));
  lastRead = key !== undefined && after === key ? { key, loaded } : undefined;
  return loaded;
}

function readPackUncached(segment: Segment): LoadedPack {
  const read = readCtxFile(segment, PACK_REL, {
    maxBytes: packMaxBytes(),
    notFound,
    corrupt: (reason) => packCorrupt(reason),
    tooLarge,
  });
  let value: unknown;
  try {
    value = JSON.parse(fatalDecoder.decode(read.bytes));
  } catch (err) {
    // The parser's message quotes the file: say only what kind of failure.
    const what = err instanceof TypeError ? "not valid UTF-8" : "not valid JSON";
    throw packCorrupt(what, err);
  }
  const sha256 = contentSha256Hex(read.bytes);
  return {
    pack: checkPackShape(value),
    bytes: read.size,
    packSha: sha256.slice(0, 16),
    sha256,
    mtimeMs: read.mtimeMs,
  };
}

/** The head of the pack on disk: its build id and size. */
export interface PackHead {
  /** `build_id`, read from the head of the file. */
  buildId: string;
  /** Size of the file in bytes. */
  bytes: number;
}

/**
 * The `build_id` and size of the pack on disk, read from the head of the
 * file only (the key is written near the top).
 *
 * @throws {TrifectaError} as {@linkcode readPackFile}; `PACK_CORRUPT` when the
 * head holds no build id.
 */
export function readPackHead(segment: Segment): PackHead {
  const read = readCtxFile(segment, PACK_REL, {
    maxBytes: Number.MAX_SAFE_INTEGER,
    headBytes: 4096,
    notFound,
    corrupt: (reason) => packCorrupt(reason),
  });
  const head = new TextDecoder().decode(read.bytes);
  const id = /^\{\s*"schema_version":\s*\d+,[^{}[\]]*?"build_id":\s*"([0-9A-Za-z-]{1,64})"/.exec(
    head,
  )?.[1];
  if (id === undefined) throw packCorrupt("no build_id at the head of the file");
  return { buildId: id, bytes: read.size };
}

/**
 * The `build_id` of the pack on disk (see {@linkcode readPackHead}).
 *
 * @throws {TrifectaError} as {@linkcode readPackHead}.
 */
export function readPackBuildId(segment: Segment): Promise<string> {
  try {
    return Promise.resolve(readPackHead(segment).buildId);
  } catch (err) {
    return Promise.reject(err);
  }
}

const TEMP_RE = /^context_(pack\.json|index\.db)\.(tmp|prev)-/;

/** Remove temp files a killed build left in `_ctx/` (call with the lock held). */
export async function removeStaleTemps(segment: Segment): Promise<number> {
  const dir = ctxDir(segment);
  let n = 0;
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && TEMP_RE.test(e.name)) {
      await Deno.remove(join(dir, e.name));
      n++;
    }
  }
  return n;
}

async function syncFile(path: string): Promise<void> {
  const f = await Deno.open(path, { read: true, write: true });
  try {
    await f.syncData();
  } finally {
    f.close();
  }
}

/** What {@linkcode commitPack} wrote. */
export interface CommitResult {
  /** Pack size in bytes. */
  bytes: number;
  /** First 16 hex digits of sha256 of the pack file. */
  packSha: string;
  /** Entries moved out of the way (a directory where the pack or index goes). */
  movedAside: string[];
}

/**
 * A directory (or anything but a file or symlink) where a file is to be
 * renamed blocks the rename: move it aside, keeping what it holds.
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
  const aside = `${rel}.corrupt${suffix}`;
  try {
    Deno.renameSync(abs, `${abs}.corrupt${suffix}`);
  } catch (err) {
    throw writeError(err, rel, "move aside");
  }
  return aside;
}

function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (err) {
    // Gone already is the goal; a temp file that cannot be removed now is
    // removed by the next build's sweep (removeStaleTemps).
    if (err instanceof Deno.errors.NotFound) return;
  }
}

/** Put the previous index back after the pack's rename failed. */
function restoreIndex(segment: Segment, prevIndex: string, kept: boolean): void {
  try {
    if (kept) Deno.renameSync(prevIndex, indexPath(segment));
    else Deno.removeSync(indexPath(segment));
  } catch (err) {
    // Readers still refuse the pair (the build ids differ): name what is left.
    throw new TrifectaError(
      "PACK_INDEX_MISMATCH",
      `The new index is in place but the pack could not be replaced, and the previous index could not be put back`,
      { cause: err, nextSteps: ["Run trifecta ctx build -s <segment> again"] },
    );
  }
}

/** Options for {@linkcode commitPack}. */
export interface CommitOptions {
  /** Called once both temp files are complete, before the renames (tests). */
  beforeRename?: () => void;
  /** The definitions of the pack's source files, for the index's symbol table. */
  definitions?: readonly SymbolDef[];
}

/**
 * Write the pack and its index as one pair (see the module doc). The caller
 * holds the pack lock.
 *
 * @throws {TrifectaError} `DISK_FULL`, `OUTPUT_NOT_WRITABLE`,
 * `PERMISSION_NOT_GRANTED`, `CTX_DIR_UNSAFE`; the previous pair is then
 * unchanged.
 */
export async function commitPack(
  segment: Segment,
  pack: ContextPack,
  options: CommitOptions = {},
): Promise<CommitResult> {
  ensureCtxDir(segment);
  const suffix = `-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const tmpIndex = `${indexPath(segment)}.tmp${suffix}`;
  const tmpPack = `${packPath(segment)}.tmp${suffix}`;
  const prevIndex = `${indexPath(segment)}.prev${suffix}`;
  const data = new TextEncoder().encode(JSON.stringify(pack, null, 2) + "\n");
  const sha256 = contentSha256Hex(data);
  try {
    try {
      writeIndex(tmpIndex, pack, {
        packBytes: data.length,
        packSha256: sha256,
        definitions: options.definitions,
      });
      await syncFile(tmpIndex);
    } catch (err) {
      throw writeError(err, INDEX_REL, "write");
    }
    try {
      const f = await Deno.open(tmpPack, { write: true, createNew: true });
      try {
        let off = 0;
        while (off < data.length) off += await f.write(data.subarray(off));
        await f.syncData();
      } finally {
        f.close();
      }
    } catch (err) {
      throw writeError(err, PACK_REL, "write");
    }
    options.beforeRename?.();
    const movedAside = [
      moveAsideIfBlocking(indexPath(segment), INDEX_REL, suffix),
      moveAsideIfBlocking(packPath(segment), PACK_REL, suffix),
    ].filter((m): m is string => m !== undefined);
    let kept = false;
    try {
      Deno.linkSync(indexPath(segment), prevIndex);
      kept = true;
    } catch (err) {
      // No previous index (first build), or a file system without hard
      // links: the pair is then only as safe as the two renames.
      if (
        !(err instanceof Deno.errors.NotFound) && !(err instanceof Deno.errors.PermissionDenied)
      ) {
        throw writeError(err, INDEX_REL, "keep the previous");
      }
    }
    try {
      Deno.renameSync(tmpIndex, indexPath(segment));
    } catch (err) {
      throw writeError(err, INDEX_REL, "replace");
    }
    try {
      Deno.renameSync(tmpPack, packPath(segment));
    } catch (err) {
      restoreIndex(segment, prevIndex, kept);
      throw writeError(err, PACK_REL, "replace");
    }
    return { bytes: data.length, packSha: sha256.slice(0, 16), movedAside };
  } finally {
    // SQLite may leave a journal next to a temp index it failed to write.
    for (const p of [tmpIndex, `${tmpIndex}-journal`, tmpPack, prevIndex]) removeQuietly(p);
  }
}
