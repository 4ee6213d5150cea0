/**
 * The `map` tool: the ranked map of the repository's definitions under a
 * token budget, seen from a focus (mirrors `trifecta map`).
 *
 * @module
 */
import { z } from "zod";
import { MAP_DEFAULT_BUDGET, repoMap } from "../../nav/map.ts";
import {
  CURSOR_RESERVE_TOKENS,
  cursorInput,
  cursorOffset,
  encodeCursor,
  PAGE_OUTPUT,
} from "../paging.ts";
import type { McpState } from "../state.ts";
import { defineTool, type ToolOutput } from "./define.ts";

/** Smallest budget accepted (a cursor line, a path and one entry line). */
export const MIN_MAP_BUDGET = 128;

const DESCRIPTION =
  "A ranked map of the repository: the definitions the code references most (classes, " +
  "functions, methods with signatures and L<start>-<end>), grouped by file, ranked by " +
  "PageRank over which files reference which names. Give `focus` (files you work on, " +
  "sym:// URIs or identifiers) to rank what those files use first; without it, the whole " +
  "repository. The text never exceeds budget_tokens (default 1024); when definitions are " +
  "left out, pass next_cursor as `cursor` (same focus) for the next ones. Then use " +
  "`symbol`/`snippet` with an entry's uri to read code.";

const OUTPUT = {
  map: z.string(),
  entries: z.array(z.object({
    uri: z.string().nullable(),
    score: z.number(),
    path: z.string(),
    kind: z.string(),
    qualified_name: z.string(),
    start_line: z.number(),
    end_line: z.number(),
    signature: z.string(),
  })),
  focus: z.object({
    files: z.array(z.string()),
    identifiers: z.array(z.string()),
    unmatched: z.array(z.string()),
  }),
  files_count: z.number(),
  truncated: z.boolean(),
  token_est: z.number(),
  budget_tokens: z.number(),
  ...PAGE_OUTPUT,
};

async function run(
  state: McpState,
  args: { focus?: string[]; budget_tokens?: number; cursor?: string },
): Promise<ToolOutput> {
  const budget = args.budget_tokens ?? state.budgets.map ?? MAP_DEFAULT_BUDGET;
  const start = cursorOffset("map", args);
  const map = await repoMap(state.segment, {
    focus: args.focus ?? [],
    budgetTokens: budget,
    start,
    reserveTokens: CURSOR_RESERVE_TOKENS,
    cache: state.cache,
    telemetry: state.telemetry,
    pool: state.pool(),
  });
  // An entry too long for the budget alone is passed over, so paging ends.
  const next = start + Math.max(1, map.entries.length);
  const more = next < map.definitions_count;
  const cursor = more ? encodeCursor("map", args, next) : undefined;
  const text = cursor === undefined ? map.text : `${map.text}next_cursor: ${cursor}\n`;
  return {
    text,
    structured: {
      status: "ok",
      map: map.text,
      entries: map.entries,
      focus: map.focus,
      files_count: map.files_count,
      truncated: map.truncated,
      token_est: map.token_est,
      budget_tokens: budget,
      total: map.definitions_count,
      ...(cursor === undefined ? {} : { next_cursor: cursor }),
    },
    eventArgs: { focus_count: args.focus?.length ?? 0, budget_tokens: budget, cursor: start > 0 },
    eventResult: {
      entries_count: map.entries.length,
      token_est: map.token_est,
      truncated: map.truncated,
      next_page: more,
    },
  };
}

/** `map`: the ranked map of the repository under a budget. */
export const MAP_TOOL = defineTool({
  name: "map",
  title: "Ranked map of the repository's definitions",
  description: DESCRIPTION,
  input: {
    focus: z.array(z.string().min(1).max(1024)).max(100).optional()
      .describe("files or directories, sym:// URIs or identifiers to rank around"),
    budget_tokens: z.number().int().min(MIN_MAP_BUDGET).max(200_000).optional()
      .describe(`token budget of the map (default ${MAP_DEFAULT_BUDGET}, or budgets.map)`),
    cursor: cursorInput(),
  },
  output: OUTPUT,
  run,
});
