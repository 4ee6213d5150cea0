/**
 * `ctx build`: discover files, read each through the read boundary (secrets
 * masked; refused files skipped with a named reason), chunk them (Markdown by
 * heading, source by top-level symbol, config whole), and commit the pack
 * and its search index as one pair under the pack lock.
 *
 * One hostile file never fails a build: whatever the walker or the boundary
 * refuses is counted by reason, and secrets found in content are counted by
 * rule and by file (a hash of its path, never the value). With
 * `TRIFECTA_SECRET_FILES=exclude` a file with a finding is left out whole.
 *
 * @module
 */
import { basename } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { optionalEnv } from "../env.ts";
import { maskSecrets } from "../secrets.ts";
import {
  type BoundaryRead,
  contentSha256Hex,
  readInsideSync,
  type Segment,
} from "../segment/mod.ts";
import type { AstCache } from "../cache/mod.ts";
import { type FileSkeleton, skeletonOfFile } from "../ast/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import { splitMarkdown } from "./chunk_markdown.ts";
import { splitSource } from "./chunk_source.ts";
import { discoverFiles, type IndexTarget } from "./discover.ts";
import { chunkId } from "./ids.ts";
import { acquirePackLock } from "./lock.ts";
import { commitPack, removeStaleTemps } from "./pack_io.ts";
import {
  countByReason,
  nameHasSecret,
  shownPath,
  type SkippedFile,
  skipReasonOf,
} from "./skips.ts";
import { codePointLength, normalizeNewlines, previewOf } from "./text.ts";
import {
  type ChunkingMethod,
  type ChunkKind,
  type ContextPack,
  INDEX_REL,
  PACK_REL,
  PACK_SCHEMA_VERSION,
  type PackChunk,
  type PackSourceFile,
} from "./types.ts";

/** Options for {@linkcode buildPack}. */
export interface BuildOptions {
  /** AST cache for the skeletons. */
  cache?: AstCache;
  /** Telemetry for `ast.parse` events and counters. */
  telemetry?: Telemetry;
  /** How long to wait for another build's lock (ms). */
  lockWaitMs?: number;
  /** Parallel skeleton extractions (default 4). */
  concurrency?: number;
  /** What to do with files holding secrets (default: env `TRIFECTA_SECRET_FILES`, else `mask`). */
  secretFiles?: SecretFilesMode;
}

/** `mask`: secrets masked in the pack; `exclude`: files with a finding left out whole. */
export type SecretFilesMode = "mask" | "exclude";

/** Most skipped files and secret files listed by name or hash in a report (all are counted). */
export const REPORT_LIST_LIMIT = 100;

/** Secrets found in the files a build read. */
export interface SecretSummary {
  /** `mask` or `exclude` (see {@linkcode SecretFilesMode}). */
  mode: SecretFilesMode;
  /** Findings in all files. */
  findings: number;
  /** Files with at least one finding. */
  files: number;
  /** Findings per rule. */
  by_rule: Record<string, number>;
  /** Files left out whole (`exclude`). */
  excluded_files: number;
  /**
   * Per file (at most {@linkcode REPORT_LIST_LIMIT}): the first 16 hex
   * digits of sha256 of its segment-relative path, and findings per rule.
   */
  file_hashes: { path_hash: string; findings: number; by_rule: Record<string, number> }[];
}

/** What a build did. */
export interface BuildReport {
  /** Segment-relative path of the pack. */
  pack: string;
  /** Segment-relative path of the index. */
  index: string;
  /** Files indexed. */
  files: number;
  /** Chunks written. */
  chunks: number;
  /** Chunks per kind. */
  by_kind: Record<string, number>;
  /** Chunks per chunking method. */
  by_method: Record<string, number>;
  /**
   * Files left out, with the reason (at most {@linkcode REPORT_LIST_LIMIT};
   * secrets in names masked).
   */
  skipped: SkippedFile[];
  /** Files left out in all. */
  skipped_total: number;
  /** Files left out per reason. */
  skipped_by_reason: Record<string, number>;
  /** Secrets found in content (counts and path hashes, never a value). */
  secrets: SecretSummary;
  /** Warnings. */
  warnings: string[];
  /** Pack size in bytes. */
  bytes: number;
  /** First 16 hex digits of sha256 of the pack. */
  pack_sha: string;
  /** Time spent waiting for another build (ms). */
  lock_waited_ms: number;
  /** Stale temp files of a killed build removed. */
  stale_temps_removed: number;
  /** AST cache hits and misses. */
  skeleton_cache: { hit: number; miss: number; failed: number };
  /** Entries moved aside because they blocked the pack or index (e.g. a directory). */
  moved_aside: string[];
}

