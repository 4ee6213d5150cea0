/**
 * `trifecta telemetry …`: read the segment's telemetry. The logic lives in
 * `lib/telemetry` (report.ts, health.ts, export.ts); these handlers only
 * print (`handlers.ts` loads this file lazily). These commands record their
 * own event like every command (`telemetry.report` …); it is written after
 * the data was read, so a report never counts itself.
 *
 * @module
 */
import { basename, dirname, isAbsolute, resolve } from "../path.ts";
import { writeStateFile } from "../safe_dir.ts";
import { COMMANDS, eventNameOf, type OptionsFor } from "../contract/commands.ts";
import { okJson } from "../contract/results.ts";
import {
  buildReport,
  checkHealth,
  exportTelemetry,
  readTelemetry,
  renderHealth,
  renderReport,
  type TelemetryData,
  telemetryDirFor,
} from "../telemetry/mod.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { escapeField, escapeFields } from "../escape.ts";
import { printJson } from "./output.ts";
import { VERSION } from "./version.ts";

/** Days `telemetry report` covers without `--last`. */
const DEFAULT_REPORT_DAYS = 7;

/** Event names of the user commands: the command table (every `mcp.<tool>` counts too). */
function commandNames(): ReadonlySet<string> {
  return new Set(COMMANDS.map(eventNameOf));
}

/**
 * Write `text` to `out` (relative to the current directory, like any output
 * file argument) atomically: a temp file beside it, then a rename, so a
 * reader never sees half a file. A grant that names only the file
 * (`--allow-write=FILE`, the documented narrow flags) refuses the temp file
 * beside it: then the file itself is written.
 */
async function writeOutput(out: string, text: string): Promise<void> {
  const path = isAbsolute(out) ? out : resolve(out);
  try {
    await writeStateFile(dirname(path), basename(path), text);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotCapable)) throw err;
    await Deno.writeTextFile(path, text);
  }
}

/** `telemetry report [--last DAYS] [--html] [-o FILE]`. */
export async function reportHandler(
  ctx: CommandContext<OptionsFor<"telemetry.report">>,
): Promise<CommandOutcome> {
  const lastDays = ctx.options.last ?? DEFAULT_REPORT_DAYS;
  const data = await readTelemetry(
    telemetryDirFor(ctx.segment, { dir: ctx.config.telemetry.path }),
    {
      lastDays,
      root: ctx.segment.root,
    },
  );
  const names = commandNames();
  const report = buildReport(data, { lastDays, commandNames: names });
  const out = ctx.options.output;
  const html = ctx.options.html === true;
  let text: string;
  if (html) {
    const { renderHtmlReport } = await import("../telemetry/report_html.ts");
    text = renderHtmlReport(report, data.events, { commandNames: names });
  } else if (ctx.global.json) text = JSON.stringify(okJson(report), null, 2) + "\n";
  // Command names and warnings come from the segment's telemetry files.
  else text = renderReport(escapeFields(report));
  if (out === undefined) ctx.output.out(text);
  else {
    await writeOutput(out, text);
    const format = html ? "html" : ctx.global.json ? "json" : "text";
    if (ctx.global.json) printJson(ctx.output, { status: "ok", format, events: report.events });
    else ctx.output.out(`✅ Wrote the ${html ? "HTML " : ""}report to ${escapeField(out)}\n`);
  }
  return {
    args: { last_days: lastDays, html, output: out ?? null },
    result: { events: report.events, corrupt_lines: report.corrupt_lines },
  };
}

/** The export text and how many events/spans it holds. */
async function exportText(
  ctx: CommandContext<OptionsFor<"telemetry.export">>,
): Promise<{ text: string; events: number; spans?: number; data: TelemetryData }> {
  const data = await readTelemetry(
    telemetryDirFor(ctx.segment, { dir: ctx.config.telemetry.path }),
    { root: ctx.segment.root },
  );
  const format = ctx.options.format;
  if (format !== "otlp") {
    return { text: exportTelemetry(data, format), events: data.events.length, data };
  }
  const { exportOtlp } = await import("../telemetry/otlp_json.ts");
  const r = exportOtlp(data, {
    version: VERSION,
    segmentId: ctx.segment.id,
    commandNames: commandNames(),
  });
  if (r.untimed > 0) {
    data.warnings.push(`${r.untimed} event(s) without a usable "ts" are not in the traces`);
  }
  return { text: r.text, events: data.events.length, spans: r.spans, data };
}

/** `telemetry export [--format json|csv|otlp] [-o FILE]`. */
export async function exportHandler(
  ctx: CommandContext<OptionsFor<"telemetry.export">>,
): Promise<CommandOutcome> {
  const format = ctx.options.format;
  const { text, events, spans, data } = await exportText(ctx);
  const out = ctx.options.output;
  // The JSON export carries its read warnings; the other formats and file output say them on stderr.
  if (format !== "json" || out !== undefined) {
    for (const w of data.warnings) ctx.output.err(`⚠ ${escapeField(w)}\n`);
  }
  if (out === undefined) {
    ctx.output.out(text);
  } else {
    await writeOutput(out, text);
    if (ctx.global.json) {
      printJson(ctx.output, {
        status: "ok",
        events,
        format,
        ...(spans === undefined ? {} : { spans }),
        read_warnings: data.warnings,
      });
    } else ctx.output.out(`✅ Exported ${events} events to ${escapeField(out)}\n`);
  }
  return {
    args: { format, output: out ?? null },
    result: {
      events,
      corrupt_lines: data.corruptLines,
      ...(spans === undefined ? {} : { spans }),
    },
  };
}

/** `telemetry health`: exit 0 OK, 2 WARN, 3 FAIL. */
export async function healthHandler(ctx: CommandContext): Promise<CommandOutcome> {
  const data = await readTelemetry(
    telemetryDirFor(ctx.segment, { dir: ctx.config.telemetry.path }),
    { root: ctx.segment.root },
  );
  const health = checkHealth(data);
  if (ctx.global.json) printJson(ctx.output, health);
  else ctx.output.out(renderHealth(escapeFields(health)));
  return {
    exitCode: health.exit_code,
    // The command itself worked: WARN/FAIL is its answer, not an error.
    result: { status: "ok", health: health.status, has_data: health.has_data },
  };
}
