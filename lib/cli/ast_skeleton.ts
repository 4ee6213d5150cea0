/**
 * `ast skeleton <path…>`: the skeleton of files and directories (recursive,
 * `.gitignore` respected), as an indented text outline or, with `--json`,
 * `{"status":"ok","files":[…],"skipped":[…],"stats":{…}}`.
 *
 * @module
 */
import { createAstCache } from "../cache/factory.ts";
import type { AstCache } from "../cache/types.ts";
import { type FileManifest, openManifest } from "../cache/manifest_access.ts";
import type { ManifestRow } from "../cache/manifest.ts";
import type { ParsePool } from "../ast/pool.ts";
import { IN_PROCESS_LIMIT } from "../ast/skeleton.ts";
import {
  addCounts,
  type BatchStats,
  countsOf,
  emptyStats,
  type FileOutcome,
  finishStats,
  skeletonOfFiles,
} from "../ast/skeleton_batch.ts";
import type { SourceFile } from "../ast/skeleton_lookup.ts";
import {
  collectSkeletonTargets,
  singleFileFailure,
  type SkeletonTargets,
  type SkippedTarget,
  skippedTargets,
} from "../ast/targets.ts";
import { renderSkeletonText } from "../ast/render/file_outline.ts";
import type { FileSkeleton, Language, SkeletonSymbol } from "../ast/types.ts";
import { countByReason } from "../segment/skip.ts";
import { DEFAULT_MAX_FILE_BYTES } from "../segment/read.ts";
import { languageOfPath } from "../languages/mod.ts";
import { optionalEnv } from "../env.ts";
import { toTrifectaError } from "../errors.ts";
import { escapeField, escapeTerminal } from "../escape.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import {
  OrderedEntries,
  serveFromManifest,
  statStamp,
  withCacheFields,
} from "./ast_skeleton_stream.ts";
import { createProgress, type Progress } from "./progress.ts";

/** The size cap: `TRIFECTA_AST_MAX_BYTES`, else the default. */
function maxBytesOf(): number {
  const env = optionalEnv("TRIFECTA_AST_MAX_BYTES");
  if (env !== undefined && /^\d+$/.test(env) && Number(env) > 0) return Number(env);
  return DEFAULT_MAX_FILE_BYTES;
}

/** The walk, with the parse workers started during it when the cache is cold. */
async function targetsAndPool(
  ctx: CommandContext,
  cache: AstCache,
  maxBytes: number,
): Promise<{ targets: SkeletonTargets; pool: ParsePool | undefined }> {
  let starting: Promise<ParsePool> | undefined;
  const targets = await collectSkeletonTargets(ctx.segment, ctx.args, {
    // A cold cache will parse everything: start the workers while walking.
    onDirectory: () => {
      if (!starting && cache.stats().entries === 0) {
        starting = import("../ast/pool.ts").then((m) => new m.ParsePool({ maxBytes }));
      }
    },
  });
  let pool = await starting;
  if (pool && targets.files.length < IN_PROCESS_LIMIT) {
    // Too few files to pay for workers: parse in process.
    pool.close();
    pool = undefined;
  }
  if (pool) {
    const files = filesByLanguage(targets.files);
    pool.warm([...files.keys()], { files });
  }
  return { targets, pool };
}

/**
 * `ast skeleton <path…>`. Entries are written in path order as each file is
 * ready (docs/cache.md, "Streaming output"): a request that names a file on its own is
 * written at the end (that file's failure fails the request). With
 * `--json`, a failure after output began closes the document with
 * `"stats":null` and an `error` object (see {@linkcode failedTail}).
 */
export async function skeletonHandler(ctx: CommandContext): Promise<CommandOutcome> {
  const maxBytes = maxBytesOf();
  const cache = createAstCache({
    persist: ctx.global.persistCache,
    segment: ctx.segment,
    telemetry: ctx.telemetry,
  });
  let pool: ParsePool | undefined;
  let entries: OrderedEntries | undefined;
  const progress = createProgress(ctx.output, "ast skeleton", { unit: "files" });
  try {
    const walked = await targetsAndPool(ctx, cache, maxBytes);
    pool = walked.pool;
    const { targets } = walked;
    entries = new OrderedEntries((t) => ctx.output.out(t), {
      // On a terminal the outline waits for the end, so the progress line
      // (stderr, same screen) never cuts through it; piped, it streams.
      stream: targets.singles.size === 0 && !(ctx.output.outIsTerminal ?? false),
      separator: ctx.global.json ? "," : "",
    });
    if (ctx.global.json) entries.raw(`{"status":"ok","files":[`);
    const stats = await writeFiles(ctx, { cache, targets, pool, entries, maxBytes, progress });
    return outcomeOf(ctx, targets.dirs, stats, cache.backend);
  } catch (err) {
    if (!ctx.global.json || !entries?.written) throw err;
    // The document's head is out: close it so it stays one valid JSON value.
    const error = toTrifectaError(err);
    entries.raw(failedTail(error));
    entries.flush();
    ctx.output.err(`error: ${error.code}: ${error.message}\n`);
    return { exitCode: error.exitCode, result: { status: "error", code: error.code } };
  } finally {
    progress.end();
    pool?.close();
    cache.close();
  }
}

