/**
 * The `pack_sync` tool: build the context pack when the segment has none
 * (or it cannot be used), else sync it incrementally with the files (only
 * changed, added and deleted files are re-chunked); `full: true` rebuilds
 * it whole. Progress goes out as `notifications/progress` when the request
 * carries a `progressToken`: one unit per stage (walk, chunk, index,
 * commit), fractions within a stage. It writes trifecta's own `_ctx/`
 * only, and calling it again with nothing changed changes nothing, hence
 * `readOnlyHint: false` (it writes), `idempotentHint: true`.
 *
 * @module
 */
import { z } from "zod";
import { buildPack, type BuildReport, type PackProgress } from "../../context/mod.ts";
import type { McpState } from "../state.ts";
import { defineTool, type ToolCall, type ToolOutput } from "./define.ts";

/** The tool's name, for next steps that point to it. */
export const PACK_SYNC_TOOL_NAME = "pack_sync";

const STAGES: readonly PackProgress["stage"][] = ["walk", "chunk", "index", "commit"];

const DESCRIPTION =
  "Build the context pack (what `search` and `get` read) when it is missing, or sync it with " +
  "the files when stale: only changed, added and deleted files are re-chunked. `full: true` " +
  "rebuilds it whole. Use it when search/get answer PACK_NOT_FOUND, or after large changes " +
  "(with watch mode on, the session keeps the pack in sync by itself). Writes only trifecta's " +
  "own _ctx/ directory; reports progress when the request has a progressToken. Returns counts.";

/** The progress value of a pack stage: the stage's index plus the fraction done. */
export function progressOf(p: PackProgress): number {
  const at = Math.max(0, STAGES.indexOf(p.stage));
  const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  return at + fraction;
}

interface Outcome {
  report: BuildReport;
  mode: "full" | "incremental";
  full_reason?: string;
  added: number;
  changed: number;
  deleted: number;
  unchanged: number;
}

async function syncOrBuild(state: McpState, full: boolean, call: ToolCall): Promise<Outcome> {
  const onProgress = (p: PackProgress) => {
    call.progress(progressOf(p), STAGES.length, `${p.stage} ${p.done}/${p.total}`);
  };
  if (full) {
    const report = await buildPack(state.segment, {
      cache: state.cache,
      telemetry: state.telemetry,
      onProgress,
    });
    const counts = { added: report.files, changed: 0, deleted: 0, unchanged: 0 };
    return { report, mode: "full", full_reason: "asked", ...counts };
  }
  const r = await state.pack.sync({ onProgress });
  return { report: r, ...r };
}

function textOf(o: Outcome, ms: number): string {
  const r = o.report;
  const head = o.mode === "full"
    ? `pack built (${o.full_reason ?? "full"})`
    : `pack synced: +${o.added} ~${o.changed} -${o.deleted}, ${o.unchanged} unchanged`;
  const skipped = r.skipped_total > 0 ? `; ${r.skipped_total} file(s) skipped` : "";
  return `${head}; ${r.chunks} chunks from ${r.files} files in ${ms} ms${skipped}\n`;
}

async function run(state: McpState, args: { full?: boolean }, call: ToolCall): Promise<ToolOutput> {
  const began = performance.now();
  const outcome = await syncOrBuild(state, args.full === true, call);
  call.progress(STAGES.length, STAGES.length, "done");
  const ms = Math.round(performance.now() - began);
  const r = outcome.report;
  const structured: Record<string, unknown> = {
    status: "ok",
    mode: outcome.mode,
    files: r.files,
    chunks: r.chunks,
    added: outcome.added,
    changed: outcome.changed,
    deleted: outcome.deleted,
    unchanged: outcome.unchanged,
    skipped_total: r.skipped_total,
    ms,
  };
  if (outcome.full_reason !== undefined) structured.full_reason = outcome.full_reason;
  return {
    text: textOf(outcome, ms),
    structured,
    eventArgs: { full: args.full === true },
    eventResult: { mode: outcome.mode, files: r.files, chunks: r.chunks },
  };
}

/** `pack_sync`: build or sync the context pack. */
export const PACK_SYNC_TOOL = defineTool({
  name: PACK_SYNC_TOOL_NAME,
  title: "Build or sync the context pack",
  description: DESCRIPTION,
  input: {
    full: z.boolean().optional().describe("rebuild the whole pack (default: sync what changed)"),
  },
  output: {
    mode: z.enum(["full", "incremental"]),
    full_reason: z.string().optional().describe("why the whole pack was built"),
    files: z.number(),
    chunks: z.number(),
    added: z.number(),
    changed: z.number(),
    deleted: z.number(),
    unchanged: z.number(),
    skipped_total: z.number(),
    ms: z.number(),
  },
  annotations: {
    readOnlyHint: false,
    openWorldHint: false,
    idempotentHint: true,
    destructiveHint: false,
  },
  run,
});
