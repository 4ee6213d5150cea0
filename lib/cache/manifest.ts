/**
 * The file manifest of a persistent cache (schema v4, table `manifest`):
 * one row per file, its stat (size, mtime, ctime, inode, device) → the key
 * of its skeleton entry, that file's `ast skeleton --json` entry as
 * written out (`out`, serialised once) and its text outline (`text`), with
 * the counts the run's totals need. An unchanged file is then neither read
 * nor hashed nor parsed: a warm run stats it, compares, and writes `out`
 * (or `text`) as stored.
 *
 * When a row is served is decided by {@linkcode manifestServes} (see
 * docs/cache.md, "Manifest"). A row lives only as long as its cache entry
 * (trigger `manifest_entry_gone`), and {@linkcode ManifestStore.load} joins
 * the two, so eviction, prune, `cache clear` and the untrusted-file wipe
 * take the manifest with them.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { MTIME_TRUST_WINDOW_MS } from "./limits.ts";
import { CACHE_KEY_VERSION } from "./types.ts";

/** What the manifest compares: the file's stat. */
export interface FileStamp {
  /** Size in bytes. */
  size: number;
  /** Modification time, ms since the epoch. */
  mtimeMs: number;
  /** Status change time, ms since the epoch (Deno reports whole seconds). */
  ctimeMs: number;
  /** Inode number. */
  ino: number;
  /** Device number. */
  dev: number;
}

/** The totals one file adds to a skeleton run. */
export interface ManifestCounts {
  /** The file had syntax errors (recovered). */
  has_errors: boolean;
  /** Source bytes. */
  bytes: number;
  /** Text outline bytes. */
  skeleton_bytes: number;
  /** Functions and methods. */
  functions: number;
  /** Classes. */
  classes: number;
  /** Every symbol. */
  symbols: number;
}

/** One file's manifest row. */
export interface ManifestRow extends FileStamp {
  /** Segment-relative path. */
  fileRel: string;
  /** Cache key of the file's skeleton entry. */
  key: string;
  /** When the content behind this stat was last checked (ms): no later than the read. */
  verifiedAtMs: number;
  /** The file's output entry, serialised once (a JSON object). */
  out: string;
  /** The file's text outline as `ast skeleton` prints it (escaped), or `""` when not recorded. */
  text: string;
  /** Counts for the run's totals. */
  counts: ManifestCounts;
  /** The entry's last access (s since the epoch) when loaded; 0 when not loaded. */
  entryAccessSec?: number;
  /** {@linkcode rowTag} of the row (set when written). */
  tag?: string;
}

/** Hex characters of the content hash in a cache key. */
const KEY_HASH_CHARS = 16;
/** Ctime is reported in whole seconds: it may lag the real change by up to this. */
const CTIME_GRAIN_MS = 1000;

/**
 * The stat the manifest compares, or undefined when the platform gives no
 * mtime, ctime or inode (then nothing is served by stat).
 *
 * @example
 * ```ts
 * import { stampOf } from "./manifest.ts";
 * import { equal, ok } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/a.py`, "x = 1\n");
 * const stamp = stampOf(Deno.statSync(`${dir}/a.py`));
 * ok(stamp !== undefined);
 * equal(stamp.size, 6);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function stampOf(info: Deno.FileInfo): FileStamp | undefined {
  const mtimeMs = info.mtime?.getTime();
  const ctimeMs = info.ctime?.getTime();
  if (mtimeMs === undefined || ctimeMs === undefined) return undefined;
  if (info.ino === null || info.dev === null) return undefined;
  return { size: info.size, mtimeMs, ctimeMs, ino: info.ino, dev: info.dev };
}

/** What the row must belong to. */
export interface ServeCheck {
  /** This segment's id (the key's prefix). */
  segmentId: string;
  /** The file asked for (the key's and the output's path). */
  fileRel: string;
  /** For a text run: how the row's text outline must start (its header line's path). */
  textHead?: string;
}

