/**
 * `ast find` and the MCP `find_symbol` tool: symbols by name, qualified
 * path, substring or glob, filtered and ranked (lib/nav/find_query.ts),
 * served from the symbol index (lib/nav/find_index.ts), one page at a time:
 * at most `limit` items and, with a token budget, no more text than the
 * budget by `estimateTokens` (lib/text.ts), with a cursor for the rest.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { join } from "node:path";
 * import { resolveSegment } from "../segment/mod.ts";
 * import { findSymbols } from "./find.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(join(dir, "app.py"), "class AppConfig:\n    pass\n\nclass AppConfigStub:\n    pass\n");
 * const page = await findSymbols(await resolveSegment(dir), { pattern: "AppConfig" });
 * equal(page.total, 2);
 * equal(page.items[0]?.qualified_name, "AppConfig");
 * equal(page.items[0]?.uri, "sym://python/type/app/AppConfig");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { TrifectaError, UsageError } from "../errors.ts";
import { escapeField } from "../escape.ts";
import { languageByName } from "../languages/mod.ts";
import type { Segment } from "../segment/mod.ts";
import { sha256Hex } from "../sha256.ts";
import { estimateTokens, TokenTally } from "../text.ts";
import { attachBodies } from "./find_body.ts";
import { type IndexLoad, type IndexLoadOptions, SymbolIndex } from "./find_index.ts";
import { type FindItem, findItem, itemText } from "./find_items.ts";
import { hydrateMatches } from "./find_snapshot.ts";
import {
  checkFindQuery,
  type FindMatch,
  type FindQuery,
  type FindQueryInput,
  rankMatches,
} from "./find_query.ts";

/** Items per page when no limit is given. */
export const DEFAULT_FIND_LIMIT = 20;
/** Most items per page. */
export const MAX_FIND_LIMIT = 500;
/** Most levels of children. */
export const MAX_FIND_DEPTH = 8;
/** Smallest token budget accepted (room for the head line, one item and the footer). */
export const MIN_FIND_BUDGET = 256;

/** Options for {@linkcode runFind}. */
export interface RunFindOptions extends Omit<IndexLoadOptions, "path"> {
  /** Levels of children shown as skeleton lines (default 0: the symbol only). */
  depth?: number;
  /** Show each symbol's body (bounded, secrets masked). */
  includeBody?: boolean;
  /** The index to load through (a session keeps one); default: a fresh one. */
  index?: SymbolIndex;
}

/** A query run over the index: every match, ranked, before paging. */
export interface FindRun {
  /** The checked query. */
  query: FindQuery;
  /** Levels of children. */
  depth: number;
  /** Bodies asked for. */
  includeBody: boolean;
  /** Every match, best first. */
  matches: FindMatch[];
  /** The index as loaded. */
  load: IndexLoad;
  /** The cache the index came through (light rows are completed through it). */
  cache: IndexLoadOptions["cache"];
  /**
   * A digest of the ranked matches (path, line, qualified name of each): a
   * cursor bound to it is refused once the results change between pages.
   */
  digest(): string;
}

/** Options for {@linkcode findPage}. */
export interface PageOptions {
  /** Index of the first match of the page (default 0). */
  offset?: number;
  /** Most items (default {@linkcode DEFAULT_FIND_LIMIT}, at most {@linkcode MAX_FIND_LIMIT}). */
  limit?: number;
  /** Token budget of the page's text; none: `limit` alone bounds it. */
  budgetTokens?: number;
  /** The footer's hint for the rest, given the offset of the next page. */
  more?: (next: number) => string;
  /** Telemetry (bytes of bodies handed out). */
  telemetry?: IndexLoadOptions["telemetry"];
}

/** One page of results. */
export interface FindPage {
  /** The items shown, best first. */
  items: FindItem[];
  /** Matches in all. */
  total: number;
  /** Index of the first item shown among all matches. */
  offset: number;
  /** Offset of the next page, or undefined when this page ends the results. */
  next: number | undefined;
  /** The page as text (head line, items, footer line). */
  text: string;
  /** `estimateTokens(text)`. */
  token_est: number;
  /** True when items of the window were left to the next page by the budget. */
  budget_cut: boolean;
  /** Notes for the caller (e.g. a language no file has). */
  warnings: string[];
}

function checkNumber(name: string, value: number, range: { min: number; max: number }): number {
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new UsageError(`${name} must be a whole number from ${range.min} to ${range.max}`, {
      details: { reason: `bad_${name}` },
    });
  }
  return value;
}

function headLine(pattern: string, total: number): string {
  const shown = pattern.length > 60 ? `${pattern.slice(0, 60)}…` : pattern;
  return `# ast find '${escapeField(shown)}': ${total} match${total === 1 ? "" : "es"}\n`;
}

/** The CLI's hint for the rest. */
function cliMore(): string {
  return `raise --limit (at most ${MAX_FIND_LIMIT}) or narrow the pattern`;
}

function footerLine(o: { from: number; to: number; total: number; more: string }): string {
  if (o.total === 0) return "";
  if (o.to >= o.total) return `# end of results (${o.from}-${o.to})\n`;
  return `# showing ${o.from}-${o.to} of ${o.total}; ${o.more}\n`;
}

/** An item without its body and children: what a tight budget still shows. */
function slim(item: FindItem): FindItem {
  const { children: _c, children_omitted: _o, body: _b, body_note: _n, ...rest } = item;
  return { ...rest, body_note: "left out: over budget_tokens" };
}

interface Fitted {
  items: FindItem[];
  text: string;
  budgetCut: boolean;
}

