/**
 * `trifecta ast …`: skeletons, symbol lookup and snippets.
 *
 * @module
 */
import { type Command, Option } from "commander";
import { addLeaf, parsePositiveInt, type Runtime } from "./frame.ts";
import { notImplemented } from "./not_implemented.ts";

/** Register the `ast` group. */
export function registerAst(program: Command, runtime: Runtime): void {
  const group = program.command("ast").description("symbol skeletons, sym:// lookup, snippets");
  addLeaf(group, {
    name: "skeleton <path...>",
    description: "skeleton of files or directories (recursive, .gitignore respected)",
    handler: notImplemented("ast skeleton"),
  }, runtime);
  addLeaf(group, {
    name: "symbols <uri>",
    description: "resolve a sym:// URI: a module's symbols, or one symbol",
    handler: notImplemented("ast symbols"),
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
    handler: notImplemented("ast snippet"),
  }, runtime);
}
