/**
 * `ctx get`: chunks by id with progressive disclosure (skeleton → excerpt →
 * raw) under a token budget, with the predecessor's stop rules and the
 * `PD_REPORT v=1` line.
 *
 * @module
 */
import { maskSecrets } from "../secrets.ts";
import type { DisclosureMode } from "../segment/mod.ts";
import { estimateTokens, TokenTally } from "../text.ts";
import { markdownSkeleton } from "./chunk_markdown.ts";
import { parseChunkId } from "./ids.ts";
import { codePointLength, utf8Length } from "./text.ts";
import type { ContextPack, PackChunk } from "./types.ts";

/** Default token budget of `ctx get`. */
export const DEFAULT_BUDGET = 1500;
/** Non-empty lines an excerpt keeps. */
export const EXCERPT_LINES = 25;
/** Non-empty lines a raw chunk keeps when it does not fit the budget. */
export const RAW_FALLBACK_LINES = 20;
/** Longest line (UTF-16 units) any mode returns; longer lines end with `…`. */
export const MAX_LINE_CHARS = 500;
/** The marker that ends a chunk cut to fit the budget. */
export const BUDGET_MARKER = "… [truncated to the token budget: ask again with a larger budget]";

/** Why `get` stopped, by precedence: evidence > budget > max_chunks > complete. */
export type StopReason = "evidence" | "budget" | "max_chunks" | "complete";

/** Options for {@linkcode getChunks}. */
export interface GetOptions {
  /** Disclosure mode (default `excerpt`). */
  mode?: DisclosureMode;
  /** Token budget (default {@linkcode DEFAULT_BUDGET}). */
  budget?: number;
  /** Only the first N ids are considered. */
  maxChunks?: number;
  /** Stop at the first chunk that is evidence for `query`. */
  stopOnEvidence?: boolean;
  /** Query for the evidence rule. */
  query?: string;
}

/** A chunk as `get` returns it. */
export interface ReturnedChunk {
  /** Chunk id. */
  id: string;
  /** Kind. */
  kind: string;
  /** Title path. */
  title_path: string[];
  /** Segment-relative path. */
  source_path: string;
  /** 1-based first line in the file. */
  start_line: number;
  /** 1-based last line in the file. */
  end_line: number;
  /** Text after the disclosure transform. */
  text: string;
  /** Token estimate of `text` (`estimateTokens`). */
  token_est: number;
  /** True when the transform or the budget cut the chunk. */
  truncated: boolean;
}

/** Evidence flags. */
export interface Evidence {
  /** The query names the chunk's symbol (or a prime chunk's id/title). */
  strong_hit: boolean;
  /** The text defines the query (`def q(`, `class q:`, `function q(` …). */
  support: boolean;
}

/** The result of {@linkcode getChunks}. */
export interface GetResult {
  /** Mode used. */
  mode: DisclosureMode;
  /** Budget used. */
  budget: number;
  /** Chunks returned, in the order asked. */
  chunks: ReturnedChunk[];
  /** `estimateTokens` of the output: the returned texts, joined by newlines. */
  total_tokens: number;
  /** Why it stopped. */
  stop_reason: StopReason;
  /** Ids asked for (after de-duplication). */
  chunks_requested: number;
  /** Chunks returned. */
  chunks_returned: number;
  /** Code points returned (returned chunks only). */
  chars_returned_total: number;
  /** Evidence flags (true only when the evidence rule stopped the walk). */
  evidence: Evidence;
  /** Ids not in the pack. */
  missing_ids: string[];
  /**
   * True when a chunk was cut to fit the budget (a raw chunk to its first
   * lines and a note, or the first chunk to {@linkcode BUDGET_MARKER});
   * `total_tokens` never passes the budget.
   */
  budget_exceeded: boolean;
  /** UTF-8 bytes of the text returned. */
  bytes_read: number;
}

/**
 * Split a comma-separated id list: trimmed, empties dropped, duplicates
 * dropped, each id checked.
 *
 * @throws {TrifectaError} `PATH_TRAVERSAL` when an id's path leaves the segment.
 */
export function parseIds(raw: string): string[] {
  const out: string[] = [];
  for (const part of raw.split(",")) {
    const id = part.trim();
    if (id === "" || out.includes(id)) continue;
    parseChunkId(id);
    out.push(id);
  }
  return out;
}

