/**
 * The `telemetry_report` tool: trifecta's own telemetry for the segment
 * (mirrors `trifecta telemetry report`).
 *
 * @module
 */
import { z } from "zod";
import { buildReport, readTelemetry, telemetryDirFor } from "../../telemetry/mod.ts";
import type { McpState } from "../state.ts";
import { defineTool, jsonText, type ToolOutput } from "./define.ts";

/** Days of telemetry reported when none is given. */
export const DEFAULT_LAST_DAYS = 7;

const DESCRIPTION =
  "Commands and tool calls recorded for this segment: counts, latency p50/p95, cache hit " +
  "rates, tokens returned, warnings. Paths are relative and contents are never recorded. " +
  "Use to check what trifecta cost in this session.";

async function run(state: McpState, args: { last_days?: number }): Promise<ToolOutput> {
  const lastDays = args.last_days ?? DEFAULT_LAST_DAYS;
  await state.telemetry.flush();
  const data = await readTelemetry(telemetryDirFor(state.segment), {
    lastDays,
    root: state.segment.root,
  });
  const report = buildReport(data, { lastDays });
  // The session's metrics and file list are long and say nothing new to an agent.
  const { metrics: _metrics, last_run: _lastRun, files: _files, ...brief } = report;
  const structured = { status: "ok", report: brief };
  return {
    text: jsonText(structured),
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
  output: { report: z.object({}).passthrough() },
  run,
});
