/**
 * One JSON builder per result kind that the CLI (`--json`) and the MCP
 * server (`structuredContent`) both return, so both surfaces use the same
 * key names, and every object has `status`. Each surface may add its own
 * keys (the CLI `segment_root` and `stale`, MCP `pack_rebuilt`), never
 * rename one. Budgets are `budget_tokens` on both surfaces (the CLI flag
 * keeps its name, `--budget-token-est`).
 *
 * @module
 */
import type { GetResult, SearchResult } from "../context/mod.ts";
import type { LspResponse } from "../lsp/types.ts";
import { REASON_TEXT } from "../lsp/types.ts";
import type { ResolvedSymbol, SnippetResult, SymbolRangeJson } from "../symbols/mod.ts";
import { symbolRangeJson } from "../symbols/json.ts";

/**
 * `body` with `status: "ok"` first: for a result whose shape is its own
 * (`ast skeleton --json`, `telemetry report --json`).
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { okJson } from "./results.ts";
 * deepEqual(Object.keys(okJson({ files: [] })), ["status", "files"]);
 * ```
 */
export function okJson<T extends object>(body: T): { status: "ok" } & T {
  return { status: "ok", ...body };
}

/** Options for the `sym://` builders. */
export interface SymbolJsonOptions {
  /** The segment's real path (the CLI prints it; MCP leaves it out). */
  segmentRoot?: string;
}

/** The fields every answer about a resolved `sym://` URI opens with. */
export interface ResolvedJson {
  /** Always `ok`. */
  status: "ok";
  /** The segment's real path (CLI only). */
  segment_root?: string;
  /** The URI as resolved (aliases expanded). */
  uri: string;
  /** `mod` or `type`. */
  kind: string;
  /** The file, relative to the segment root. */
  file_rel: string;
  /** The file's language. */
  language: string;
}

function resolvedJson(r: ResolvedSymbol, options: SymbolJsonOptions): ResolvedJson {
  return {
    status: "ok",
    ...(options.segmentRoot === undefined ? {} : { segment_root: options.segmentRoot }),
    uri: r.query.uri,
    kind: r.query.kind,
    file_rel: r.file.rel,
    language: r.parse.skeleton.language,
  };
}

/** The head of a `symbols`/`symbol` answer (the surface adds the list). */
export interface SymbolHeadJson extends ResolvedJson {
  /** The file parsed with syntax errors (symbols recovered). */
  has_errors: boolean;
  /** The symbol the URI named (absent for a module). */
  symbol?: SymbolRangeJson;
}

/**
 * The head of `ast symbols --json` and of the MCP `symbol` tool's answer: the
 * resolved URI, its file and, for a type URI, the symbol with its range.
 */
export function symbolHeadJson(r: ResolvedSymbol, options: SymbolJsonOptions = {}): SymbolHeadJson {
  return {
    ...resolvedJson(r, options),
    has_errors: r.parse.skeleton.has_errors,
    ...(r.symbol ? { symbol: symbolRangeJson(r.symbol) } : {}),
  };
}

/** Options for {@linkcode snippetJson}. */
export interface SnippetJsonOptions extends SymbolJsonOptions {
  /** The budget asked for (`--budget-token-est`, argument `budget_tokens`). */
  budgetTokens?: number;
}

/** `ast snippet --json` and the MCP `snippet` tool's structured content. */
export interface SnippetJson extends ResolvedJson {
  /** Disclosure mode used. */
  mode: string;
  /** The symbol (`null` for a module). */
  symbol: SymbolRangeJson | null;
  /** Lines of the file shown. */
  range: { start_line: number; end_line: number };
  /** The code, outline or excerpt. */
  content: string;
  /** True when lines were left out. */
  truncated: boolean;
  /** Why it was cut (`line_cap`), or `null`. */
  truncated_reason: string | null;
  /** Lines left out. */
  omitted_lines: number;
  /** Token estimate of `content` (lib/text.ts). */
  token_est: number;
  /** The budget asked for, or `null` (was `budget_token_est` in the CLI before issue 13). */
  budget_tokens: number | null;
  /** Bytes of the file read. */
  bytes_read: number;
  /** How the AST cache served the file's skeleton. */
  cache_status: string;
  /** The cache key of the file's skeleton. */
  cache_key: string;
  /** Why the cache missed (or `hit`). */
  miss_reason: string;
  /** The outline of a skeleton-mode disclosure. */
  outline?: unknown[];
}

