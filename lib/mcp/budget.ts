/**
 * Skeleton outlines under a token budget. Files are added whole, in path
 * order, while they fit; the first file that does not fit is cut by lines
 * (imports first, then symbols in source order, children after their
 * parent); everything after it is left out. A truncated outline ends with
 * one marker line saying what was left out. The token estimate
 * (`estimateTokens`, lib/text.ts) of the whole text, marker included, never
 * exceeds the budget; nor does that of the `symbol` answer (fitted by its
 * JSON, shown as the CLI's outline lines, which are shorter).
 *
 * Paged (`cursorFor` given): a file that does not fit whole ends the page
 * instead of being cut, unless it is the page's first file (then it is cut by
 * lines and the next page starts after it); the marker ends with the cursor
 * of the next page, `next` says where it starts, and every file is shown on
 * exactly one page.
 *
 * Both fit by an upper bound on characters of the estimate's collapsed text:
 * a piece of estimate `e` collapses to at most `4e` characters, plus the one
 * separator that joins it to the rest; the whole stays within `4 × budget`
 * characters, hence within the budget.
 *
 * @module
 */
import { countSymbols, type FileSkeleton, type OutlineLine, outlineLines } from "../ast/mod.ts";
import { entryChars, shrunk } from "./json_page.ts";
import { outputTokens } from "./paging.ts";
import { jsonText } from "./tools/define.ts";
import { symbolAnswerText } from "./symbol_text.ts";

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
  /** Paged: index of the first file of the next page; undefined when none is left. */
  next?: number;
}

/** Options for {@linkcode budgetOutline}. */
export interface BudgetOptions {
  /** Token budget (at least {@linkcode MIN_SKELETON_BUDGET}). */
  budgetTokens: number;
  /** Page the outline: the `cursor` that continues at file index `next` (see the module doc). */
  cursorFor?: (next: number) => string;
}

/**
 * An upper bound of the characters a line (or a file's lines) adds to the
 * collapsed text of the joined outline: its own (at most 4 per token of its
 * estimate) and the one space its line break collapses to.
 */
function lineChars(text: string): number {
  return 4 * outputTokens(text) + 1;
}

function marker(
  o: { filesOmitted: number; symbolsOmitted: number; budget: number; cursor?: string },
): string {
  const next = o.cursor === undefined
    ? "ask for a narrower path or a larger budget_tokens"
    : `next page: cursor "${o.cursor}"`;
  return `… [truncated to budget_tokens=${o.budget}: ${o.symbolsOmitted} symbol(s) and ` +
    `${o.filesOmitted} more file(s) left out; ${next}]`;
}

/** Worst-case marker cost (characters) for a request of this size. */
function markerChars(
  files: number,
  symbols: number,
  o: { budget: number; cursorFor?: (next: number) => string },
): number {
  // The cursor of the largest offset is the longest.
  const cursor = o.cursorFor?.(files);
  return lineChars(
    marker({ filesOmitted: files, symbolsOmitted: symbols, budget: o.budget, cursor }),
  );
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
  // Everything, when it fits as measured; else fit by the bound.
  const paged = options.cursorFor !== undefined;
  const fill = wholeOutline(skeletons, counts, budget) ?? fillOutline(skeletons, counts, {
    budgetChars: 4 * budget,
    reserveChars: markerChars(skeletons.length, symbolsTotal, { ...options, budget }),
    paged,
  });
  const filesFull = fill.files.filter((f) => f.shown === "full").length;
  const filesPartial = fill.files.length - filesFull;
  const filesOmitted = skeletons.length - filesFull - filesPartial;
  const symbolsOmitted = symbolsTotal - fill.symbolsShown;
  const out = fill.lines;
  // Paged, the next page starts after the files shown (whole or, the first only, cut).
  const next = paged && fill.files.length < skeletons.length ? fill.files.length : undefined;
  const cursor = next === undefined ? undefined : options.cursorFor?.(next);
  if (fill.cut) out.push(marker({ filesOmitted, symbolsOmitted, budget, cursor }));
  const text = out.length === 0 ? "" : out.join("\n") + "\n";
  return {
    text,
    files: fill.files,
    files_total: skeletons.length,
    files_omitted: filesOmitted,
    symbols_total: symbolsTotal,
    symbols_omitted: symbolsOmitted,
    truncated: fill.cut,
    token_est: outputTokens(text),
    ...(next === undefined ? {} : { next }),
  };
}

/** The outline lines that fit, and what they show. */
interface Filled {
  lines: string[];
  files: OutlinedFile[];
  symbolsShown: number;
  cut: boolean;
}

