/**
 * The chunk and index stages of `ctx build`: each file read is cut into
 * chunks (Markdown by heading, source by top-level symbol, config whole),
 * each chunk gets its content-derived id, the definitions of each source
 * file are mapped to their chunks (the index's symbol table), and the pack
 * is assembled with its index entries.
 *
 * A chunk's title path starts with the file's path relative to the segment
 * (`django/apps/config.py`, not `config.py`); the id keeps the recipe of
 * earlier builds (the file's base name where the title is the file), so an
 * unchanged chunk keeps its id.
 *
 * @module
 */
import { basename } from "../path.ts";
import { maskSecrets } from "../secrets.ts";
import { estimateTokens } from "../text.ts";
import { contentSha256Hex, type Segment } from "../segment/mod.ts";
import { redactString } from "../telemetry/mod.ts";
import type { FileSkeleton } from "../ast/mod.ts";
import { definitionsOf, type SymbolDef } from "./definitions.ts";
import { splitMarkdown } from "./chunk_markdown.ts";
import { splitSource } from "./chunk_source.ts";
import type { IndexTarget } from "./discover.ts";
import { chunkId } from "./ids.ts";
import type { ReadFile } from "./build_read.ts";
import { codePointLength, previewOf } from "./text.ts";
import {
  type ChunkingMethod,
  type ChunkKind,
  type ContextPack,
  PACK_SCHEMA_VERSION,
  type PackChunk,
  type PackSourceFile,
} from "./types.ts";

/** A chunk before it has an id (and its derived fields). */
type Draft =
  & Omit<PackChunk, "id" | "doc" | "char_count" | "token_est" | "source_path" | "chunking_method">
  & { method: ChunkingMethod };

function lineCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return Math.max(1, n);
}

