/**
 * Progressive disclosure of one symbol or module (pure): `skeleton` (an
 * outline with signatures, doc lines and line ranges), `excerpt` (the lines
 * with a small margin, capped), `raw` (every line), and the token budget.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import type { DisclosureMode } from "../segment/mod.ts";
import type { FileSkeleton, SkeletonSymbol } from "../ast/mod.ts";
import { estimateTokens } from "../telemetry/mod.ts";

/** Lines of context shown before and after a symbol in `excerpt` mode. */
export const EXCERPT_MARGIN_LINES = 2;
/** Most lines an excerpt shows before it is truncated (as the predecessor's excerpts). */
export const EXCERPT_MAX_LINES = 25;

/** An inclusive, 1-based line range. */
export interface LineRange {
  /** First line. */
  start_line: number;
  /** Last line. */
  end_line: number;
}

/** One line of an outline. */
export interface OutlineEntry {
  /** Nesting depth below the disclosed symbol (0 = the symbol itself, or top level for a module). */
  depth: number;
  /** Symbol kind. */
  kind: string;
  /** Simple name. */
  name: string;
  /** Dotted name from the module. */
  qualified_name: string;
  /** Line of `def`/`class`. */
  start_line: number;
  /** Last line of the body. */
  end_line: number;
  /** Signature on one line. */
  signature: string;
  /** First doc line, or "". */
  doc: string;
  /** Decorators. */
  decorators: string[];
}

/** What one disclosure shows. */
export interface Disclosure {
  /** The mode. */
  mode: DisclosureMode;
  /** Source lines the content covers (for `skeleton`, the symbol's range). */
  range: LineRange;
  /** The text handed out (an excerpt ends with a truncation marker line when cut). */
  content: string;
  /** True when the excerpt was cut at {@linkcode EXCERPT_MAX_LINES}. */
  truncated: boolean;
  /** `line_cap` when truncated, else null. */
  truncated_reason: "line_cap" | null;
  /** Lines of the symbol not shown because of the cap. */
  omitted_lines: number;
  /** Token estimate of `content` ({@linkcode estimateTokens}). */
  token_est: number;
  /** The outline (skeleton mode only). */
  outline?: OutlineEntry[];
}

/** What is disclosed: one symbol of a file, or the whole module when `symbol` is absent. */
export interface DisclosureTarget {
  /** The file's skeleton. */
  skeleton: FileSkeleton;
  /** The symbol, or undefined for the whole module. */
  symbol?: SkeletonSymbol;
}

/** Split text into lines (LF or CRLF); a final newline does not start a new line. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function decoratorStart(lines: readonly string[], symbol: SkeletonSymbol): number {
  if (symbol.decorators.length === 0) return symbol.start_line;
  const first = symbol.decorators[0].split("\n")[0].trim().replace(/^@/, "").slice(0, 40);
  const floor = Math.max(1, symbol.start_line - 200);
  for (let ln = Math.min(symbol.start_line - 1, lines.length); ln >= floor; ln--) {
    const t = lines[ln - 1].trim();
    if (t.startsWith("@") && t.slice(1).startsWith(first)) return ln;
  }
  return symbol.start_line;
}

/**
 * The lines a symbol occupies, decorators included; the whole file for a
 * module. Clamped to the file's lines.
 */
export function targetRange(lines: readonly string[], target: DisclosureTarget): LineRange {
  const total = Math.max(1, lines.length);
  if (!target.symbol) return { start_line: 1, end_line: total };
  const start = Math.min(decoratorStart(lines, target.symbol), total);
  return { start_line: start, end_line: Math.max(start, Math.min(target.symbol.end_line, total)) };
}

function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, " ").trim();
}

function outlineOf(symbols: readonly SkeletonSymbol[], depth: number, out: OutlineEntry[]): void {
  for (const s of symbols) {
    out.push({
      depth,
      kind: s.kind,
      name: s.name,
      qualified_name: s.qualified_name,
      start_line: s.start_line,
      end_line: s.end_line,
      signature: oneLine(s.signature),
      doc: s.doc,
      decorators: s.decorators,
    });
    outlineOf(s.children, depth + 1, out);
  }
}

function renderOutline(skeleton: FileSkeleton, entries: readonly OutlineEntry[]): string[] {
  const python = skeleton.language === "python";
  const comment = python ? "#" : "//";
  const out: string[] = [];
  for (const e of entries) {
    const pad = "    ".repeat(e.depth);
    for (const d of e.decorators) out.push(`${pad}${d.startsWith("@") ? "" : "@"}${oneLine(d)}`);
    out.push(`${pad}${e.signature}  ${comment} L${e.start_line}-${e.end_line}`);
    if (e.doc !== "") out.push(python ? `${pad}    """${e.doc}"""` : `${pad}    /** ${e.doc} */`);
  }
  return out;
}