function nonEmptyLines(text: string): string[] {
  return text.split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
}

/** Cut `line` to `max` UTF-16 units, never inside a surrogate pair, marked with `…`. */
function cutLine(line: string, max: number): string {
  if (line.length <= max) return line;
  let end = Math.max(0, max);
  const last = line.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${line.slice(0, end)}…`;
}

/** Every line of `text` cut to {@linkcode MAX_LINE_CHARS}. */
function boundLines(text: string): string {
  if (!text.split("\n").some((l) => l.length > MAX_LINE_CHARS)) return text;
  return text.split("\n").map((l) => cutLine(l, MAX_LINE_CHARS)).join("\n");
}

/** The shortest part of a line worth returning when a chunk is cut by characters. */
const MIN_PART_CHARS = 16;

/**
 * The largest `n` in `[lo, hi]` with `ok(n)`, for `ok` true up to some point
 * and false after it; `lo` when none is.
 */
function largest(lo: number, hi: number, ok: (n: number) => boolean): number {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The lines of `text` that fit `budget` tokens with {@linkcode BUDGET_MARKER}
 * after them (then part of the next line, cut by characters, when at least
 * {@linkcode MIN_PART_CHARS} of it fit); the marker alone, or "" when not
 * even the marker fits. Measured with `estimateTokens` on the text returned:
 * adding a line (or a character) never lowers the estimate, so the largest
 * part that fits is found by bisection.
 */
function fitToBudget(text: string, budget: number): string {
  const fits = (lines: readonly string[]) =>
    estimateTokens([...lines, BUDGET_MARKER].join("\n")) <= budget;
  if (!fits([])) return "";
  const lines = text.split("\n");
  const kept = lines.slice(0, largest(0, lines.length, (k) => fits(lines.slice(0, k))));
  const next = lines[kept.length]?.trim() ?? "";
  if (next.length > MIN_PART_CHARS) {
    const room = largest(0, next.length - 1, (r) => fits([...kept, cutLine(next, r)]));
    if (room >= MIN_PART_CHARS) kept.push(cutLine(next, room));
  }
  return [...kept, BUDGET_MARKER].join("\n");
}

function firstChars(text: string, n: number): string {
  const cps = Array.from(text);
  return cps.length <= n ? text : cps.slice(0, n).join("") + "...";
}

/** The skeleton rendering of a chunk. */
export function skeletonOf(chunk: PackChunk): string {
  if (chunk.kind === "code" || chunk.kind === "header") {
    const sk = chunk.skeleton?.trimEnd() ?? "";
    if (sk !== "") return sk;
    return nonEmptyLines(chunk.text).slice(0, 3).join("\n");
  }
  if (chunk.kind === "config") return firstChars(chunk.text, 200);
  return markdownSkeleton(chunk.text);
}

/** {@linkcode skeletonOf} with every line cut to {@linkcode MAX_LINE_CHARS}. */
function boundedSkeletonOf(chunk: PackChunk): string {
  return boundLines(skeletonOf(chunk));
}

function excerptOf(chunk: PackChunk): { text: string; cut: boolean } {
  const lines = nonEmptyLines(chunk.text);
  const long = lines.some((l) => l.length > MAX_LINE_CHARS);
  const kept = lines.slice(0, EXCERPT_LINES).map((l) => cutLine(l, MAX_LINE_CHARS));
  if (lines.length <= EXCERPT_LINES) return { text: kept.join("\n"), cut: long };
  return {
    text: kept.join("\n") +
      "\n\n... [truncated: use -m raw to see the whole chunk]",
    cut: true,
  };
}

const KEYWORDS = new Set([
  "def",
  "class",
  "import",
  "from",
  "if",
  "for",
  "while",
  "return",
  "function",
  "const",
  "interface",
]);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Evidence of `query` in a chunk (both flags false for keyword queries). */
export function evidenceOf(chunk: PackChunk, query: string): Evidence {
  const q = query.trim();
  if (q === "" || KEYWORDS.has(q.toLowerCase())) return { strong_hit: false, support: false };
  const ql = q.toLowerCase();
  const lastName = chunk.symbol?.split(".").pop();
  const strong = chunk.symbol === q || lastName === q ||
    (chunk.kind === "prime" &&
      (chunk.id.toLowerCase().includes(ql) ||
        chunk.title_path.join(" ").toLowerCase().includes(ql)));
  const def = new RegExp(
    `(^|[\\s;])(async\\s+)?(def|class|function\\*?|interface|enum|type)\\s+${
      escapeRegExp(q)
    }\\s*[(:<{=]`,
    "m",
  );
  return { strong_hit: strong, support: def.test(chunk.text) };
}

/**
 * A chunk with its strings passed through the secret scan once more: a
 * pack this build wrote holds masked text already, but a pack can come with
 * the repository (`_ctx/` is checked in), and nothing unmasked may leave.
 */
function maskedChunk(chunk: PackChunk): PackChunk {
  const text = maskSecrets(chunk.text);
  const skeleton = chunk.skeleton === undefined ? undefined : maskSecrets(chunk.skeleton);
  const title = chunk.title_path.map((t) => maskSecrets(t));
  // Ids and paths carry file names, and an old pack's name may hold a secret.
  const id = maskSecrets(chunk.id);
  const source = maskSecrets(chunk.source_path);
  const changed = text.findings.length > 0 || (skeleton?.findings.length ?? 0) > 0 ||
    title.some((t) => t.findings.length > 0) || id.findings.length > 0 ||
    source.findings.length > 0;
  if (!changed) return chunk;
  return {
    ...chunk,
    id: id.text,
    source_path: source.text,
    text: text.text,
    title_path: title.map((t) => t.text),
    ...(skeleton ? { skeleton: skeleton.text } : {}),
  };
}

/** A chunk's text after the disclosure transform, and whether the transform cut it. */
interface Disclosed {
  text: string;
  cut: boolean;
}

/** The note that ends a raw chunk cut to its first lines by the budget. */
const RAW_NOTE =
  "\n\n> [!NOTE]\n> Chunk truncated by the token budget. Ask again with a larger -b if it matters.";

/** The chunk in `mode`, every line cut to {@linkcode MAX_LINE_CHARS}. */
function disclose(chunk: PackChunk, mode: DisclosureMode): Disclosed {
  if (mode === "excerpt") return excerptOf(chunk);
  const text = mode === "skeleton" ? boundedSkeletonOf(chunk) : boundLines(chunk.text);
  return { text, cut: text !== chunk.text };
}

/**
 * A walk over the chunks asked for, in order. Its output is the returned
 * chunks' texts, each after a newline but the first; the budget is met when
 * `estimateTokens` of that whole output is at most the budget.
 */
class Walk {
  readonly chunks: ReturnedChunk[] = [];
  /** The estimate of the output so far (the texts joined by newlines). */
  readonly #tally = new TokenTally();
  tokens = 0;
  chars = 0;
  bytes = 0;
  budgetStop = false;
  budgetExceeded = false;
  evidence: Evidence | undefined;

  constructor(readonly budget: number) {}

  /** The estimate of the output with `text` appended. */
  tokensWith(text: string): number {
    return this.#tally.tokensWith(this.chunks.length === 0 ? text : `\n${text}`);
  }

  /**
   * The chunk's text as it fits the budget, or undefined when it does not
   * and the walk stops. A raw chunk that does not fit is cut to its first
   * lines and a note; the first chunk of the output is cut to fit rather
   * than dropped (an answer says what it found and that more is there).
   */
  fitted(found: Disclosed, mode: DisclosureMode): Disclosed | undefined {
    let { text, cut } = found;
    if (mode === "raw" && this.tokensWith(text) > this.budget) {
      text = nonEmptyLines(text).slice(0, RAW_FALLBACK_LINES).join("\n") + RAW_NOTE;
      cut = true;
      this.budgetExceeded = true;
    }
    if (this.tokensWith(text) <= this.budget) return { text, cut };
    if (this.tokens > 0) {
      this.budgetStop = true;
      return undefined;
    }
    this.budgetExceeded = true;
    return { text: fitToBudget(text, this.budget), cut: true };
  }

  /** Append a chunk's text to the output. */
  add(chunk: PackChunk, text: Disclosed): void {
    this.chunks.push({
      id: chunk.id,
      kind: chunk.kind,
      // A heading is one line of the file: bounded like every other line.
      title_path: chunk.title_path.map((t) => cutLine(t, MAX_LINE_CHARS)),
      source_path: chunk.source_path,
      start_line: chunk.start_line,
      end_line: chunk.end_line,
      text: text.text,
      token_est: estimateTokens(text.text),
      truncated: text.cut,
    });
    this.#tally.add(this.chunks.length === 1 ? text.text : `\n${text.text}`);
    this.tokens = this.#tally.tokens;
    this.chars += codePointLength(text.text);
    this.bytes += utf8Length(text.text);
  }

  /** Why the walk stopped, by precedence: evidence > budget > max_chunks > complete. */
  stopReason(cutByMax: boolean): StopReason {
    if (this.evidence) return "evidence";
    if (this.budgetStop || this.budgetExceeded) return "budget";
    return cutByMax ? "max_chunks" : "complete";
  }
}

/** Walk `ids` in order, returning chunks until the budget, the evidence rule or the end stops it. */
function walkChunks(
  byId: ReadonlyMap<string, PackChunk>,
  ids: readonly string[],
  options: GetOptions & { mode: DisclosureMode; budget: number },
): Walk {
  const walk = new Walk(options.budget);
  for (const id of ids) {
    const found = byId.get(id);
    if (!found) continue;
    const chunk = maskedChunk(found);
    const text = walk.fitted(disclose(chunk, options.mode), options.mode);
    if (!text) break;
    walk.add(chunk, text);
    if (options.stopOnEvidence && options.query) {
      const ev = evidenceOf(chunk, options.query);
      if (ev.strong_hit && ev.support) {
        walk.evidence = ev;
        break;
      }
    }
    if (walk.tokens >= options.budget || walk.budgetExceeded) {
      walk.budgetStop = true;
      break;
    }
  }
  return walk;
}

/**
 * Fetch chunks of `pack` by id under the budget (every returned string
 * secret-masked). Every line is cut to {@linkcode MAX_LINE_CHARS}; a chunk
 * that would take the output past the budget stops the walk, except the
 * first, which is cut to fit with {@linkcode BUDGET_MARKER}: `estimateTokens`
 * of the whole output (the texts joined by newlines) never passes the budget.
 */
export function getChunks(
  pack: ContextPack,
  ids: readonly string[],
  options: GetOptions = {},
): GetResult {
  const mode = options.mode ?? "excerpt";
  const budget = options.budget ?? DEFAULT_BUDGET;
  const byId = new Map(pack.chunks.map((c) => [c.id, c]));
  const cutByMax = options.maxChunks !== undefined && ids.length > options.maxChunks;
  const wanted = cutByMax ? ids.slice(0, options.maxChunks) : ids;
  const walk = walkChunks(byId, wanted, { ...options, mode, budget });
  return {
    mode,
    budget,
    chunks: walk.chunks,
    total_tokens: walk.tokens,
    stop_reason: walk.stopReason(cutByMax),
    chunks_requested: ids.length,
    chunks_returned: walk.chunks.length,
    chars_returned_total: walk.chars,
    evidence: walk.evidence ?? { strong_hit: false, support: false },
    missing_ids: ids.filter((id) => !byId.has(id)).map((id) => maskSecrets(id).text),
    budget_exceeded: walk.budgetExceeded,
    bytes_read: walk.bytes,
  };
}

/**
 * The `PD_REPORT v=1` line: exactly seven `key=value` pairs after the
 * version.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { getChunks, pdReportLine } from "./get.ts";
 * const pack = {
 *   schema_version: 1, segment: "s", created_at: "", build_id: "b",
 *   source_files: [], chunks: [], index: [],
 * };
 * equal(
 *   pdReportLine(getChunks(pack, ["doc:a.md:1", "doc:b.md:2", "doc:c.md:3"])),
 *   "PD_REPORT v=1 stop_reason=complete chunks_returned=0 chunks_requested=3 " +
 *     "chars_returned_total=0 strong_hit=0 support=0",
 * );
 * ```
 */
export function pdReportLine(result: GetResult): string {
  return `PD_REPORT v=1 stop_reason=${result.stop_reason} chunks_returned=${result.chunks_returned} ` +
    `chunks_requested=${result.chunks_requested} chars_returned_total=${result.chars_returned_total} ` +
    `strong_hit=${result.evidence.strong_hit ? 1 : 0} support=${result.evidence.support ? 1 : 0}`;
}
