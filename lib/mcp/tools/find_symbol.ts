/**
 * The `find_symbol` tool: symbols by name, qualified path, substring or
 * glob, ranked, with their `sym://` URI, under a token budget with a cursor
 * for the next page (mirrors `trifecta ast find`). The session keeps the
 * symbol index (lib/nav/find_index.ts) between calls: a call re-reads only
 * the skeletons of files that changed.
 *
 * @module
 */
import { uriLanguageNames } from "../../languages/modules.ts";
import { z } from "zod";
import { SYMBOL_KINDS } from "../../ast/limits.ts";
import { sha256Hex } from "../../sha256.ts";
import {
  DEFAULT_FIND_LIMIT,
  findPage,
  MAX_FIND_DEPTH,
  MAX_FIND_LIMIT,
  MIN_FIND_BUDGET,
  runFind,
} from "../../nav/find.ts";
import { SymbolIndex } from "../../nav/find_index.ts";
import { cursorInput, cursorOffset, encodeCursor, PAGE_OUTPUT, pageFields } from "../paging.ts";
import type { McpState } from "../state.ts";
import { defineTool, type ToolOutput, type ToolSpec } from "./define.ts";

/** Budget of the answer's text when none is given. */
export const DEFAULT_FIND_BUDGET = 2000;

const TOOL = "find_symbol";

const DESCRIPTION =
  "Find symbols by name without knowing where they are: an exact name (`AppConfig`), a " +
  "qualified path (`Inventory/add` or `Inventory.add`; a leading `/` anchors at the top " +
  "level), a substring (`Config`) or a glob (`get_*`, `*Config`, `?`). Filters: kind " +
  "(class, function, method, interface, type, variable, enum), language, path (a " +
  "segment-relative directory). Ranked: exact > prefix > substring/glob, case-sensitive " +
  "first, source before tests, shorter qualified names first. Each result has its sym:// " +
  "`uri` for `symbol`/`snippet`/`references`, kind, path and lines; `depth` adds children " +
  "as outline lines, `include_body` the code (at most 100 lines each). The text never " +
  "exceeds budget_tokens; pass `next_cursor` as `cursor` for the next page.";

const KIND = z.enum(["class", "function", "method", "interface", "type", "variable", "enum"]);

const OUTPUT = {
  pattern: z.string(),
  items: z.array(
    z.object({
      uri: z.string().nullable(),
      kind: z.string(),
      name: z.string(),
      qualified_name: z.string(),
      path: z.string(),
      start_line: z.number(),
      end_line: z.number(),
      match: z.string(),
    }).passthrough(),
  ),
  shown: z.number(),
  warnings: z.array(z.string()),
  token_est: z.number(),
  budget_tokens: z.number(),
  ...PAGE_OUTPUT,
};

/** One index per MCP session (the state lives as long as the session). */
const INDEXES = new WeakMap<McpState, SymbolIndex>();

function indexOf(state: McpState): SymbolIndex {
  let index = INDEXES.get(state);
  if (index === undefined) {
    index = new SymbolIndex();
    INDEXES.set(state, index);
  }
  return index;
}

interface FindArgs {
  pattern: string;
  kind?: string | string[];
  language?: string;
  path?: string;
  depth?: number;
  include_body: boolean;
  limit?: number;
  budget_tokens?: number;
  cursor?: string;
}

async function run(state: McpState, args: FindArgs): Promise<ToolOutput> {
  const budget = args.budget_tokens ?? state.budgets.tools ?? DEFAULT_FIND_BUDGET;
  const found = await runFind(state.segment, {
    pattern: args.pattern,
    kind: args.kind,
    language: args.language,
    path: args.path,
  }, {
    cache: state.cache,
    telemetry: state.telemetry,
    pool: () => state.pool(),
    index: indexOf(state),
    depth: args.depth,
    includeBody: args.include_body,
  });
  // The cursor is bound to the arguments and to the ranked results: a page
  // asked for after a file changed is refused, never skipped or repeated.
  const bound = { ...args, results: found.digest() };
  const page = await findPage(state.segment, found, {
    offset: Math.min(cursorOffset(TOOL, bound), found.matches.length),
    limit: args.limit,
    budgetTokens: budget,
    more: (next) => `next page: cursor "${encodeCursor(TOOL, bound, next)}"`,
    telemetry: state.telemetry,
  });
  return {
    text: page.text === "" ? "(no matches)\n" : page.text,
    structured: {
      status: "ok",
      pattern: args.pattern,
      items: page.items,
      shown: page.items.length,
      warnings: page.warnings,
      token_est: page.token_est,
      budget_tokens: budget,
      ...pageFields(TOOL, bound, { total: page.total, next: page.next }),
    },
    eventArgs: {
      pattern_hash: sha256Hex(args.pattern).slice(0, 16),
      pattern_len: args.pattern.length,
      depth: args.depth ?? 0,
      include_body: args.include_body,
      budget_tokens: budget,
      paged: args.cursor !== undefined,
    },
    eventResult: {
      total: page.total,
      shown: page.items.length,
      token_est: page.token_est,
      files: found.load.filesTotal,
      cache_hits: found.load.cacheHits,
    },
  };
}

/** `find_symbol`: symbols by name, path, substring or glob, ranked, with their URI. */
export const FIND_SYMBOL_TOOL: ToolSpec = defineTool({
  name: TOOL,
  title: "Find symbols by name, qualified path, substring or glob",
  description: DESCRIPTION,
  input: {
    pattern: z.string().min(1).max(4096).describe(
      "name, qualified path (Inventory/add), substring or glob (get_*); at most 512 characters",
    ),
    kind: z.union([KIND, z.array(KIND).min(1).max(SYMBOL_KINDS.size)]).optional()
      .describe("keep only these kinds"),
    language: z.string().min(1).max(32).optional()
      .describe(`keep one language: ${uriLanguageNames().names.join(", ")}`),
    path: z.string().min(1).max(1024).optional()
      .describe("keep files under this segment-relative directory or file"),
    depth: z.number().int().min(0).max(MAX_FIND_DEPTH).optional()
      .describe("levels of children shown as outline lines (default 0)"),
    include_body: z.boolean().default(false)
      .describe("add each symbol's code (at most 100 lines, secrets masked)"),
    limit: z.number().int().min(1).max(MAX_FIND_LIMIT).optional()
      .describe(`most results per page (default ${DEFAULT_FIND_LIMIT})`),
    budget_tokens: z.number().int().min(MIN_FIND_BUDGET).max(200_000).optional()
      .describe(`token budget of the text (default ${DEFAULT_FIND_BUDGET})`),
    cursor: cursorInput(),
  },
  output: OUTPUT,
  run,
});
