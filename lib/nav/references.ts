/**
 * References by symbol: the language server's answer when it gives one,
 * else the tree-sitter tags fallback (lib/nav/references_ast.ts) with the
 * server's fallback reason, both grouped under the referencing symbols
 * (lib/nav/references_group.ts). The definition itself is left out; at most
 * {@linkcode MAX_REFERENCES} references are kept (`truncated` says so).
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { resolveSegment } from "../segment/mod.ts";
 * import { answerQuery } from "../lsp/query.ts";
 * import { locateSymbol } from "./locate.ts";
 * import { referencesOfSymbol } from "./references.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/lib.py`, "def helper(x):\n    return x\n");
 * Deno.writeTextFileSync(`${dir}/app.py`, "from lib import helper\n\ndef main():\n    helper(1)\n");
 * const segment = await resolveSegment(dir);
 * const target = await locateSymbol(segment, "sym://python/type/lib/helper");
 * const off = (k: string) => (k === "TRIFECTA_LSP" ? "0" : undefined);
 * const answer = await referencesOfSymbol(segment, target, {
 *   ask: (request) => answerQuery(segment, request, { env: off, requireLsp: true }),
 * });
 * equal(answer.response.fallback_reason, "lsp_disabled");
 * const main = answer.groups.find((g) => g.symbol.qualified_name === "main");
 * ok(main?.references.some((r) => r.match === "import" && r.text === "helper(1)"));
 * ```
 *
 * @module
 */
import type { AstCache } from "../cache/mod.ts";
import type { QueryOutcome, QueryRequest } from "../lsp/query.ts";
import {
  degradedResponse,
  type FallbackReason,
  type LspResponse,
  REASON_TEXT,
  type SourceRange,
} from "../lsp/types.ts";
import type { Segment } from "../segment/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import type { LocatedSymbol } from "./locate.ts";
import { astReferences } from "./references_ast.ts";
import {
  groupReferences,
  LineCache,
  type RawRef,
  type ReferenceGroup,
  sortRefs,
} from "./references_group.ts";

/** Most references an answer lists (the rest is counted as `truncated`). */
export const MAX_REFERENCES = 1000;

/** Options for {@linkcode referencesOfSymbol} and {@linkcode groupedAnswer}. */
export interface ReferencesOptions {
  /**
   * Asks the language server. For {@linkcode referencesOfSymbol} it should
   * refuse a degraded answer (`requireLsp`): the AST fallback here replaces
   * the text matches a position's fallback gives.
   */
  ask?: (request: QueryRequest) => Promise<QueryOutcome>;
  /** Opens the AST cache (skeletons for grouping, tags for the fallback). */
  openCache?: () => Promise<AstCache>;
  /** Telemetry for parse events. */
  telemetry?: Telemetry;
  /** Refuse the fallback: the server's error response is returned. */
  requireLsp?: boolean;
  /** Most references kept (default {@linkcode MAX_REFERENCES}). */
  limit?: number;
}

/** References grouped by the referencing symbol, with the answer they came from. */
export interface ReferencesAnswer {
  /** The contract response (`data.locations` holds the kept references). */
  response: LspResponse;
  /** How the server was reached (`none` when it was not). */
  outcome: Omit<QueryOutcome, "response">;
  /** Who found them: the server, the tags fallback, or a position's text fallback. */
  via: "lsp" | "ast" | "text" | "none";
  /** Groups, in file order. */
  groups: ReferenceGroup[];
  /** References in `groups`. */
  total: number;
  /** True when more were found than kept. */
  truncated: boolean;
  /** References outside the segment (`external/…`) left out of `groups`. */
  external: number;
}

function rangeOf(r: RawRef, name: string | undefined): SourceRange {
  const width = name ? Array.from(name).length : 0;
  return { path: r.path, line: r.line, col: r.col, end_line: r.line, end_col: r.col + width };
}

