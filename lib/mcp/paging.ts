/**
 * Paging for MCP tools: one opaque `cursor` argument, one `next_cursor` and
 * one `total` in the structured result, the same for every paged tool.
 *
 * A tool's answer is an ordered list of items (files, symbols, chunks,
 * hits, …). A call returns the items from an offset while they fit its
 * `budget_tokens`; when some are left, the result has `next_cursor`, and
 * the same call with `cursor: <next_cursor>` returns the next page. Every
 * item is returned on exactly one page, in order; `next_cursor` is absent
 * on the last page; `total` counts the items of the whole answer.
 *
 * The cursor is base64url of `{"v":1,"o":<offset>,"d":<digest>}` where the
 * digest is the first 16 hex digits of the SHA-256 of the tool name and the
 * normalised arguments ({@linkcode queryDigest}: keys sorted, `undefined`
 * and `null` dropped, `cursor` and `budget_tokens` left out, so the budget
 * may change from page to page). It is at most {@linkcode MAX_CURSOR_CHARS}
 * characters. A malformed cursor, or one made for another tool or other
 * arguments, is a `USAGE_ERROR` saying so.
 *
 * How a tool uses it:
 *
 * ```text
 * const start = cursorOffset("skeleton", args);           // 0 without a cursor
 * const page = takePage(items, { start, budgetTokens, render, reserveTokens });
 * // page.items: what fits; page.next: the offset to continue from (undefined when done)
 * // page.items is empty when the first item alone does not fit: the tool cuts it
 * // (and continues after it) or reports BUDGET_EXCEEDED.
 * structured = { ...rest, ...pageFields("skeleton", args, { total: items.length, next: page.next }) };
 * ```
 *
 * @module
 */
import { z } from "zod";
import { UsageError } from "../errors.ts";
import { sha256Hex } from "../sha256.ts";
import { escapeTerminal } from "../escape.ts";
import { estimateTokens, TokenTally } from "../text.ts";

/** Most characters a cursor may have (the input schema refuses longer ones). */
export const MAX_CURSOR_CHARS = 200;

/**
 * Tokens to keep free for the `next_cursor` a page may carry in its text
 * (a `"next_cursor": "…"` line of a cursor of the largest offset).
 */
export const CURSOR_RESERVE_TOKENS = 24;

/**
 * {@linkcode estimateTokens} of `text` as the client gets it: after the
 * terminal guard `okResult` applies (`escapeTerminal`, which can lengthen a
 * control character to `\uHHHH`). Every budget of the tools is measured so.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { outputTokens } from "./paging.ts";
 * equal(outputTokens("abcd"), 1);
 * equal(outputTokens("\u202e"), 2); // shown as \u202e: 6 characters
 * ```
 */
export function outputTokens(text: string): number {
  return estimateTokens(escapeTerminal(text));
}

/** Arguments that do not change the list of items, left out of the digest. */
const NOT_DIGESTED: ReadonlySet<string> = new Set(["cursor", "budget_tokens"]);

/** The `cursor` input field every paged tool declares. */
export function cursorInput(): z.ZodOptional<z.ZodString> {
  return z.string().min(1).max(MAX_CURSOR_CHARS).optional().describe(
    "`next_cursor` of the previous call with the same other arguments: the next page",
  );
}

/** The paging fields every paged tool's output schema declares. */
export const PAGE_OUTPUT = {
  total: z.number().describe("items in the whole answer, over all pages"),
  next_cursor: z.string().optional()
    .describe("pass as `cursor` to get the next page; absent on the last page"),
};

/** JSON with sorted keys and no `undefined`/`null` members: one text per meaning. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v: unknown = Reflect.get(value, key);
    if (v !== undefined && v !== null) out[key] = canonical(v);
  }
  return out;
}

/**
 * The digest a cursor is bound to: the tool name and the normalised
 * arguments (see the module doc), 16 hex digits.
 *
 * @example
 * ```ts
 * import { equal, notEqual } from "node:assert/strict";
 * import { queryDigest } from "./paging.ts";
 * equal(
 *   queryDigest("skeleton", { path: "src", budget_tokens: 100 }),
 *   queryDigest("skeleton", { budget_tokens: 900, path: "src", cursor: "x" }),
 * );
 * notEqual(queryDigest("skeleton", { path: "src" }), queryDigest("skeleton", { path: "lib" }));
 * ```
 */
