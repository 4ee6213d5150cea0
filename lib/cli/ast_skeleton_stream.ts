/**
 * The output path of `ast skeleton`: files' entries written in input order
 * as soon as each is ready ({@linkcode OrderedEntries}: gathered into
 * chunks of {@linkcode CHUNK_CHARS}, one write each), and the warm path
 * ({@linkcode serveFromManifest}): a file whose stat matches its manifest
 * row (lib/cache/manifest.ts) is written out as stored (its `--json` entry
 * or its text outline), neither read, hashed, parsed nor re-serialised.
 *
 * @module
 */
import type { FileManifest } from "../cache/manifest_access.ts";
import { type ManifestRow, manifestServes, stampOf } from "../cache/manifest.ts";
import type { SourceFile } from "../ast/skeleton_lookup.ts";

/** Characters gathered before one write to the output. */
export const CHUNK_CHARS = 64 * 1024;

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

/** Options for {@linkcode OrderedEntries}. */
export interface OrderedEntriesOptions {
  /** Write chunks as they fill (true), or everything at {@linkcode OrderedEntries.flush}. */
  stream: boolean;
  /** Written between two entries (`,` for a JSON array). */
  separator: string;
}

/**
 * Entries of files put in any order, written in index order: an entry
 * waits only for the files before it.
 *
 * @example
 * ```ts
 * import { OrderedEntries } from "./ast_skeleton_stream.ts";
 * import { equal } from "node:assert/strict";
 * let out = "";
 * const entries = new OrderedEntries((t) => (out += t), { stream: true, separator: "," });
 * entries.raw("[");
 * entries.put(1, "b");
 * entries.put(2, "");
 * entries.put(0, "a");
 * entries.raw("]");
 * entries.flush();
 * equal(out, "[a,b]");
 * ```
 */
export class OrderedEntries {
  readonly #write: (text: string) => void;
  readonly #options: OrderedEntriesOptions;
  /**
   * Entries that came before their turn: as text up to {@linkcode CHUNK_CHARS}
   * in all, past that as UTF-8 bytes, off the JS heap, so the many entries a
   * slow earlier file holds back never survive a young collection (each
   * survival makes V8 grow the young generation, for good in a busy run).
   */
  readonly #pending = new Map<number, Uint8Array | string>();
  /** Characters of the entries held in `#pending` as text. */
  #pendingChars = 0;
  #next = 0;
  #chunk: string[] = [];
  #chunkChars = 0;
  #entries = 0;
  #written = false;

  /** Entries written through `write`. */
  constructor(write: (text: string) => void, options: OrderedEntriesOptions) {
    this.#write = write;
    this.#options = options;
  }

  /** True once anything reached the output (an error can no longer replace it). */
  get written(): boolean {
    return this.#written;
  }

  /** File `index`'s entry (`""`: the file has none, e.g. skipped). */
  put(index: number, text: string): void {
    if (index !== this.#next) {
      const asText = this.#pendingChars + text.length <= CHUNK_CHARS;
      if (asText) this.#pendingChars += text.length;
      this.#pending.set(index, asText ? text : ENCODER.encode(text));
      return;
    }
    this.#next++;
    this.#entry(text);
    for (
      let t = this.#pending.get(this.#next);
      t !== undefined;
      t = this.#pending.get(this.#next)
    ) {
      this.#pending.delete(this.#next++);
      if (typeof t === "string") this.#pendingChars -= t.length;
      this.#entry(typeof t === "string" ? t : DECODER.decode(t));
    }
  }

  #entry(text: string): void {
    if (text === "") return;
    if (this.#entries++ > 0) this.raw(this.#options.separator);
    this.raw(text);
  }

