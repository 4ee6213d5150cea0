/**
 * `trifecta telemetry …`: read the segment's telemetry. The logic lives in
 * `lib/telemetry` (report.ts, health.ts, export.ts); this file only parses
 * options and prints. These commands record their own event like every
 * command (`telemetry.report` …); it is written after the data was read, so a
 * report never counts itself.
 *
 * @module
 */
import { type Command, Option } from "commander";
import { isAbsolute, resolve } from "../path.ts";
import { addLeaf, type CommandHandler, parseNonNegativeInt, type Runtime } from "./frame.ts";
import { escapeField, escapeFields } from "../escape.ts";
import { printJson } from "./output.ts";

async function reportHandler(): Promise<CommandHandler> {
  const t = await import("../telemetry/mod.ts");
  return async (ctx) => {
    const lastDays = (ctx.options.last as number | undefined) ?? 7;
    const data = await t.readTelemetry(t.telemetryDirFor(ctx.segment), {
      lastDays,
      root: ctx.segment.root,
    });
    const report = t.buildReport(data, { lastDays });
    if (ctx.global.json) printJson(ctx.output, report);
    // Command names and warnings come from the segment's telemetry files.
    else ctx.output.out(t.renderReport(escapeFields(report), data.events));
    return {
      args: { last_days: lastDays },
      result: { events: report.events, corrupt_lines: report.corrupt_lines },
    };
  };
}

async function exportHandler(): Promise<CommandHandler> {
  const t = await import("../telemetry/mod.ts");
  return async (ctx) => {
    const format = (ctx.options.format as "json" | "csv" | undefined) ?? "json";
    const data = await t.readTelemetry(t.telemetryDirFor(ctx.segment), { root: ctx.segment.root });
    const text = t.exportTelemetry(data, format);
    const out = ctx.options.output as string | undefined;
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
  };
}

async function healthHandler(): Promise<CommandHandler> {
  const t = await import("../telemetry/mod.ts");
  return async (ctx) => {
    const data = await t.readTelemetry(t.telemetryDirFor(ctx.segment), { root: ctx.segment.root });
    const health = t.checkHealth(data);
    if (ctx.global.json) printJson(ctx.output, health);
    else ctx.output.out(t.renderHealth(escapeFields(health)));
    return {
      exitCode: health.exit_code,
      // The command itself worked: WARN/FAIL is its answer, not an error.
      result: { status: "ok", health: health.status, has_data: health.has_data },
    };
  };
}

/** Register the `telemetry` group. */
export function registerTelemetry(program: Command, runtime: Runtime): void {
  const group = program.command("telemetry").description("read the segment's telemetry");
  addLeaf(group, {
    name: "report",
    description: "commands, latencies, cache hit rates, drops, warnings",
    options: (cmd) =>
      cmd.option("--last <days>", "only the last N days (0 = all, default 7)", parseNonNegativeInt),
    handler: reportHandler,
  }, runtime);
  addLeaf(group, {
    name: "export",
    description: "export events as JSON or CSV",
    options: (cmd) =>
      cmd
        .addOption(
          new Option("--format <format>", "output format").choices(["json", "csv"]).default(
            "json",
          ),
        )
        .option("-o, --output <file>", "write to a file instead of stdout"),
    handler: exportHandler,
  }, runtime);
  addLeaf(group, {
    name: "health",
    description: "exit 0 OK, 2 WARN, 3 FAIL",
    helpText: "\nChecks and thresholds: docs/telemetry_event_schema.md (Health).",
    handler: healthHandler,
  }, runtime);
}