/**
 * Group the locations of an answer (the server's, or a position's text
 * fallback), leaving out `exclude` (the definition). An error response
 * gives no groups.
 */
export async function groupedAnswer(
  segment: Segment,
  outcome: QueryOutcome,
  options: ReferencesOptions & { exclude?: { path: string; line: number; col: number } },
): Promise<ReferencesAnswer> {
  const { response, ...rest } = outcome;
  const d = response.data;
  if (response.status === "error" || !d) {
    return {
      response,
      outcome: rest,
      via: "none",
      groups: [],
      total: 0,
      truncated: false,
      external: 0,
    };
  }
  const ex = options.exclude;
  const located = (d.locations ?? []).filter((l) =>
    !ex || l.path !== ex.path || l.line !== ex.line || l.col !== ex.col
  );
  const all = sortRefs(located);
  const limit = options.limit ?? MAX_REFERENCES;
  const kept = all.slice(0, limit);
  const cache = await options.openCache?.();
  const groups = await groupReferences(segment, kept, { cache, telemetry: options.telemetry });
  const total = groups.reduce((n, g) => n + g.references.length, 0);
  return {
    // Every location stays in `data` (as before grouping); only the groups are bounded.
    response: { ...response, data: { ...d, locations: located } },
    outcome: rest,
    via: d.source,
    groups,
    total,
    truncated: all.length > limit,
    external: kept.length - total,
  };
}

/** The detail an error response carries after its reason's wording. */
function detailOf(response: LspResponse, reason: FallbackReason): string | undefined {
  const head = `LSP unavailable: ${reason} (${REASON_TEXT[reason]}). `;
  const msg = response.message ?? "";
  return msg.startsWith(head) ? msg.slice(head.length) : undefined;
}

/**
 * The references of a located symbol (see the module doc). With
 * `requireLsp`, a server that does not answer gives its error response
 * (`status: error`) and no groups.
 */
export async function referencesOfSymbol(
  segment: Segment,
  target: LocatedSymbol,
  options: ReferencesOptions,
): Promise<ReferencesAnswer> {
  const request: QueryRequest = {
    method: "references",
    file: target.file,
    line: target.line,
    col: target.col,
  };
  const ask = options.ask;
  const outcome: QueryOutcome = ask ? await ask(request) : {
    response: degradedResponse("lsp_disabled", { file: target.file.rel, source: "ast" }),
    via: "none",
    state: "NONE",
  };
  const res = outcome.response;
  if (res.capability_state === "FULL" || (res.status === "error" && options.requireLsp)) {
    const exclude = { path: target.file.rel, line: target.line, col: target.col };
    return await groupedAnswer(segment, outcome, { ...options, exclude });
  }
  const reason: FallbackReason = res.fallback_reason ?? "lsp_error";
  const lines = new LineCache(segment);
  const cache = await options.openCache?.();
  const limit = options.limit ?? MAX_REFERENCES;
  const found = await astReferences(segment, target, {
    cache,
    telemetry: options.telemetry,
    limit,
    lines,
  });
  const name = target.symbol?.name;
  const groups = await groupReferences(segment, found.refs, {
    cache,
    telemetry: options.telemetry,
    lines,
  });
  const note = `tree-sitter references matched by name and import in ${found.files} file(s) ` +
    "that mention the name (match: import, same_file, or name_only for x.name of unknown type)";
  const response = degradedResponse(reason, {
    file: target.file.rel,
    line: target.line,
    col: target.col,
    symbol: name,
    source: "ast",
    locations: found.refs.map((r) => rangeOf(r, name)),
    note,
  }, res.status === "error" ? detailOf(res, reason) : undefined);
  return {
    response,
    outcome: { via: outcome.via, state: outcome.state, warnings: outcome.warnings },
    via: "ast",
    groups,
    total: found.refs.length,
    truncated: found.truncated,
    external: 0,
  };
}
