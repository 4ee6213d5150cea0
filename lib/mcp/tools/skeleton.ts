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
import { countSymbols, type FileSkeleton } from "../../ast/mod.ts";
import { rankFiles } from "../../nav/map.ts";
import { type AddressedSymbol, moduleUriOf, withSymbolUris } from "../../symbols/mod.ts";
import { sha256Hex } from "../../sha256.ts";
import {
  type BudgetedOutline,
  budgetOutline,
  MIN_SKELETON_BUDGET,
  type OutlinedFile,
} from "../budget.ts";
import { cursorInput, cursorOffset, encodeCursor, PAGE_OUTPUT, pageFields } from "../paging.ts";
import type { McpState } from "../state.ts";
import { TrifectaError } from "../../errors.ts";
import { defineTool, type ToolCall, type ToolOutput } from "./define.ts";

/** Budget of an outline when none is given. */
export const DEFAULT_SKELETON_BUDGET = 2000;

const DESCRIPTION =
  "Start here. The symbol outline of a file or a directory (recursive, .gitignore respected): " +
  "imports, classes, functions and methods with signatures, first doc line and L<start>-<end> " +
  "line ranges — no bodies. Costs far fewer tokens than reading files. The outline never " +
  "exceeds budget_tokens: when it all fits, every file in path order; else files ranked by " +
  "the repository map (most referenced first, seeded by `focus`), whole files while they " +
  "fit, then a marker " +
  "line with the `cursor` of the next page (pass it as `cursor`, same path, for the next " +
  "files). Then use `symbol`/`snippet` with a sym:// URI for the code you need (structured " +
  "content: each file's `uri` and its symbols' `symbol_uris`, in outline order).";

const OUTPUT = {
  outline: z.string(),
  files: z.array(z.object({
    path: z.string(),
    language: z.string(),
    has_errors: z.boolean(),
    symbols: z.number(),
    shown: z.enum(["full", "partial"]),
    uri: z.string().nullable(),
    symbol_uris: z.array(z.string().nullable()),
  })),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() }).passthrough()),
  files_total: z.number(),
  files_omitted: z.number(),
  symbols_total: z.number(),
  symbols_omitted: z.number(),
  truncated: z.boolean(),
  token_est: z.number(),
  budget_tokens: z.number(),
  order: z.enum(["path", "rank"]),
  ...PAGE_OUTPUT,
};

/**
 * A shown file with its module URI and the URIs of all its symbols in
 * outline order (pre-order; null for a name no URI can carry), so an agent
 * copies an address instead of building one.
 */
function addressed(
  file: OutlinedFile,
  skeleton: FileSkeleton | undefined,
): OutlinedFile & { uri: string | null; symbol_uris: (string | null)[] } {
  const uris: (string | null)[] = [];
  const visit = (s: AddressedSymbol) => {
    uris.push(s.uri);
    for (const c of s.children) visit(c);
  };
  if (skeleton) { for (const s of withSymbolUris(skeleton).symbols) visit(s); }
  return { ...file, uri: moduleUriOf(file.path), symbol_uris: uris };
}

/** How the files of an answer are ordered. */
type FileOrder = "path" | "rank";

/** The outline's structured content (totals over every page; omitted = left for later pages). */
function outlineJson(
  outline: BudgetedOutline,
  page: { skipped: readonly unknown[]; budget: number; order: FileOrder; files: FileSkeleton[] },
  paging: { total: number; next_cursor?: string },
): Record<string, unknown> {
  const byPath = new Map(page.files.map((sk) => [sk.path, sk]));
  return {
    status: "ok",
    outline: outline.text,
    files: outline.files.map((f) => addressed(f, byPath.get(f.path))),
    skipped: page.skipped.slice(0, 20),
    files_total: page.files.length,
    files_omitted: outline.files_omitted,
    symbols_total: page.files.reduce((n, sk) => {
      const c = countSymbols(sk.symbols);
      return n + c.functions + c.classes;
    }, 0),
    symbols_omitted: outline.symbols_omitted,
    truncated: outline.truncated,
    token_est: outline.token_est,
    budget_tokens: page.budget,
    order: page.order,
    ...paging,
  };
}

/**
 * The files in the order pages are cut from: by the repository map's rank
 * (`rankFiles`: PageRank over definitions and references, seeded by
 * `focus`; ties and unranked files by path). Deterministic for the same
 * files and focus, so a cursor's offset means the same file on every call.
 */
async function rankedSkeletons(
  state: McpState,
  skeletons: readonly FileSkeleton[],
  o: { focus?: readonly string[]; contentKey: string; call?: ToolCall },
): Promise<FileSkeleton[]> {
  const byPath = new Map(skeletons.map((sk) => [sk.path, sk]));
  // The next page of the same files asks again: the ranking of the last contents is kept.
  const key = sha256Hex(JSON.stringify([o.focus ?? [], o.contentKey]));
  let order = lastRanking.get(state)?.key === key ? lastRanking.get(state)?.order : undefined;
  if (order === undefined) {
    const many = skeletons.length >= IN_PROCESS_LIMIT;
    const n = skeletons.length;
    const ranked = await rankFiles(state.segment, [...byPath.keys()], {
      focus: o.focus,
      cache: state.cache,
      telemetry: state.telemetry,
      pool: many ? state.pool() : undefined,
      // Parsed already: a second lookup of every skeleton would hold the main thread for seconds.
      skeletons,
      // The parse reported 0..n files; the ranking (seconds on a big tree) goes on to 2n.
      onRankProgress: (done, total) =>
        o.call?.progress(
          n + Math.floor(n * done / Math.max(1, total)),
          2 * n,
          `ranking ${Math.floor(100 * done / Math.max(1, total))}%`,
        ),
    });
    order = ranked.map((f) => f.path);
    lastRanking.set(state, { key, order });
  }
  return order.flatMap((path) => {
    const sk = byPath.get(path);
    return sk ? [sk] : [];
  });
}

