/**
 * The `snippet` tool: a symbol's code by disclosure mode, within a budget
 * (mirrors `trifecta ast snippet`; the JSON is the contract's
 * {@linkcode snippetJson}, the same as `ast snippet --json`).
 *
 * @module
 */
import { z } from "zod";
import { DISCLOSURE_MODES, type DisclosureMode } from "../../segment/mod.ts";
import { discloseSymbol, resolveSymbol } from "../../symbols/mod.ts";
import { sha256Hex } from "../../sha256.ts";
import { escapeField } from "../../escape.ts";
import { snippetJson } from "../../contract/results.ts";
import { outputTokens } from "../paging.ts";
import type { McpState } from "../state.ts";
import { defineTool, enumOf, type ToolOutput } from "./define.ts";

const DESCRIPTION =
  "The code of the symbol a sym:// URI names, with progressive disclosure: `skeleton` " +
  "(signatures and doc lines of the symbol and its members — cheapest), `excerpt` (default: " +
  "the first lines of the body, marked where cut), `raw` (the whole symbol — use last, " +
  "for the one symbol you must read in full). With budget_tokens the text never exceeds it: " +
  "the call fails with BUDGET_EXCEEDED rather than return more (one symbol is not paged); " +
  "then use a cheaper mode or a narrower symbol.";

const OUTPUT = {
  uri: z.string(),
  kind: z.string(),
  file_rel: z.string(),
  language: z.string(),
  mode: enumOf(DISCLOSURE_MODES),
  range: z.object({ start_line: z.number(), end_line: z.number() }),
  content: z.string(),
  truncated: z.boolean(),
  token_est: z.number(),
  budget_tokens: z.number().nullable(),
  symbol: z.object({}).passthrough().nullable(),
};

async function run(
  state: McpState,
  args: { uri: string; mode: DisclosureMode; budget_tokens?: number },
): Promise<ToolOutput> {
  const r = await resolveSymbol(state.segment, args.uri, {
    cache: state.cache,
    telemetry: state.telemetry,
  });
  const s = await discloseSymbol(r, {
    mode: args.mode,
    budgetTokenEst: args.budget_tokens,
    telemetry: state.telemetry,
  });
  const d = s.disclosure;
  const what = r.symbol ? `${r.symbol.kind} ${r.symbol.qualified_name}` : "module";
  const head = `# ${
    escapeField(r.file.rel)
  }:${d.range.start_line}-${d.range.end_line}  ${what}  [${d.mode}, ~${d.token_est} tokens]`;
  // The budget bounds the content; the head line goes when the two would pass it.
  const full = `${head}\n${d.content}`;
  const fits = args.budget_tokens === undefined || outputTokens(full) <= args.budget_tokens;
  return {
    text: fits ? full : d.content,
    structured: { ...snippetJson(r, s, { budgetTokens: args.budget_tokens }) },
    eventArgs: {
      uri_hash: sha256Hex(args.uri).slice(0, 16),
      mode: args.mode,
      budget_tokens: args.budget_tokens ?? null,
    },
    eventResult: { file: r.file.rel, bytes_read: s.bytes_read, truncated: d.truncated },
  };
}

/** `snippet`: a symbol's code, by disclosure mode, within a budget. */
export const SNIPPET_TOOL = defineTool({
  name: "snippet",
  title: "A symbol's code, by disclosure mode, within a budget",
  description: DESCRIPTION,
  input: {
    uri: z.string().min(1).max(2048).describe("a sym:// URI (see `symbol`)"),
    mode: enumOf(DISCLOSURE_MODES).default("excerpt").describe(
      "skeleton | excerpt (default) | raw",
    ),
    budget_tokens: z.number().int().min(1).max(1_000_000).optional()
      .describe("most tokens to return; over it the call fails with BUDGET_EXCEEDED"),
  },
  output: OUTPUT,
  run,
});
