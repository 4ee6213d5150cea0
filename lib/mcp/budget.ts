/**
 * Skeleton outlines under a token budget. Files are added whole, in path
 * order, while they fit; the first file that does not fit is cut by lines
 * (imports first, then symbols in source order, children after their
 * parent); everything after it is left out. A truncated outline ends with
 * one marker line saying what was left out. The token estimate of the
 * whole text, marker included, never exceeds the budget.
 *
 * @module
 */
import {
  countSymbols,
  type FileSkeleton,
  renderSkeletonBody,
  renderSkeletonHeader,
} from "../ast/mod.ts";
import { estimateTokens } from "../telemetry/mod.ts";

/** Smallest budget accepted: room for a header and the marker. */
export const MIN_SKELETON_BUDGET = 64;

/** How one file appears in a budgeted outline. */
export interface OutlinedFile {
  /** Segment-relative path. */
  path: string;
  /** Language. */
  language: string;
  /** Parsed with syntax errors (symbols recovered). */
  has_errors: boolean;
  /** Symbols at any depth. */
  symbols: number;
  /** `full`, or `partial` when the budget cut it. */
  shown: "full" | "partial";
}

/** A budgeted outline. */
export interface BudgetedOutline {
  /** The text outline (with the marker line when truncated). */
  text: string;
  /** Files shown, whole or in part. */
  files: OutlinedFile[];
  /** Files asked for. */
  files_total: number;
  /** Files left out entirely. */
  files_omitted: number;
  /** Symbols in all files. */
  symbols_total: number;
  /** Symbols left out (of cut and omitted files). */
  symbols_omitted: number;
  /** True when anything was left out. */
  truncated: boolean;
  /** Token estimate of `text`. */
  token_est: number;
}

/** Options for {@linkcode budgetOutline}. */
export interface BudgetOptions {
  /** Token budget (at least {@linkcode MIN_SKELETON_BUDGET}). */
  budgetTokens: number;
}

interface Line {
  text: string;
  symbol: boolean;
}

function linesOf(sk: FileSkeleton): Line[] {
  const header = renderSkeletonHeader(sk).replace(/\n$/, "");
  const body = renderSkeletonBody(sk).split("\n");
  if (body[body.length - 1] === "") body.pop();
  const plain = sk.imports.length + (sk.exports?.length ?? 0);
  return [
    { text: header, symbol: false },
    ...body.map((text, i) => ({ text, symbol: i >= plain })),
  ];
}

/** An upper bound of what a line adds to the estimate of the joined text. */
function lineCost(text: string): number {
  return Math.ceil((text.replace(/\s+/g, " ").trim().length + 1) / 4);
}

function marker(o: { filesOmitted: number; symbolsOmitted: number; budget: number }): string {
  return `… [truncated to budget_tokens=${o.budget}: ${o.symbolsOmitted} symbol(s) and ` +
    `${o.filesOmitted} more file(s) left out; ask for a narrower path or a larger budget_tokens]`;
}

/** Worst-case marker cost for a request of this size. */
function markerCost(files: number, symbols: number, budget: number): number {
  return lineCost(marker({ filesOmitted: files, symbolsOmitted: symbols, budget }));
}

/**
 * The outline of `skeletons` (in the order given) within `budgetTokens`
 * (see the module doc).
 */
export function budgetOutline(
  skeletons: readonly FileSkeleton[],
  options: BudgetOptions,
): BudgetedOutline {
  const budget = Math.max(options.budgetTokens, MIN_SKELETON_BUDGET);
  const counts = skeletons.map((sk) => {
    const c = countSymbols(sk.symbols);
    return c.functions + c.classes;
  });
  const symbolsTotal = counts.reduce((a, b) => a + b, 0);
  const reserve = markerCost(skeletons.length, symbolsTotal, budget);
  const out: string[] = [];
  const files: OutlinedFile[] = [];
  let used = 0;
  let symbolsShown = 0;
  let cut = false;
  for (let i = 0; i < skeletons.length && !cut; i++) {
    const sk = skeletons[i];
    const lines = linesOf(sk);
    const cost = lines.reduce((n, l) => n + lineCost(l.text), 0);
    const isLast = i === skeletons.length - 1;
    // The last file may use the marker's reserve when it fits whole.
    const room = budget - used - (isLast ? 0 : reserve);
    const entry: OutlinedFile = {
      path: sk.path,
      language: sk.language,
      has_errors: sk.has_errors,
      symbols: counts[i],
      shown: "full",
    };
    if (cost <= room) {
      for (const l of lines) out.push(l.text);
      used += cost;
      symbolsShown += counts[i];
      files.push(entry);
      continue;
    }
    cut = true;
    const limit = budget - reserve;
    let shownHere = 0;
    for (const l of lines) {
      const c = lineCost(l.text);
      if (used + c > limit) break;
      out.push(l.text);
      used += c;
      if (l.symbol) symbolsShown++;
      shownHere++;
    }
    if (shownHere > 0) files.push({ ...entry, shown: "partial" });
  }
  const filesFull = files.filter((f) => f.shown === "full").length;
  const filesPartial = files.length - filesFull;
  const filesOmitted = skeletons.length - filesFull - filesPartial;
  const symbolsOmitted = symbolsTotal - symbolsShown;
  const truncated = cut;
  if (truncated) out.push(marker({ filesOmitted, symbolsOmitted, budget }));
  const text = out.length === 0 ? "" : out.join("\n") + "\n";
  return {
    text,
    files,
    files_total: skeletons.length,
    files_omitted: filesOmitted,
    symbols_total: symbolsTotal,
    symbols_omitted: symbolsOmitted,
    truncated,
    token_est: estimateTokens(text),
  };
}
