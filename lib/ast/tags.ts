/**
 * Tags of many files ({@linkcode tagsOfFiles}): the identifiers each file
 * references (calls, attribute access, types, bare names) and the names it
 * imports, from the reference queries `lib/ast/queries/<grammar>.refs.scm`
 * (data: a language joins with its query file). Like skeletons, tags are
 * cached by content (their own key kind, `tags:<version>:`), read through
 * the read boundary and extracted in the parse pool's workers within the
 * per-file time budget; a file's counts are bounded (lib/ast/tags_extract.ts).
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import type { AstCache } from "../cache/types.ts";
import { cacheKey } from "../cache/types.ts";
import { checkInsideSync, readInside } from "../segment/boundary.ts";
import { contentSha256Hex } from "../segment/digest.ts";
import { DEFAULT_MAX_FILE_BYTES } from "../segment/read.ts";
import type { Segment } from "../segment/segment.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import { join } from "../path.ts";
import { type ParseJob, ParsePool } from "./pool.ts";
import { RAW_IMPORTS_REQUIRED, rawImportsRequired } from "./parser.ts";
import { IN_PROCESS_LIMIT, languageOf } from "./skeleton.ts";
import { cachedTags, packTags } from "./tags_cached.ts";
import type { FileTags } from "./tags_extract.ts";

export {
  type FileTags,
  MAX_TAG_IMPORTS,
  MAX_TAG_REFS,
  type TagImport,
  type TagKind,
  type TagRef,
} from "./tags_extract.ts";

/** Version of the tags value; part of every tags key. */
export const TAGS_VERSION = 3;

/** Options for {@linkcode tagsOfFiles}. */
export interface TagsOptions {
  /** The AST cache (tags are stored beside skeletons under their own keys). */
  cache?: AstCache;
  /** Pool to extract with (kept open); by default one is made and closed. */
  pool?: ParsePool;
  /** Worker count for the pool made here (default: the cores). */
  workers?: number;
  /** Telemetry: one `ast.tags` summary event and hit/miss counters. */
  telemetry?: Telemetry;
  /** Size cap in bytes (default 2 MiB). */
  maxBytes?: number;
  /** Called for each file left out, with its error code. */
  onSkip?: (rel: string, code: string) => void;
  /**
   * Longest stretch in ms of files looked up without giving the event loop
   * a turn (default {@linkcode TAGS_SLICE_MS}): cache hits never wait on real
   * I/O, so a warm run over a big tree would otherwise hold every other
   * request of the process (an MCP server's) until it ends.
   */
  sliceMs?: number;
}

/** Default {@linkcode TagsOptions.sliceMs}. */
export const TAGS_SLICE_MS = 8;

/** A turn of the event loop: timers and I/O callbacks due now run first. */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The cache's file name of a file's tags: its own key kind and version. */
function tagsFileRel(rel: string): string {
  return `tags:${TAGS_VERSION}:${rel}`;
}

/** The cache key of a file's tags. */
export function tagsCacheKey(segment: Segment, rel: string, sha256: string): string {
  return cacheKey(segment.id, tagsFileRel(rel), sha256);
}

type Lookup =
  | { hit: true; tags: FileTags }
  | { hit: false; job: ParseJob; mtimeMs?: number; size?: number };

/** Cache lookup of one file: by stat, then by content hash; else its job. */
async function lookup(
  segment: Segment,
  rel: string,
  options: TagsOptions & { hashFirst: boolean },
): Promise<Lookup> {
  const language = languageOf(rel);
  if (!language) throw new TrifectaError("UNSUPPORTED_LANGUAGE", `No grammar for ${rel}`);
  const abs = join(segment.root, rel);
  const { cache } = options;
  const job: ParseJob = { segment, rel, abs, language, wantStat: cache !== undefined };
  if (!cache || !options.hashFirst) return { hit: false, job };
  let stat: Deno.FileInfo;
  try {
    stat = Deno.statSync(abs);
  } catch (err) {
    checkInsideSync(segment, abs); // throws the named error when there is one
    throw new TrifectaError("FILE_UNREADABLE", `Cannot stat ${rel}`, { cause: err });
  }
  const mtimeMs = stat.mtime?.getTime() ?? 0;
  const statKey = cache.keyForStat(tagsFileRel(rel), mtimeMs, stat.size);
  const byStat = statKey === undefined ? undefined : cachedTags(cache.get(statKey), rel);
  if (byStat) return { hit: true, tags: byStat };
  let sha256 = "";
  const src = await readInside(segment, abs, {
    maxBytes: options.maxBytes ?? DEFAULT_MAX_FILE_BYTES,
    mode: "skeleton",
    hasher: (bytes) => (sha256 = contentSha256Hex(bytes)),
  });
  const byHash = cachedTags(cache.get(tagsCacheKey(segment, rel, sha256)), rel, sha256);
  if (byHash) return { hit: true, tags: byHash };
  return {
    hit: false,
    job: { ...job, text: src.text, size: src.bytes, sha256 },
    mtimeMs: src.mtimeMs ?? mtimeMs,
    size: src.bytes,
  };
}