/**
 * The end of a `--json` document whose files were already written when the
 * run failed: no skipped list, `"stats":null`, and the error's code and
 * message.
 *
 * @example
 * ```ts
 * import { failedTail } from "./ast_skeleton.ts";
 * import { TrifectaError } from "../errors.ts";
 * import { equal } from "node:assert/strict";
 * const doc = JSON.parse('{"status":"ok","files":[{}' + failedTail(new TrifectaError("X", "m")));
 * equal(doc.error.code, "X");
 * equal(doc.stats, null);
 * ```
 */
export function failedTail(error: { code: string; message: string }): string {
  const shown = { code: error.code, message: error.message };
  return `],"skipped":[],"stats":null,"error":${JSON.stringify(shown)}}\n`;
}

/** What {@linkcode writeFiles} works with. */
interface WriteJob {
  cache: AstCache;
  targets: SkeletonTargets;
  pool: ParsePool | undefined;
  entries: OrderedEntries;
  maxBytes: number;
  /** The progress line (a no-op off a terminal); ended before the tail is written. */
  progress: Progress;
}

type Stats = BatchStats & { skipped: number; skipped_reasons: Record<string, number> };

/**
 * Stages: manifest hits written as stored (SQLite: the `--json` entry or
 * the text outline), the rest through the batch (cache lookup, parse), each
 * file's entry written as it settles; then skipped files and the totals.
 */
async function writeFiles(ctx: CommandContext, job: WriteJob): Promise<Stats> {
  const { cache, targets, entries } = job;
  const json = ctx.global.json === true;
  const files = targets.files;
  const manifest = await openManifest(cache, { columns: json ? "out" : "text" });
  const served = emptyStats(files.length);
  let todo = { files: [...files], indexes: files.map((_, i) => i) };
  if (manifest) {
    todo = await serveFromManifest(files, manifest, {
      segmentId: ctx.segment.id,
      maxBytes: job.maxBytes,
      onHit: (index, row) => {
        addCounts(served, row.counts, true);
        entries.put(index, json ? withCacheFields(row.out, "hit", row.key) : row.text);
      },
      // A text run serves only rows that recorded the outline.
      textHeadOf: json ? undefined : textHeadOf,
    });
    countManifestHits(ctx, served.parsed);
  }
  const render = await rendererOf(json, manifest, todo.files.length);
  const batch = await skeletonOfFiles(ctx.segment, todo.files, {
    // A memory cache dies with this process: filling it would only cost time.
    cache: cache.backend === "memory" ? undefined : cache,
    telemetry: ctx.telemetry,
    maxBytes: job.maxBytes,
    pool: job.pool,
    // The manifest records only what was read and hashed.
    statIndex: manifest === undefined,
    onProgress: targets.dirs > 0 && job.progress.enabled ? job.progress.update : undefined,
    onFile: (i, o) => {
      const index = todo.indexes[i];
      if (index !== undefined) {
        entries.put(index, o.skeleton ? render(o, o.skeleton, todo.files[i]) : "");
      }
    },
  });
  await manifest?.flush();
  const failedSingle = singleFileFailure(batch, targets.singles);
  if (failedSingle) throw failedSingle;
  job.progress.end(); // erased before the answer prints on the same terminal
  const skipped = skippedTargets(targets, batch);
  const stats: Stats = {
    ...mergeStats(served, batch.stats),
    skipped: skipped.length,
    skipped_reasons: countByReason(skipped),
  };
  entries.raw(json ? jsonTail(skipped, stats) : textTail(skipped, stats));
  entries.flush();
  return stats;
}

/** Manifest hits in the run's counters (the batch counts its own). */
function countManifestHits(ctx: CommandContext, hits: number): void {
  if (!ctx.telemetry?.enabled || hits === 0) return;
  ctx.telemetry.incr("ast_parse_count", hits);
  ctx.telemetry.incr("ast_cache_hit_count", hits);
}

/** Totals of the files served from the manifest and of the batch, in the batch's key order. */
function mergeStats(served: BatchStats, batch: BatchStats): BatchStats {
  const s = emptyStats(served.files);
  s.parsed = served.parsed + batch.parsed;
  s.skipped = served.skipped + batch.skipped;
  s.cache_hits = served.cache_hits + batch.cache_hits;
  s.cache_misses = served.cache_misses + batch.cache_misses;
  s.files_with_errors = served.files_with_errors + batch.files_with_errors;
  s.functions = served.functions + batch.functions;
  s.classes = served.classes + batch.classes;
  s.symbols = served.symbols + batch.symbols;
  s.bytes = served.bytes + batch.bytes;
  s.skeleton_bytes = served.skeleton_bytes + batch.skeleton_bytes;
  return finishStats(s, batch.workers);
}

/** Renders one settled file's entry. */
type Renderer = (o: FileOutcome, skeleton: FileSkeleton, file: SourceFile | undefined) => string;

