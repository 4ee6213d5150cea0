/**
 * `ctx sync`: bring the pack up to date by re-chunking only what changed.
 *
 * Under the pack lock: walk the segment (discovery, as a build does), and
 * compare each file with its record in the pack — `lstat` first (a regular
 * file with the recorded size and mtime is unchanged without a read), the
 * read boundary and a hash only when the stat moved. Files whose hash or
 * discovery class changed, and new files, are read, parsed and chunked;
 * files gone from the walk, or now refused by the boundary, are deleted.
 * The live database is copied and the copy changed in one transaction,
 * then renamed over the live one (`store_write.ts`): readers see the whole
 * old or the whole new pack, and a kill leaves the old one.
 *
 * No pack, an untrusted, damaged or older-schema one, or a different
 * secret-files mode: a full build instead (`mode: "full"`, with the reason).
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { TrifectaError } from "../errors.ts";
import { stampOf } from "../cache/db_identity.ts";
import { contentSha256Hex, type Segment } from "../segment/mod.ts";
import {
  buildLocked,
  type BuildLog,
  type BuildOptions,
  type BuildReport,
  countBy,
  discoverStage,
  reportStage,
  skeletonOutcome,
  skeletonStage,
} from "./build.ts";
import { chunkFiles, segmentLabel } from "./build_chunks.ts";
import { readTargets, secretFilesFromEnv } from "./build_read.ts";
import type { IndexTarget } from "./discover.ts";
import { fileRowsOf, targetKey } from "./file_rows.ts";
import type { IndexReader } from "./fts.ts";
import { acquirePackLock } from "./lock.ts";
import { openStore, packPath } from "./pack_io.ts";
import { deleteFiles, RowWriter } from "./store_schema.ts";
import { statMatches } from "./stale.ts";
import { commitStore, finishMeta, removeStaleTemps, stampStore } from "./store_write.ts";
import { EXTRACTION_FINGERPRINT } from "../cache/fingerprint.ts";

/** Options for {@linkcode syncPack}. */
export interface SyncOptions extends BuildOptions {
  /**
   * Only these segment-relative paths may have changed (a watcher's events):
   * the others are taken as unchanged without a stat. The walk still decides
   * which files exist.
   */
  paths?: readonly string[];
}

/** What a sync did: a build report and the file counts. */
export interface SyncReport extends BuildReport {
  /** `incremental`, or `full` when it had to build the whole pack. */
  mode: "full" | "incremental";
  /** Why it built the whole pack (with `mode: "full"`). */
  full_reason?: string;
  /** Files new since the last write. */
  added: number;
  /** Files whose content (or discovery class) changed. */
  changed: number;
  /** Files gone (deleted, ignored or now refused by the read boundary). */
  deleted: number;
  /** Files unchanged. */
  unchanged: number;
}

/** A file's record in the live pack. */
interface Stored {
  sha256: string;
  mtime: number;
  bytes: number;
  target: string;
}

/** The live pack's file records, or why a full build is needed. */
function openLive(
  segment: Segment,
  mode: string,
): { stored: Map<string, Stored> } | { reason: string } {
  let reader: IndexReader;
  try {
    reader = openStore(segment);
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    if (err.code === "CTX_DIR_UNSAFE") throw err;
    return { reason: err.code === "PACK_NOT_FOUND" ? "no pack" : err.code };
  }
  try {
    if (reader.meta("secret_mode") !== mode) return { reason: "secret-files mode changed" };
    // Chunks cut by other extraction code (queries, secret rules, grammars) are all redone.
    if (reader.meta("extraction") !== EXTRACTION_FINGERPRINT) {
      return { reason: "extraction code changed" };
    }
    if (!reader.hasSymbols()) return { reason: "no symbol table" };
    const rows = reader.query((db) =>
      db.prepare("SELECT path, sha256, mtime, bytes, target FROM source_files").all()
    ) as Record<string, unknown>[];
    const stored = new Map<string, Stored>();
    for (const r of rows) {
      stored.set(String(r.path), {
        sha256: String(r.sha256),
        mtime: Number(r.mtime),
        bytes: Number(r.bytes),
        target: String(r.target),
      });
    }
    return { stored };
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    return { reason: err.code };
  } finally {
    reader.close();
  }
}