  /** Text outside the entries (a document's head or tail). */
  raw(text: string): void {
    this.#chunk.push(text);
    this.#chunkChars += text.length;
    if (this.#options.stream && this.#chunkChars >= CHUNK_CHARS) this.flush();
  }

  /** Write what is gathered. */
  flush(): void {
    if (this.#chunkChars === 0) return;
    const text = this.#chunk.join("");
    this.#chunk = [];
    this.#chunkChars = 0;
    this.#written = true;
    this.#write(text);
  }
}

/**
 * A file's `--json` entry from its stored output (an object serialised
 * once, without the cache fields): the cache fields appended, as
 * `JSON.stringify` of the whole would place them.
 *
 * @example
 * ```ts
 * import { withCacheFields } from "./ast_skeleton_stream.ts";
 * import { equal } from "node:assert/strict";
 * equal(withCacheFields('{"path":"a.py"}', "hit", "k"), '{"path":"a.py","cache_status":"hit","cache_key":"k"}');
 * ```
 */
export function withCacheFields(stored: string, status: string, key: string | undefined): string {
  const keyField = key === undefined ? "" : `,"cache_key":${JSON.stringify(key)}`;
  return `${stored.slice(0, -1)},"cache_status":${JSON.stringify(status)}${keyField}}`;
}

/** What {@linkcode serveFromManifest} left to the batch. */
export interface ManifestMisses {
  /** Files to look up, read and parse, in input order. */
  files: SourceFile[];
  /** Each one's index in the input. */
  indexes: number[];
}

/** Options for {@linkcode serveFromManifest}. */
export interface ServeOptions {
  /** The segment's id (rows of another segment are never served). */
  segmentId: string;
  /** The run's size cap: a row of a larger file is not served (the read would refuse it). */
  maxBytes: number;
  /** Called for each file served, in input order. */
  onHit: (index: number, row: ManifestRow) => void;
  /**
   * For a text run: how a file's recorded text outline must start (a row
   * without one, written before text outlines were kept, is not served).
   */
  textHeadOf?: (rel: string) => string;
}

/**
 * Serve every file whose stat matches its manifest row (see
 * `manifestServes`) and whose row carries its genuine tag (`rowTag`); hand
 * back the rest. Only the walked files are asked about, so a file the walk
 * now leaves out (denied, outside, ignored) is never served. A file that
 * cannot be stat'ed goes to the batch, whose read names the failure.
 */
export async function serveFromManifest(
  files: readonly SourceFile[],
  manifest: FileManifest,
  options: ServeOptions,
): Promise<ManifestMisses> {
  // Stage stat: the rows whose stat still matches.
  const candidates = files.map((file) => {
    const row = manifest.rows.get(file.rel);
    if (row === undefined || row.size > options.maxBytes) return undefined;
    const stamp = statStamp(file.abs);
    const check = {
      segmentId: options.segmentId,
      fileRel: file.rel,
      textHead: options.textHeadOf?.(file.rel),
    };
    return stamp !== undefined && manifestServes(row, stamp, check) ? row : undefined;
  });
  // Stage tag: every candidate's MAC at once (native, off the JS thread's work);
  // with no log at open every row is genuine, and no promise is made per row.
  const genuine = manifest.checksTags
    ? await Promise.all(candidates.map((row) => row && manifest.genuine(row)))
    : undefined;
  const misses: ManifestMisses = { files: [], indexes: [] };
  const served: { index: number; row: ManifestRow }[] = [];
  for (const [index, file] of files.entries()) {
    const row = candidates[index];
    if (row !== undefined && (genuine === undefined || genuine[index] === true)) {
      served.push({ index, row });
      continue;
    }
    misses.files.push(file);
    misses.indexes.push(index);
  }
  // Counted before any is written, all at once (one write-back, see `hit`).
  manifest.hit(served.map((s) => s.row));
  for (const { index, row } of served) options.onHit(index, row);
  return misses;
}

/** The stat of a regular file, or undefined (gone, not a file: the batch reports it). */
export function statStamp(abs: string): ReturnType<typeof stampOf> {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(abs);
  } catch {
    // Not served by stat: the batch's read gives the named error or skip.
    return undefined;
  }
  return info.isFile ? stampOf(info) : undefined;
}
