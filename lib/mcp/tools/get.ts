/**
 * The `get` tool: context-pack chunks by id within a budget (mirrors
 * `trifecta ctx get`; the JSON is the contract's {@linkcode getJson}, the
 * same keys as `ctx get --json`).
 *
 * @module
 */
import { z } from "zod";
import {
  type ContextPack,
  DEFAULT_BUDGET,
  getChunks,
  type GetResult,
  parseChunkId,
} from "../../context/mod.ts";
import { TrifectaError } from "../../errors.ts";
import { DISCLOSURE_MODES, type DisclosureMode } from "../../segment/mod.ts";
import { escapeField } from "../../escape.ts";
import { getJson } from "../../contract/results.ts";
import {
  cursorInput,
  cursorOffset,
  encodeCursor,
  outputTokens,
  PAGE_OUTPUT,
  pageFields,
} from "../paging.ts";
import type { McpState } from "../state.ts";
import { defineTool, enumOf, type ToolOutput } from "./define.ts";

const DESCRIPTION =
  "Read chunks returned by `search`, in the order given, until budget_tokens is spent. Modes: " +
  "`skeleton` (signatures/headings only — cheapest), `excerpt` (default: the first lines), " +
  "`raw` (whole chunks — use last). The text (headings, chunks, summary) never exceeds " +
  "budget_tokens; chunks past it are left for the next page (stop_reason: budget, " +
  "next_cursor: pass it as `cursor` with the same ids and mode).";

const OUTPUT = {
  chunks: z.array(z.object({ id: z.string(), text: z.string() }).passthrough()),
  total_tokens: z.number(),
  stop_reason: z.string(),
  missing_ids: z.array(z.string()),
  pack_rebuilt: z.boolean(),
  ...PAGE_OUTPUT,
};

/** Longest title a chunk's heading line shows (the structured `title_path` is whole). */
const HEADING_TITLE_CHARS = 160;

/** The chunks as text: a heading line per chunk, its text, then a summary line. */
function chunksText(r: GetResult, cursor: string | undefined): string {
  let text = "";
  for (const c of r.chunks) {
    const title = escapeField(c.title_path.join(" > "));
    const shown = title.length <= HEADING_TITLE_CHARS
      ? title
      : `${title.slice(0, HEADING_TITLE_CHARS)}…`;
    text += `## [${escapeField(c.id)}] ${shown}\n${c.text.replace(/\n$/, "")}\n\n`;
  }
  if (r.missing_ids.length > 0) {
    text += `unknown id(s): ${escapeField(r.missing_ids.join(", "))}\n`;
  }
  const next = cursor === undefined ? "" : `; next page: cursor "${cursor}"`;
  return text + `(${r.chunks_returned} chunk(s), mode=${r.mode}, ~${r.total_tokens} tokens, ` +
    `stop: ${r.stop_reason}${next})\n`;
}

/** How many of `ids` a walk used: through its last chunk, or all of them when it completed. */
function idsUsed(ids: readonly string[], r: GetResult): number {
  if (r.stop_reason === "complete" || r.chunks.length === 0) return ids.length;
  let j = 0;
  for (let i = 0; i < ids.length; i++) {
    if (r.chunks[j]?.id !== ids[i]) continue;
    j++;
    if (j === r.chunks.length) return i + 1;
  }
  return ids.length;
}

type GetArgs = { ids: string[]; mode: DisclosureMode; budget_tokens?: number; cursor?: string };

/** One page: the ids from `start` that the chunk budget `inner` takes, and where the next starts. */
function pageOf(
  pack: ContextPack,
  args: GetArgs,
  o: { start: number; inner: number },
): { r: GetResult; next: number | undefined } {
  const rest = args.ids.slice(o.start);
  const first = getChunks(pack, rest, { mode: args.mode, budget: o.inner });
  const used = idsUsed(rest, first);
  if (used >= rest.length) return { r: first, next: undefined };
  // The same walk over the page's ids alone: missing_ids and counts of this page only.
  const page = getChunks(pack, rest.slice(0, used), { mode: args.mode, budget: o.inner });
  return {
    r: { ...page, stop_reason: first.stop_reason, budget_exceeded: first.budget_exceeded },
    next: o.start + used,
  };
}

/**
 * The page whose whole text (headings, chunks, summary and cursor) fits
 * `budget`: the largest chunk budget whose page fits, by binary search (a
 * larger chunk budget never gives a shorter page); BUDGET_EXCEEDED when not
 * even one cut chunk with its heading fits.
 */
function fitPage(
  pack: ContextPack,
  args: GetArgs,
  o: { start: number; budget: number },
): { r: GetResult; next: number | undefined; text: string } {
  const attempt = (inner: number) => {
    const { r, next } = pageOf(pack, args, { start: o.start, inner });
    const text = chunksText(r, next === undefined ? undefined : encodeCursor("get", args, next));
    return { r, next, text, fits: outputTokens(text) <= o.budget };
  };
  let best = attempt(o.budget);
  if (best.fits) return best;
  let lo = 1;
  let hi = o.budget - 1;
  let found = false;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const a = attempt(mid);
    if (a.fits) {
      best = a;
      found = true;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found) return best;
  throw new TrifectaError(
    "BUDGET_EXCEEDED",
    `budget_tokens=${o.budget} cannot hold one chunk with its heading and the summary line`,
    {
      nextSteps: ["Raise budget_tokens (a few hundred tokens hold a heading and a cut chunk)"],
      details: { budget_tokens: o.budget },
    },
  );
}

async function run(state: McpState, args: GetArgs): Promise<ToolOutput> {
  // The CLI's id rule (`parseIds`): an id that climbs out of the segment is PATH_TRAVERSAL.
  for (const id of args.ids) parseChunkId(id);
  const start = cursorOffset("get", args);
  const fresh = await state.pack.fresh({ ids: args.ids });
  const budget = args.budget_tokens ?? DEFAULT_BUDGET;
  const { r, next, text } = fitPage(fresh.loaded.pack, args, { start, budget });
  const rebuilt = fresh.rebuilt !== undefined;
  return {
    text,
    structured: {
      ...getJson(r),
      pack_rebuilt: rebuilt,
      ...pageFields("get", args, { total: args.ids.length, next }),
    },
    eventArgs: { ids_count: args.ids.length, mode: args.mode, budget, cursor: start > 0 },
    eventResult: {
      chunks_returned: r.chunks_returned,
      total_tokens: r.total_tokens,
      stop_reason: r.stop_reason,
      pack_rebuilt: rebuilt,
      next_page: next !== undefined,
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
    cursor: cursorInput(),
  },
  output: OUTPUT,
  run,
});
