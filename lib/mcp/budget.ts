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

/** Smallest budget the `symbol` tool accepts: room for a clipped head and the marker. */
export const MIN_SYMBOL_BUDGET = 256;

/** Longest string a head keeps when the whole head does not fit the budget. */
const SHRUNK_STRING = 60;

/** Options for {@linkcode fitSymbolAnswer}. */
export interface SymbolBudgetOptions {
  /** Token budget (at least {@linkcode MIN_SYMBOL_BUDGET}). */
  budgetTokens: number;
}

/** One listed symbol (its JSON shape; only `children` is looked at). */
export interface SymbolEntry {
  /** Nested symbols, left out first when the entry does not fit whole. */
  children?: readonly unknown[];
}

/** A `symbol` answer within its budget. */
export interface FittedSymbolAnswer {
  /** The text content: the structured answer as JSON, then the marker line when cut. */
  text: string;
  /** The structured content (`symbols` cut, with the counts and `truncated`). */
  structured: Record<string, unknown> & { truncated: boolean; token_est: number };
}

function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 1);
}

/** An upper bound of what one list entry adds to the estimate (its JSON and `, `). */
function entryCost(entry: unknown): number {
  return Math.ceil((jsonText(entry).replace(/\s+/g, " ").trim().length + 2) / 4);
}

function symbolMarker(omitted: number, total: number, budget: number): string {
  return `… [truncated to budget_tokens=${budget}: ${omitted} of ${total} symbol(s) left out; ` +
    `address one class (sym://<lang>/type/<module>/<Class>) or ask with a larger budget_tokens]`;
}

/** Every string in `value` cut to {@linkcode SHRUNK_STRING}, every array to its first two items. */
function shrunk(value: unknown): unknown {
  if (typeof value === "string") {
    return value.length <= SHRUNK_STRING ? value : `${value.slice(0, SHRUNK_STRING)} …`;
  }
  if (Array.isArray(value)) return value.slice(0, 2).map(shrunk);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shrunk(v)]));
  }
  return value;
}

/**
 * The `symbol` answer (`head` plus the `list` of symbols) within
 * `budgetTokens`, measured with {@linkcode estimateTokens} on the text handed
 * out: symbols in source order while they fit (one that does not fit whole
 * is tried without its children), then a marker line; a head too large for
 * the budget on its own has its strings cut. The text's estimate never
 * exceeds the budget, and the structured content is the same JSON.
 */
export function fitSymbolAnswer(
  head: Record<string, unknown>,
  list: readonly SymbolEntry[],
  options: SymbolBudgetOptions,
): FittedSymbolAnswer {
  const budget = Math.max(options.budgetTokens, MIN_SYMBOL_BUDGET);
  const total = list.length;
  const build = (h: Record<string, unknown>, shown: unknown[], cut: boolean) => {
    const structured = {
      ...h,
      symbols: shown,
      symbols_total: total,
      symbols_omitted: total - shown.length,
      truncated: cut,
      token_est: 0,
      budget_tokens: budget,
    };
    const marker = cut ? `\n${symbolMarker(total - shown.length, total, budget)}` : "";
    // token_est is the estimate of the text that carries it: settle it twice
    // (a digit more can move the estimate by one token, never more).
    let text = "";
    for (let i = 0; i < 2; i++) {
      text = jsonText(structured) + marker;
      structured.token_est = estimateTokens(text);
    }
    text = jsonText(structured) + marker;
    return { text, structured };
  };
  const whole = build(head, [...list], false);
  if (estimateTokens(whole.text) <= budget) return whole;
  let h = head;
  let empty = build(h, [], true);
  if (estimateTokens(empty.text) > budget) {
    h = shrunk(head) as Record<string, unknown>;
    empty = build(h, [], true);
  }
  if (estimateTokens(empty.text) > budget) {
    // Not even a cut head fits: the marker alone, and only the counts.
    const structured = {
      status: "ok",
      symbols: [],
      symbols_total: total,
      symbols_omitted: total,
      truncated: true,
      token_est: 0,
      budget_tokens: budget,
    };
    const text = symbolMarker(total, total, budget);
    structured.token_est = estimateTokens(text);
    return { text, structured };
  }
  // Room for the list: the empty answer's cost plus a few tokens for digits.
  const room = budget - estimateTokens(empty.text) - 4;
  const shown: unknown[] = [];
  let used = 0;
  for (const entry of list) {
    let e: unknown = entry;
    let c = entryCost(e);
    if (used + c > room && entry.children && entry.children.length > 0) {
      e = { ...entry, children: [], children_omitted: entry.children.length };
      c = entryCost(e);
    }
    if (used + c > room) break;
    shown.push(e);
    used += c;
  }
  let fitted = build(h, shown, true);
  // The entry costs bound the estimate from above; this only guards that proof.
  while (estimateTokens(fitted.text) > budget && shown.length > 0) {
    shown.pop();
    fitted = build(h, shown, true);
  }
  return fitted;
}
