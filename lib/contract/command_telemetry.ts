/**
 * The `telemetry` commands and the top-level `mcp` (see `commands.ts`).
 *
 * @module
 */
import { EXPORT_FORMATS } from "./command_common.ts";
import type { CommandSpec } from "./command_types.ts";

/** `telemetry report [--last DAYS] [--html] [-o FILE]`. */
export const TELEMETRY_REPORT = {
  group: "telemetry",
  name: "report",
  description: "commands, latencies, cache hit rates, drops, warnings",
  arguments: [],
  options: [
    {
      flag: "last",
      type: "nonNegativeInt",
      valueName: "days",
      help: "only the last N days (0 = all, default 7)",
      mcp: "last_days",
    },
    {
      flag: "html",
      type: "boolean",
      help: "one self-contained HTML page (inline SVG charts, loads nothing)",
    },
    {
      flag: "output",
      short: "o",
      type: "string",
      valueName: "file",
      help: "write to a file (atomically) instead of stdout",
    },
  ],
  helpAfter: "\nUser commands come first, the internal events each caused below it.",
  mcpTool: "telemetry_report",
} as const satisfies CommandSpec;

/** `telemetry export [--format json|csv|otlp] [-o FILE]`. */
export const TELEMETRY_EXPORT = {
  group: "telemetry",
  name: "export",
  description: "export events as JSON, CSV or OTLP/JSON",
  arguments: [],
  options: [
    {
      flag: "format",
      type: "choice",
      choices: EXPORT_FORMATS,
      valueName: "format",
      default: "json",
      help: "output format",
    },
    {
      flag: "output",
      short: "o",
      type: "string",
      valueName: "file",
      help: "write to a file (atomically) instead of stdout",
    },
  ],
  helpAfter:
    "\notlp: JSON Lines of OTLP trace requests, then one metrics request (docs/telemetry_otel.md).",
} as const satisfies CommandSpec;

/** `telemetry health`. */
export const TELEMETRY_HEALTH = {
  group: "telemetry",
  name: "health",
  description: "exit 0 OK, 2 WARN, 3 FAIL",
  arguments: [],
  options: [],
  helpAfter: "\nChecks and thresholds: docs/telemetry_event_schema.md (Health).",
} as const satisfies CommandSpec;

/** `mcp`: a top-level command. */
export const MCP = {
  group: "",
  name: "mcp",
  description: "serve trifecta's tools over the Model Context Protocol (stdio)",
  arguments: [],
  options: [
    {
      flag: "watch",
      type: "boolean",
      help:
        "keep the AST cache, the pack and the language servers fresh from file events (default)",
    },
    {
      flag: "no-watch",
      type: "boolean",
      help: "do not watch the segment (answers still check the files they use)",
      // Commander reads it as `watch: false`; the fast path leaves it to commander.
      noFast: true,
    },
  ],
} as const satisfies CommandSpec;
