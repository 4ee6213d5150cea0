/**
 * A ranked map as text under a token budget: the top entries grouped by
 * file (files in the order of their best entry, entries in line order
 * within a file), one skeleton line each (signature and `L<start>-<end>`),
 * and a marker line when entries were cut (left out only when the marker
 * alone is over the budget: then the text is empty). The number of entries is the
 * largest that fits the budget by {@linkcode estimateTokens}, found by binary
 * search and checked, so the text is never over.
 *
 * @module
 */
import { escapeField } from "../escape.ts";
import { estimateTokens } from "../text.ts";
import type { MapEntry } from "./map_rank.ts";

/** Longest signature shown on a map line (then ` …`). */
const MAX_LINE_SIGNATURE = 160;

/** One entry's line: signature on one line, nested symbols named by their parent. */
export function entryLine(e: MapEntry): string {
  const s = e.symbol;
  // A comment after a Python signature's colon is no part of the signature.
  let sig = s.signature.replace(/:\s*#[^'"]*$/, ":").replace(/\s+/g, " ").trim();
  if (sig.length > MAX_LINE_SIGNATURE) sig = `${sig.slice(0, MAX_LINE_SIGNATURE)} …`;
  const dot = s.qualified_name.lastIndexOf(".");
  const parent = dot > 0 ? `${s.qualified_name.slice(0, dot)}: ` : "";
  const lines = s.start_line === s.end_line ? `L${s.start_line}` : `L${s.start_line}-${s.end_line}`;
  return escapeField(`  ${parent}${sig}  ${lines}`);
}

/** The top `k` entries, grouped by file in rank order, lines in source order. */
export function groupEntries(entries: readonly MapEntry[], k: number): MapEntry[][] {
  const groups = new Map<string, MapEntry[]>();
  for (const e of entries.slice(0, k)) {
    const g = groups.get(e.path) ?? [];
    g.push(e);
    groups.set(e.path, g);
  }
  const out = [...groups.values()];
  for (const g of out) {
    g.sort((a, b) =>
      a.symbol.start_line - b.symbol.start_line ||
      (a.symbol.qualified_name < b.symbol.qualified_name ? -1 : 1)
    );
  }
  return out;
}

/** The marker line for `cut` entries left out. */
function marker(cut: number, budget: number): string {
  return `… ${cut} more definition${cut === 1 ? "" : "s"} past the budget of ${budget} tokens`;
}

/** The text of the top `k` entries out of `total`. */
export function renderMap(entries: readonly MapEntry[], k: number, budget: number): string {
  const lines: string[] = [];
  for (const group of groupEntries(entries, k)) {
    lines.push(escapeField(group[0]?.path ?? ""));
    for (const e of group) lines.push(entryLine(e));
  }
  const cut = entries.length - k;
  if (cut > 0) lines.push(marker(cut, budget));
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}

/** A map fitted to a budget. */
export interface FittedMap {
  /** The text. */
  text: string;
  /** Entries shown (the first `shown` of the ranking). */
  shown: number;
  /** {@linkcode estimateTokens} of the text. */
  tokenEst: number;
  /** True when entries were left out. */
  truncated: boolean;
}

/**
 * The largest number of top entries whose text fits `budget` tokens, and
 * that text.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { fitMap } from "./map_render.ts";
 * const entry = (i: number) => ({
 *   path: `m${i % 3}.py`, uri: null, score: 1 / (i + 1), fileRank: 0,
 *   symbol: { kind: "function" as const, name: `f${i}`, qualified_name: `f${i}`,
 *     start_line: i + 1, end_line: i + 2, signature: `def f${i}(x)`, decorators: [], doc: "",
 *     children: [] },
 * });
 * const entries = Array.from({ length: 200 }, (_, i) => entry(i));
 * const fitted = fitMap(entries, 100);
 * ok(fitted.tokenEst <= 100 && fitted.truncated && fitted.shown > 0);
 * ```
 */
export function fitMap(entries: readonly MapEntry[], budget: number): FittedMap {
  const fits = (k: number) => estimateTokens(renderMap(entries, k, budget)) <= budget;
  // Every entry line costs at least a few tokens: the answer is below the budget.
  let lo = 0;
  let hi = Math.min(entries.length, Math.max(0, budget));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  while (lo > 0 && !fits(lo)) lo--; // the marker's digits make `fits` not quite monotone
  // Not even the marker fits: nothing is shown.
  const text = fits(lo) ? renderMap(entries, lo, budget) : "";
  return { text, shown: lo, tokenEst: estimateTokens(text), truncated: lo < entries.length };
}
