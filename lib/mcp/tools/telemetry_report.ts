/**
 * The `telemetry_report` tool: trifecta's own telemetry for the segment
 * (mirrors `trifecta telemetry report`).
 *
 * @module
 */
import { z } from "zod";
import {
  buildReport,
  readTelemetry,
  telemetryDirFor,
  type TelemetryReport,
} from "../../telemetry/mod.ts";
import { shrunk } from "../json_page.ts";
import { outputTokens } from "../paging.ts";
import type { McpState } from "../state.ts";
import { defineTool, jsonText, type ToolOutput } from "./define.ts";

/** Days of telemetry reported when none is given. */
export const DEFAULT_LAST_DAYS = 7;

const DESCRIPTION =
  "Commands and tool calls recorded for this segment: counts, latency p50/p95, cache hit " +
  "rates, tokens returned, warnings. Paths are relative and contents are never recorded. " +
  "Use to check what trifecta cost in this session. Capped at " +
  "~4000 tokens: past it, the least frequent commands are left out (truncated: true).";

/**
 * The documented cap of the answer (tokens of its text by `estimateTokens`):
 * the report is bounded by its shape except its per-command rows, which a
 * planted events file can make many; past the cap the least frequent rows
 * are left out, and strings are cut to 60 characters.
 */
export const TELEMETRY_REPORT_CAP = 4000;

type Brief = Omit<TelemetryReport, "metrics" | "last_run" | "files">;

/** The report with its command rows (and cache rows) cut to the `keep` most frequent. */
function keepRows(brief: Brief, keep: number): Brief {
  return {
    ...brief,
    commands: brief.commands.slice(0, keep),
    user_commands: brief.user_commands.slice(0, keep)
      .map((c) => ({ ...c, internal: c.internal.slice(0, keep) })),
    internal_unattributed: brief.internal_unattributed.slice(0, keep),
    cache: { ...brief.cache, by_command: brief.cache.by_command.slice(0, keep) },
  };
}

/** The answer within {@linkcode TELEMETRY_REPORT_CAP}: every row when it fits, else the most a halving search keeps. */
function cappedAnswer(brief: Brief): { text: string; structured: Record<string, unknown> } {
  const answer = (report: unknown, truncated: boolean) => {
    const structured = { status: "ok", report, truncated, cap_tokens: TELEMETRY_REPORT_CAP };
    return { text: jsonText(structured), structured };
  };
  const whole = answer(brief, false);
  if (outputTokens(whole.text) <= TELEMETRY_REPORT_CAP) return whole;
  // Strings cut first (a planted name can be long), then rows while over.
  const cut = shrunkReport(brief);
  let lo = 0;
  let hi = cut.commands.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const fits = outputTokens(answer(keepRows(cut, mid), true).text) <= TELEMETRY_REPORT_CAP;
    if (fits) lo = mid;
    else hi = mid - 1;
  }
  return answer(keepRows(cut, lo), true);
}

/** The report with every string cut (see `shrunk`), arrays kept whole. */
function shrunkReport(brief: Brief): Brief {
  const rows = <T>(list: readonly T[]): T[] => list.map((r) => shrunkRow(r));
  return {
    ...brief,
    commands: rows(brief.commands),
    user_commands: brief.user_commands.map((c) => ({
      ...shrunkRow(c),
      internal: rows(c.internal),
    })),
    internal_unattributed: rows(brief.internal_unattributed),
    cache: { ...brief.cache, by_command: rows(brief.cache.by_command) },
    top_warnings: rows(brief.top_warnings),
    read_warnings: brief.read_warnings.slice(0, 5).map((w) => String(shrunk(w))),
  };
}

/** A row with its strings cut, its numbers kept. */
function shrunkRow<T>(row: T): T {
  if (row === null || typeof row !== "object") return row;
  const out = { ...row };
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === "string") Reflect.set(out, k, shrunk(v));
  }
  return out;
}

async function run(state: McpState, args: { last_days?: number }): Promise<ToolOutput> {
  const lastDays = args.last_days ?? DEFAULT_LAST_DAYS;
  await state.telemetry.flush();
  const data = await readTelemetry(telemetryDirFor(state.segment, { dir: state.telemetryDir }), {
    lastDays,
    root: state.segment.root,
  });
  const report = buildReport(data, { lastDays });
  // The session's metrics and file list are long and say nothing new to an agent.
  const { metrics: _metrics, last_run: _lastRun, files: _files, ...brief } = report;
  const { text, structured } = cappedAnswer(brief);
  return {
    text,
    structured,
    eventArgs: { last_days: lastDays },
    eventResult: { events: report.events },
  };
}

/** `telemetry_report`: trifecta's own telemetry for this segment. */
export const TELEMETRY_REPORT_TOOL = defineTool({
  name: "telemetry_report",
  title: "trifecta's own telemetry for this segment",
  description: DESCRIPTION,
  input: {
    last_days: z.number().int().min(0).max(3650).optional()
      .describe(`only the last N days (0 = all, default ${DEFAULT_LAST_DAYS})`),
  },
  output: {
    report: z.object({}).passthrough(),
    truncated: z.boolean().describe("rows past the cap were left out"),
    cap_tokens: z.number(),
  },
  run,
});
