/**
 * `trifecta telemetry …`: read the segment's telemetry. The logic lives in
 * `lib/telemetry` (report.ts, health.ts, export.ts); these handlers only
 * print (`handlers.ts` loads this file lazily). These commands record their
 * own event like every command (`telemetry.report` …); it is written after
 * the data was read, so a report never counts itself.
 *
 * @module
 */
import { isAbsolute, resolve } from "../path.ts";
import type { OptionsFor } from "../contract/commands.ts";
import { okJson } from "../contract/results.ts";
import {
  buildReport,
  checkHealth,
  exportTelemetry,
  readTelemetry,
  renderHealth,
  renderReport,
  telemetryDirFor,
} from "../telemetry/mod.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { escapeField, escapeFields } from "../escape.ts";
import { printJson } from "./output.ts";

/** Days `telemetry report` covers without `--last`. */
const DEFAULT_REPORT_DAYS = 7;

/** `telemetry report [--last DAYS]`. */
export async function reportHandler(
  ctx: CommandContext<OptionsFor<"telemetry.report">>,
): Promise<CommandOutcome> {
  const lastDays = ctx.options.last ?? DEFAULT_REPORT_DAYS;
  const data = await readTelemetry(telemetryDirFor(ctx.segment), {
    lastDays,
    root: ctx.segment.root,
  });
  const report = buildReport(data, { lastDays });
  if (ctx.global.json) printJson(ctx.output, okJson(report));
  // Command names and warnings come from the segment's telemetry files.
  else ctx.output.out(renderReport(escapeFields(report), data.events));
  return {
    args: { last_days: lastDays },
    result: { events: report.events, corrupt_lines: report.corrupt_lines },
  };
}

/** `telemetry export [--format json|csv] [-o FILE]`. */
export async function exportHandler(
  ctx: CommandContext<OptionsFor<"telemetry.export">>,
): Promise<CommandOutcome> {
  const format = ctx.options.format;
  const data = await readTelemetry(telemetryDirFor(ctx.segment), { root: ctx.segment.root });
  const text = exportTelemetry(data, format);
  const out = ctx.options.output;
  // The JSON export carries its read warnings; CSV and file output say them on stderr.
  if (format !== "json" || out !== undefined) {
    for (const w of data.warnings) ctx.output.err(`⚠ ${escapeField(w)}\n`);
  }
  if (out === undefined) {
    ctx.output.out(text);
  } else {
    // Relative to the current directory, like any output file argument.
    const path = isAbsolute(out) ? out : resolve(out);
    await Deno.writeTextFile(path, text);
    if (ctx.global.json) {
      printJson(ctx.output, {
        status: "ok",
        events: data.events.length,
        format,
        read_warnings: data.warnings,
      });
    } else ctx.output.out(`✅ Exported ${data.events.length} events to ${escapeField(out)}\n`);
  }
  return {
    args: { format, output: out ?? null },
    result: { events: data.events.length, corrupt_lines: data.corruptLines },
  };
}

/** `telemetry health`: exit 0 OK, 2 WARN, 3 FAIL. */
export async function healthHandler(ctx: CommandContext): Promise<CommandOutcome> {
  const data = await readTelemetry(telemetryDirFor(ctx.segment), { root: ctx.segment.root });
  const health = checkHealth(data);
  if (ctx.global.json) printJson(ctx.output, health);
  else ctx.output.out(renderHealth(escapeFields(health)));
  return {
    exitCode: health.exit_code,
    // The command itself worked: WARN/FAIL is its answer, not an error.
    result: { status: "ok", health: health.status, has_data: health.has_data },
  };
}
