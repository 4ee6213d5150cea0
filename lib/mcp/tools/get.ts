/**
 * The `get` tool: context-pack chunks by id within a budget (mirrors
 * `trifecta ctx get`; the JSON is the contract's {@linkcode getJson}, the
 * same keys as `ctx get --json`).
 *
 * @module
 */
import { z } from "zod";
import { DEFAULT_BUDGET, getChunks, type GetResult, parseChunkId } from "../../context/mod.ts";
import { DISCLOSURE_MODES, type DisclosureMode } from "../../segment/mod.ts";
import { escapeField } from "../../escape.ts";
import { getJson } from "../../contract/results.ts";
import type { McpState } from "../state.ts";
import { defineTool, enumOf, type ToolOutput } from "./define.ts";

const DESCRIPTION =
  "Read chunks returned by `search`, in the order given, until budget_tokens is spent. Modes: " +
  "`skeleton` (signatures/headings only — cheapest), `excerpt` (default: the first lines), " +
  "`raw` (whole chunks — use last). Chunks past the budget are not returned " +
  "(stop_reason: budget).";

const OUTPUT = {
  chunks: z.array(z.object({ id: z.string(), text: z.string() }).passthrough()),
  total_tokens: z.number(),
  stop_reason: z.string(),
  missing_ids: z.array(z.string()),
  pack_rebuilt: z.boolean(),
};

/** The chunks as text: a heading line per chunk, its text, then a summary line. */
function chunksText(r: GetResult): string {
  let text = "";
  for (const c of r.chunks) {
    text += `## [${escapeField(c.id)}] ${escapeField(c.title_path.join(" > "))}\n${
      c.text.replace(/\n$/, "")
    }\n\n`;
  }
  if (r.missing_ids.length > 0) {
    text += `unknown id(s): ${escapeField(r.missing_ids.join(", "))}\n`;
  }
  return text + `(${r.chunks_returned} chunk(s), mode=${r.mode}, ~${r.total_tokens} tokens, ` +
    `stop: ${r.stop_reason})\n`;
}

async function run(
  state: McpState,
  args: { ids: string[]; mode: DisclosureMode; budget_tokens?: number },
): Promise<ToolOutput> {
  // The CLI's id rule (`parseIds`): an id that climbs out of the segment is PATH_TRAVERSAL.
  for (const id of args.ids) parseChunkId(id);
  const fresh = await state.pack.fresh();
  const budget = args.budget_tokens ?? DEFAULT_BUDGET;
  const r = getChunks(fresh.loaded.pack, args.ids, { mode: args.mode, budget });
  const rebuilt = fresh.rebuilt !== undefined;
  return {
    text: chunksText(r),
    structured: { ...getJson(r), pack_rebuilt: rebuilt },
    eventArgs: { ids_count: args.ids.length, mode: args.mode, budget },
    eventResult: {
      chunks_returned: r.chunks_returned,
      total_tokens: r.total_tokens,
      stop_reason: r.stop_reason,
      pack_rebuilt: rebuilt,
    },
  };
}

/** `get`: read context-pack chunks by id, within a budget. */
export const GET_TOOL = defineTool({
  name: "get",
  title: "Read context-pack chunks by id, within a budget",
  description: DESCRIPTION,
  input: {
    ids: z.array(z.string().min(1).max(1000)).min(1).max(50).describe("chunk ids from `search`"),
    mode: enumOf(DISCLOSURE_MODES).default("excerpt").describe(
      "skeleton | excerpt (default) | raw",
    ),
    budget_tokens: z.number().int().min(1).max(1_000_000).optional()
      .describe(`token budget (default ${DEFAULT_BUDGET})`),
  },
  output: OUTPUT,
  run,
});
