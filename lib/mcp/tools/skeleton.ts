/**
 * The `skeleton` tool: the symbol outline of a file or a directory under a
 * token budget (mirrors `trifecta ast skeleton`).
 *
 * @module
 */
import { z } from "zod";
import {
  collectSkeletonTargets,
  IN_PROCESS_LIMIT,
  singleFileFailure,
  skeletonOfFiles,
  skippedTargets,
} from "../../ast/mod.ts";
import { type BudgetedOutline, budgetOutline, MIN_SKELETON_BUDGET } from "../budget.ts";
import type { McpState } from "../state.ts";
import { defineTool, type ToolOutput } from "./define.ts";

/** Budget of an outline when none is given. */
export const DEFAULT_SKELETON_BUDGET = 2000;

const DESCRIPTION =
  "Start here. The symbol outline of a file or a directory (recursive, .gitignore respected): " +
  "imports, classes, functions and methods with signatures, first doc line and L<start>-<end> " +
  "line ranges — no bodies. Costs far fewer tokens than reading files. The outline never " +
  "exceeds budget_tokens: whole files in path order, then one file cut by lines, then a " +
  "marker line saying how many symbols and files were left out (ask again with a narrower " +
  "path). Then use `symbol`/`snippet` with a sym:// URI for the code you need.";

const OUTPUT = {
  outline: z.string(),
  files: z.array(z.object({
    path: z.string(),
    language: z.string(),
    has_errors: z.boolean(),
    symbols: z.number(),
    shown: z.enum(["full", "partial"]),
  })),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() }).passthrough()),
  files_total: z.number(),
  files_omitted: z.number(),
  symbols_total: z.number(),
  symbols_omitted: z.number(),
  truncated: z.boolean(),
  token_est: z.number(),
  budget_tokens: z.number(),
};

/** The outline's structured content. */
function outlineJson(
  outline: BudgetedOutline,
  skipped: readonly unknown[],
  budget: number,
): Record<string, unknown> {
  return {
    status: "ok",
    outline: outline.text,
    files: outline.files,
    skipped: skipped.slice(0, 20),
    files_total: outline.files_total,
    files_omitted: outline.files_omitted,
    symbols_total: outline.symbols_total,
    symbols_omitted: outline.symbols_omitted,
    truncated: outline.truncated,
    token_est: outline.token_est,
    budget_tokens: budget,
  };
}

async function run(
  state: McpState,
  args: { path: string; budget_tokens?: number },
): Promise<ToolOutput> {
  const { segment, cache, telemetry } = state;
  const budget = args.budget_tokens ?? DEFAULT_SKELETON_BUDGET;
  const targets = await collectSkeletonTargets(segment, [args.path]);
  const many = targets.files.length >= IN_PROCESS_LIMIT;
  const batch = await skeletonOfFiles(segment, targets.files, {
    cache,
    telemetry,
    pool: many ? state.pool() : undefined,
  });
  const failed = singleFileFailure(batch, targets.singles);
  if (failed) throw failed;
  const skeletons = batch.files.flatMap((o) => (o.skeleton ? [o.skeleton] : []));
  const outline = budgetOutline(skeletons, { budgetTokens: budget });
  return {
    text: outline.text === "" ? "(no source files)\n" : outline.text,
    structured: outlineJson(outline, skippedTargets(targets, batch), budget),
    eventArgs: { path: args.path, budget_tokens: budget, dirs_count: targets.dirs },
    eventResult: {
      files: outline.files_total,
      cache_hits: batch.stats.cache_hits,
      cache_misses: batch.stats.cache_misses,
      truncated: outline.truncated,
      token_est: outline.token_est,
    },
  };
}

/** `skeleton`: outline files (classes, functions, signatures, line ranges). */
export const SKELETON_TOOL = defineTool({
  name: "skeleton",
  title: "Outline files (classes, functions, signatures, line ranges)",
  description: DESCRIPTION,
  input: {
    path: z.string().min(1).describe(
      "file or directory, relative to the segment root (e.g. `src/app/models.py`, `src`)",
    ),
    budget_tokens: z.number().int().min(MIN_SKELETON_BUDGET).max(200_000).optional()
      .describe(`token budget of the outline (default ${DEFAULT_SKELETON_BUDGET})`),
  },
  output: OUTPUT,
  run,
});
