/**
 * The `symbol` tool: resolve a `sym://` URI to a symbol and its line range,
 * or list a module's symbols, within a token budget (mirrors
 * `trifecta ast symbols`).
 *
 * @module
 */
import { z } from "zod";
import { uriLanguageNames } from "../../languages/modules.ts";
import { resolveSymbol, symbolJson } from "../../symbols/mod.ts";
import { sha256Hex } from "../../sha256.ts";
import { symbolHeadJson } from "../../contract/results.ts";
import { fitSymbolAnswer, MIN_SYMBOL_BUDGET } from "../budget.ts";
import { cursorInput, cursorOffset, encodeCursor, PAGE_OUTPUT } from "../paging.ts";
import type { McpState } from "../state.ts";
import { defineTool, type ToolOutput } from "./define.ts";

/** Budget of an answer when none is given. */
export const DEFAULT_SYMBOL_BUDGET = 2000;

/** The first `sym://` language (the examples') and every other one. */
const [FIRST = "", ...OTHERS] = uriLanguageNames().names;

const DESCRIPTION =
  "Find one symbol and its exact line range, or list a module's symbols, without reading code. " +
  `URI forms: \`sym://${FIRST}/mod/pkg.module\` (a module: its symbols), ` +
  `\`sym://${FIRST}/type/pkg.module/Class\` (a class or function), ` +
  `\`sym://${FIRST}/type/pkg.module/Class#method\` (a member); ${OTHERS.join(", ")} work ` +
  "the same with the file path as module (`web/api`); `skeleton` and `find_symbol` give each " +
  "symbol's uri. Cheap; use before `snippet`. Errors name near misses " +
  "(SYMBOL_NOT_FOUND) or the candidates (AMBIGUOUS_SYMBOL). The answer never exceeds " +
  "budget_tokens: symbols past it are left for the next page (truncated: true, next_cursor; " +
  "pass it as `cursor` with the same uri) and the text ends with a marker line.";

const OUTPUT = {
  uri: z.string(),
  kind: z.string(),
  file_rel: z.string(),
  language: z.string(),
  has_errors: z.boolean(),
  symbol: z.object({
    kind: z.string(),
    name: z.string(),
    qualified_name: z.string(),
    start_line: z.number(),
    end_line: z.number(),
  }).passthrough(),
  symbols: z.array(z.object({}).passthrough()),
  symbols_total: z.number(),
  symbols_omitted: z.number(),
  truncated: z.boolean(),
  token_est: z.number(),
  budget_tokens: z.number(),
  ...PAGE_OUTPUT,
};

async function run(
  state: McpState,
  args: { uri: string; budget_tokens?: number; cursor?: string },
): Promise<ToolOutput> {
  const budget = args.budget_tokens ?? state.budgets.tools ?? DEFAULT_SYMBOL_BUDGET;
  const start = cursorOffset("symbol", args);
  const r = await resolveSymbol(state.segment, args.uri, {
    cache: state.cache,
    telemetry: state.telemetry,
  });
  // A type URI lists its symbol's members, a module URI its symbols.
  const list = (r.symbol ? r.symbol.children : r.parse.skeleton.symbols).map(symbolJson);
  const fitted = fitSymbolAnswer({ ...symbolHeadJson(r) }, list, {
    budgetTokens: budget,
    start,
    cursorFor: (next) => encodeCursor("symbol", args, next),
  });
  return {
    text: fitted.text,
    structured: fitted.structured,
    eventArgs: {
      uri_hash: sha256Hex(args.uri).slice(0, 16),
      kind: r.query.kind,
      budget_tokens: budget,
      cursor: args.cursor !== undefined,
    },
    eventResult: {
      file: r.file.rel,
      symbol: r.symbol?.qualified_name ?? null,
      truncated: fitted.structured.truncated,
      token_est: fitted.structured.token_est,
      next_page: "next_cursor" in fitted.structured,
    },
  };
}

/** `symbol`: resolve a sym:// URI to a symbol and its line range. */
export const SYMBOL_TOOL = defineTool({
  name: "symbol",
  title: "Resolve a sym:// URI to a symbol and its line range",
  description: DESCRIPTION,
  input: {
    uri: z.string().min(1).max(2048).describe("a sym:// URI"),
    budget_tokens: z.number().int().min(MIN_SYMBOL_BUDGET).max(200_000).optional()
      .describe(`token budget of the answer (default ${DEFAULT_SYMBOL_BUDGET})`),
    cursor: cursorInput(),
  },
  output: OUTPUT,
  run,
});