/** The mode from env `TRIFECTA_SECRET_FILES` (`mask` or `exclude`), with a warning for anything else. */
export function secretFilesFromEnv(warnings: string[]): SecretFilesMode {
  const raw = optionalEnv("TRIFECTA_SECRET_FILES");
  if (raw === undefined || raw === "" || raw === "mask") return "mask";
  if (raw === "exclude") return "exclude";
  warnings.push(`TRIFECTA_SECRET_FILES must be mask or exclude; using mask`);
  return "mask";
}

/** First 16 hex digits of sha256 of a segment-relative path. */
export function pathHash(rel: string): string {
  return contentSha256Hex(rel).slice(0, 16);
}

/** A slug of the segment's directory name: the pack's `segment` label. */
export function segmentLabel(segment: Segment): string {
  const slug = basename(segment.root).trim().replace(/\s+/g, "-").replace(/[^A-Za-z0-9_-]/g, "_")
    .toLowerCase();
  return slug || "segment";
}

interface Draft {
  kind: ChunkKind;
  title_path: string[];
  text: string;
  method: ChunkingMethod;
  start_line: number;
  end_line: number;
  symbol?: string;
  symbol_kind?: string;
  symbol_names?: string[];
  skeleton?: string;
}

function lineCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return Math.max(1, n);
}

function wholeFile(target: IndexTarget, text: string, kind: ChunkKind): Draft {
  return {
    kind,
    title_path: [basename(target.rel)],
    text,
    method: "whole_file",
    start_line: 1,
    end_line: lineCount(text),
  };
}

// Skeletons come from the AST layer's own read of the file: mask what they
// carry too, so every string in a chunk has passed the secret scan.
function masked(value: string): string;
function masked(value: string | undefined): string | undefined;
function masked(value: string | undefined): string | undefined {
  return value === undefined ? undefined : maskSecrets(value).text;
}

function draftsOf(target: IndexTarget, text: string, skeleton: FileSkeleton | undefined): Draft[] {
  const name = basename(target.rel);
  if (target.cls === "markdown") {
    const kind = target.primaryKind ?? "doc";
    const sections = splitMarkdown(text);
    if (sections.length <= 1) return [wholeFile(target, text, kind)];
    return sections.map((s) => ({
      kind,
      title_path: [name, ...s.headings],
      text: s.text,
      method: "heading_section" as const,
      start_line: s.start_line,
      end_line: s.end_line,
    }));
  }
  if (target.cls === "source") {
    if (!skeleton) return [wholeFile(target, text, target.primaryKind ?? "code")];
    const pieces = splitSource(text, skeleton);
    if (pieces.length === 0) return [wholeFile(target, text, target.primaryKind ?? "code")];
    return pieces.map((p) => ({
      kind: p.kind,
      title_path: p.symbol ? [name, masked(p.symbol)] : [name, "<module header>"],
      text: p.text,
      method: p.kind === "header" ? "module_header" as const : "symbol" as const,
      start_line: p.start_line,
      end_line: p.end_line,
      symbol: masked(p.symbol),
      symbol_kind: p.symbol_kind,
      symbol_names: p.symbol_names?.map((n) => masked(n)),
      skeleton: masked(p.skeleton),
    }));
  }
  return [
    wholeFile(target, text, target.primaryKind ?? (target.cls === "config" ? "config" : "doc")),
  ];
}

/** Read one target through the boundary, or say why it is skipped. */
function readTarget(
  segment: Segment,
  t: IndexTarget,
): { src: BoundaryRead; mtime: number } | { reason: string } {
  let src: BoundaryRead;
  try {
    src = readInsideSync(segment, t.rel, { mode: "raw" });
  } catch (err) {
    // Every refusal (and any file-system failure on this one file) is a
    // named skip; the build goes on with the other files. Anything else is
    // a bug and is not hidden.
    const fsFailure = Object.values(Deno.errors).some((E) => err instanceof E);
    if (!(err instanceof TrifectaError) && !fsFailure) throw err;
    return { reason: skipReasonOf(err) };
  }
  let mtime = 0;
  try {
    mtime = (Deno.statSync(src.abs).mtime?.getTime() ?? 0) / 1000;
  } catch (err) {
    // Gone right after the read: mtime 0 makes the next stale check re-read it.
    if (!(err instanceof Error)) throw err;
  }
  return { src, mtime };
}

