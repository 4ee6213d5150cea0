/**
 * What the `definition`, `references` and `hover` tools share: a position
 * in a file (or a `sym://` URI, located by lib/nav/locate.ts: exactly one
 * of the two forms, else `USAGE_ERROR`), checked by the read boundary, asked of the session's warm
 * language server with the AST fallback (mirrors `trifecta lsp <method>`).
 * The answer opens with the contract's {@linkcode lspStateJson}, the keys
 * `lsp <method> --json` has too.
 *
 * @module
 */
import { z } from "zod";
import { TrifectaError, UsageError } from "../../errors.ts";
import type { LspMethod, QueryOutcome } from "../../lsp/mod.ts";
import { checkInside } from "../../segment/mod.ts";
import { sha256Hex } from "../../sha256.ts";
import { locateSymbol } from "../../nav/locate.ts";
import { cursorInput, cursorOffset, PAGE_OUTPUT, pageFields } from "../paging.ts";
import { lspStateJson } from "../../contract/results.ts";
import type { McpState } from "../state.ts";
import { defineTool, type ToolOutput, type ToolSpec } from "./define.ts";
import { locationLine, lspText, type LspTextInput } from "./lsp_text.ts";

/** A method the position tools ask. */
export type PositionMethod = Exclude<LspMethod, "diagnostics">;

/** Locations `references` returns when no limit is given. */
export const DEFAULT_LOCATIONS = 100;

const RANGE = z.object({
  path: z.string(),
  line: z.number(),
  col: z.number(),
  end_line: z.number(),
  end_col: z.number(),
});

/** The output fields of how a language-server question was answered (`lspStateJson`). */
export const LSP_STATE_OUTPUT = {
  capability_state: z.enum(["FULL", "DEGRADED", "UNAVAILABLE"]),
  backend: z.string(),
  response_state: z.string(),
  fallback_reason: z.string().nullable(),
  fallback_text: z.string().nullable(),
};

const OUTPUT = {
  ...LSP_STATE_OUTPUT,
  symbol: z.string().nullable(),
  locations: z.array(RANGE),
  locations_total: z.number(),
  contents: z.string(),
  note: z.string(),
  lsp_state: z.string(),
};

const POSITION = {
  file: z.string().min(1).optional().describe(
    "file relative to the segment root (with line and column; or give uri instead)",
  ),
  line: z.number().int().min(1).optional().describe("1-based line"),
  column: z.number().int().min(1).optional().describe("1-based column (characters)"),
  uri: z.string().min(1).optional().describe(
    "sym:// URI of a class, function or method, instead of file/line/column",
  ),
};

const LIMIT = {
  limit: z.number().int().min(1).max(2000).optional().describe(
    `most locations returned (default ${DEFAULT_LOCATIONS})`,
  ),
  cursor: cursorInput(),
};

/** The arguments of a position tool (`limit` and `cursor` for `references` only). */
type PositionArgs = {
  file?: string;
  line?: number;
  column?: number;
  uri?: string;
  limit?: number;
  cursor?: string;
};

/** Where a question is asked: the file and position, from file/line/column or a URI. */
interface Target {
  file: { abs: string; rel: string };
  line: number;
  col: number;
}

/** The structured answer: how it was answered, then the method's own fields. */
function answerJson(
  method: PositionMethod,
  args: PositionArgs,
  target: Target,
  outcome: QueryOutcome,
): Record<string, unknown> {
  const d = outcome.response.data;
  const out: Record<string, unknown> = {
    ...lspStateJson(outcome.response),
    ...(args.uri === undefined ? {} : { uri: args.uri }),
    file: target.file.rel,
    line: target.line,
    column: target.col,
    symbol: d?.symbol ?? null,
    lsp_state: outcome.state,
  };
  if (method === "hover") {
    out.contents = d?.contents ?? "";
    if (d?.range) out.range = d.range;
  } else {
    const all = d?.locations ?? [];
    const start = method === "references" ? cursorOffset(method, args) : 0;
    const end = start + (args.limit ?? DEFAULT_LOCATIONS);
    out.locations = all.slice(start, end);
    out.locations_total = all.length;
    if (method === "references") {
      Object.assign(
        out,
        pageFields(method, args, {
          total: all.length,
          next: end < all.length ? end : undefined,
        }),
      );
    }
  }
  if (d?.note) out.note = d.note;
  return out;
}