/** How a file appears when shown whole. */
function outlinedFile(sk: FileSkeleton, symbols: number): OutlinedFile {
  return {
    path: sk.path,
    language: sk.language,
    has_errors: sk.has_errors,
    symbols,
    shown: "full",
  };
}

/** Every file whole, when the estimate of all of it is within the budget. */
function wholeOutline(
  skeletons: readonly FileSkeleton[],
  counts: readonly number[],
  budget: number,
): Filled | undefined {
  const lines = skeletons.flatMap((sk) => outlineLines(sk).map((l) => l.text));
  if (outputTokens(lines.join("\n")) > budget) return undefined;
  const files = skeletons.map((sk, i) => outlinedFile(sk, counts[i] ?? 0));
  return { lines, files, symbolsShown: counts.reduce((a, b) => a + b, 0), cut: false };
}

/**
 * Whole files while they fit in `budgetChars` (each but the last keeping
 * `reserveChars` for the marker), then the first file that does not fit cut
 * by lines within `budgetChars - reserveChars`.
 */
function fillOutline(
  skeletons: readonly FileSkeleton[],
  counts: readonly number[],
  limits: { budgetChars: number; reserveChars: number; paged: boolean },
): Filled {
  const filled: Filled = { lines: [], files: [], symbolsShown: 0, cut: false };
  let used = 0;
  skeletons.forEach((sk, i) => {
    if (filled.cut) return;
    const lines = outlineLines(sk);
    const texts = lines.map((l) => l.text);
    const cost = lineChars(texts.join("\n"));
    const entry = outlinedFile(sk, counts[i] ?? 0);
    // The last file may use the marker's reserve when it fits whole.
    const room = limits.budgetChars - used - (i === skeletons.length - 1 ? 0 : limits.reserveChars);
    if (cost <= room) {
      // A loop, not push(...): a hostile file has more lines than a call takes arguments.
      for (const t of texts) filled.lines.push(t);
      used += cost;
      filled.symbolsShown += entry.symbols;
      filled.files.push(entry);
      return;
    }
    filled.cut = true;
    // Paged, a file is cut only when it alone does not fit a page; else it opens the next one.
    if (limits.paged && filled.files.length > 0) return;
    const shown = cutFile(lines, limits.budgetChars - limits.reserveChars - used);
    for (const l of shown) filled.lines.push(l.text);
    filled.symbolsShown += shown.filter((l) => l.symbol).length;
    // Paged, the file counts as shown even with no line, so the next page moves on.
    if (shown.length > 0 || limits.paged) filled.files.push({ ...entry, shown: "partial" });
  });
  return filled;
}

/** The leading lines of a file whose characters fit in `room`. */
function cutFile(lines: readonly OutlineLine[], room: number): OutlineLine[] {
  let used = 0;
  let n = 0;
  for (const l of lines) {
    const c = lineChars(l.text);
    if (used + c > room) break;
    used += c;
    n++;
  }
  return lines.slice(0, n);
}

/** Smallest budget the `symbol` tool accepts: room for a clipped head and the marker. */
export const MIN_SYMBOL_BUDGET = 256;

/** Options for {@linkcode fitSymbolAnswer}. */
export interface SymbolBudgetOptions {
  /** Token budget (at least {@linkcode MIN_SYMBOL_BUDGET}). */
  budgetTokens: number;
  /** Paging: index of the first symbol of this page (default 0). */
  start?: number;
  /**
   * Page the answer: the `cursor` that continues at list index `next`. The
   * answer then has `total` and, when symbols are left, `next_cursor` (also
   * at the end of the marker line); every symbol is on exactly one page.
   */
  cursorFor?: (next: number) => string;
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
  /**
   * Estimate of the structured content as JSON plus the marker: what the
   * answer is fitted by, so the JSON stays within the budget too (the
   * text, the CLI's outline lines, is shorter).
   */
  fitTokens: number;
}

