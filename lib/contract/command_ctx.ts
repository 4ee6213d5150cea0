/**
 * The `ctx` commands: the context pack (see `commands.ts`).
 *
 * @module
 */
import { BUDGET_OPTION, EXPLAIN_FORMATS, MODE_OPTION } from "./command_common.ts";
import type { CommandSpec } from "./command_types.ts";

/** `ctx build`. */
export const CTX_BUILD = {
  group: "ctx",
  name: "build",
  description: "build the context pack of the segment (no scaffolding needed)",
  arguments: [],
  options: [],
} as const satisfies CommandSpec;

/** `ctx sync`. */
export const CTX_SYNC = {
  group: "ctx",
  name: "sync",
  description: "re-chunk only changed files (full build without a pack), then validate",
  mcpTool: "pack_sync",
  arguments: [],
  options: [],
} as const satisfies CommandSpec;

/** `ctx validate`. */
export const CTX_VALIDATE = {
  group: "ctx",
  name: "validate",
  description: "check the pack against the files on disk",
  arguments: [],
  options: [],
} as const satisfies CommandSpec;

/** `ctx stats [-w DAYS]`. */
export const CTX_STATS = {
  group: "ctx",
  name: "stats",
  description: "search effectiveness from telemetry",
  arguments: [],
  options: [{
    flag: "window",
    short: "w",
    type: "nonNegativeInt",
    valueName: "days",
    help: "only the last N days (0 = all)",
  }],
} as const satisfies CommandSpec;

/** `ctx search -q Q [-l N] [--explain [--explain-format F]]`. */
export const CTX_SEARCH = {
  group: "ctx",
  name: "search",
  description: "full-text search (FTS5, BM25) over the pack",
  arguments: [],
  options: [
    {
      flag: "query",
      short: "q",
      type: "string",
      valueName: "text",
      required: true,
      help: "search query",
      mcp: "query",
    },
    {
      flag: "limit",
      short: "l",
      type: "positiveInt",
      valueName: "n",
      help: "maximum hits (default 5)",
      mcp: "limit",
    },
    {
      flag: "explain",
      type: "boolean",
      default: false,
      help: "show why each hit scored (JSON unless --explain-format text)",
      noFast: true,
    },
    {
      flag: "explain-format",
      type: "choice",
      choices: EXPLAIN_FORMATS,
      valueName: "format",
      help: "format of --explain",
      noFast: true,
    },
  ],
  fast: true,
  mcpTool: "search",
} as const satisfies CommandSpec;

/** `ctx get -i IDS [-m MODE] [-b N] [--max-chunks N] [--stop-on-evidence -q Q] [--pd-report]`. */
export const CTX_GET = {
  group: "ctx",
  name: "get",
  description: "chunks by id with progressive disclosure under a token budget",
  arguments: [],
  options: [
    {
      flag: "ids",
      short: "i",
      type: "string",
      valueName: "ids",
      required: true,
      help: "comma-separated chunk ids",
      mcp: "ids",
    },
    { ...MODE_OPTION, short: "m" },
    { ...BUDGET_OPTION, short: "b", help: "token budget (default 1500)" },
    {
      flag: "max-chunks",
      type: "positiveInt",
      valueName: "n",
      help: "stop after N chunks (env TRIFECTA_PD_MAX_CHUNKS)",
    },
    {
      flag: "stop-on-evidence",
      type: "boolean",
      default: false,
      help: "stop once the query is evidenced",
    },
    {
      flag: "query",
      short: "q",
      type: "string",
      valueName: "text",
      help: "query for --stop-on-evidence",
    },
    { flag: "pd-report", type: "boolean", default: false, help: "print the PD_REPORT line last" },
  ],
  mcpTool: "get",
  fast: true,
} as const satisfies CommandSpec;
