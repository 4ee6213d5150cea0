/**
 * A start-up path for the commands agents call most (`lsp` queries,
 * `ast symbols`, `ctx search`) that does not load commander: any npm import
 * costs Deno ~30 ms of resolver start-up, more than the command's own work
 * when the language server daemon or the caches are warm.
 *
 * It accepts only the plain, valid forms of those commands; anything else
 * (help, an unknown or malformed option, a bad value) returns `undefined` and
 * the full CLI takes over, so usage errors, suggestions and help look the
 * same either way. The commands it takes (`fast: true`) and their options
 * come from the same specs as commander's (`lib/contract/commands.ts`), and
 * both paths call the same handler through {@linkcode runCommand}.
 * `TRIFECTA_NO_FAST_PATH=1` turns it off. It parses
 * arguments itself rather than with `node:util`'s `parseArgs`, because any
 * `node:` import makes Deno set up its Node compatibility layer (~5–20 ms).
 *
 * @module
 */
import { COMMANDS, type CommandSpec, eventNameOf } from "../contract/commands.ts";
import { globalOptionsFrom, runCommand, type Runtime } from "./command.ts";
import { parseFast } from "./fast_parse.ts";
import { handlerOf } from "./handlers.ts";
import { type Output, processOutput } from "./output.ts";
import { optionalEnv } from "../env.ts";

const SPECS: readonly CommandSpec[] = COMMANDS;

/** The fast command `argv` names, and the words after its name. */
function fastCommandOf(
  argv: readonly string[],
): { spec: CommandSpec; rest: readonly string[] } | undefined {
  for (const spec of SPECS) {
    if (spec.fast !== true) continue;
    const path = [...(spec.group === "" ? [] : spec.group.split(".")), spec.name];
    if (path.every((word, i) => argv[i] === word)) return { spec, rest: argv.slice(path.length) };
  }
  return undefined;
}

/** Options for {@linkcode runFast}. */
export interface FastOptions {
  /** Where to write (default: the process's stdout and stderr). */
  output?: Output;
}

/**
 * Run `argv` through the fast path. Returns the exit code, or `undefined`
 * when this path does not take the command (the caller then runs the full
 * CLI).
 */
export async function runFast(
  argv: readonly string[],
  opts: FastOptions = {},
): Promise<number | undefined> {
  if (optionalEnv("TRIFECTA_NO_FAST_PATH") === "1") return undefined;
  const found = fastCommandOf(argv);
  if (!found) return undefined;
  const { spec, rest } = found;
  const parsed = parseFast(spec, rest);
  if (!parsed) return undefined; // the full CLI runs it, or explains what is wrong
  const { options, positionals } = parsed;
  const output = opts.output ?? processOutput();
  const runtime: Runtime = { output, exitCode: 0 };
  try {
    await runCommand({
      eventName: eventNameOf(spec),
      global: globalOptionsFrom(options),
      options,
      args: positionals,
      handler: handlerOf(eventNameOf(spec)),
    }, runtime);
    return runtime.exitCode;
  } catch (err) {
    // Loaded on failure only: the card's modules (contract errors, path
    // redaction) are not in the start-up of a command that succeeds.
    const { pathScope, reportError } = await import("./error_card.ts");
    return await reportError(output, err, {
      json: options.json === true,
      scope: pathScope(argv, runtime.segmentRoot),
    });
  }
}
