/**
 * A JSON answer with one list, paged under a token budget: the tool's text
 * is the structured content as JSON (one-space indent), and its estimate
 * ({@linkcode estimateTokens}) never passes `budget_tokens`. Items are kept
 * in order while they fit; the rest are left for the next page
 * (`next_cursor`, see `paging.ts`); every item is on exactly one page.
 *
 * Fit by an upper bound, as the outline in `budget.ts`: an item of estimate
 * `e` adds at most `4e + 2` characters to the collapsed text (its JSON and
 * the `, ` that joins it), checked once more on the text handed out.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { cursorOffset, encodeCursor, outputTokens } from "./paging.ts";
import { jsonText } from "./tools/define.ts";

/** Longest string a shrunk value keeps. */
const SHRUNK_STRING = 60;

/**
 * An upper bound of the characters one list entry adds to the collapsed text
 * of a JSON answer: its JSON (at most 4 per token of its estimate) and the
 * `, ` that joins it to the next.
 */
export function entryChars(entry: unknown): number {
  return 4 * outputTokens(jsonText(entry)) + 2;
}

/**
 * `value` with every string cut to 60 characters (marked ` …`) and every
 * array to its first two items: what is left of an entry or a head too
 * large for a budget on its own.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { shrunk } from "./json_page.ts";
 * deepEqual(shrunk({ a: "x".repeat(70), b: [1, 2, 3] }), { a: `${"x".repeat(60)} …`, b: [1, 2] });
 * ```
 */
export function shrunk(value: unknown): unknown {
  if (typeof value === "string") {
    return value.length <= SHRUNK_STRING ? value : `${value.slice(0, SHRUNK_STRING)} …`;
  }
  if (Array.isArray(value)) return value.slice(0, 2).map(shrunk);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shrunk(v)]));
  }
  return value;
}

/** Options for {@linkcode fitJsonPage}. */
export interface JsonPageOptions {
  /** The tool's name (the cursor is bound to it). */
  tool: string;
  /** The call's arguments (the cursor is bound to them; `cursor` gives the start). */
  args: Readonly<Record<string, unknown>>;
  /** The budget of the text. */
  budgetTokens: number;
  /** The key of the list in the answer (`hits`, `symbols`, `references`, …). */
  listKey: string;
  /**
   * The text of a page's structured content (default: its JSON). The page
   * is fitted by its JSON either way, so a compact text stays within the
   * budget too.
   */
  render?: (structured: Readonly<Record<string, unknown>>) => string;
}

/** A page of a JSON answer. */
export interface JsonPage {
  /** The text: `render` of the structured content, or its JSON. */
  text: string;
  /** The answer with the page's items under `listKey`, `total`, and `next_cursor` when cut. */
  structured: Record<string, unknown>;
  /** Items on this page. */
  shown: number;
  /** Offset of the next page, or undefined on the last one. */
  next: number | undefined;
  /** Estimate of the structured content as JSON: what the page is fitted by. */
  fitTokens: number;
}

function build(
  head: Readonly<Record<string, unknown>>,
  shown: unknown[],
  o: JsonPageOptions & { total: number; next: number | undefined },
): JsonPage {
  const structured: Record<string, unknown> = { ...head, [o.listKey]: shown, total: o.total };
  if (o.next !== undefined) structured.next_cursor = encodeCursor(o.tool, o.args, o.next);
  const json = jsonText(structured);
  const text = o.render ? o.render(structured) : json;
  return { text, structured, shown: shown.length, next: o.next, fitTokens: outputTokens(json) };
}

function overBudget(o: JsonPageOptions, why: string): TrifectaError {
  return new TrifectaError(
    "BUDGET_EXCEEDED",
    `budget_tokens=${o.budgetTokens} cannot hold ${why} of the ${o.tool} answer`,
    { nextSteps: ["Raise budget_tokens"], details: { budget_tokens: o.budgetTokens } },
  );
}

/**
 * The page of `items` that `options.args.cursor` asks for (the first page
 * without one), under `head` (the rest of the answer; its `listKey` member,
 * if any, keeps its place and is replaced by the page). A cursor for other
 * arguments is a `USAGE_ERROR`; a budget that cannot hold the head and one
 * item (cut to 60-character strings if need be) is `BUDGET_EXCEEDED`.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { estimateTokens } from "../text.ts";
 * import { fitJsonPage } from "./json_page.ts";
 * const items = Array.from({ length: 40 }, (_, i) => ({ id: `item-${i}`, text: "word ".repeat(20) }));
 * const args = { query: "q" };
 * const p1 = fitJsonPage({ status: "ok" }, items, { tool: "t", args, budgetTokens: 300, listKey: "hits" });
 * ok(estimateTokens(p1.text) <= 300);
 * equal(p1.structured.total, 40);
 * const cursor = String(p1.structured.next_cursor);
 * const p2 = fitJsonPage({ status: "ok" }, items, { tool: "t", args: { ...args, cursor }, budgetTokens: 300, listKey: "hits" });
 * equal(p2.next, p1.shown + p2.shown);
 * ```
 */
export function fitJsonPage(
  head: Readonly<Record<string, unknown>>,
  items: readonly unknown[],
  options: JsonPageOptions,
): JsonPage {
  const budget = options.budgetTokens;
  const start = Math.min(cursorOffset(options.tool, options.args), items.length);
  const page = items.slice(start);
  const total = items.length;
  const whole = build(head, page, { ...options, total, next: undefined });
  if (whole.fitTokens <= budget) return whole;
  // The empty page with the longest cursor (of the last offset) bounds the head's cost.
  const widest = build(head, [], { ...options, total, next: total });
  if (widest.fitTokens > budget) throw overBudget(options, "the head");
  const room = 4 * (budget - widest.fitTokens - 4);
  const shown: unknown[] = [];
  let used = 0;
  for (const item of page) {
    const c = entryChars(item);
    if (used + c > room) break;
    shown.push(item);
    used += c;
  }
  // A page holds at least one item, cut down if need be, so paging moves on.
  if (shown.length === 0 && entryChars(shrunk(page[0])) <= room) shown.push(shrunk(page[0]));
  let fitted = build(head, shown, { ...options, total, next: start + shown.length });
  // The entry bounds hold the estimate from above; this only guards that proof.
  while (fitted.fitTokens > budget && shown.length > 0) {
    shown.pop();
    fitted = build(head, shown, { ...options, total, next: start + shown.length });
  }
  if (shown.length === 0) throw overBudget(options, "one item");
  return fitted;
}
