/**
 * `map [--focus ITEMS] [-b N]`: the ranked map of the repository's
 * definitions under a token budget (lib/nav/map.ts).
 *
 * @module
 */
import { createAstCache, describeCache } from "../cache/mod.ts";
import type { OptionsFor } from "../contract/commands.ts";
import { okJson } from "../contract/results.ts";
import { MAP_DEFAULT_BUDGET, repoMap } from "../nav/map.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { printJson } from "./output.ts";
import { createProgress } from "./progress.ts";

/** The focus items of `--focus a,b,c`. */
export function focusItems(focus: string | undefined): string[] {
  return (focus ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** `map`: print the map (text, or JSON with each entry's uri and score). */
export async function mapHandler(ctx: CommandContext<OptionsFor<"map">>): Promise<CommandOutcome> {
  const focus = focusItems(ctx.options.focus);
  // The flag, else trifecta.jsonc's budgets.map, else the built-in default.
  const budget = ctx.options.budgetTokenEst ?? ctx.config.budgets.map.value ?? MAP_DEFAULT_BUDGET;
  const cache = createAstCache({
    persist: ctx.global.persistCache,
    segment: ctx.segment,
    telemetry: ctx.telemetry,
  });
  const progress = createProgress(ctx.output, "map", { unit: "files" });
  try {
    const map = await repoMap(ctx.segment, {
      focus,
      budgetTokens: budget,
      cache,
      telemetry: ctx.telemetry,
      onProgress: progress.enabled ? progress.update : undefined,
    });
    progress.end(); // erased before the map prints on the same terminal
    if (ctx.global.json) {
      printJson(ctx.output, okJson({ ...map, cache_backend: describeCache(cache).backend }));
    } else {
      ctx.output.out(map.text);
      if (map.focus.unmatched.length > 0) {
        ctx.output.err(`map: focus items that name nothing: ${map.focus.unmatched.length}\n`);
      }
    }
    return {
      args: { focus_count: focus.length, budget_tokens: budget },
      result: {
        status: "ok",
        entries_count: map.entries.length,
        definitions_count: map.definitions_count,
        files_count: map.files_count,
        token_est: map.token_est,
        truncated: map.truncated,
      },
      extra: {
        focus_unmatched_count: map.focus.unmatched.length,
        skipped_count: map.skipped_count,
      },
    };
  } finally {
    progress.end();
    cache.close();
  }
}
