/**
 * The command tree: the program, with every command of
 * `lib/contract/commands.ts` declared by the frame.
 *
 * @module
 */
import { Command, type OutputConfiguration } from "commander";
import type { Output } from "./output.ts";
import type { Runtime } from "./command.ts";
import { addCommands } from "./frame.ts";
import { VERSION } from "./version.ts";

/**
 * Commander's output, with every default replaced: its defaults read
 * `process.env` (`NO_COLOR`, `FORCE_COLOR`, `CLICOLOR_FORCE`) and
 * `process.stdout`, and under `--no-prompt` without `--allow-env` for those
 * names each read throws `NotCapable`, so `--help` failed under the documented
 * flags. trifecta prints no colour, and help wraps at the terminal's width
 * (80 when not a terminal), which needs no permission.
 */
export function commanderOutput(output: Output): OutputConfiguration {
  return {
    writeOut: (s) => output.out(s),
    writeErr: (s) => output.err(s),
    // The frame renders errors itself (error card or JSON).
    outputError: () => {},
    getOutHasColors: () => false,
    getErrHasColors: () => false,
    getOutHelpWidth: () => terminalColumns(Deno.stdout),
    getErrHelpWidth: () => terminalColumns(Deno.stderr),
    stripColor: (s) => s,
  };
}

function terminalColumns(stream: { isTerminal(): boolean }): number {
  if (!stream.isTerminal()) return 80;
  try {
    return Deno.consoleSize().columns;
  } catch (err) {
    // A terminal whose size cannot be read (or a redirected stdin): the default.
    if (err instanceof Error) return 80;
    throw err;
  }
}

/** Build the program; errors surface as thrown `CommanderError`s. */
export function buildProgram(output: Output, runtime: Runtime): Command {
  const program = new Command("trifecta")
    .description(
      "Code context for AI coding agents: symbol skeletons, sym:// lookup, language-server\n" +
        "definitions, and a searchable context pack under a token budget.",
    )
    .version(`trifecta ${VERSION}`, "-V, --version", "print the version")
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError(false)
    .configureOutput(commanderOutput(output))
    .addHelpText(
      "after",
      "\nRun `trifecta <group> --help` for a group's commands. Docs: docs/cli.md",
    );
  addCommands(program, runtime);
  return program;
}