/** What the compare stage decided. */
interface Plan {
  /** Files to read and (when their hash moved) re-chunk, in walk order. */
  toRead: IndexTarget[];
  /** Files unchanged by stat. */
  unchanged: Set<string>;
}

/** Compare stage: which files the walk found that need a read. */
function planOf(
  targets: readonly IndexTarget[],
  stored: ReadonlyMap<string, Stored>,
  paths: ReadonlySet<string> | undefined,
): Plan {
  const toRead: IndexTarget[] = [];
  const unchanged = new Set<string>();
  for (const t of targets) {
    const s = stored.get(t.rel);
    if (s && s.target === targetKey(t) && (paths ? !paths.has(t.rel) : statMatches(t.abs, s))) {
      unchanged.add(t.rel);
    } else {
      toRead.push(t);
    }
  }
  return { toRead, unchanged };
}

/**
 * Copy the live pack to `dst` from one open handle whose header still
 * carries this machine's stamp for that very file (the pack could be
 * swapped between the check at open and the copy; the copy is stamped as
 * ours afterwards, so what is copied must be ours).
 */
function copyTrusted(src: string, dst: string): void {
  const f = Deno.openSync(src, { read: true });
  try {
    const stamp = stampOf(f.statSync());
    const out = Deno.openSync(dst, { write: true, createNew: true });
    try {
      const buf = new Uint8Array(1 << 20);
      let first = true;
      for (;;) {
        const n = f.readSync(buf);
        if (n === null || n === 0) break;
        if (first) {
          const id = new DataView(buf.buffer).getInt32(68, false);
          if (n < 100 || stamp === null || id !== stamp) {
            throw new TrifectaError("PACK_UNTRUSTED", "The pack changed while it was synced");
          }
          first = false;
        }
        let off = 0;
        while (off < n) off += out.writeSync(buf.subarray(off, n));
      }
    } finally {
      out.close();
    }
  } finally {
    f.close();
  }
}

/** What the apply stage writes. */
interface Change {
  rows: ReturnType<typeof fileRowsOf>;
  remove: Set<string>;
  touched: { path: string; mtime: number; bytes: number }[];
  order: string[];
  secretMode: string;
}

/** Apply stage: the copy of the live pack, changed in one transaction. */
function applyChange(segment: Segment, tmp: string, change: Change): string {
  copyTrusted(packPath(segment), tmp);
  const db = new DatabaseSync(tmp);
  try {
    // A temp file: a kill leaves it for the next sweep, so no journal is needed.
    db.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;");
    stampStore(db, tmp);
    db.exec("BEGIN");
    deleteFiles(db, change.remove);
    const writer = new RowWriter(db);
    for (const f of change.rows) writer.add(f, 0);
    const touch = db.prepare("UPDATE source_files SET mtime = ?, bytes = ? WHERE path = ?");
    for (const t of change.touched) touch.run(t.mtime, t.bytes, t.path);
    const ord = db.prepare("UPDATE source_files SET ord = ? WHERE path = ?");
    change.order.forEach((p, i) => ord.run(i, p));
    const digest = finishMeta(db, {
      segment: segmentLabel(segment),
      created_at: new Date().toISOString(),
      build_id: crypto.randomUUID(),
      secret_mode: change.secretMode,
      extraction: EXTRACTION_FINGERPRINT,
    });
    db.exec("COMMIT");
    return digest;
  } finally {
    db.close();
  }
}