/**
 * True when `row` may be served for a file with this `stamp`: every stat
 * field equal; the key this segment's, this file's and the current value
 * schema's; the output served (the `--json` entry, or for a text run the
 * text outline) recorded and starting with this file's path; and
 * neither mtime nor ctime within {@linkcode MTIME_TRUST_WINDOW_MS} of the
 * moment the content was verified (a change in the same clock tick as the
 * read could leave the stat unchanged: such rows are re-hashed, never
 * trusted; the "racily clean" rule of git's index).
 *
 * @example
 * ```ts
 * import { manifestServes } from "./manifest.ts";
 * import { CACHE_KEY_VERSION } from "./types.ts";
 * import { equal } from "node:assert/strict";
 * const stamp = { size: 6, mtimeMs: 1_000, ctimeMs: 1_000, ino: 7, dev: 1 };
 * const key = `1a2b3c4d:a.py:0123456789abcdef:${CACHE_KEY_VERSION}`;
 * const row = {
 *   ...stamp, fileRel: "a.py", key, verifiedAtMs: 60_000,
 *   out: '{"path":"a.py","symbols":[]}', text: "a.py (python, 6 bytes)\n", counts: { has_errors: false, bytes: 6, skeleton_bytes: 6,
 *   functions: 0, classes: 0, symbols: 0 },
 * };
 * const check = { segmentId: "1a2b3c4d", fileRel: "a.py" };
 * equal(manifestServes(row, stamp, check), true);
 * equal(manifestServes(row, { ...stamp, ino: 8 }, check), false);
 * equal(manifestServes({ ...row, verifiedAtMs: 2_500 }, stamp, check), false);
 * equal(manifestServes(row, stamp, { ...check, textHead: "a.py (" }), true);
 * equal(manifestServes({ ...row, text: "" }, stamp, { ...check, textHead: "a.py (" }), false);
 * // Written by other extraction code (another fingerprint): never served.
 * equal(manifestServes({ ...row, key: "1a2b3c4d:a.py:0123456789abcdef:4.0badc0de" }, stamp, check), false);
 * ```
 */
export function manifestServes(row: ManifestRow, stamp: FileStamp, check: ServeCheck): boolean {
  if (row.size !== stamp.size || row.mtimeMs !== stamp.mtimeMs) return false;
  if (row.ctimeMs !== stamp.ctimeMs || row.ino !== stamp.ino || row.dev !== stamp.dev) {
    return false;
  }
  const trustedUntil = row.verifiedAtMs - MTIME_TRUST_WINDOW_MS;
  if (stamp.mtimeMs > trustedUntil || stamp.ctimeMs + CTIME_GRAIN_MS > trustedUntil) return false;
  // A path may hold ":": check both ends and the hash's length, not split.
  const prefix = `${check.segmentId}:${check.fileRel}:`;
  const suffix = `:${CACHE_KEY_VERSION}`;
  const { key } = row;
  if (!key.startsWith(prefix) || !key.endsWith(suffix)) return false;
  if (key.length !== prefix.length + KEY_HASH_CHARS + suffix.length) return false;
  // A text run serves the outline, a `--json` run the entry: each checks its own.
  if (check.textHead !== undefined) return row.text.startsWith(check.textHead);
  const head = `{"path":${JSON.stringify(check.fileRel)},`;
  return row.out.startsWith(head) && row.out.endsWith("}");
}

/**
 * The row's tag: HMAC-SHA-256 (first 16 bytes, hex) of every field that
 * decides what is served, keyed by the database's stamp (its
 * `application_id`, see docs/cache.md "Trust"). Rows that come into the
 * file by another way than this program — frames of a write-ahead log
 * shipped next to it (a `git pull` of a committed `.trifecta/`), a page
 * edit — carry no valid tag without the stamp, which is not in the
 * repository and cannot be replaced (a new page 1 fails the stamp check
 * and empties the file), so they are refused. Native WebCrypto: no
 * `node:crypto` start-up on the warm path.
 *
 * @example
 * ```ts
 * import { rowTag, tagKey } from "./manifest.ts";
 * import { equal, notEqual } from "node:assert/strict";
 * const row = { fileRel: "a.py", key: "k", size: 1, mtimeMs: 2, ctimeMs: 3, ino: 4, dev: 5,
 *   verifiedAtMs: 6, out: "{}", text: "", counts: { has_errors: false, bytes: 1, skeleton_bytes: 1,
 *   functions: 0, classes: 0, symbols: 0 } };
 * const key = await tagKey(1234);
 * const tag = await rowTag(row, key);
 * equal(tag.length, 32);
 * notEqual(await rowTag({ ...row, out: "{ }" }, key), tag);
 * notEqual(await rowTag({ ...row, text: "a.py" }, key), tag);
 * notEqual(await rowTag(row, await tagKey(1235)), tag);
 * ```
 */
