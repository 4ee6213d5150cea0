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
import type { McpState } from "../state.ts";
import { defineTool, jsonText, type ToolOutput } from "./define.ts";

const DESCRIPTION =
  "Full-text search (BM25, names and paths ranked first) over the segment's context pack: " +
  "Markdown sections, one chunk per top-level symbol, config files. Returns chunk ids with a " +
  "200-character preview and token estimates; read the chunks you need with `get`. Needs a " +
  "pack (`trifecta ctx build`); a pack whose files changed is rebuilt first (pack_rebuilt).";

const OUTPUT = {
  hits: z.array(
    z.object({ id: z.string(), path: z.string(), token_est: z.number() }).passthrough(),
  ),
  total_hits: z.number(),
  total_matches: z.number(),
  zero_hit_reason: z.string(),
  warnings: z.array(z.string()),
  pack_rebuilt: z.boolean(),
};

async function run(state: McpState, args: { query: string; limit?: number }): Promise<ToolOutput> {
  const fresh = await state.pack.fresh();
  const r = await searchPack(state.segment, args.query, {
    limit: args.limit,
    checkStale: false,
  });
  const rebuilt = fresh.rebuilt !== undefined;
  const structured = { ...searchJson(r), pack_rebuilt: rebuilt };
  return {
    text: jsonText(structured),
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
  },
  output: OUTPUT,
  run,
});