/** The last ranking of each session: its files' content key and the order. */
const lastRanking = new WeakMap<McpState, { key: string; order: string[] }>();

type SkeletonArgs = { path: string; budget_tokens?: number; cursor?: string; focus?: string[] };

/**
 * True when the outline of every file cannot fit `budget`: each file's
 * header line holds its path, so the non-space characters of the paths
 * alone bound the estimate from below. Skips building the whole outline of
 * a big tree (seconds of main-thread work) only to find it too large.
 */
function surelyOver(skeletons: readonly FileSkeleton[], budget: number): boolean {
  let chars = 0;
  for (const sk of skeletons) chars += [...sk.path.replace(/\s/g, "")].length;
  return Math.ceil(chars / 4) > budget;
}

/** The outline of the page `args` asks for: path order when it all fits, else ranked and paged. */
async function pagedOutline(
  state: McpState,
  skeletons: readonly FileSkeleton[],
  o: { args: SkeletonArgs; contentKey: string; call?: ToolCall },
): Promise<
  { outline: BudgetedOutline; order: FileOrder; paging: { total: number; next_cursor?: string } }
> {
  const { args } = o;
  const budget = args.budget_tokens ?? state.budgets.tools ?? DEFAULT_SKELETON_BUDGET;
  const start = cursorOffset("skeleton", args);
  if (args.cursor === undefined && !surelyOver(skeletons, budget)) {
    const whole = budgetOutline(skeletons, { budgetTokens: budget });
    if (!whole.truncated) {
      return { outline: whole, order: "path", paging: { total: skeletons.length } };
    }
  }
  const ranked = (await rankedSkeletons(state, skeletons, {
    focus: args.focus,
    contentKey: o.contentKey,
    call: o.call,
  })).slice(start);
  const outline = budgetOutline(ranked, {
    budgetTokens: budget,
    cursorFor: (n) => encodeCursor("skeleton", args, start + n),
  });
  const next = outline.next === undefined ? undefined : start + outline.next;
  return {
    outline,
    order: "rank",
    paging: pageFields("skeleton", args, { total: skeletons.length, next }),
  };
}

async function run(state: McpState, args: SkeletonArgs, call: ToolCall): Promise<ToolOutput> {
  const { segment, cache, telemetry } = state;
  const budget = args.budget_tokens ?? state.budgets.tools ?? DEFAULT_SKELETON_BUDGET;
  // A bad cursor fails before any file is read.
  cursorOffset("skeleton", args);
  const targets = await collectSkeletonTargets(segment, [args.path]);
  const many = targets.files.length >= IN_PROCESS_LIMIT;
  const batch = await skeletonOfFiles(segment, targets.files, {
    cache,
    telemetry,
    pool: many ? state.pool() : undefined,
    onProgress: (done, total) => call.progress(done, total, `${done}/${total} files`),
  });
  // A cancelled call's answer is dropped by the protocol layer: skip the rest of the work.
  if (call.signal.aborted) throw new TrifectaError("CANCELLED", "The call was cancelled");
  const failed = singleFileFailure(batch, targets.singles);
  if (failed) throw failed;
  const skeletons = batch.files.flatMap((o) => (o.skeleton ? [o.skeleton] : []));
  // Cache keys name each file's content: the same keys, the same ranking.
  const contentKey = batch.files.map((f) => f.cache_key ?? f.path).join("\n");
  const { outline, order, paging } = await pagedOutline(state, skeletons, {
    args,
    contentKey,
    call,
  });
  const skipped = skippedTargets(targets, batch);
  return {
    text: outline.text === "" ? "(no source files)\n" : outline.text,
    structured: outlineJson(outline, { skipped, budget, order, files: skeletons }, paging),
    eventArgs: {
      path: args.path,
      budget_tokens: budget,
      dirs_count: targets.dirs,
      cursor: args.cursor !== undefined,
    },
    eventResult: {
      files: skeletons.length,
      cache_hits: batch.stats.cache_hits,
      cache_misses: batch.stats.cache_misses,
      truncated: outline.truncated,
      token_est: outline.token_est,
      order,
      next_page: paging.next_cursor !== undefined,
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
      "file or directory, relative to the segment root (e.g. `src`, or one file of it)",
    ),
    budget_tokens: z.number().int().min(MIN_SKELETON_BUDGET).max(200_000).optional()
      .describe(`token budget of the outline (default ${DEFAULT_SKELETON_BUDGET})`),
    focus: z.array(z.string().min(1).max(2048)).max(20).optional().describe(
      "files, sym:// URIs or identifiers to rank first (files that define or use them) when " +
        "the outline does not fit the budget",
    ),
    cursor: cursorInput(),
  },
  output: OUTPUT,
  run,
});
