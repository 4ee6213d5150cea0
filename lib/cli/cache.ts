/**
 * `trifecta cache …`: inspect and maintain the AST cache. Handlers live in
 * `cache_*.ts` and load lazily, so `--help` never loads `node:sqlite`.
 *
 * @module
 */
import type { Command } from "commander";
import { addLeaf, parseNonNegativeInt, type Runtime } from "./frame.ts";

/** Register the `cache` group. */
export function registerCache(program: Command, runtime: Runtime): void {
  const group = program.command("cache").description("inspect and maintain the AST cache");
  addLeaf(group, {
    name: "stats",
    description: "entries, bytes, hit rate, schema version, oldest and newest entry",
    handler: async () => (await import("./cache_stats.ts")).statsHandler,
  }, runtime);
  addLeaf(group, {
    name: "clear",
    description: "delete every cache entry",
    handler: async () => (await import("./cache_clear.ts")).clearHandler,
  }, runtime);
  addLeaf(group, {
    name: "verify",
    description: "check the database's integrity; repair a corrupt one",
    handler: async () => (await import("./cache_verify.ts")).verifyHandler,
  }, runtime);
  addLeaf(group, {
    name: "prune",
    description: "delete entries not read for N days",
    options: (cmd) =>
      cmd.option("--older-than <days>", "age in days (default 7)", parseNonNegativeInt),
    handler: async () => (await import("./cache_prune.ts")).pruneHandler,
  }, runtime);
}
