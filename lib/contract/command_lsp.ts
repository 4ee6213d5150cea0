/**
 * The `lsp` commands: queries and the warm daemon (see `commands.ts`).
 *
 * @module
 */
import type { CommandSpec, OptionSpec } from "./command_types.ts";

const LOCATION_HELP = `
<location> is <file>:<line>:<col>, 1-based as editors show them (the file is
relative to the segment root), or a sym:// URI of a class, function or method
(its name's position is asked; for diagnostics a URI names its file). References
come grouped by the referencing symbol; for a URI without a READY server they
come from tree-sitter references matched by name and import (each with its
match: import, same_file, name_only). Without a ready language server the answer
comes from the AST, with a named fallback_reason (exit 0); --require-lsp
turns that into exit 1. Env: TRIFECTA_LSP=0, TRIFECTA_LSP_COMMAND,
TRIFECTA_LSP_REQUEST_TIMEOUT, TRIFECTA_LSP_READY_TIMEOUT (docs/lsp.md).`;

const REQUIRE_LSP = {
  flag: "require-lsp",
  type: "boolean",
  default: false,
  help: "exit 1 instead of a degraded (AST) answer",
} as const satisfies OptionSpec;

const DAEMON_TTL = {
  flag: "ttl",
  type: "positiveInt",
  valueName: "seconds",
  help: "idle seconds before the daemon exits (default 300, env TRIFECTA_LSP_DAEMON_TTL)",
} as const satisfies OptionSpec;

const LOCATION_ARGUMENT = [{ name: "location", mcp: ["file", "line", "column"] }] as const;

/** `lsp definition <location>`. */
export const LSP_DEFINITION = {
  group: "lsp",
  name: "definition",
  description: "where the symbol at FILE:LINE:COL (or sym://…) is defined",
  arguments: LOCATION_ARGUMENT,
  options: [REQUIRE_LSP],
  helpAfter: LOCATION_HELP,
  fast: true,
  mcpTool: "definition",
} as const satisfies CommandSpec;

/** `lsp hover <location>`. */
export const LSP_HOVER = {
  group: "lsp",
  name: "hover",
  description: "type and docs of the symbol at FILE:LINE:COL (or sym://…)",
  arguments: LOCATION_ARGUMENT,
  options: [REQUIRE_LSP],
  helpAfter: LOCATION_HELP,
  fast: true,
  mcpTool: "hover",
} as const satisfies CommandSpec;

/** `lsp references <location>`. */
export const LSP_REFERENCES = {
  group: "lsp",
  name: "references",
  description: "where the symbol at FILE:LINE:COL (or sym://…) is used, grouped by symbol",
  arguments: LOCATION_ARGUMENT,
  options: [REQUIRE_LSP],
  helpAfter: LOCATION_HELP,
  fast: true,
  mcpTool: "references",
} as const satisfies CommandSpec;

/** `lsp diagnostics <file>`. */
export const LSP_DIAGNOSTICS = {
  group: "lsp",
  name: "diagnostics",
  description: "the language server's diagnostics for a file (or a sym:// URI's file)",
  arguments: [{ name: "file", mcp: ["file"] }],
  options: [REQUIRE_LSP],
  fast: true,
  mcpTool: "diagnostics",
} as const satisfies CommandSpec;

/** `lsp daemon start [--ttl S]`. */
export const LSP_DAEMON_START = {
  group: "lsp.daemon",
  name: "start",
  description: "start the warm daemon for this segment (returns once it listens)",
  arguments: [],
  options: [DAEMON_TTL],
} as const satisfies CommandSpec;

/** `lsp daemon stop`. */
export const LSP_DAEMON_STOP = {
  group: "lsp.daemon",
  name: "stop",
  description: "stop the daemon (and its language server)",
  arguments: [],
  options: [],
} as const satisfies CommandSpec;

/** `lsp daemon status`. */
export const LSP_DAEMON_STATUS = {
  group: "lsp.daemon",
  name: "status",
  description: "show the daemon's state",
  arguments: [],
  options: [],
} as const satisfies CommandSpec;

/** `lsp daemon serve [--ttl S]`: internal (`start` runs it detached), so hidden. */
export const LSP_DAEMON_SERVE = {
  group: "lsp.daemon",
  name: "serve",
  description: "run the daemon in the foreground (internal: `start` runs this detached)",
  arguments: [],
  options: [DAEMON_TTL],
  hidden: true,
} as const satisfies CommandSpec;
