/**
 * `trifecta telemetry …`: read the segment's telemetry.
 *
 * @module
 */
import { type Command, Option } from "commander";
import { addLeaf, parseNonNegativeInt, type Runtime } from "./frame.ts";
import { notImplemented } from "./not_implemented.ts";

/** Register the `telemetry` group. */
export function registerTelemetry(program: Command, runtime: Runtime): void {
  const group = program.command("telemetry").description("read the segment's telemetry");
  addLeaf(group, {
    name: "report",
    description: "commands, latencies, cache hit rates, drops, warnings",
    options: (cmd) =>
      cmd.option("--last <days>", "only the last N days (0 = all, default 7)", parseNonNegativeInt),
    handler: notImplemented("telemetry report"),
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
    handler: notImplemented("telemetry export"),
  }, runtime);
  addLeaf(group, {
    name: "health",
    description: "exit 0 OK, 2 WARN, 3 FAIL",
    handler: notImplemented("telemetry health"),
  }, runtime);
}
