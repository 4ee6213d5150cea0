/**
 * The `find_references` tool (mirrors `trifecta lsp references <sym://…>`):
 * the references of a symbol named by its URI, grouped by the referencing
 * symbol, paged under a token budget.
 *
 * The text is the CLI's (one line per reference under its symbol); the
 * structure is in `structuredContent` only.
 *
 * Paging: the references are one ordered list (the groups' order, then
 * source order); a page takes as many as fit `budget_tokens` — measured by
 * `outputTokens` (the one estimator, on the text as the client gets it) on
 * the whole text returned and on the structured content as JSON, never
 * over — and
 * `next_cursor` continues after the last. The cursor is bound to the
 * arguments and to the list itself (a digest of every reference's
 * position): if the references changed between calls (a file was edited,
 * the language server became READY), the cursor is refused and the agent
 * starts again, so no reference is shown twice or skipped.
 *
 * @module
 */
import { z } from "zod";
import { TrifectaError } from "../../errors.ts";
import { sha256Hex } from "../../sha256.ts";
import { lspStateJson } from "../../contract/results.ts";
import { locateSymbol } from "../../nav/locate.ts";
import { type ReferencesAnswer, referencesOfSymbol } from "../../nav/references.ts";
import type { ReferenceGroup, ReferenceJson } from "../../nav/references_group.ts";
import { referencesText } from "../../nav/references_text.ts";
import { cursorInput, cursorOffset, encodeCursor, outputTokens, PAGE_OUTPUT } from "../paging.ts";
import type { McpState } from "../state.ts";
import { defineTool, jsonText, type ToolOutput } from "./define.ts";
import { lspText, type LspTextInput } from "./lsp_text.ts";
import { LSP_STATE_OUTPUT } from "./lsp_position.ts";

/** Budget when none is given. */
export const DEFAULT_REFERENCES_BUDGET = 2000;
/** Smallest budget accepted: the answer's head and one reference. */
export const MIN_REFERENCES_BUDGET = 300;

const TOOL = "find_references";

const DESCRIPTION =
  "Every use of a symbol named by its sym:// URI (e.g. `sym://<lang>/type/pkg.mod/Class#method`, " +
  "as `symbol`/`ast find` give them), grouped by the referencing symbol: each group has that " +
  "symbol's uri, kind, qualified_name, path and lines, and its references with line, column " +
  "and the line's text. From the language server when READY; otherwise tree-sitter references " +
  "matched by name and import (capability_state DEGRADED, fallback_reason named, via `ast`, " +
  "each reference with match `import`, `same_file` or `name_only` — the last is lower " +
  "confidence). The definition itself is left out. The text never exceeds budget_tokens " +
  `(default ${DEFAULT_REFERENCES_BUDGET}); when more references remain, pass next_cursor as ` +
  "`cursor` with the same uri for the next page (total counts them all; a cursor is refused " +
  "when the references changed meanwhile: start again without it).";

const GROUP = z.object({
  symbol: z.object({
    uri: z.string().nullable(),
    kind: z.string(),
    qualified_name: z.string(),
    path: z.string(),
    start_line: z.number(),
    end_line: z.number(),
  }),
  references: z.array(z.object({
    line: z.number(),
    col: z.number(),
    text: z.string(),
    match: z.string().optional(),
  })),
});

const OUTPUT = {
  ...LSP_STATE_OUTPUT,
  uri: z.string(),
  symbol: z.string().nullable(),
  file: z.string(),
  line: z.number(),
  column: z.number(),
  via: z.string(),
  groups: z.array(GROUP),
  returned: z.number(),
  truncated: z.boolean().describe("more references were found than the answer keeps (1,000)"),
  note: z.string(),
  lsp_state: z.string(),
  ...PAGE_OUTPUT,
};

type Args = { uri: string; budget_tokens?: number; cursor?: string };

/** One reference with the index of its group. */
interface Item {
  group: number;
  ref: ReferenceJson;
}

function itemsOf(groups: readonly ReferenceGroup[]): Item[] {
  return groups.flatMap((g, group) => g.references.map((ref) => ({ group, ref })));
}

/** The groups of a run of items, in order. */
function regroup(groups: readonly ReferenceGroup[], items: readonly Item[]): ReferenceGroup[] {
  const out: ReferenceGroup[] = [];
  let last = -1;
  for (const { group, ref } of items) {
    const g = groups[group];
    if (!g) continue;
    if (group !== last) out.push({ symbol: g.symbol, references: [] });
    out[out.length - 1]?.references.push(ref);
    last = group;
  }
  return out;
}

/** The cursor's arguments: the call's, and a digest of the list it pages through. */
function cursorArgs(args: Args, items: readonly Item[]): Record<string, unknown> {
  const list = items.map((i) => `${i.ref.line}:${i.ref.col}:${i.group}`).join(",");
  return { uri: args.uri, list: sha256Hex(list).slice(0, 16) };
}

/** What the text of a page needs besides the page: the answer, how it was asked. */
interface PageContext {
  answer: ReferencesAnswer;
  head: LspTextInput;
}

