/**
 * The commander frame: declares leaf commands with the options every
 * command takes, and runs them through {@linkcode runCommand} (segment,
 * telemetry, timing, one event per command).
 *
 * @module
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import {
  type CommandHandler,
  globalOptionsFrom,
  runCommand,
  type Runtime,
  TELEMETRY_LEVELS,
} from "./command.ts";

export {
  type CommandContext,
  type CommandHandler,
  type CommandOutcome,
  type GlobalOptions,
  type Runtime,
  TELEMETRY_LEVELS,
} from "./command.ts";

/** How a leaf command is declared. */
export interface LeafSpec {
  /** Sub-command name, with commander argument syntax (e.g. `skeleton <path...>`). */
  name: string;
  /** One-line description for `--help`. */
  description: string;
  /** Adds the command's own options. */
  options?: (cmd: Command) => void;
  /** Loads the handler lazily, so start-up stays fast. */
  handler: () => Promise<CommandHandler>;
  /** Extra help text shown after the options. */
  helpText?: string;
}

/** Parse a non-negative integer option value (commander parser). */
export function parseNonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new InvalidArgumentError(`expected a whole number >= 0, got '${value}'.`);
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`'${value}' is too large.`);
  return n;
}

/** Parse a positive integer option value (commander parser). */
export function parsePositiveInt(value: string): number {
  const n = parseNonNegativeInt(value);
  if (n === 0) throw new InvalidArgumentError(`expected a whole number >= 1, got '${value}'.`);
  return n;
}

function addGlobalOptions(cmd: Command): void {
  cmd
    .option("-s, --segment <dir>", "segment (repository) directory", ".")
    .option("--json", "print one JSON object on stdout", false)
    .addOption(
      new Option("--telemetry <level>", "telemetry level (default: lite)").choices(
        TELEMETRY_LEVELS as string[],
      ),
    )
    .option("--persist-cache", "use the persistent SQLite AST cache", false);
}

/**
 * Declare a leaf command under `parent` (a group). The frame resolves the
 * segment, opens telemetry, times the handler, records one event named
 * `<group>.<command>`, flushes telemetry, and maps errors to exit codes.
 */
export function addLeaf(parent: Command, spec: LeafSpec, runtime: Runtime): Command {
  const cmd = parent.command(spec.name).description(spec.description);
  addGlobalOptions(cmd);
  spec.options?.(cmd);
  if (spec.helpText) cmd.addHelpText("after", spec.helpText);
  // Event names follow the command path below the program: `ast.skeleton`,
  // `lsp.daemon.start`, `mcp`.
  const path: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) path.unshift(c.name());
  const eventName = path.join(".");
  cmd.action(() =>
    runCommand({
      eventName,
      global: globalOptionsFrom(cmd.opts() as Record<string, unknown>),
      options: cmd.opts() as Record<string, unknown>,
      args: cmd.args,
      handler: spec.handler,
    }, runtime)
  );
  return cmd;
}