/** Secret findings counted by rule and by file (path hash). */
class SecretTally {
  #mode: SecretFilesMode;
  #byRule: Record<string, number> = {};
  #files: SecretSummary["file_hashes"] = [];
  #fileCount = 0;
  #findings = 0;

  constructor(mode: SecretFilesMode) {
    this.#mode = mode;
  }

  add(rel: string, read: BoundaryRead): void {
    const byRule: Record<string, number> = {};
    for (const f of read.findings) {
      byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
      this.#byRule[f.rule] = (this.#byRule[f.rule] ?? 0) + 1;
    }
    this.#findings += read.findings.length;
    this.#fileCount++;
    if (this.#files.length < REPORT_LIST_LIMIT) {
      this.#files.push({
        path_hash: pathHash(rel),
        findings: read.findings.length,
        by_rule: byRule,
      });
    }
  }

  summary(): SecretSummary {
    return {
      mode: this.#mode,
      findings: this.#findings,
      files: this.#fileCount,
      by_rule: this.#byRule,
      excluded_files: this.#mode === "exclude" ? this.#fileCount : 0,
      file_hashes: this.#files,
    };
  }
}

function recordTelemetry(
  telemetry: Telemetry | undefined,
  skipped: Record<string, number>,
  secrets: SecretTally,
): void {
  if (!telemetry) return;
  for (const [reason, n] of Object.entries(skipped)) {
    telemetry.incr(`ctx_build_skipped_${reason}_count`, n);
  }
  const s = secrets.summary();
  for (const [rule, n] of Object.entries(s.by_rule)) {
    telemetry.incr(`ctx_build_secret_${rule}_count`, n);
  }
  if (s.files > 0) telemetry.incr("ctx_build_secret_files_count", s.files);
}

async function pool<T>(
  items: readonly T[],
  n: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(n, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]);
    }
  });
  await Promise.all(workers);
}

/**
 * Build the pack of `segment` and commit it with its search index. Holds the
 * pack lock throughout; a concurrent build waits for it.
 *
 * @throws {TrifectaError} `PACK_LOCKED` when another build holds the lock
 * past the wait; `CTX_DIR_UNSAFE` when `_ctx` is a symlink or a file;
 * `DISK_FULL`, `OUTPUT_NOT_WRITABLE`, `PERMISSION_NOT_GRANTED` when the pack
 * cannot be written (the previous pack and index are then unchanged). Files
 * the walker or the read boundary refuse are skipped, never thrown.
 */