/** Counts of one run, for telemetry. */
interface TagsRun {
  hits: number;
  misses: number;
  skipped: number;
}

/** Extract one missed file in the pool and store its tags. */
async function extract(
  segment: Segment,
  pool: ParsePool,
  miss: Extract<Lookup, { hit: false }>,
  options: TagsOptions,
): Promise<FileTags | string> {
  const outcome = await pool.tags(miss.job);
  if (!outcome.ok) {
    if (outcome.code === RAW_IMPORTS_REQUIRED) throw rawImportsRequired();
    return outcome.code;
  }
  const { tags } = outcome;
  const mtimeMs = miss.mtimeMs ?? outcome.mtimeMs;
  const size = miss.size ?? outcome.size;
  if (options.cache && mtimeMs !== undefined && size !== undefined) {
    const key = tagsCacheKey(segment, tags.path, tags.sha256);
    options.cache.set(key, packTags(tags), {
      fileRel: tagsFileRel(tags.path),
      fileMtimeMs: mtimeMs,
      fileSize: size,
    });
  }
  return tags;
}

function record(telemetry: Telemetry | undefined, run: TagsRun, files: number, ms: number): void {
  if (!telemetry?.enabled) return;
  telemetry.event("ast.tags", {
    args: { files_count: files },
    result: {
      status: "ok",
      cache_hits: run.hits,
      cache_misses: run.misses,
      skipped_count: run.skipped,
    },
    timingMs: ms,
  });
}

/**
 * The tags of `files` (segment-relative paths, as
 * {@linkcode collectSkeletonTargets} gives them), in input order. Cache hits
 * are served on the main thread; the rest are extracted in parallel workers.
 * Unsupported, unreadable, binary, oversized and too complex files are left
 * out (reported to `onSkip`), never thrown.
 *
 * @example
 * ```ts
 * import { tagsOfFiles } from "./tags.ts";
 * import { resolveSegment } from "../segment/mod.ts";
 * import { ok } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/app.py`, "from util import helper\n\nhelper(1)\n");
 * const [tags] = await tagsOfFiles(await resolveSegment(dir), ["app.py"]);
 * ok(tags?.imports.some((i) => i.name === "helper" && i.module === "util"));
 * ok(tags?.refs.some((r) => r.name === "helper" && r.kind === "call" && r.line === 3));
 * ```
 */
export async function tagsOfFiles(
  segment: Segment,
  files: readonly string[],
  options: TagsOptions = {},
): Promise<FileTags[]> {
  const start = performance.now();
  const out: (FileTags | undefined)[] = new Array(files.length);
  const run: TagsRun = { hits: 0, misses: 0, skipped: 0 };
  const hashFirst = options.cache !== undefined && options.cache.stats().entries > 0;
  const skip = (rel: string, code: string) => {
    run.skipped++;
    options.onSkip?.(rel, code);
  };
  let pool = options.pool;
  try {
    const pending: Promise<void>[] = [];
    const sliceMs = options.sliceMs ?? TAGS_SLICE_MS;
    let since = performance.now();
    for (const [i, rel] of files.entries()) {
      if (performance.now() - since >= sliceMs) {
        await nextMacrotask();
        since = performance.now();
      }
      let found: Lookup;
      try {
        found = await lookup(segment, rel, { ...options, hashFirst });
      } catch (err) {
        // A file refused by the boundary or without a grammar is left out.
        if (!(err instanceof TrifectaError)) throw err;
        skip(rel, err.code);
        continue;
      }
      if (found.hit) {
        run.hits++;
        out[i] = found.tags;
        continue;
      }
      run.misses++;
      pool ??= new ParsePool({
        size: files.length < IN_PROCESS_LIMIT ? 0 : options.workers,
        maxBytes: options.maxBytes,
      });
      pending.push(
        extract(segment, pool, found, options).then((r) => {
          if (typeof r === "string") skip(rel, r);
          else out[i] = r;
        }),
      );
    }
    await Promise.all(pending);
  } finally {
    if (options.pool === undefined) pool?.close();
  }
  record(options.telemetry, run, files.length, performance.now() - start);
  return out.filter((t): t is FileTags => t !== undefined);
}
