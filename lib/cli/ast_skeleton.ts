/**
 * `ast skeleton <path…>`: the skeleton of files and directories (recursive,
 * `.gitignore` respected), as an indented text outline or, with `--json`,
 * `{"status":"ok","files":[…],"skipped":[…],"stats":{…}}`.
 *
 * @module
 */
import { createAstCache } from "../cache/mod.ts";
import {
  collectSkeletonTargets,
  type FileOutcome,
  type FileSkeleton,
  IN_PROCESS_LIMIT,
  type Language,
  ParsePool,
  renderSkeletonText,
  singleFileFailure,
  skeletonOfFiles,
  type SkippedTarget,
  skippedTargets,
  type SourceFile,
} from "../ast/mod.ts";
import { countByReason, DEFAULT_MAX_FILE_BYTES } from "../segment/mod.ts";
import { languageOfPath } from "../languages/mod.ts";
import { type AddressedSkeleton, withSymbolUris } from "../symbols/mod.ts";
import type { BatchStats, SkeletonSymbol } from "../ast/mod.ts";
import { optionalEnv } from "../env.ts";
import { escapeField, escapeTerminal } from "../escape.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { createProgress } from "./progress.ts";

/** The size cap: `TRIFECTA_AST_MAX_BYTES`, else the default. */
function maxBytesOf(): number {
  const env = optionalEnv("TRIFECTA_AST_MAX_BYTES");
  if (env !== undefined && /^\d+$/.test(env) && Number(env) > 0) return Number(env);
  return DEFAULT_MAX_FILE_BYTES;
}

/** `ast skeleton <path…>`. */
export async function skeletonHandler(ctx: CommandContext): Promise<CommandOutcome> {
  const { segment, telemetry } = ctx;
  const maxBytes = maxBytesOf();
  const cache = createAstCache({ persist: ctx.global.persistCache, segment, telemetry });
  let pool: ParsePool | undefined;
  const progress = createProgress(ctx.output, "ast skeleton", { unit: "files" });
  try {
    const targets = await collectSkeletonTargets(segment, ctx.args, {
      // A cold cache will parse everything: start the workers while walking.
      onDirectory: () => {
        if (!pool && cache.stats().entries === 0) pool = new ParsePool({ maxBytes });
      },
    });
    const dirs = targets.dirs;
    const ordered = targets.files;
    if (pool && ordered.length < IN_PROCESS_LIMIT) {
      // Too few files to pay for workers: parse in process.
      pool.close();
      pool = undefined;
    }
    if (pool) pool.warm(languagesOf(ordered));
    // A memory cache dies with this process: filling it would only cost time.
    const batch = await skeletonOfFiles(segment, ordered, {
      cache: cache.backend === "memory" ? undefined : cache,
      telemetry,
      maxBytes,
      pool,
      onProgress: dirs > 0 && progress.enabled ? progress.update : undefined,
    });
    progress.end(); // erased before the answer prints on the same terminal
    const failedSingle = singleFileFailure(batch, targets.singles);
    if (failedSingle) throw failedSingle;
    const skipped = skippedTargets(targets, batch);
    const stats: Stats = {
      ...batch.stats,
      skipped: skipped.length,
      skipped_reasons: countByReason(skipped),
    };
    if (ctx.global.json) ctx.output.out(renderJson(batch.files, skipped, stats));
    else ctx.output.out(renderText(batch.files, skipped, stats));
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
        backend: cache.backend,
      },
    };
  } finally {
    progress.end();
    pool?.close();
    cache.close();
  }
}

/** One language per grammar among the files (languages sharing a grammar share its parser). */
function languagesOf(files: readonly SourceFile[]): Language[] {
  const byGrammar = new Map<string, Language>();
  for (const f of files) {
    const spec = languageOfPath(f.rel);
    if (spec && !byGrammar.has(spec.grammar)) byGrammar.set(spec.grammar, spec.name);
  }
  return [...byGrammar.values()];
}

type Stats = BatchStats & { skipped: number; skipped_reasons: Record<string, number> };

function renderJson(
  files: readonly FileOutcome[],
  skipped: readonly SkippedTarget[],
  stats: Stats,
): string {
  const parts: string[] = [];
  for (const o of files) {
    if (!o.skeleton) continue;
    const entry: AddressedSkeleton & { cache_status: string; cache_key?: string } = {
      ...withSymbolUris(o.skeleton),
      cache_status: o.cache_status,
      cache_key: o.cache_key,
    };
    parts.push(JSON.stringify(entry));
  }
  return `{"status":"ok","files":[${parts.join(",")}],"skipped":${
    JSON.stringify(skipped)
  },"stats":${JSON.stringify(stats)}}\n`;
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

function renderText(
  files: readonly FileOutcome[],
  skipped: readonly SkippedTarget[],
  stats: Stats,
): string {
  const out: string[] = [];
  for (const o of files) if (o.skeleton) out.push(renderSkeletonText(escapeSkeleton(o.skeleton)));
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