/**
 * The snippet of a resolved URI, as both surfaces return it.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { resolveSegment } from "../segment/mod.ts";
 * import { discloseSymbol, resolveSymbol } from "../symbols/mod.ts";
 * import { snippetJson } from "./results.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/m.py`, "def f():\n    return 1\n");
 * const segment = await resolveSegment(dir);
 * const r = await resolveSymbol(segment, "sym://python/type/m/f");
 * const json = snippetJson(r, await discloseSymbol(r, { mode: "raw" }), { budgetTokens: 50 });
 * equal(json.status, "ok");
 * equal(json.file_rel, "m.py");
 * equal(json.budget_tokens, 50);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function snippetJson(
  r: ResolvedSymbol,
  s: SnippetResult,
  options: SnippetJsonOptions = {},
): SnippetJson {
  const d = s.disclosure;
  const out: SnippetJson = {
    ...resolvedJson(r, options),
    mode: d.mode,
    symbol: r.symbol ? symbolRangeJson(r.symbol) : null,
    range: d.range,
    content: d.content,
    truncated: d.truncated,
    truncated_reason: d.truncated_reason,
    omitted_lines: d.omitted_lines,
    token_est: d.token_est,
    budget_tokens: options.budgetTokens ?? null,
    bytes_read: s.bytes_read,
    cache_status: r.lookup.cache_status,
    cache_key: r.parse.cache_key,
    miss_reason: r.lookup.miss_reason,
  };
  if (d.outline) out.outline = d.outline;
  return out;
}

/** `ctx search --json` and the MCP `search` tool's structured content. */
export type SearchJson =
  & { status: "ok"; total_hits: number }
  & Omit<SearchResult, "stale" | "match">;

/**
 * Search hits as both surfaces return them: the result without the stale
 * report and the FTS5 expression (the CLI adds `stale: boolean`, MCP
 * `pack_rebuilt`), with `total_hits`.
 */
export function searchJson(r: SearchResult): SearchJson {
  const { stale: _stale, match: _match, ...rest } = r;
  return { status: "ok", ...rest, total_hits: r.hits.length };
}

/** `ctx get --json` and the MCP `get` tool's structured content. */
export type GetJson = { status: "ok" } & GetResult;

/** Chunks read by id, as both surfaces return them (the CLI adds `stale` and `warnings`). */
export function getJson(r: GetResult): GetJson {
  return { status: "ok", ...r };
}

/** How a language-server question was answered, as both surfaces name it. */
export interface LspStateJson {
  /** `ok`, or `error` (`--require-lsp` without a server answer). */
  status: "ok" | "error";
  /** `FULL`, `DEGRADED` or `UNAVAILABLE`. */
  capability_state: string;
  /** The server, `ast_only` or `unavailable`. */
  backend: string;
  /** `complete`, `degraded` or `error`. */
  response_state: string;
  /** Why the server did not answer, or `null`. */
  fallback_reason: string | null;
  /** That reason in words, or `null`. */
  fallback_text: string | null;
}

/**
 * The head of a language-server answer: the keys of `lsp <method> --json`
 * (which prints the whole response, answer under `data`) that the MCP
 * position tools return too (with the answer's fields beside them).
 */
export function lspStateJson(res: LspResponse): LspStateJson {
  return {
    status: res.status,
    capability_state: res.capability_state,
    backend: res.backend,
    response_state: res.response_state,
    fallback_reason: res.fallback_reason ?? null,
    fallback_text: res.fallback_reason ? REASON_TEXT[res.fallback_reason] : null,
  };
}