/**
 * The compact text of a page: the head line, the lines `lsp references
 * <sym-uri>` prints for the page's groups, then the notes and the cursor.
 */
function pageText(
  c: PageContext,
  page: { groups: ReferenceGroup[]; start: number; shown: number; cursor?: string },
): string {
  const lines = referencesText({ ...c.answer, groups: page.groups });
  const notes = page.cursor === undefined ? [] : [
    `showing ${page.start + 1}-${page.start + page.shown} of ${c.answer.total}; ` +
    `next page: cursor "${page.cursor}"`,
  ];
  return lspText(c.head, lines, notes);
}

/**
 * The page from `start`: the most items whose text fits the budget
 * (binary search: the text grows with every item).
 */
function fitPage(
  c: PageContext & { structuredHead: Record<string, unknown> },
  o: { args: Args; start: number; budget: number },
): { structured: Record<string, unknown>; text: string } {
  const items = itemsOf(c.answer.groups);
  const digestArgs = cursorArgs(o.args, items);
  const build = (n: number) => {
    const page = items.slice(o.start, o.start + n);
    const next = o.start + n;
    const groups = regroup(c.answer.groups, page);
    const structured: Record<string, unknown> = {
      ...c.structuredHead,
      groups,
      returned: page.length,
      total: items.length,
    };
    const cursor = next < items.length ? encodeCursor(TOOL, digestArgs, next) : undefined;
    if (cursor !== undefined) structured.next_cursor = cursor;
    const text = pageText(c, { groups, start: o.start, shown: page.length, cursor });
    return { structured, text };
  };
  // Fitted by the JSON too, so structuredContent stays within the budget as
  // well (the text, the CLI's lines, is the shorter of the two).
  const fits = (n: number) => {
    const page = build(n);
    return Math.max(outputTokens(page.text), outputTokens(jsonText(page.structured))) <= o.budget;
  };
  const left = Math.max(0, items.length - o.start);
  let lo = 0;
  let hi = left;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  if (!fits(lo) || (lo === 0 && left > 0)) {
    throw new TrifectaError(
      "BUDGET_EXCEEDED",
      `budget_tokens=${o.budget} cannot hold the answer's head and one reference`,
      {
        nextSteps: ["Raise budget_tokens (the default 2000 holds dozens of references)"],
        details: { budget_tokens: o.budget },
      },
    );
  }
  return build(lo);
}

async function run(state: McpState, args: Args): Promise<ToolOutput> {
  const budget = args.budget_tokens ?? state.budgets.tools ?? DEFAULT_REFERENCES_BUDGET;
  const located = await locateSymbol(state.segment, args.uri, {
    cache: state.cache,
    telemetry: state.telemetry,
    requireSymbol: true,
  });
  const answer = await referencesOfSymbol(state.segment, located, {
    ask: (request) => state.lsp.answer(request),
    openCache: () => Promise.resolve(state.cache),
    telemetry: state.telemetry,
  });
  const res = answer.response;
  // The cursor is checked against the list as it is now (see the module doc).
  const start = args.cursor === undefined
    ? 0
    : cursorOffset(TOOL, { ...cursorArgs(args, itemsOf(answer.groups)), cursor: args.cursor });
  const head: Record<string, unknown> = {
    ...lspStateJson(res),
    uri: args.uri,
    symbol: located.symbol?.name ?? null,
    file: located.file.rel,
    line: located.line,
    column: located.col,
    via: answer.via,
    truncated: answer.truncated,
    note: res.data?.note ?? "",
    lsp_state: answer.outcome.state,
  };
  const textHead: LspTextInput = {
    ...lspStateJson(res),
    method: "references",
    file: located.file.rel,
    line: located.line,
    column: located.col,
    uri: args.uri,
    symbol: located.symbol?.name ?? null,
    note: res.data?.note,
  };
  const { structured, text } = fitPage(
    { answer, head: textHead, structuredHead: head },
    { args, start, budget },
  );
  return {
    text,
    structured,
    eventArgs: { uri_hash: sha256Hex(args.uri).slice(0, 16), budget_tokens: budget },
    eventResult: {
      file: located.file.rel,
      capability_state: res.capability_state,
      fallback_reason: res.fallback_reason ?? null,
      via: answer.via,
      total: answer.total,
      returned: structured.returned,
      cursor: args.cursor !== undefined,
    },
  };
}

/** `find_references`: the references of a symbol by URI, grouped, paged under a budget. */
export const FIND_REFERENCES_TOOL = defineTool({
  name: TOOL,
  title: "references of a symbol, grouped by the referencing symbol",
  description: DESCRIPTION,
  input: {
    uri: z.string().min(1).describe("sym:// URI of a class, function or method"),
    budget_tokens: z.number().int().min(MIN_REFERENCES_BUDGET).optional().describe(
      `most tokens of the answer's text (default ${DEFAULT_REFERENCES_BUDGET})`,
    ),
    cursor: cursorInput(),
  },
  output: OUTPUT,
  run: (state, args) => run(state, args),
});