function finish(
  mode: DisclosureMode,
  range: LineRange,
  lines: string[],
  extra: Partial<Disclosure> = {},
): Disclosure {
  const content = lines.length === 0 ? "" : lines.join("\n") + "\n";
  return {
    mode,
    range,
    content,
    truncated: false,
    truncated_reason: null,
    omitted_lines: 0,
    token_est: estimateTokens(content),
    ...extra,
  };
}

/**
 * `skeleton` mode: the symbol's decorators, signature (on one line) and doc
 * line, then its members' outline with their line ranges; for a module, its
 * imports and every symbol's outline. Needs no source text.
 */
export function discloseSkeleton(target: DisclosureTarget): Disclosure {
  const { skeleton, symbol } = target;
  const entries: OutlineEntry[] = [];
  outlineOf(symbol ? [symbol] : skeleton.symbols, 0, entries);
  const lines: string[] = [];
  if (!symbol) { for (const imp of skeleton.imports) lines.push(oneLine(imp.text)); }
  if (!symbol && skeleton.imports.length > 0 && entries.length > 0) lines.push("");
  lines.push(...renderOutline(skeleton, entries));
  const range = symbol
    ? { start_line: symbol.start_line, end_line: symbol.end_line }
    : { start_line: 1, end_line: Math.max(1, ...skeleton.symbols.map((s) => s.end_line)) };
  return finish("skeleton", range, lines, { outline: entries });
}

/** Options for {@linkcode discloseExcerpt}. */
export interface ExcerptOptions {
  /** Context lines before and after (default {@linkcode EXCERPT_MARGIN_LINES}). */
  margin?: number;
  /** Line cap (default {@linkcode EXCERPT_MAX_LINES}). */
  maxLines?: number;
}

/**
 * `excerpt` mode: the target's lines with `margin` lines of context on each
 * side, cut after `maxLines` lines with a marker line that says what was left
 * out and how to see it.
 */
export function discloseExcerpt(
  lines: readonly string[],
  target: DisclosureTarget,
  options: ExcerptOptions = {},
): Disclosure {
  const margin = options.margin ?? EXCERPT_MARGIN_LINES;
  const cap = options.maxLines ?? EXCERPT_MAX_LINES;
  const own = targetRange(lines, target);
  const start = Math.max(1, own.start_line - margin);
  const wantedEnd = Math.min(Math.max(lines.length, 1), own.end_line + margin);
  const end = start + cap - 1;
  if (own.end_line <= end) {
    const shownEnd = Math.min(wantedEnd, end);
    const range = { start_line: start, end_line: shownEnd };
    return finish("excerpt", range, lines.slice(start - 1, shownEnd));
  }
  const omitted = own.end_line - end;
  const shown = lines.slice(start - 1, end);
  shown.push(
    `… truncated at the ${cap}-line excerpt cap: lines ${
      end + 1
    }-${own.end_line} (${omitted} more) not shown; use --mode raw`,
  );
  return finish("excerpt", { start_line: start, end_line: end }, shown, {
    truncated: true,
    truncated_reason: "line_cap",
    omitted_lines: omitted,
  });
}

/** `raw` mode: every line of the target, decorators included, nothing added. */
export function discloseRaw(lines: readonly string[], target: DisclosureTarget): Disclosure {
  const range = targetRange(lines, target);
  return finish("raw", range, lines.slice(range.start_line - 1, range.end_line));
}

/**
 * Fail closed when a disclosure costs more than the budget.
 *
 * @throws {TrifectaError} `BUDGET_EXCEEDED`, with the needed estimate in the
 * message and in `details.needed_token_est`.
 */
export function enforceBudget(disclosure: Disclosure, budgetTokenEst: number | undefined): void {
  if (budgetTokenEst === undefined || disclosure.token_est <= budgetTokenEst) return;
  const cheaper = disclosure.mode === "raw"
    ? "Try --mode excerpt or --mode skeleton, or raise --budget-token-est"
    : disclosure.mode === "excerpt"
    ? "Try --mode skeleton, or raise --budget-token-est"
    : "Raise --budget-token-est, or address a smaller symbol (#member)";
  throw new TrifectaError(
    "BUDGET_EXCEEDED",
    `The ${disclosure.mode} snippet needs ~${disclosure.token_est} tokens, over the budget of ${budgetTokenEst} (estimate: ceil(characters / 4) of the whitespace-collapsed text)`,
    {
      nextSteps: [cheaper, `--budget-token-est ${disclosure.token_est} would fit it`],
      details: {
        mode: disclosure.mode,
        needed_token_est: disclosure.token_est,
        budget_token_est: budgetTokenEst,
        lines: disclosure.range.end_line - disclosure.range.start_line + 1,
      },
    },
  );
}
