/**
 * `ctx build`: discover files, chunk them (Markdown by heading, source by
 * top-level symbol, config whole), and commit the pack and its search index
 * atomically under the pack lock.
 *
 * @module
 */
import { basename } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { contentSha256Hex, readSource, type Segment } from "../segment/mod.ts";
import type { AstCache } from "../cache/mod.ts";
import { type FileSkeleton, skeletonOfFile } from "../ast/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import { splitMarkdown } from "./chunk_markdown.ts";
import { splitSource } from "./chunk_source.ts";
import { discoverFiles, type IndexTarget } from "./discover.ts";
import { chunkId } from "./ids.ts";
import { acquirePackLock } from "./lock.ts";
import { commitPack, removeStaleTemps } from "./pack_io.ts";
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
  /** Files left out (too large, binary), with the reason. */
  skipped: { path: string; reason: string }[];
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
      title_path: p.symbol ? [name, p.symbol] : [name, "<module header>"],
      text: p.text,
      method: p.kind === "header" ? "module_header" as const : "symbol" as const,
      start_line: p.start_line,
      end_line: p.end_line,
      symbol: p.symbol,
      symbol_kind: p.symbol_kind,
      symbol_names: p.symbol_names,
      skeleton: p.skeleton,
    }));
  }
  return [
    wholeFile(target, text, target.primaryKind ?? (target.cls === "config" ? "config" : "doc")),
  ];
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
 * past the wait, `REFERENCE_OUTSIDE_SEGMENT` for a prime reference that
 * leaves the segment.
 */
export async function buildPack(
  segment: Segment,
  options: BuildOptions = {},
): Promise<BuildReport> {
  const lock = await acquirePackLock(segment, { waitMs: options.lockWaitMs });
  try {
    const staleTemps = await removeStaleTemps(segment);
    const { targets, warnings } = await discoverFiles(segment);
    const texts = new Map<string, { text: string; bytes: number; mtime: number }>();
    const skipped: { path: string; reason: string }[] = [];
    const skeletons = new Map<string, FileSkeleton>();
    const cacheStats = { hit: 0, miss: 0, failed: 0 };
    let skeletonUnavailable: string | undefined;

    await pool(targets, 8, async (t) => {
      try {
        const info = await Deno.stat(t.abs);
        const src = await readSource(t.abs, { mode: "raw" });
        texts.set(t.rel, {
          text: normalizeNewlines(src.text),
          bytes: src.bytes.length,
          mtime: (info.mtime?.getTime() ?? 0) / 1000,
        });
      } catch (err) {
        if (err instanceof TrifectaError) skipped.push({ path: t.rel, reason: err.code });
        else throw err;
      }
    });
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
      skipped,
      warnings,
      bytes: committed.bytes,
      pack_sha: committed.packSha,
      lock_waited_ms: lock.waitedMs,
      stale_temps_removed: staleTemps,
      skeleton_cache: cacheStats,
    };
  } finally {
    lock.release();
  }
}
