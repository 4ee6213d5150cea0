/**
 * What the `definition`, `references` and `hover` tools share: a position
 * in a file, checked by the read boundary, asked of the session's warm
 * language server with the AST fallback (mirrors `trifecta lsp <method>`).
 * The answer opens with the contract's {@linkcode lspStateJson}, the keys
 * `lsp <method> --json` has too.
 *
 * @module
 */
import { z } from "zod";
import { TrifectaError } from "../../errors.ts";
import type { LspMethod, QueryOutcome } from "../../lsp/mod.ts";
import { checkInside } from "../../segment/mod.ts";
import { lspStateJson } from "../../contract/results.ts";
import type { McpState } from "../state.ts";
import { defineTool, jsonText, type ToolOutput, type ToolSpec } from "./define.ts";

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

const OUTPUT = {
  capability_state: z.enum(["FULL", "DEGRADED", "UNAVAILABLE"]),
  backend: z.string(),
  response_state: z.string(),
  fallback_reason: z.string().nullable(),
  fallback_text: z.string().nullable(),
  symbol: z.string().nullable(),
  locations: z.array(RANGE),
  locations_total: z.number(),
  contents: z.string(),
  note: z.string(),
  lsp_state: z.string(),
};

const POSITION = {
  file: z.string().min(1).describe("file relative to the segment root"),
  line: z.number().int().min(1).describe("1-based line"),
  column: z.number().int().min(1).describe("1-based column (characters)"),
};

const LIMIT = {
  limit: z.number().int().min(1).max(2000).optional().describe(
    `most locations returned (default ${DEFAULT_LOCATIONS})`,
  ),
};

/** The arguments of a position tool (`limit` for `references` only). */
interface PositionArgs {
  file: string;
  line: number;
  column: number;
  limit?: number;
}

/** The structured answer: how it was answered, then the method's own fields. */
function answerJson(
  method: PositionMethod,
  args: PositionArgs & { rel: string },
  outcome: QueryOutcome,
): Record<string, unknown> {
  const d = outcome.response.data;
  const out: Record<string, unknown> = {
    ...lspStateJson(outcome.response),
    file: args.rel,
    line: args.line,
    column: args.column,
    symbol: d?.symbol ?? null,
    lsp_state: outcome.state,
  };
  if (method === "hover") {
    out.contents = d?.contents ?? "";
    if (d?.range) out.range = d.range;
  } else {
    const all = d?.locations ?? [];
    out.locations = all.slice(0, args.limit ?? DEFAULT_LOCATIONS);
    out.locations_total = all.length;
  }
  if (d?.note) out.note = d.note;
  return out;
}

async function ask(
  state: McpState,
  method: PositionMethod,
  args: PositionArgs,
): Promise<ToolOutput> {
  // The read boundary's path check: inside the segment, really (no
  // symlink out), and neither the name nor the target denied.
  const file = await checkInside(state.segment, args.file);
  if (file.isDirectory) {
    throw new TrifectaError("INVALID_LOCATION", `Expected a file, got a directory: ${file.rel}`);
  }
  const outcome = await state.lsp.answer({
    method,
    file: { abs: file.abs, rel: file.rel },
    line: args.line,
    col: args.column,
  });
  const res = outcome.response;
  const structured = answerJson(method, { ...args, rel: file.rel }, outcome);
  return {
    text: jsonText(structured),
    structured,
    eventArgs: { file: file.rel, line: args.line, col: args.column },
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
    title: `${method} at a position (language server, AST fallback)`,
    description,
    output: OUTPUT,
  };
  if (method === "references") {
    return defineTool({
      ...common,
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