/**
 * The renderer of the files not served as stored: the `--json` entry (the
 * skeleton with its `sym://` URIs, serialised once) or the text outline.
 * When a manifest is open, both are recorded as the file's row, so the next
 * run serves either as stored (its stat taken now, after the read, against
 * the run's start: a change during the run is newer than the row and is
 * never served from it).
 */
async function rendererOf(
  json: boolean,
  manifest: FileManifest | undefined,
  misses: number,
): Promise<Renderer> {
  if (misses === 0) return () => "";
  if (!json && !manifest) return textRenderer;
  // Loaded only when a file was not served as stored.
  const { withSymbolUris } = await import("../symbols/uri_of.ts");
  const verifiedAtMs = Date.now();
  return (o, skeleton, file) => {
    const out = JSON.stringify(withSymbolUris(skeleton));
    const text = manifest || !json ? textRenderer(o, skeleton) : "";
    const stamp = manifest && file && o.cache_key ? statStamp(file.abs) : undefined;
    if (manifest && stamp && o.cache_key) {
      const row: ManifestRow = {
        ...stamp,
        fileRel: o.path,
        key: o.cache_key,
        verifiedAtMs,
        out,
        text,
        counts: countsOf(skeleton),
      };
      manifest.put(row);
    }
    return json ? withCacheFields(out, o.cache_status, o.cache_key) : text;
  };
}

function textRenderer(_o: FileOutcome, skeleton: FileSkeleton): string {
  return renderSkeletonText(escapeSkeleton(skeleton));
}

/** How a file's text outline starts: its header line's path (see `escapeSkeleton`). */
function textHeadOf(rel: string): string {
  return `${escapeField(rel)} (`;
}

function outcomeOf(
  ctx: CommandContext,
  dirs: number,
  stats: Stats,
  backend: string,
): CommandOutcome {
  return {
    args: { paths_count: ctx.args.length, dirs_count: dirs },
    result: {
      files: stats.files,
      parsed: stats.parsed,
      skipped: stats.skipped,
      cache_hits: stats.cache_hits,
      cache_misses: stats.cache_misses,
      symbols: stats.symbols,
    },
    extra: {
      workers: stats.workers,
      bytes: stats.bytes,
      skeleton_bytes: stats.skeleton_bytes,
      reduction_ratio: stats.reduction_ratio,
      backend,
    },
  };
}

/**
 * How many files of each grammar, keyed by the first language seen for it
 * (languages sharing a grammar share its parser).
 */
function filesByLanguage(files: readonly SourceFile[]): Map<Language, number> {
  const byGrammar = new Map<string, Language>();
  const counts = new Map<Language, number>();
  for (const f of files) {
    const spec = languageOfPath(f.rel);
    if (!spec) continue;
    const language = byGrammar.get(spec.grammar) ?? spec.name;
    byGrammar.set(spec.grammar, language);
    counts.set(language, (counts.get(language) ?? 0) + 1);
  }
  return counts;
}

function jsonTail(skipped: readonly SkippedTarget[], stats: Stats): string {
  return `],"skipped":${JSON.stringify(skipped)},"stats":${JSON.stringify(stats)}}\n`;
}

/**
 * A symbol with its one-line fields escaped. Signatures and decorators keep
 * their line breaks, which the outline collapses to spaces; any other
 * control character is escaped.
 */
function escapeSymbol(s: SkeletonSymbol): SkeletonSymbol {
  return {
    ...s,
    name: escapeField(s.name),
    qualified_name: escapeField(s.qualified_name),
    signature: escapeTerminal(s.signature),
    decorators: s.decorators.map(escapeTerminal),
    doc: escapeField(s.doc),
    children: s.children.map(escapeSymbol),
  };
}

/** The skeleton with every repository-derived field safe to print in the outline. */
function escapeSkeleton(sk: FileSkeleton): FileSkeleton {
  return {
    ...sk,
    path: escapeField(sk.path),
    imports: sk.imports.map((i) => ({ ...i, text: escapeField(i.text) })),
    exports: sk.exports?.map((e) => ({ ...e, text: escapeField(e.text) })),
    symbols: sk.symbols.map(escapeSymbol),
  };
}

function reasonsText(reasons: Record<string, number>): string {
  const parts = Object.entries(reasons).sort().map(([r, n]) => `${n} ${r}`);
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

function textTail(skipped: readonly SkippedTarget[], stats: Stats): string {
  const out: string[] = [];
  for (const s of skipped) out.push(`skipped: ${escapeField(s.path)} (${escapeField(s.reason)})\n`);
  const pct = Math.round(stats.reduction_ratio * 1000) / 10;
  out.push(
    `# ${stats.parsed} files, ${stats.symbols} symbols (${stats.classes} classes, ${stats.functions} functions/methods), ` +
      `${stats.skipped} skipped${
        reasonsText(stats.skipped_reasons)
      }, outline ${pct}% of source bytes; cache ${stats.cache_hits} hits / ${stats.cache_misses} misses\n`,
  );
  return out.join("");
}