/** The incremental sync, with the lock held and the live records read. */
async function syncLocked(
  segment: Segment,
  options: SyncOptions & { mode: "mask" | "exclude"; log: BuildLog; targets: IndexTarget[] },
  live: { stored: Map<string, Stored>; waitedMs: number; staleTemps: number },
): Promise<SyncReport> {
  const { log, targets, stored, mode } = { ...options, ...live };
  const plan = planOf(targets, stored, options.paths ? new Set(options.paths) : undefined);
  const read = readTargets(segment, plan.toRead, { mode, skips: log.skips });
  const touched: Change["touched"] = [];
  const rechunk = plan.toRead.filter((t) => {
    const file = read.files.get(t.rel);
    const s = stored.get(t.rel);
    if (!file || !s || s.target !== targetKey(t)) return file !== undefined;
    const same = contentSha256Hex(file.text) === s.sha256;
    if (same) touched.push({ path: t.rel, mtime: file.mtime, bytes: file.bytes });
    return !same;
  });
  const sources = rechunk.filter((t) => t.cls === "source");
  const skeleton = skeletonOutcome(
    await skeletonStage(segment, sources, { ...options, log }),
    read.files,
    log,
  );
  const chunked = chunkFiles(rechunk, read.files, skeleton.skeletons);
  const kept = new Set([...plan.unchanged, ...read.files.keys()]);
  const gone = [...stored.keys()].filter((p) => !kept.has(p));
  const change: Change = {
    rows: fileRowsOf(rechunk, chunked),
    remove: new Set([...gone, ...rechunk.map((t) => t.rel)]),
    touched,
    order: targets.map((t) => t.rel).filter((p) => kept.has(p)),
    secretMode: mode,
  };
  let digest = "";
  options.onProgress?.({ stage: "commit", done: 0, total: 1 });
  const committed = await commitStore(segment, (tmp) => {
    digest = applyChange(segment, tmp, change);
  });
  options.onProgress?.({ stage: "commit", done: 1, total: 1 });
  const added = rechunk.filter((t) => !stored.has(t.rel)).length;
  const report = reportStage({
    log,
    secrets: read.secrets,
    chunks: chunked.chunks,
    files: kept.size,
    committed: { ...committed, packSha: digest.slice(0, 16) },
    lockWaitedMs: live.waitedMs,
    staleTemps: live.staleTemps,
    skeletonStats: skeleton.stats,
  }, options.telemetry);
  return {
    ...report,
    chunks: countChunks(segment),
    by_kind: countBy(chunked.chunks, (c) => c.kind),
    by_method: countBy(chunked.chunks, (c) => c.chunking_method),
    mode: "incremental",
    added,
    changed: rechunk.length - added,
    deleted: gone.length,
    unchanged: kept.size - rechunk.length,
  };
}

/** Chunks in the live pack (just written, under the lock). */
function countChunks(segment: Segment): number {
  const reader = openStore(segment);
  try {
    return reader.count();
  } finally {
    reader.close();
  }
}

/**
 * Sync the pack of `segment` with its files (see the module doc). Holds the
 * pack lock throughout.
 *
 * @throws {TrifectaError} as `buildPack`.
 */
export async function syncPack(segment: Segment, options: SyncOptions = {}): Promise<SyncReport> {
  const lock = await acquirePackLock(segment, { waitMs: options.lockWaitMs });
  try {
    const staleTemps = await removeStaleTemps(segment);
    const held = { waitedMs: lock.waitedMs, staleTemps };
    const warnings: string[] = [];
    const mode = options.secretFiles ?? secretFilesFromEnv(warnings);
    const live = openLive(segment, mode);
    if ("reason" in live) {
      const r = await buildLocked(segment, { ...options, secretFiles: mode }, held);
      const counts = { added: r.files, changed: 0, deleted: 0, unchanged: 0 };
      return { ...r, mode: "full", full_reason: live.reason, ...counts };
    }
    const { targets, log } = await discoverStage(segment, options.onProgress);
    log.warnings.unshift(...warnings);
    return await syncLocked(segment, { ...options, mode, log, targets }, { ...live, ...held });
  } finally {
    lock.release();
  }
}
