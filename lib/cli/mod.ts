/**
 * The trifecta command-line interface.
 *
 * @module
 */
import { type Command, CommanderError } from "commander";
import { UsageError } from "../errors.ts";
import { type Output, processOutput } from "./output.ts";
import { pathScope, reportError } from "./error_card.ts";
import type { Runtime } from "./command.ts";
import { buildProgram } from "./program.ts";
import { nearest } from "./suggest.ts";
import { recordInvalidOption } from "./invalid_option.ts";

export { type CapturedOutput, captureOutput, type Output } from "./output.ts";

/** Options for {@linkcode run}. */
export interface RunOptions {
  /** Where to write (default: the process's stdout and stderr). */
  output?: Output;
}

/** The command path named by `argv`, e.g. `ast skeleton`. */
function commandPath(program: Command, argv: readonly string[]): string[] {
  const path: string[] = [];
  let cmd: Command | undefined = program;
  for (const word of argv) {
    if (word.startsWith("-")) continue;
    cmd = cmd?.commands.find((c) => c.name() === word);
    if (!cmd) break;
    path.push(word);
  }
  return path;
}

function usageFromCommander(err: CommanderError, path: readonly string[]): UsageError {
  const [first = "", ...rest] = err.message.replace(/^error: /, "").split("\n");
  const steps = rest.map((l) => l.trim().replace(/^\((.*)\)$/, "$1")).filter((l) => l.length > 0);
  // Commander offers no suggestion for a bad choice value; add the nearest.
  const choice = /argument '([^']*)' is invalid\. Allowed choices are (.*)\.$/.exec(first);
  if (choice) {
    const [, given = "", allowed = ""] = choice;
    const close = nearest(given, allowed.split(", "), 1);
    if (close.length > 0) steps.push(`Did you mean ${close[0]}?`);
  }
  steps.push(`Run \`trifecta ${path.length ? path.join(" ") + " " : ""}--help\` for usage`);
  return new UsageError(first.charAt(0).toUpperCase() + first.slice(1), { nextSteps: steps });
}

/**
 * Run the CLI with `argv` (without the program name) and return the exit
 * code: 0 ok, 1 operational error, 2 usage error; `telemetry health` may also
 * return 3.
 *
 * @example
 * ```ts
 * import { equal, match } from "node:assert/strict";
 * import { captureOutput, run } from "./mod.ts";
 * const out = captureOutput();
 * equal(await run(["--version"], { output: out }), 0);
 * match(out.stdout, /^trifecta \d+\.\d+\.\d+/);
 * ```
 */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const output = options.output ?? processOutput();
  const runtime: Runtime = { output, exitCode: 0 };
  const program = buildProgram(output, runtime);
  const json = argv.includes("--json");
  try {
    await program.parseAsync([...argv], { from: "user" });
    return runtime.exitCode;
  } catch (err) {
    let error: unknown = err;
    if (err instanceof CommanderError) {
      // --help and --version end through here too, successfully.
      if (err.exitCode === 0) return 0;
      if (err.code === "commander.help" || err.code === "commander.executeSubCommandAsync") {
        return 2; // a group given without a command: its help went to stderr
      }
      const path = commandPath(program, argv);
      const usage = usageFromCommander(err, path);
      await recordInvalidOption({ argv, path, error: usage, isTty: output.errIsTerminal });
      error = usage;
    }
    return await reportError(output, error, { json, scope: pathScope(argv, runtime.segmentRoot) });
  }
}