export async function buildPack(
  segment: Segment,
  options: BuildOptions = {},
): Promise<BuildReport> {
  const lock = await acquirePackLock(segment, { waitMs: options.lockWaitMs });
  try {
    const staleTemps = await removeStaleTemps(segment);
    const discovery = await discoverFiles(segment);
    const { targets, warnings } = discovery;
    const mode = options.secretFiles ?? secretFilesFromEnv(warnings);
    const texts = new Map<string, { text: string; bytes: number; mtime: number }>();
    const skips = new Map<string, SkippedFile>();
    const skip = (path: string, reason: string) => {
      const shown = shownPath(path);
      if (!skips.has(shown)) skips.set(shown, { path: shown, reason });
    };
    for (const s of discovery.skipped) skip(s.path, s.reason);
    const secrets = new SecretTally(mode);
    const skeletons = new Map<string, FileSkeleton>();
    const cacheStats = { hit: 0, miss: 0, failed: 0 };
    let skeletonUnavailable: string | undefined;

    for (const t of targets) {
      // A secret in a file's name would reach the pack in its path and ids.
      if (nameHasSecret(t.rel)) {
        skip(t.rel, "secret_in_name");
        continue;
      }
      const read = readTarget(segment, t);
      if ("reason" in read) {
        skip(t.rel, read.reason);
        continue;
      }
      if (read.src.findings.length > 0) {
        secrets.add(t.rel, read.src);
        if (mode === "exclude") {
          skip(t.rel, "secret_excluded");
          continue;
        }
      }
      texts.set(t.rel, {
        text: normalizeNewlines(read.src.text),
        bytes: read.src.bytes,
        mtime: read.mtime,
      });
    }
    const sources = targets.filter((t) => t.cls === "source" && texts.has(t.rel));
    await pool(sources, options.concurrency ?? 4, async (t) => {
      if (skeletonUnavailable) return;
      try {
        const r = await skeletonOfFile(segment, { abs: t.abs, rel: t.rel }, {
          cache: options.cache,
          telemetry: options.telemetry,
        });
        skeletons.set(t.rel, r.skeleton);
        cacheStats[r.cache_status === "hit" ? "hit" : "miss"]++;
      } catch (err) {
        if (err instanceof TrifectaError && err.code === "NOT_IMPLEMENTED") {
          skeletonUnavailable = err.message;
          return;
        }
        cacheStats.failed++;
        const code = err instanceof TrifectaError ? err.code : (err as Error).name;
        warnings.push(`Skeleton failed, indexed whole: ${t.rel} (${code})`);
      }
    });
    if (skeletonUnavailable) {
      warnings.push(`Source files indexed whole: skeletons unavailable (${skeletonUnavailable})`);
    }

    const chunks: PackChunk[] = [];
    const sourceFiles: PackSourceFile[] = [];
    const ids = new Set<string>();
    for (const t of targets) {
      const entry = texts.get(t.rel);
      if (!entry) continue;
      const { text } = entry;
      sourceFiles.push({
        path: t.rel,
        sha256: contentSha256Hex(text),
        mtime: entry.mtime,
        chars: codePointLength(text),
        bytes: entry.bytes,
      });
      if (text.length === 0) continue;
      for (const d of draftsOf(t, text, skeletons.get(t.rel))) {
        const title = d.title_path[d.title_path.length - 1];
        let id = chunkId(d.kind, t.rel, { title, text: d.text });
        for (let n = 2; ids.has(id); n++) {
          id = chunkId(d.kind, t.rel, { title: `${title}#${n}`, text: d.text });
        }
        ids.add(id);
        const chars = codePointLength(d.text);
        chunks.push({
          id,
          doc: `${d.kind}:${t.rel}`,
          kind: d.kind,
          title_path: d.title_path,
          text: d.text,
          char_count: chars,
          token_est: Math.floor(chars / 4),
          source_path: t.rel,
          chunking_method: d.method,
          start_line: d.start_line,
          end_line: d.end_line,
          ...(d.symbol ? { symbol: d.symbol, symbol_kind: d.symbol_kind } : {}),
          ...(d.symbol_names ? { symbol_names: d.symbol_names } : {}),
          ...(d.skeleton ? { skeleton: d.skeleton } : {}),
        });
      }
    }
    const pack: ContextPack = {
      schema_version: PACK_SCHEMA_VERSION,
      segment: segmentLabel(segment),
      created_at: new Date().toISOString(),
      build_id: crypto.randomUUID(),
      source_files: sourceFiles,
      chunks,
      index: chunks.map((c) => ({
        id: c.id,
        title_path_norm: c.title_path.join(" > "),
        preview: previewOf(c.text),
        token_est: c.token_est,
      })),
    };
    const committed = await commitPack(segment, pack);
    for (const m of committed.movedAside) {
      warnings.push(`Moved ${m} aside: it blocked the pack or the index`);
    }
    const skipped = [...skips.values()];
    const skippedByReason = countByReason(skipped);
    recordTelemetry(options.telemetry, skippedByReason, secrets);
    const byKind: Record<string, number> = {};
    const byMethod: Record<string, number> = {};
    for (const c of chunks) {
      byKind[c.kind] = (byKind[c.kind] ?? 0) + 1;
      byMethod[c.chunking_method] = (byMethod[c.chunking_method] ?? 0) + 1;
    }
    return {
      pack: PACK_REL,
      index: INDEX_REL,
      files: sourceFiles.length,
      chunks: chunks.length,
      by_kind: byKind,
      by_method: byMethod,
      skipped: skipped.slice(0, REPORT_LIST_LIMIT),
      skipped_total: skipped.length,
      skipped_by_reason: skippedByReason,
      secrets: secrets.summary(),
      warnings,
      bytes: committed.bytes,
      pack_sha: committed.packSha,
      lock_waited_ms: lock.waitedMs,
      stale_temps_removed: staleTemps,
      skeleton_cache: cacheStats,
      moved_aside: committed.movedAside,
    };
  } finally {
    lock.release();
  }
}