function wholeFile(target: IndexTarget, text: string, kind: ChunkKind): Draft {
  return {
    kind,
    title_path: [target.rel],
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

function markdownDrafts(target: IndexTarget, text: string): Draft[] {
  const kind = target.primaryKind ?? "doc";
  const sections = splitMarkdown(text);
  if (sections.length <= 1) return [wholeFile(target, text, kind)];
  const name = target.rel;
  return sections.map((s) => ({
    kind,
    title_path: [name, ...s.headings],
    text: s.text,
    method: "heading_section" as const,
    start_line: s.start_line,
    end_line: s.end_line,
  }));
}

function sourceDrafts(
  target: IndexTarget,
  text: string,
  skeleton: FileSkeleton | undefined,
): Draft[] {
  const pieces = skeleton ? splitSource(text, skeleton) : [];
  if (pieces.length === 0) return [wholeFile(target, text, target.primaryKind ?? "code")];
  const name = target.rel;
  return pieces.map((p): Draft => ({
    kind: p.kind,
    title_path: p.symbol ? [name, masked(p.symbol)] : [name, "<module header>"],
    text: p.text,
    method: p.kind === "header" ? "module_header" : "symbol",
    start_line: p.start_line,
    end_line: p.end_line,
    symbol: masked(p.symbol),
    symbol_kind: p.symbol_kind,
    symbol_names: p.symbol_names?.map((n) => masked(n)),
    skeleton: masked(p.skeleton),
  }));
}

function draftsOf(target: IndexTarget, text: string, skeleton: FileSkeleton | undefined): Draft[] {
  if (target.cls === "markdown") return markdownDrafts(target, text);
  if (target.cls === "source") return sourceDrafts(target, text, skeleton);
  const kind = target.primaryKind ?? (target.cls === "config" ? "config" : "doc");
  return [wholeFile(target, text, kind)];
}

/** The draft as a pack chunk under `id`. */
function chunkOf(d: Draft, rel: string, id: string): PackChunk {
  return {
    id,
    doc: `${d.kind}:${rel}`,
    kind: d.kind,
    title_path: d.title_path,
    text: d.text,
    char_count: codePointLength(d.text),
    token_est: estimateTokens(d.text),
    source_path: rel,
    chunking_method: d.method,
    start_line: d.start_line,
    end_line: d.end_line,
    ...(d.symbol ? { symbol: d.symbol, symbol_kind: d.symbol_kind } : {}),
    ...(d.symbol_names ? { symbol_names: d.symbol_names } : {}),
    ...(d.skeleton ? { skeleton: d.skeleton } : {}),
  };
}

/** A chunk id unique in `taken` (a repeated title and text gets `#2`, `#3`, …). */
function uniqueId(d: Draft, rel: string, taken: Set<string>): string {
  // The id recipe names the file by its base name where the title is the
  // file (as before titles showed the relative path): ids stay stable.
  const title = d.title_path.length > 1
    ? d.title_path[d.title_path.length - 1] ?? basename(rel)
    : basename(rel);
  let id = chunkId(d.kind, rel, { title, text: d.text });
  for (let n = 2; taken.has(id); n++) {
    id = chunkId(d.kind, rel, { title: `${title}#${n}`, text: d.text });
  }
  taken.add(id);
  return id;
}

/** What the chunk stage made: the files indexed and their chunks, in indexing order. */
export interface ChunkStage {
  /** Files indexed. */
  sourceFiles: PackSourceFile[];
  /** Their chunks. */
  chunks: PackChunk[];
  /** Every definition of the source files, with the chunk that holds it. */
  definitions: SymbolDef[];
}

/**
 * Cut every file read into chunks, in indexing order (`targets`' order);
 * source files with a skeleton are cut by top-level symbol, and their
 * definitions (at any depth) mapped to those chunks.
 */
export function chunkFiles(
  targets: readonly IndexTarget[],
  files: ReadonlyMap<string, ReadFile>,
  skeletons: ReadonlyMap<string, FileSkeleton>,
): ChunkStage {
  const chunks: PackChunk[] = [];
  const sourceFiles: PackSourceFile[] = [];
  const definitions: SymbolDef[] = [];
  const ids = new Set<string>();
  for (const t of targets) {
    const file = files.get(t.rel);
    if (!file) continue;
    const { text } = file;
    sourceFiles.push({
      path: t.rel,
      sha256: contentSha256Hex(text),
      mtime: file.mtime,
      chars: codePointLength(text),
      bytes: file.bytes,
    });
    if (text.length === 0) continue;
    const skeleton = skeletons.get(t.rel);
    const own = draftsOf(t, text, skeleton).map((d) => chunkOf(d, t.rel, uniqueId(d, t.rel, ids)));
    chunks.push(...own);
    if (skeleton && t.cls === "source") {
      definitions.push(...definitionsOf(t.rel, { skeleton, chunks: own }));
    }
  }
  return { sourceFiles, chunks, definitions };
}

/**
 * A slug of the segment's directory name: the pack's `segment` label. A name
 * that holds a secret, an e-mail address or anything else telemetry would
 * redact (the rules of lib/telemetry/redact.ts, which the no-PII scan uses
 * too) is stored as the neutral `segment`: the pack is a file others may
 * read and copy, and a label needs no secret.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { segmentLabel } from "./build_chunks.ts";
 * equal(segmentLabel({ root: "/srv/My Repo (old)", id: "00000000", input: "." }), "my-repo-_old_");
 * const token = ["ghp", "_", "A".repeat(36)].join("");
 * equal(segmentLabel({ root: `/srv/seg-${token}`, id: "00000000", input: "." }), "segment");
 * ```
 */
export function segmentLabel(segment: Segment): string {
  const name = basename(segment.root);
  const slug = name.trim().replace(/\s+/g, "-").replace(/[^A-Za-z0-9_-]/g, "_").toLowerCase();
  // The slug is checked too: turning `token=…` into `token_…` must not
  // slip a value past the rules that matched the raw name.
  const sensitive = redactString(name) !== name || redactString(slug) !== slug;
  return sensitive || slug === "" ? "segment" : slug;
}

/** The index stage: the pack of `segment` with one index entry per chunk. */
export function packOf(segment: Segment, stage: ChunkStage): ContextPack {
  return {
    schema_version: PACK_SCHEMA_VERSION,
    segment: segmentLabel(segment),
    created_at: new Date().toISOString(),
    build_id: crypto.randomUUID(),
    source_files: stage.sourceFiles,
    chunks: stage.chunks,
    index: stage.chunks.map((c) => ({
      id: c.id,
      title_path_norm: c.title_path.join(" > "),
      preview: previewOf(c.text),
      token_est: c.token_est,
    })),
  };
}