function usage(message: string): UsageError {
  return new UsageError(message, {
    nextSteps: [
      "Give either uri (sym://…), or file, line and column (1-based) — not both",
      "Find a URI with find_symbol or symbol",
    ],
  });
}

/** The target of the arguments: exactly one of uri, or file with line and column. */
async function targetOf(state: McpState, args: PositionArgs): Promise<Target> {
  const position = [args.file, args.line, args.column].filter((x) => x !== undefined).length;
  if (args.uri !== undefined) {
    if (position > 0) throw usage("Give uri or file/line/column, not both");
    const located = await locateSymbol(state.segment, args.uri, {
      cache: state.cache,
      telemetry: state.telemetry,
      requireSymbol: true,
    });
    return { file: located.file, line: located.line, col: located.col };
  }
  if (args.file === undefined || args.line === undefined || args.column === undefined) {
    throw usage(
      position === 0 ? "Give uri, or file, line and column" : "file, line and column go together",
    );
  }
  // The read boundary's path check: inside the segment, really (no
  // symlink out), and neither the name nor the target denied.
  const file = await checkInside(state.segment, args.file);
  if (file.isDirectory) {
    throw new TrifectaError("INVALID_LOCATION", `Expected a file, got a directory: ${file.rel}`);
  }
  return { file: { abs: file.abs, rel: file.rel }, line: args.line, col: args.column };
}

/** The compact text of an answer: the lines `trifecta lsp <method>` prints. */
function answerText(
  method: PositionMethod,
  o: {
    args: PositionArgs;
    target: Target;
    outcome: QueryOutcome;
    structured: Record<string, unknown>;
  },
): string {
  const res = o.outcome.response;
  const d = res.data;
  const head: LspTextInput = {
    ...lspStateJson(res),
    method,
    file: o.target.file.rel,
    line: o.target.line,
    column: o.target.col,
    uri: o.args.uri,
    symbol: d?.symbol ?? null,
    note: d?.note,
  };
  if (method === "hover") {
    return lspText(head, [d?.contents ? d.contents : "(nothing to show)"]);
  }
  const all = d?.locations ?? [];
  const start = method === "references" ? cursorOffset(method, o.args) : 0;
  const shown = all.slice(start, start + (o.args.limit ?? DEFAULT_LOCATIONS));
  const body = shown.length === 0 ? ["no locations found"] : shown.map(locationLine);
  const next = o.structured.next_cursor;
  const left = all.length - start - shown.length;
  const notes = typeof next === "string"
    ? [`${left} more locations; next page: cursor "${next}"`]
    : [];
  return lspText(head, body, notes);
}

async function ask(
  state: McpState,
  method: PositionMethod,
  args: PositionArgs,
): Promise<ToolOutput> {
  const target = await targetOf(state, args);
  const outcome = await state.lsp.answer({
    method,
    file: target.file,
    line: target.line,
    col: target.col,
  });
  const res = outcome.response;
  const structured = answerJson(method, args, target, outcome);
  const uriHash = args.uri === undefined ? {} : { uri_hash: sha256Hex(args.uri).slice(0, 16) };
  return {
    text: answerText(method, { args, target, outcome, structured }),
    structured,
    eventArgs: { file: target.file.rel, line: target.line, col: target.col, ...uriHash },
    eventResult: {
      capability_state: res.capability_state,
      backend: res.backend,
      fallback_reason: res.fallback_reason ?? null,
      locations: method === "hover" ? undefined : res.data?.locations?.length ?? 0,
      lsp_state: outcome.state,
    },
  };
}

/** A position tool for `method`, described for an agent by `description`. */
export function positionTool(method: PositionMethod, description: string): ToolSpec {
  const common = {
    name: method,
    title: `${method} at a position or of a sym:// URI (language server, AST fallback)`,
    description,
    output: OUTPUT,
  };
  if (method === "references") {
    return defineTool({
      ...common,
      output: { ...OUTPUT, next_cursor: PAGE_OUTPUT.next_cursor },
      input: { ...POSITION, ...LIMIT },
      run: (state, args) => ask(state, method, args),
    });
  }
  return defineTool({
    ...common,
    input: POSITION,
    run: (state, args) => ask(state, method, args),
  });
}