function symbolMarker(
  omitted: number,
  total: number,
  o: { budget: number; cursor?: string },
): string {
  const next = o.cursor === undefined
    ? "address one class (sym://<lang>/type/<module>/<Class>) or ask with a larger budget_tokens"
    : `next page: cursor "${o.cursor}"`;
  return `… [truncated to budget_tokens=${o.budget}: ${omitted} of ${total} symbol(s) left out; ` +
    `${next}]`;
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
  const start = Math.min(Math.max(options.start ?? 0, 0), list.length);
  const page = list.slice(start);
  const { cursorFor } = options;
  const answer = (h: Record<string, unknown>, shown: unknown[], cut: boolean) => {
    const rest = start + shown.length;
    // The longest cursor (of the last offset) while sizing, the real one once shown is known.
    const cursor = cursorFor && cut && rest < list.length ? cursorFor(rest) : undefined;
    return buildAnswer(h, shown, { cut, total: list.length, budget, cursor, paged: !!cursorFor });
  };
  const whole = answer(head, [...page], false);
  if (whole.fitTokens <= budget) return whole;
  const widest = (h: Record<string, unknown>) =>
    buildAnswer(h, [], {
      cut: true,
      total: list.length,
      budget,
      cursor: cursorFor?.(list.length),
      paged: !!cursorFor,
    });
  let h = head;
  let empty = widest(h);
  if (empty.fitTokens > budget) {
    h = shrunkHead(head);
    empty = widest(h);
  }
  if (empty.fitTokens > budget) return markerOnly(list.length, budget);
  // Room for the list: the empty answer's cost plus a few tokens for digits.
  const room = 4 * (budget - empty.fitTokens - 4);
  const shown = fitEntries(page, room);
  // Paged, a page holds at least one symbol (cut down if need be), so paging moves on.
  if (cursorFor && shown.length === 0 && page.length > 0) shown.push(...leastEntry(page, room));
  let fitted = answer(h, shown, true);
  // The entry bounds hold the estimate from above; this only guards that proof.
  while (fitted.fitTokens > budget && shown.length > 0) {
    shown.pop();
    fitted = answer(h, shown, true);
  }
  return fitted;
}

/** The first entry without children and with its strings cut, when that fits `room`. */
function leastEntry(page: readonly SymbolEntry[], room: number): unknown[] {
  const first = page[0];
  if (first === undefined) return [];
  const e = shrunk({ ...first, children: [], children_omitted: first.children?.length ?? 0 });
  return entryChars(e) <= room ? [e] : [];
}

/** The answer's structured content and its text (the JSON, then the marker line when cut). */
function buildAnswer(
  head: Record<string, unknown>,
  shown: unknown[],
  o: { cut: boolean; total: number; budget: number; cursor?: string; paged?: boolean },
): FittedSymbolAnswer {
  const structured = {
    ...head,
    symbols: shown,
    symbols_total: o.total,
    symbols_omitted: o.total - shown.length,
    truncated: o.cut,
    token_est: 0,
    budget_tokens: o.budget,
    ...(o.paged ? { total: o.total } : {}),
    ...(o.cursor === undefined ? {} : { next_cursor: o.cursor }),
  };
  const marker = o.cut
    ? `\n${symbolMarker(o.total - shown.length, o.total, { budget: o.budget, cursor: o.cursor })}`
    : "";
  // token_est is the estimate of the text that carries it: settle it twice
  // (a digit more can move the estimate by one token, never more).
  // The text is the CLI's outline (symbol_text.ts), never longer than the
  // JSON the entries were fitted by, so it stays within the budget.
  const text = symbolAnswerText(structured) + marker.replace(/^\n/, "");
  structured.token_est = outputTokens(text);
  return { text, structured, fitTokens: outputTokens(jsonText(structured) + marker) };
}

/** A head with its strings cut (see {@linkcode shrunk}). */
function shrunkHead(head: Record<string, unknown>): Record<string, unknown> {
  const cut = shrunk(head);
  return cut !== null && typeof cut === "object" && !Array.isArray(cut)
    ? Object.fromEntries(Object.entries(cut))
    : {};
}

/** Not even a cut head fits: the marker alone, and only the counts. */
function markerOnly(total: number, budget: number): FittedSymbolAnswer {
  const structured = {
    status: "ok",
    symbols: [],
    symbols_total: total,
    symbols_omitted: total,
    truncated: true,
    token_est: 0,
    budget_tokens: budget,
  };
  const text = symbolMarker(total, total, { budget });
  structured.token_est = outputTokens(text);
  return { text, structured, fitTokens: structured.token_est };
}

/**
 * The entries, in order, while their characters fit in `room`; one that does
 * not fit whole is tried without its children (`children_omitted`).
 */
function fitEntries(list: readonly SymbolEntry[], room: number): unknown[] {
  const shown: unknown[] = [];
  let used = 0;
  for (const entry of list) {
    let e: unknown = entry;
    let c = entryChars(e);
    if (used + c > room && entry.children && entry.children.length > 0) {
      e = { ...entry, children: [], children_omitted: entry.children.length };
      c = entryChars(e);
    }
    if (used + c > room) break;
    shown.push(e);
    used += c;
  }
  return shown;
}
