/**
 * The `diagnostics` tool: the language server's diagnostics for one file
 * (or a `sym://` URI's file), with the AST fallback (the parser's syntax
 * errors) and its named `fallback_reason` when no server answers — mirrors
 * `trifecta lsp diagnostics`. The file goes through the read boundary.
 *
 * @module
 */
import { z } from "zod";
import { TrifectaError } from "../../errors.ts";
import { checkInside } from "../../segment/mod.ts";
import { sha256Hex } from "../../sha256.ts";
import { locateSymbol } from "../../nav/locate.ts";
import { lspStateJson } from "../../contract/results.ts";
import type { McpState } from "../state.ts";
import { defineTool, type ToolOutput } from "./define.ts";
import { LSP_STATE_OUTPUT } from "./lsp_position.ts";
import { lspText } from "./lsp_text.ts";

/** Diagnostics returned when no limit is given. */
export const DEFAULT_DIAGNOSTICS = 100;

const DESCRIPTION =
  "The language server's diagnostics (errors, warnings, hints with line:column, rule code and " +
  "message) for one file, or for the file of a sym:// URI given as `file`. Without a ready " +
  "language server the answer comes from the AST (syntax errors only) and says why in " +
  "fallback_reason. At most `limit` diagnostics (default " + DEFAULT_DIAGNOSTICS + "; " +
  "diagnostics_total says how many there were).";

const DIAGNOSTIC = z.object({
  line: z.number(),
  col: z.number(),
  end_line: z.number(),
  end_col: z.number(),
  severity: z.string(),
  code: z.string().optional(),
  source: z.string().optional(),
  message: z.string(),
});

const OUTPUT = {
  ...LSP_STATE_OUTPUT,
  file: z.string(),
  diagnostics: z.array(DIAGNOSTIC),
  diagnostics_total: z.number(),
  note: z.string(),
  lsp_state: z.string(),
};

type DiagnosticsArgs = { file: string; limit?: number };

/** The file asked about: a segment-relative path, or the file of a sym:// URI. */
async function fileOf(state: McpState, arg: string): Promise<{ abs: string; rel: string }> {
  if (arg.startsWith("sym://")) {
    const located = await locateSymbol(state.segment, arg, {
      cache: state.cache,
      telemetry: state.telemetry,
      requireSymbol: false,
    });
    return located.file;
  }
  // The read boundary's path check: inside the segment, no symlink out, not denied.
  const file = await checkInside(state.segment, arg);
  if (file.isDirectory) {
    throw new TrifectaError("INVALID_LOCATION", `Expected a file, got a directory: ${file.rel}`);
  }
  return { abs: file.abs, rel: file.rel };
}

async function run(state: McpState, args: DiagnosticsArgs): Promise<ToolOutput> {
  const file = await fileOf(state, args.file);
  const outcome = await state.lsp.answer({ method: "diagnostics", file });
  const res = outcome.response;
  const all = res.data?.diagnostics ?? [];
  const shown = all.slice(0, args.limit ?? DEFAULT_DIAGNOSTICS);
  const head = lspStateJson(res);
  const uri = args.file.startsWith("sym://") ? args.file : undefined;
  const structured: Record<string, unknown> = {
    ...head,
    ...(uri === undefined ? {} : { uri }),
    file: file.rel,
    diagnostics: shown,
    diagnostics_total: all.length,
    lsp_state: outcome.state,
  };
  if (res.data?.note) structured.note = res.data.note;
  const body = shown.length === 0
    ? ["no diagnostics"]
    : shown.map((g) =>
      `${file.rel}:${g.line}:${g.col}: ${g.severity}${g.code ? ` [${g.code}]` : ""}: ${g.message}`
    );
  const more = all.length > shown.length
    ? [`${all.length - shown.length} more diagnostics (raise limit)`]
    : [];
  return {
    text: lspText(
      { ...head, method: "diagnostics", file: file.rel, uri, note: res.data?.note },
      body,
      more,
    ),
    structured,
    eventArgs: uri === undefined
      ? { file: file.rel }
      : { file: file.rel, uri_hash: sha256Hex(uri).slice(0, 16) },
    eventResult: {
      capability_state: res.capability_state,
      backend: res.backend,
      fallback_reason: res.fallback_reason ?? null,
      diagnostics: all.length,
      lsp_state: outcome.state,
    },
  };
}

/** `diagnostics`: the language server's diagnostics of a file (AST fallback: syntax errors). */
export const DIAGNOSTICS_TOOL = defineTool({
  name: "diagnostics",
  title: "Diagnostics of a file (language server, AST fallback)",
  description: DESCRIPTION,
  input: {
    file: z.string().min(1).max(2048).describe(
      "file relative to the segment root, or a sym:// URI (its file)",
    ),
    limit: z.number().int().min(1).max(1000).optional().describe(
      `most diagnostics returned (default ${DEFAULT_DIAGNOSTICS})`,
    ),
  },
  output: OUTPUT,
  run,
});
