/**
 * What every command shares: the common options (`GLOBAL_OPTIONS`), the
 * command groups, and the choice lists the specs use.
 *
 * @module
 */
import { DISCLOSURE_MODES } from "../segment/read.ts";
import { TELEMETRY_LEVEL_NAMES } from "../telemetry/config.ts";
import type { ExportFormat } from "../telemetry/export.ts";
import type { OptionSpec } from "./command_types.ts";

/** Telemetry levels accepted by `--telemetry`: telemetry's own list (least first). */
export const TELEMETRY_LEVELS = TELEMETRY_LEVEL_NAMES;

/** Formats `telemetry export --format` writes. */
export const EXPORT_FORMATS = ["json", "csv", "otlp"] as const satisfies readonly ExportFormat[];

/** Formats of `ctx search --explain`. */
export const EXPLAIN_FORMATS = ["json", "text"] as const;

/** The options every leaf command takes, in `--help` order. */
export const GLOBAL_OPTIONS = [
  {
    flag: "segment",
    short: "s",
    type: "string",
    valueName: "dir",
    default: ".",
    help: "segment (repository) directory",
  },
  { flag: "json", type: "boolean", default: false, help: "print one JSON object on stdout" },
  {
    flag: "telemetry",
    type: "choice",
    choices: TELEMETRY_LEVELS,
    valueName: "level",
    help: "telemetry level (default: lite)",
  },
  {
    flag: "persist-cache",
    type: "boolean",
    help: "use the persistent SQLite AST cache (the default where the segment is writable)",
  },
  {
    flag: "no-persist-cache",
    type: "boolean",
    help: "use an in-memory AST cache only (trifecta.jsonc: cache.persist false)",
    // Both parsers read it as `persistCache: false`; given with `--persist-cache`
    // (the last one wins in commander), the fast path leaves it to commander.
  },
] as const satisfies readonly OptionSpec[];

/** Command groups (`lsp daemon` is a group in `lsp`), with their `--help` line. */
export const GROUPS: Readonly<Record<string, string>> = {
  "ast": "symbol skeletons, sym:// lookup, snippets",
  "cache": "inspect and maintain the AST cache",
  "lsp": "language server queries with AST fallback",
  "lsp.daemon": "keep language servers warm between calls",
  "ctx": "context pack: build, search, get",
  "telemetry": "read the segment's telemetry",
  "config": "the effective configuration (trifecta.jsonc, docs/config.md)",
};

/** `--mode`: how much of the code to show (`ast snippet`; `ctx get` adds `-m`). */
export const MODE_OPTION = {
  flag: "mode",
  type: "choice",
  choices: DISCLOSURE_MODES,
  valueName: "mode",
  default: "excerpt",
  help: "disclosure mode",
  mcp: "mode",
} as const satisfies OptionSpec;

/** `--budget-token-est`: a token budget (`ast snippet`; `ctx get` adds `-b` and its default). */
export const BUDGET_OPTION = {
  flag: "budget-token-est",
  type: "positiveInt",
  valueName: "n",
  help: "token budget",
  mcp: "budget_tokens",
} as const satisfies OptionSpec;
