/**
 * The `search` tool: full-text search over the session's context pack
 * (mirrors `trifecta ctx search`; the JSON is the contract's
 * {@linkcode searchJson}, the same keys as `ctx search --json`).
 *
 * @module
 */
import { z } from "zod";
import { DEFAULT_LIMIT, searchPack } from "../../context/mod.ts";
import { sha256Hex } from "../../sha256.ts";
import { searchJson } from "../../contract/results.ts";
import { fitJsonPage } from "../json_page.ts";
import { cursorInput, cursorOffset, PAGE_OUTPUT } from "../paging.ts";
import type { McpState } from "../state.ts";
import { defineTool, type ToolOutput } from "./define.ts";
import { searchPageText } from "./search_text.ts";

const DESCRIPTION =
  "Full-text search (BM25, names and paths ranked first) over the segment's context pack: " +
  "Markdown sections, one chunk per top-level symbol, config files. A query that names a " +
  "symbol (`get_model`, `AppConfig.get_model`) ranks the chunk that defines it first, source " +
  "before tests; such a hit's `definition` names the symbol (a method: which one) and its " +
  "lines. Returns chunk ids with a 200-character preview and token estimates; read the " +
  "chunks you need with `get`. Needs a pack (`trifecta ctx build`); a pack whose files " +
  "changed is rebuilt first (pack_rebuilt).";

const OUTPUT = {
  hits: z.array(
    z.object({ id: z.string(), path: z.string(), token_est: z.number() }).passthrough(),
  ),
  total_hits: z.number(),
  total_matches: z.number(),
  zero_hit_reason: z.string(),
  warnings: z.array(z.string()),
  pack_rebuilt: z.boolean(),
  ...PAGE_OUTPUT,
};

/** Budget of the answer's text when none is given (paging: docs/mcp.md#budgets-and-paging). */
export const DEFAULT_SEARCH_BUDGET = 12_000;

async function run(
  state: McpState,
  args: { query: string; limit?: number; budget_tokens?: number; cursor?: string },
): Promise<ToolOutput> {
  // A bad cursor fails before the pack is read.
  cursorOffset("search", args);
  const fresh = await state.pack.fresh();
  const r = await searchPack(state.segment, args.query, {
    limit: args.limit,
    checkStale: false,
  });
  const rebuilt = fresh.rebuilt !== undefined;
  const full = { ...searchJson(r), pack_rebuilt: rebuilt };
  const { text, structured } = fitJsonPage(full, full.hits, {
    tool: "search",
    args,
    budgetTokens: args.budget_tokens ?? DEFAULT_SEARCH_BUDGET,
    listKey: "hits",
    render: searchPageText,
  });
  return {
    text,
    structured,
    eventArgs: {
      query_hash: sha256Hex(args.query).slice(0, 16),
      query_len: args.query.length,
      limit: args.limit ?? null,
    },
    eventResult: { hits: r.hits.length, total_matches: r.total_matches, pack_rebuilt: rebuilt },
  };
}

/** `search`: search the context pack (docs and code chunks). */
export const SEARCH_TOOL = defineTool({
  name: "search",
  title: "Search the context pack (docs and code chunks)",
  description: DESCRIPTION,
  input: {
    query: z.string().min(1).max(1000).describe("words or identifiers (2+ characters)"),
    limit: z.number().int().min(1).max(50).optional()
      .describe(`most hits (default ${DEFAULT_LIMIT})`),
    budget_tokens: z.number().int().min(256).max(200_000).optional()
      .describe(
        `token budget of the answer (default ${DEFAULT_SEARCH_BUDGET}); hits past it are paged`,
      ),
    cursor: cursorInput(),
  },
  output: OUTPUT,
  run,
});
