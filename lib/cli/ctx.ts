/**
 * `trifecta ctx …`: the context pack. Handlers load lazily from
 * `ctx_*.ts`, so `--help` stays fast.
 *
 * @module
 */
import { type Command, Option } from "commander";
import { addLeaf, parseNonNegativeInt, parsePositiveInt, type Runtime } from "./frame.ts";

/** Register the `ctx` group. */
export function registerCtx(program: Command, runtime: Runtime): void {
  const group = program.command("ctx").description("context pack: build, search, get");
  addLeaf(group, {
    name: "build",
    description: "build the context pack of the segment (no scaffolding needed)",
    handler: async () => (await import("./ctx_build.ts")).buildHandler,
  }, runtime);
  addLeaf(group, {
    name: "sync",
    description: "build, then validate",
    handler: async () => (await import("./ctx_build.ts")).syncHandler,
  }, runtime);
  addLeaf(group, {
    name: "validate",
    description: "check the pack against the files on disk",
    handler: async () => (await import("./ctx_build.ts")).validateHandler,
  }, runtime);
  addLeaf(group, {
    name: "stats",
    description: "search effectiveness from telemetry",
    options: (cmd) =>
      cmd.option("-w, --window <days>", "only the last N days (0 = all)", parseNonNegativeInt),
    handler: async () => (await import("./ctx_stats.ts")).statsHandler,
  }, runtime);
  addLeaf(group, {
    name: "search",
    description: "full-text search (FTS5, BM25) over the pack",
    options: (cmd) =>
      cmd
        .requiredOption("-q, --query <text>", "search query")
        .option("-l, --limit <n>", "maximum hits (default 5)", parsePositiveInt)
        .option("--explain", "show why each hit scored (JSON unless --explain-format text)", false)
        .addOption(
          new Option("--explain-format <format>", "format of --explain").choices(["json", "text"]),
        ),
    handler: async () => (await import("./ctx_search.ts")).searchHandler,
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
        .option(
          "--max-chunks <n>",
          "stop after N chunks (env TRIFECTA_PD_MAX_CHUNKS)",
          parsePositiveInt,
        )
        .option("--stop-on-evidence", "stop once the query is evidenced", false)
        .option("-q, --query <text>", "query for --stop-on-evidence")
        .option("--pd-report", "print the PD_REPORT line last", false),
    handler: async () => (await import("./ctx_get.ts")).getHandler,
  }, runtime);
}
