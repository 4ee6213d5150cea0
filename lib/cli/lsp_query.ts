/**
 * `trifecta lsp definition|hover|references <file>:<line>:<col>` and
 * `trifecta lsp diagnostics <file>`.
 *
 * @module
 */
import type { AstCache } from "../cache/mod.ts";
import { TrifectaError, UsageError } from "../errors.ts";
// Single modules, not lib/lsp/mod.ts: a query through the warm daemon must
// not load the language-server client, the AST or npm packages (start-up).
import { parseLocation } from "../lsp/positions.ts";
import { answerQuery } from "../lsp/query.ts";
import {
  type AnswerData,
  type LspMethod,
  type LspResponse,
  REASON_TEXT,
  type SourceRange,
} from "../lsp/types.ts";
import { checkInside } from "../segment/boundary.ts";
import type { OptionsFor } from "../contract/commands.ts";
import type { CommandContext, CommandHandler, CommandOutcome } from "./command.ts";

/** The four queries take the same options (`--require-lsp`). */
type QueryOptions = OptionsFor<
  "lsp.definition" | "lsp.hover" | "lsp.references" | "lsp.diagnostics"
>;
import { printJson } from "./output.ts";

function at(r: SourceRange): string {
  return `${r.path}:${r.line}:${r.col}`;
}

function renderText(method: LspMethod, res: LspResponse): string {
  const d = res.data as AnswerData;
  const lines: string[] = [];
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.col}`;
  const who = res.capability_state === "FULL"
    ? res.backend
    : `AST fallback (${res.fallback_reason})`;
  const sym = d.symbol ? ` '${d.symbol}'` : "";
  lines.push(`${method}${sym} at ${where} — ${who}`);
  if (method === "hover") {
    lines.push(d.contents ? d.contents : "(nothing to show)");
  } else if (method === "diagnostics") {
    const diags = d.diagnostics ?? [];
    if (diags.length === 0) lines.push("no diagnostics");
    for (const g of diags) {
      const code = g.code ? ` [${g.code}]` : "";
      lines.push(`${d.file}:${g.line}:${g.col}: ${g.severity}${code}: ${g.message}`);
    }
  } else {
    const locs = d.locations ?? [];
    if (locs.length === 0) lines.push("no locations found");
    for (const l of locs) lines.push(`  ${at(l)}`);
  }
  if (res.capability_state !== "FULL") {
    lines.push(`note: degraded answer — ${REASON_TEXT[res.fallback_reason!]}`);
  }
  if (d.note) lines.push(`note: ${d.note}`);
  return lines.join("\n") + "\n";
}

/** Handler of one query command. */
export function queryHandler(method: LspMethod): CommandHandler<QueryOptions> {
  return async (ctx: CommandContext<QueryOptions>): Promise<CommandOutcome> => {
    const arg = ctx.args[0] ?? "";
    const loc = method === "diagnostics"
      ? { file: arg, line: undefined, col: undefined }
      : parseLocation(arg);
    const file = await checkInside(ctx.segment, loc.file);
    if (file.isDirectory) {
      throw new UsageError(`Expected a file, got a directory: ${file.rel}`, {
        code: "INVALID_LOCATION",
      });
    }
    let cache: AstCache | undefined;
    const openCache = async () =>
      cache ??= (await import("../cache/mod.ts")).createAstCache({
        persist: ctx.global.persistCache,
        segment: ctx.segment,
        telemetry: ctx.telemetry,
      });
    const requireLsp = ctx.options.requireLsp;
    let outcome;
    try {
      outcome = await answerQuery(ctx.segment, {
        method,
        file: { abs: file.abs, rel: file.rel },
        line: loc.line,
        col: loc.col,
      }, { telemetry: ctx.telemetry, openCache, requireLsp });
    } finally {
      cache?.close();
    }
    const res = outcome.response;
    const eventArgs = { file: file.rel, line: loc.line, col: loc.col, require_lsp: requireLsp };
    const result = {
      capability_state: res.capability_state,
      backend: res.backend,
      response_state: res.response_state,
      fallback_reason: res.fallback_reason ?? null,
      locations: res.data?.locations?.length,
      diagnostics: res.data?.diagnostics?.length,
    };
    const extra = { via: outcome.via, lsp_state: outcome.state };
    const warnings = outcome.warnings;
    if (res.status === "error") {
      if (ctx.global.json) {
        printJson(ctx.output, res);
        return {
          exitCode: 1,
          args: eventArgs,
          result: { ...result, error_code: res.error_code },
          extra,
        };
      }
      throw new TrifectaError(res.error_code!, res.message!, {
        nextSteps: [
          "Run without --require-lsp for an answer from the AST",
          "Check the server: trifecta lsp daemon status, or set TRIFECTA_LSP_COMMAND",
        ],
        details: { fallback_reason: res.fallback_reason },
      });
    }
    if (ctx.global.json) printJson(ctx.output, res);
    else ctx.output.out(renderText(method, res));
    return { args: eventArgs, result, extra, warnings };
  };
}
