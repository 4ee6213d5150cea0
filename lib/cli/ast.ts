/**
 * `trifecta ast …`: skeletons, symbol lookup and snippets. Handlers load
 * lazily so `--help` and `--version` never load tree-sitter.
 *
 * @module
 */
import { type Command, Option } from "commander";
import { addLeaf, parsePositiveInt, type Runtime } from "./frame.ts";

/** Register the `ast` group. */
export function registerAst(program: Command, runtime: Runtime): void {
  const group = program.command("ast").description("symbol skeletons, sym:// lookup, snippets");
  addLeaf(group, {
    name: "skeleton <path...>",
    description: "skeleton of files or directories (recursive, .gitignore respected)",
    handler: async () => (await import("./ast_skeleton.ts")).skeletonHandler,
  }, runtime);
  addLeaf(group, {
    name: "symbols <uri>",
    description: "resolve a sym:// URI: a module's symbols, or one symbol",
    handler: async () => (await import("./ast_symbols.ts")).symbolsHandler,
  }, runtime);
  addLeaf(group, {
    name: "snippet <uri>",
    description: "a symbol's code with progressive disclosure",
    options: (cmd) =>
      cmd
        .addOption(
          new Option("--mode <mode>", "disclosure mode").choices(["skeleton", "excerpt", "raw"])
            .default("excerpt"),
        )
        .option("--budget-token-est <n>", "token budget", parsePositiveInt),
    handler: async () => (await import("./ast_symbols.ts")).snippetHandler,
  }, runtime);
}
