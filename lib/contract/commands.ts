/**
 * Every CLI command, declared once: its place in the command tree, its
 * positional arguments and options (types, defaults, choices, help), the
 * event it records, whether the fast path may take it, and, where an MCP tool
 * mirrors it, the tool and each option's MCP argument name. Commander, the
 * fast path's parser and the handlers' option types are all derived from
 * this table. Pure data and types: it imports no npm package and nothing
 * from `lib/cli`.
 *
 * @module
 */
import {
  AST_FIND,
  AST_SKELETON,
  AST_SNIPPET,
  AST_SYMBOLS,
  CACHE_CLEAR,
  CACHE_PRUNE,
  CACHE_STATS,
  CACHE_VERIFY,
} from "./command_ast.ts";
import {
  CTX_BUILD,
  CTX_GET,
  CTX_SEARCH,
  CTX_STATS,
  CTX_SYNC,
  CTX_VALIDATE,
} from "./command_ctx.ts";
import {
  LSP_DAEMON_SERVE,
  LSP_DAEMON_START,
  LSP_DAEMON_STATUS,
  LSP_DAEMON_STOP,
  LSP_DEFINITION,
  LSP_DIAGNOSTICS,
  LSP_HOVER,
  LSP_REFERENCES,
} from "./command_lsp.ts";
import { MCP, TELEMETRY_EXPORT, TELEMETRY_HEALTH, TELEMETRY_REPORT } from "./command_telemetry.ts";
import { MAP } from "./command_map.ts";
import { WATCH } from "./command_watch.ts";
import { CONFIG_SHOW } from "./command_config.ts";
import type { CommandSpec, OptionsOf, OptionSpec } from "./command_types.ts";

export * from "./command_ast.ts";
export * from "./command_common.ts";
export * from "./command_config.ts";
export * from "./command_ctx.ts";
export * from "./command_lsp.ts";
export * from "./command_map.ts";
export * from "./command_telemetry.ts";
export * from "./command_watch.ts";

export type {
  ArgumentSpec,
  CamelCase,
  CommandSpec,
  OptionsOf,
  OptionSpec,
  OptionType,
  OptionValue,
} from "./command_types.ts";

/** Every command, in `--help` order (groups appear where their first command is). */
export const COMMANDS = [
  AST_SKELETON,
  AST_SYMBOLS,
  AST_SNIPPET,
  AST_FIND,
  CACHE_STATS,
  CACHE_CLEAR,
  CACHE_VERIFY,
  CACHE_PRUNE,
  LSP_DEFINITION,
  LSP_HOVER,
  LSP_REFERENCES,
  LSP_DIAGNOSTICS,
  LSP_DAEMON_START,
  LSP_DAEMON_STOP,
  LSP_DAEMON_STATUS,
  LSP_DAEMON_SERVE,
  CTX_BUILD,
  CTX_SYNC,
  CTX_VALIDATE,
  CTX_STATS,
  CTX_SEARCH,
  CTX_GET,
  MAP,
  WATCH,
  TELEMETRY_REPORT,
  TELEMETRY_EXPORT,
  TELEMETRY_HEALTH,
  CONFIG_SHOW,
  MCP,
] as const satisfies readonly CommandSpec[];

/** The commands, as their common type (for lookups). */
const ALL: readonly CommandSpec[] = COMMANDS;

/** One of the declared commands. */
export type Command = (typeof COMMANDS)[number];

/** The event name of a spec, as a type (`"ast.skeleton"`). */
export type EventNameOf<S extends Pick<CommandSpec, "group" | "name">> = S extends unknown
  ? S["group"] extends "" ? S["name"] : `${S["group"]}.${S["name"]}`
  : never;

/** The event name of every declared command. */
export type EventName = EventNameOf<Command>;

/** The declared command whose event is `E`. */
export type CommandOf<E extends EventName> = { [S in Command as EventNameOf<S>]: S }[E];

/** The options the handler of event `E` gets (`OptionsFor<"ctx.get">["mode"]`). */
export type OptionsFor<E extends EventName> = OptionsOf<CommandOf<E>>;

/**
 * The event a command records: its path below the program, dotted
 * (`ast.skeleton`, `lsp.daemon.start`, `mcp`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AST_SKELETON, eventNameOf, MCP } from "./commands.ts";
 * equal(eventNameOf(AST_SKELETON), "ast.skeleton");
 * equal(eventNameOf(MCP), "mcp");
 * ```
 */
export function eventNameOf(spec: Pick<CommandSpec, "group" | "name">): string {
  return spec.group === "" ? spec.name : `${spec.group}.${spec.name}`;
}

/** The command whose event name is `eventName`, if any. */
export function commandByEvent(eventName: string): CommandSpec | undefined {
  return ALL.find((c) => eventNameOf(c) === eventName);
}

/** Options for {@linkcode mcpArgumentOf}. */
export interface McpArgumentOptions {
  /** Only look in this command (its event name, e.g. `ctx.get`). */
  command?: string;
}

/**
 * The MCP argument name of a CLI option of a command an MCP tool mirrors:
 * `--budget-token-est` (or `-b`) → `budget_tokens`, `--mode` → `mode`.
 * Accepts `--name`, `--name=value`, `-x` and a bare `name`; `undefined` when
 * no mirrored command has that option (or it has no MCP counterpart).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { mcpArgumentOf } from "./commands.ts";
 * equal(mcpArgumentOf("--budget-token-est"), "budget_tokens");
 * equal(mcpArgumentOf("-b"), "budget_tokens");
 * equal(mcpArgumentOf("--mode=raw"), "mode");
 * equal(mcpArgumentOf("--last"), "last_days");
 * equal(mcpArgumentOf("--pd-report"), undefined);
 * ```
 */
export function mcpArgumentOf(flag: string, options: McpArgumentOptions = {}): string | undefined {
  const bare = flag.replace(/=.*$/, "");
  const isShort = /^-[^-]$/.test(bare);
  const name = bare.replace(/^--?/, "");
  for (const spec of ALL) {
    if (spec.mcpTool === undefined) continue;
    if (options.command !== undefined && eventNameOf(spec) !== options.command) continue;
    const option = spec.options.find((o: OptionSpec) =>
      isShort ? o.short === name : o.flag === name
    );
    if (option?.mcp !== undefined) return option.mcp;
  }
  return undefined;
}