/**
 * The items that fit the budget, in order, between the head and footer
 * lines. Each item is taken only when it fits together with the footer
 * that would follow it, measured exactly (`TokenTally`); a first item too
 * large loses its body and children, so every page moves on.
 */
function fitPage(
  items: readonly FindItem[],
  page: { head: string; offset: number; total: number; more: (next: number) => string },
  budget: number,
): Fitted {
  const tally = new TokenTally();
  tally.add(page.head);
  const out: string[] = [page.head];
  const shown: FindItem[] = [];
  const footer = (n: number) => {
    const to = page.offset + n;
    return footerLine({ from: page.offset + 1, to, total: page.total, more: page.more(to) });
  };
  let budgetCut = false;
  for (const [i, whole] of items.entries()) {
    let item = whole;
    let text = itemText(item, page.offset + i + 1);
    if (i === 0 && tally.tokensWith(text + footer(1)) > budget) {
      item = slim(whole);
      text = itemText(item, page.offset + 1);
    }
    if (tally.tokensWith(text + footer(i + 1)) > budget) {
      budgetCut = true;
      break;
    }
    tally.add(text);
    out.push(text);
    shown.push(item);
  }
  if (shown.length === 0 && items.length > 0) {
    throw new TrifectaError("BUDGET_EXCEEDED", `Not even one item fits in ${budget} tokens`, {
      nextSteps: ["Raise budget_tokens"],
      details: { budget_tokens: budget },
    });
  }
  out.push(footer(shown.length));
  return { items: shown, text: out.join(""), budgetCut };
}

/**
 * Run a query over the segment's symbol index: check it, load the index
 * (through the AST cache), match and rank.
 *
 * @throws {UsageError} `USAGE_ERROR` for a bad pattern, filter or depth;
 * the index's errors for a bad `path` (`FILE_NOT_FOUND`, …).
 */
export async function runFind(
  segment: Segment,
  input: FindQueryInput,
  options: RunFindOptions = {},
): Promise<FindRun> {
  const query = checkFindQuery(input);
  const depth = checkNumber("depth", options.depth ?? 0, { min: 0, max: MAX_FIND_DEPTH });
  const includeBody = options.includeBody ?? false;
  const index = options.index ?? new SymbolIndex();
  const load = await index.load(segment, {
    cache: options.cache,
    telemetry: options.telemetry,
    pool: options.pool,
    path: query.path,
    snapshot: options.snapshot,
  });
  const matches = rankMatches(load.rows, query);
  let digest: string | undefined;
  const keys = () =>
    matches.map((m) => `${m.row.path}:${m.row.symbol.start_line}:${m.row.symbol.qualified_name}`);
  return {
    query,
    depth,
    includeBody,
    matches,
    load,
    cache: options.cache,
    digest: () => (digest ??= sha256Hex(keys().join("\n")).slice(0, 16)),
  };
}

/**
 * One page of a run's matches: at most `limit` items from `offset`, with
 * their children and bodies, and with a budget no more text than it.
 *
 * @throws {UsageError} `USAGE_ERROR` for a bad limit, offset or budget;
 * `BUDGET_EXCEEDED` when not even one item fits.
 */
export async function findPage(
  segment: Segment,
  run: FindRun,
  options: PageOptions = {},
): Promise<FindPage> {
  const total = run.matches.length;
  const offset = checkNumber("offset", options.offset ?? 0, { min: 0, max: total });
  const limit = checkNumber("limit", options.limit ?? DEFAULT_FIND_LIMIT, {
    min: 1,
    max: MAX_FIND_LIMIT,
  });
  const budget = options.budgetTokens === undefined
    ? Infinity
    : checkNumber("budget_tokens", options.budgetTokens, { min: MIN_FIND_BUDGET, max: 200_000 });
  const slice = run.matches.slice(offset, offset + limit);
  // Rows from the snapshot have no children or decorators: read them when shown.
  const window = run.depth > 0 || run.includeBody
    ? await hydrateMatches(segment, slice, { cache: run.cache, files: run.load.files })
    : slice;
  const items = window.map((m) => findItem(m, run.depth));
  if (run.includeBody) {
    await attachBodies(segment, { items, matches: window }, {
      files: run.load.files,
      telemetry: options.telemetry,
    });
  }
  const more = options.more ?? cliMore;
  const head = headLine(run.query.pattern.source, total);
  const fitted = fitPage(items, { head, offset, total, more }, budget);
  const next = offset + fitted.items.length;
  return {
    items: fitted.items,
    total,
    offset,
    next: next < total ? next : undefined,
    text: fitted.text,
    token_est: estimateTokens(fitted.text),
    budget_cut: fitted.budgetCut,
    warnings: languageWarnings(run.load, run.query.language),
  };
}

/** Options for {@linkcode findSymbols}. */
export type FindOptions = RunFindOptions & PageOptions;

/** The first page (or the page at `offset`) of a query: {@linkcode runFind}, then {@linkcode findPage}. */
export async function findSymbols(
  segment: Segment,
  input: FindQueryInput,
  options: FindOptions = {},
): Promise<FindPage & { run: FindRun }> {
  const run = await runFind(segment, input, options);
  return { ...(await findPage(segment, run, options)), run };
}

function languageWarnings(load: IndexLoad, language: string | undefined): string[] {
  if (language === undefined) return [];
  // Listed by their `sym://` names (`tsx` files are `typescript`); a registry name matches too.
  const known = new Set<string>(
    load.rows.map((r) => languageByName(r.language)?.uriName ?? r.language),
  );
  const named = known.has(language) || load.rows.some((r) => r.language === language);
  return named ? [] : [
    `No symbol of language '${language}' here (languages: ${
      [...known].sort().join(", ") || "none"
    })`,
  ];
}
