/**
 * The command tree.
 *
 * @module
 */
import { Command } from "commander";
import type { Output } from "./output.ts";
import { addLeaf, type Runtime } from "./frame.ts";
import { registerAst } from "./ast.ts";
import { registerCache } from "./cache.ts";
import { registerLsp } from "./lsp.ts";
import { registerCtx } from "./ctx.ts";
import { registerTelemetry } from "./telemetry.ts";
import { VERSION } from "./version.ts";

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
    .configureOutput({
      writeOut: (s) => output.out(s),
      writeErr: (s) => output.err(s),
      // The frame renders errors itself (error card or JSON).
      outputError: () => {},
    })
    .addHelpText(
      "after",
      "\nRun `trifecta <group> --help` for a group's commands. Docs: docs/cli.md",
    );
  registerAst(program, runtime);
  registerCache(program, runtime);
  registerLsp(program, runtime);
  registerCtx(program, runtime);
  registerTelemetry(program, runtime);
  addLeaf(program, {
    name: "mcp",
    description: "serve trifecta's tools over the Model Context Protocol (stdio)",
    handler: async () => (await import("./mcp.ts")).mcpHandler,
  }, runtime);
  return program;
}
