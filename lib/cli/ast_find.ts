/**
 * `ast find <pattern>`: symbols by name, qualified path, substring or glob,
 * ranked, with their `sym://` URI (lib/nav/find.ts). Text: a head line,
 * one block per symbol, a footer line; `--json`: the items and totals.
 *
 * @module
 */
import { createAstCache } from "../cache/mod.ts";
import type { OptionsFor } from "../contract/commands.ts";
import { findSymbols } from "../nav/find.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { printJson } from "./output.ts";

/** `ast find <pattern> [--kind K] [--language L] [--path P] [--depth N] [--body] [--limit N]`. */
export async function findHandler(
  ctx: CommandContext<OptionsFor<"ast.find">>,
): Promise<CommandOutcome> {
  const o = ctx.options;
  const pattern = ctx.args[0] ?? "";
  const cache = createAstCache({
    persist: ctx.global.persistCache,
    segment: ctx.segment,
    telemetry: ctx.telemetry,
  });
  try {
    const page = await findSymbols(ctx.segment, {
      pattern,
      kind: o.kind,
      language: o.language,
      path: o.path,
    }, {
      // A memory cache dies with this process: filling it would only cost time.
      cache: cache.backend === "memory" ? undefined : cache,
      // One call per process: keep the symbol index with the persistent cache.
      snapshot: true,
      telemetry: ctx.telemetry,
      depth: o.depth,
      includeBody: o.body,
      limit: o.limit,
    });
    const load = page.run.load;
    const index = {
      files: load.filesTotal,
      reused: load.reused,
      cache_hits: load.cacheHits,
      parsed: load.parsed,
      skipped: load.skipped,
      from_snapshot: load.fromSnapshot,
      backend: cache.backend,
    };
    if (ctx.global.json) {
      printJson(ctx.output, {
        status: "ok",
        pattern,
        total: page.total,
        shown: page.items.length,
        truncated: page.next !== undefined,
        items: page.items,
        warnings: page.warnings,
        index,
      });
    } else {
      ctx.output.out(page.text);
      for (const w of page.warnings) ctx.output.err(`warning: ${w}\n`);
    }
    return {
      args: {
        pattern_len: pattern.length,
        kinds: o.kind ?? null,
        language: o.language ?? null,
        has_path: o.path !== undefined,
        depth: o.depth ?? 0,
        body: o.body,
        limit: o.limit ?? null,
      },
      result: {
        total: page.total,
        shown: page.items.length,
        top_match: page.items[0]?.match ?? null,
        truncated: page.next !== undefined,
      },
      extra: index,
      warnings: page.warnings.length > 0 ? page.warnings : undefined,
    };
  } finally {
    cache.close();
  }
}
