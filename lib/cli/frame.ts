/**
 * The commander frame: declares every command from its spec
 * (`lib/contract/commands.ts`) with the options every command takes, and
 * runs it through {@linkcode runCommand} (segment, telemetry, timing, one
 * event per command).
 *
 * @module
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import {
  COMMANDS,
  type CommandSpec,
  eventNameOf,
  GLOBAL_OPTIONS,
  GROUPS,
  type OptionSpec,
} from "../contract/commands.ts";
import { flagsOf, readOptionValue } from "../contract/command_values.ts";
import { globalOptionsFrom, runCommand, type Runtime } from "./command.ts";
import { handlerOf } from "./handlers.ts";

/** A commander option built from its spec: same flags, help, choices, default, parser. */
export function commanderOption(spec: OptionSpec): Option {
  const option = new Option(flagsOf(spec), spec.help);
  if (spec.type === "choice") option.choices(spec.choices ?? []);
  else if (spec.type === "positiveInt" || spec.type === "nonNegativeInt") {
    option.argParser((raw: string) => {
      const read = readOptionValue(spec, raw);
      if (!read.ok) throw new InvalidArgumentError(read.message);
      return read.value;
    });
  }
  if (spec.default !== undefined) option.default(spec.default);
  if (spec.required) option.makeOptionMandatory();
  return option;
}

/** `skeleton <path...>`: the command's name with commander's argument syntax. */
function usageName(spec: CommandSpec): string {
  const args = spec.arguments.map((a) => `<${a.name}${a.variadic ? "..." : ""}>`);
  return [spec.name, ...args].join(" ");
}

/** The group command at `path` (`lsp.daemon`), created on first use, in order. */
function groupOf(program: Command, path: string): Command {
  let cmd = program;
  let dotted = "";
  for (const name of path === "" ? [] : path.split(".")) {
    dotted = dotted === "" ? name : `${dotted}.${name}`;
    cmd = cmd.commands.find((c) => c.name() === name) ??
      cmd.command(name).description(GROUPS[dotted] ?? "");
  }
  return cmd;
}

/**
 * Declare the leaf command of `spec` in its group. The frame resolves the
 * segment, opens telemetry, times the handler, records one event named
 * after the command (`ast.skeleton`, `lsp.daemon.start`, `mcp`), flushes
 * telemetry, and maps errors to exit codes.
 */
export function addCommand(program: Command, spec: CommandSpec, runtime: Runtime): Command {
  const cmd = groupOf(program, spec.group)
    .command(usageName(spec), { hidden: spec.hidden === true })
    .description(spec.description);
  for (const option of [...GLOBAL_OPTIONS, ...spec.options]) {
    cmd.addOption(commanderOption(option));
  }
  if (spec.helpAfter !== undefined) cmd.addHelpText("after", spec.helpAfter);
  const eventName = eventNameOf(spec);
  const handler = handlerOf(eventName);
  cmd.action(() => {
    const options: Readonly<Record<string, unknown>> = cmd.opts();
    return runCommand({
      eventName,
      global: globalOptionsFrom(options),
      options,
      args: cmd.args,
      handler,
    }, runtime);
  });
  return cmd;
}

/** Declare every command of `COMMANDS` on `program`, groups in declaration order. */
export function addCommands(program: Command, runtime: Runtime): void {
  for (const spec of COMMANDS) addCommand(program, spec, runtime);
}