export function queryDigest(tool: string, args: Readonly<Record<string, unknown>>): string {
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (!NOT_DIGESTED.has(k)) kept[k] = v;
  return sha256Hex(JSON.stringify([tool, canonical(kept)])).slice(0, 16);
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The text of a base64url string, or undefined when it is not base64url of UTF-8. */
function fromBase64Url(text: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") +
    "=".repeat((4 - (text.length % 4)) % 4);
  try {
    const bin = atob(padded);
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // Bad padding or bad UTF-8: the caller reports a malformed cursor.
    return undefined;
  }
}

/**
 * The cursor that continues `tool` called with `args` at item `offset`.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { decodeCursor, encodeCursor, MAX_CURSOR_CHARS } from "./paging.ts";
 * const c = encodeCursor("get", { ids: ["a"] }, 3);
 * ok(c.length <= MAX_CURSOR_CHARS);
 * equal(decodeCursor("get", { ids: ["a"], cursor: c }, c), 3);
 * ```
 */
export function encodeCursor(
  tool: string,
  args: Readonly<Record<string, unknown>>,
  offset: number,
): string {
  return toBase64Url(JSON.stringify({ v: 1, o: offset, d: queryDigest(tool, args) }));
}

function badCursor(tool: string, why: string): UsageError {
  return new UsageError(`Invalid cursor for ${tool}: ${why}`, {
    nextSteps: [
      "Pass the next_cursor of the previous call, with the same other arguments",
      "Leave cursor out to start from the first page",
    ],
    details: { tool },
  });
}

/** The `{v, o, d}` object of a cursor's text, or undefined when it is not one. */
function parseState(text: string): { o: number; d: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON: the caller reports a malformed cursor.
    return undefined;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const v: unknown = Reflect.get(value, "v");
  const o: unknown = Reflect.get(value, "o");
  const d: unknown = Reflect.get(value, "d");
  if (v !== 1 || typeof d !== "string") return undefined;
  if (typeof o !== "number" || !Number.isSafeInteger(o) || o < 0) return undefined;
  return { o, d };
}

/**
 * The offset a cursor stands for. Throws `USAGE_ERROR` when it is
 * malformed, too long, or was made for another tool or other arguments.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { decodeCursor, encodeCursor } from "./paging.ts";
 * const c = encodeCursor("search", { query: "a" }, 5);
 * throws(() => decodeCursor("search", { query: "b" }, c), /another query/);
 * throws(() => decodeCursor("search", { query: "a" }, "not a cursor"), /malformed/);
 * ```
 */
export function decodeCursor(
  tool: string,
  args: Readonly<Record<string, unknown>>,
  cursor: string,
): number {
  if (cursor.length > MAX_CURSOR_CHARS) {
    throw badCursor(tool, `longer than ${MAX_CURSOR_CHARS} characters`);
  }
  const text = fromBase64Url(cursor);
  const state = text === undefined ? undefined : parseState(text);
  if (state === undefined) throw badCursor(tool, "malformed (not a next_cursor trifecta returned)");
  if (state.d !== queryDigest(tool, args)) {
    throw badCursor(tool, "it was returned for another query (other tool or arguments)");
  }
  return state.o;
}

/**
 * Where a call starts: the offset of `args.cursor`, or 0 without one.
 * Throws as {@linkcode decodeCursor}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { cursorOffset, encodeCursor } from "./paging.ts";
 * equal(cursorOffset("get", { ids: ["a"] }), 0);
 * const cursor = encodeCursor("get", { ids: ["a"] }, 2);
 * equal(cursorOffset("get", { ids: ["a"], cursor }), 2);
 * ```
 */
export function cursorOffset(tool: string, args: Readonly<Record<string, unknown>>): number {
  const cursor = args.cursor;
  if (cursor === undefined || cursor === null) return 0;
  if (typeof cursor !== "string") throw badCursor(tool, "not a string");
  return decodeCursor(tool, args, cursor);
}

/** A page of items. */
export interface Page<T> {
  /** The items of this page, in order. */
  items: T[];
  /** Offset of the first item of this page. */
  start: number;
  /** Offset to continue from, or undefined when the page ends the list. */
  next: number | undefined;
  /** Items in the whole list. */
  total: number;
}

/** Options for {@linkcode takePage}. */
export interface TakePageOptions<T> {
  /** Offset of the first item (from {@linkcode cursorOffset}). */
  start: number;
  /** The page's budget: the estimate of the text of the page never passes it. */
  budgetTokens: number;
  /** An item's text as it will be output (pieces are joined as they are). */
  render: (item: T, index: number) => string;
  /**
   * Tokens kept free for what the tool adds around the items (header,
   * marker, next cursor). Default {@linkcode CURSOR_RESERVE_TOKENS}.
   */
  reserveTokens?: number;
  /** Text already output before the items (counted with them). */
  prefix?: string;
}

/**
 * The items from `start` whose rendered texts, joined after `prefix`, fit
 * `budgetTokens - reserveTokens` by {@linkcode estimateTokens} (measured
 * on the joined text, incrementally). Stops at the first item that does not
 * fit, so items stay in order and the next page starts with it. An empty
 * `items` with `next === start` means the first item alone does not fit:
 * the caller cuts it or reports the budget. A `start` past the end gives an
 * empty last page.
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { takePage } from "./paging.ts";
 * const words = ["alpha ", "beta ", "gamma ", "delta "];
 * const first = takePage(words, { start: 0, budgetTokens: 3, reserveTokens: 0, render: (w) => w });
 * deepEqual(first.items, ["alpha ", "beta "]);
 * equal(first.next, 2);
 * const last = takePage(words, { start: 2, budgetTokens: 9, reserveTokens: 0, render: (w) => w });
 * equal(last.next, undefined);
 * ```
 */
export function takePage<T>(items: readonly T[], options: TakePageOptions<T>): Page<T> {
  const limit = options.budgetTokens - (options.reserveTokens ?? CURSOR_RESERVE_TOKENS);
  const tally = new TokenTally();
  tally.add(options.prefix ?? "");
  const page: T[] = [];
  const first = Math.max(0, options.start);
  let i = first;
  for (const item of items.slice(first)) {
    const text = options.render(item, i);
    if (tally.tokensWith(text) > limit) break;
    tally.add(text);
    page.push(item);
    i++;
  }
  return {
    items: page,
    start: options.start,
    next: i < items.length ? i : undefined,
    total: items.length,
  };
}

/**
 * The paging fields of a structured result: `total`, and `next_cursor`
 * when `next` is set (absent on the last page).
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { pageFields } from "./paging.ts";
 * deepEqual(pageFields("get", { ids: ["a"] }, { total: 1, next: undefined }), { total: 1 });
 * equal(typeof pageFields("get", { ids: ["a"] }, { total: 2, next: 1 }).next_cursor, "string");
 * ```
 */
export function pageFields(
  tool: string,
  args: Readonly<Record<string, unknown>>,
  page: { total: number; next: number | undefined },
): { total: number; next_cursor?: string } {
  if (page.next === undefined) return { total: page.total };
  return { total: page.total, next_cursor: encodeCursor(tool, args, page.next) };
}
