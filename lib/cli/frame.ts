/**
 * The command frame: common options, segment and telemetry set-up, timing,
 * one telemetry event per command, and error handling shared by every
 * command.
 *
 * @module
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import { resolveSegment, type Segment } from "../segment/mod.ts";
import { elapsedMs, monotonicMs, Telemetry, type TelemetryLevel } from "../telemetry/mod.ts";
import type { Output } from "./output.ts";
import { toTrifectaError } from "./error_card.ts";

/** Telemetry levels accepted by `--telemetry`. */
export const TELEMETRY_LEVELS: readonly TelemetryLevel[] = ["off", "lite", "full"];

/** Options every leaf command accepts. */
export interface GlobalOptions {
  /** Segment directory (default `.`). */
  segment: string;
  /** Print one JSON object on stdout. */
  json: boolean;
  /** Telemetry level from the flag, if given. */
  telemetry?: TelemetryLevel;
  /** Use the persistent (SQLite) AST cache. */
  persistCache: boolean;
}

/** What a command handler gets. */
export interface CommandContext {
  /** Where to write. */
  output: Output;
  /** The resolved segment. */
  segment: Segment;
  /** Telemetry for this run (a no-op when off). */
  telemetry: Telemetry;
  /** The common options. */
  global: GlobalOptions;
  /** The command's own options, as commander parsed them. */
  options: Record<string, unknown>;
  /** Positional arguments. */
  args: string[];
}

/** What a handler reports back to the frame for the command's event. */
export interface CommandOutcome {
  /** Exit code (default 0). */
  exitCode?: number;
  /** Event args (redacted by telemetry). */
  args?: Record<string, unknown>;
  /** Event result fields (merged after `status`). */
  result?: Record<string, unknown>;
  /** Extra event fields, stored under `x`. */
  extra?: Record<string, unknown>;
  /** Warnings to attach to the event. */
  warnings?: string[];
}

/** A command implementation. */
export type CommandHandler = (ctx: CommandContext) => Promise<CommandOutcome | void>;

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

/** Shared state of one CLI invocation. */
export interface Runtime {
  /** Output streams. */
  output: Output;
  /** Exit code set by the command that ran. */
  exitCode: number;
  /** Event name of the command that ran, e.g. `ast.skeleton`. */
  commandName?: string;
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

function pickGlobal(opts: Record<string, unknown>): GlobalOptions {
  return {
    segment: String(opts.segment ?? "."),
    json: Boolean(opts.json),
    telemetry: opts.telemetry as TelemetryLevel | undefined,
    persistCache: Boolean(opts.persistCache),
  };
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
  cmd.action(async () => {
    runtime.commandName = eventName;
    const opts = cmd.opts() as Record<string, unknown>;
    const global = pickGlobal(opts);
    const segment = await resolveSegment(global.segment);
    const telemetry = await Telemetry.open(segment, { level: global.telemetry });
    const start = monotonicMs();
    try {
      const handler = await spec.handler();
      const outcome = (await handler({
        output: runtime.output,
        segment,
        telemetry,
        global,
        options: opts,
        args: cmd.args,
      })) ?? {};
      runtime.exitCode = outcome.exitCode ?? 0;
      telemetry.event(
        eventName,
        outcome.args ?? {},
        { status: runtime.exitCode === 0 ? "ok" : "error", ...outcome.result },
        elapsedMs(start),
        { warnings: outcome.warnings, extra: outcome.extra },
      );
    } catch (err) {
      const e = toTrifectaError(err);
      telemetry.event(
        eventName,
        {},
        { status: "error", error_code: e.code },
        elapsedMs(start),
      );
      throw e;
    } finally {
      await telemetry.flush();
    }
  });
  return cmd;
}