export async function rowTag(row: ManifestRow, key: CryptoKey): Promise<string> {
  const fields = servedFields(row).join("\0");
  const signed = `${fields}\0${row.out}\0${row.text}`;
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(signed));
  let hex = "";
  for (const byte of new Uint8Array(mac, 0, TAG_BYTES)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * The fields of a row that decide what is served, besides its stored
 * outputs: what {@linkcode rowTag} signs, in the order of the table's
 * columns (`ManifestStore.put` writes them in this order).
 */
function servedFields(row: ManifestRow): (string | number)[] {
  const c = row.counts;
  return [
    row.fileRel,
    row.key,
    row.size,
    row.mtimeMs,
    row.ctimeMs,
    row.ino,
    row.dev,
    row.verifiedAtMs,
    c.has_errors ? 1 : 0,
    c.bytes,
    c.skeleton_bytes,
    c.functions,
    c.classes,
    c.symbols,
  ];
}

/** The key of {@linkcode rowTag} for a database stamped `stamp`. */
export function tagKey(stamp: number): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    encoder.encode(`trifecta-manifest:${stamp}`),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
}

const encoder = new TextEncoder();
/** Bytes of the MAC kept in a row's tag. */
const TAG_BYTES = 16;

/** A manifest row as SQLite returns it (`SELECT * FROM manifest`). */
export interface RawRow {
  file_rel: string;
  key: string;
  size: number;
  mtime_ms: number;
  ctime_ms: number;
  ino: number;
  dev: number;
  verified_at: number;
  out: string;
  text_out: string;
  has_errors: number;
  bytes: number;
  skeleton_bytes: number;
  functions: number;
  classes: number;
  symbols: number;
  entry_access: number;
  tag: string;
}

/** A row as SQLite returns it, as the manifest hands it out. */
export function rowOf(r: RawRow): ManifestRow {
  return {
    fileRel: r.file_rel,
    key: r.key,
    size: r.size,
    mtimeMs: r.mtime_ms,
    ctimeMs: r.ctime_ms,
    ino: r.ino,
    dev: r.dev,
    verifiedAtMs: r.verified_at,
    out: r.out,
    text: r.text_out,
    counts: {
      has_errors: r.has_errors !== 0,
      bytes: r.bytes,
      skeleton_bytes: r.skeleton_bytes,
      functions: r.functions,
      classes: r.classes,
      symbols: r.symbols,
    },
    entryAccessSec: r.entry_access,
    tag: r.tag,
  };
}

/** Which stored outputs a load reads (see {@linkcode ManifestStore.load}). */
export type ManifestColumns = "out" | "text" | "both";

/** The manifest table over one open connection (statements prepared once). */
export class ManifestStore {
  readonly #db: DatabaseSync;
  readonly #load = new Map<ManifestColumns, StatementSync>();
  readonly #put: StatementSync;
  readonly #clear: StatementSync;

  /** Prepare the statements on a migrated (v4) connection. */
  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#put = db.prepare(
      `INSERT OR REPLACE INTO manifest (file_rel, key, size, mtime_ms, ctime_ms, ino, dev,
         verified_at, has_errors, bytes, skeleton_bytes, functions, classes, symbols, out,
         text_out, tag)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#clear = db.prepare("DELETE FROM manifest");
  }

  /**
   * Every row whose cache entry is live, by file, in one query. `columns`
   * names the stored outputs read: `out` (a `--json` run), `text` (a text
   * run) or `both` (needed to check a row's tag); the other comes back `""`.
   */
  load(columns: ManifestColumns = "both"): Map<string, ManifestRow> {
    const rows = new Map<string, ManifestRow>();
    for (const r of this.#loadStatement(columns).iterate()) {
      const row = rowOf(r as unknown as RawRow);
      rows.set(row.fileRel, row);
    }
    return rows;
  }

  #loadStatement(columns: ManifestColumns): StatementSync {
    let st = this.#load.get(columns);
    if (st === undefined) {
      const out = columns === "text" ? "'' AS out" : "m.out";
      const text = columns === "out" ? "'' AS text_out" : "m.text_out";
      // A row whose entry is gone is never served (the join).
      st = this.#db.prepare(
        `SELECT m.file_rel, m.key, m.size, m.mtime_ms, m.ctime_ms, m.ino, m.dev, m.verified_at,
           ${out}, ${text}, m.has_errors, m.bytes, m.skeleton_bytes, m.functions, m.classes,
           m.symbols, m.tag, c.last_access AS entry_access
         FROM manifest m JOIN cache c ON c.key = m.key`,
      );
      this.#load.set(columns, st);
    }
    return st;
  }

  /** Record (or replace) a file's row. */
  put(row: ManifestRow): void {
    this.#put.run(...servedFields(row), row.out, row.text, row.tag ?? "");
  }

  /** Delete every row. */
  clear(): void {
    this.#clear.run();
  }
}
