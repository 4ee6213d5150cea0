/**
 * Reading the pack, and committing a new pack and index atomically: both are
 * written to temp files in `_ctx/`, synced, then renamed over the old ones
 * (index first, pack last), so a reader or a killed build never sees a
 * half-written file.
 *
 * @module
 */
import { join } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { contentSha256Hex, type Segment } from "../segment/mod.ts";
import { writeIndex } from "./fts.ts";
import { type ContextPack, INDEX_REL, PACK_REL } from "./types.ts";

/** A pack read from disk. */
export interface LoadedPack {
  /** The parsed pack. */
  pack: ContextPack;
  /** Size of the file in bytes. */
  bytes: number;
  /** First 16 hex digits of sha256 of the file. */
  packSha: string;
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

function notFound(): TrifectaError {
  return new TrifectaError("PACK_NOT_FOUND", `Context pack not found at ${PACK_REL}`, {
    nextSteps: ["Build it with: trifecta ctx build -s <segment>"],
  });
}

/**
 * Read and parse `_ctx/context_pack.json`.
 *
 * @throws {TrifectaError} `PACK_NOT_FOUND`, or `PACK_CORRUPT` when it is not
 * a pack.
 */
export async function readPack(segment: Segment): Promise<LoadedPack> {
  let bytes: Uint8Array;
  let mtimeMs: number | null = null;
  try {
    bytes = await Deno.readFile(packPath(segment));
    mtimeMs = (await Deno.stat(packPath(segment))).mtime?.getTime() ?? null;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw notFound();
    throw err;
  }
  let pack: ContextPack;
  try {
    pack = JSON.parse(new TextDecoder().decode(bytes)) as ContextPack;
  } catch (err) {
    throw new TrifectaError(
      "PACK_CORRUPT",
      `Failed to parse context pack: ${(err as Error).message}`,
      {
        cause: err,
        nextSteps: ["Rebuild it with: trifecta ctx build -s <segment>"],
      },
    );
  }
  if (
    typeof pack !== "object" || pack === null || !Array.isArray(pack.chunks) ||
    !Array.isArray(pack.source_files) || !Array.isArray(pack.index)
  ) {
    throw new TrifectaError(
      "PACK_CORRUPT",
      "Failed to parse context pack: missing chunks, index or source_files",
      {
        nextSteps: ["Rebuild it with: trifecta ctx build -s <segment>"],
      },
    );
  }
  return { pack, bytes: bytes.length, packSha: contentSha256Hex(bytes).slice(0, 16), mtimeMs };
}

/**
 * The `build_id` of the pack on disk, read from the head of the file only
 * (the key is written near the top), or undefined when there is none.
 */
export async function readPackBuildId(segment: Segment): Promise<string | undefined> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(packPath(segment), { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw notFound();
    throw err;
  }
  try {
    const buf = new Uint8Array(1024);
    const n = (await file.read(buf)) ?? 0;
    const head = new TextDecoder().decode(buf.subarray(0, n));
    return /"build_id":\s*"([^"]+)"/.exec(head)?.[1];
  } finally {
    file.close();
  }
}

/** Remove temp files a killed build left in `_ctx/` (call with the lock held). */
export async function removeStaleTemps(segment: Segment): Promise<number> {
  const dir = join(segment.root, "_ctx");
  let n = 0;
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && /^context_(pack\.json|index\.db)\.tmp-/.test(e.name)) {
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
}

/**
 * Write the pack and its index atomically (temp file, sync, rename). The
 * caller holds the pack lock.
 */
export async function commitPack(segment: Segment, pack: ContextPack): Promise<CommitResult> {
  const suffix = `.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const tmpIndex = indexPath(segment) + suffix;
  const tmpPack = packPath(segment) + suffix;
  try {
    writeIndex(tmpIndex, pack);
    await syncFile(tmpIndex);
    const data = new TextEncoder().encode(JSON.stringify(pack, null, 2) + "\n");
    const f = await Deno.open(tmpPack, { write: true, createNew: true });
    try {
      let off = 0;
      while (off < data.length) off += await f.write(data.subarray(off));
      await f.syncData();
    } finally {
      f.close();
    }
    await Deno.rename(tmpIndex, indexPath(segment));
    await Deno.rename(tmpPack, packPath(segment));
    return { bytes: data.length, packSha: contentSha256Hex(data).slice(0, 16) };
  } catch (err) {
    for (const p of [tmpIndex, tmpPack]) {
      await Deno.remove(p).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      });
    }
    throw err;
  }
}
