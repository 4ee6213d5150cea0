/**
 * `trifecta ctx …`: the context pack.
 *
 * @module
 */
import { type Command, Option } from "commander";
import { addLeaf, parsePositiveInt, type Runtime } from "./frame.ts";
import { notImplemented } from "./not_implemented.ts";

/** Register the `ctx` group. */
export function registerCtx(program: Command, runtime: Runtime): void {
  const group = program.command("ctx").description("context pack: build, search, get");
  for (
    const [name, what] of [
      ["build", "build the context pack of the segment"],
      ["sync", "build, then validate"],
      ["validate", "check the pack against the files on disk"],
      ["stats", "search effectiveness from telemetry"],
    ] as const
  ) {
    addLeaf(group, { name, description: what, handler: notImplemented(`ctx ${name}`) }, runtime);
  }
  addLeaf(group, {
    name: "search",
    description: "full-text search over the pack",
    options: (cmd) =>
      cmd
        .requiredOption("-q, --query <text>", "search query")
        .option("-l, --limit <n>", "maximum hits (default 5)", parsePositiveInt)
        .addOption(
          new Option("--explain [format]", "show why each hit scored").choices(["json", "text"]),
        ),
    handler: notImplemented("ctx search"),
  }, runtime);
  addLeaf(group, {
    name: "get",
    description: "chunks by id with progressive disclosure under a token budget",
    options: (cmd) =>
      cmd
        .requiredOption("-i, --ids <ids>", "comma-separated chunk ids")
        .addOption(
          new Option("-m, --mode <mode>", "disclosure mode").choices(["skeleton", "excerpt", "raw"])
            .default("excerpt"),
        )
        .option("-b, --budget-token-est <n>", "token budget (default 1500)", parsePositiveInt)
        .option("--max-chunks <n>", "stop after N chunks", parsePositiveInt)
        .option("--stop-on-evidence", "stop once the query is evidenced", false)
        .option("-q, --query <text>", "query for --stop-on-evidence")
        .option("--pd-report", "print the PD_REPORT line", false),
    handler: notImplemented("ctx get"),
  }, runtime);
}
