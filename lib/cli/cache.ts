/**
 * `trifecta cache …`: inspect and maintain the AST cache.
 *
 * @module
 */
import type { Command } from "commander";
import { addLeaf, parseNonNegativeInt, type Runtime } from "./frame.ts";
import { notImplemented } from "./not_implemented.ts";

/** Register the `cache` group. */
export function registerCache(program: Command, runtime: Runtime): void {
  const group = program.command("cache").description("inspect and maintain the AST cache");
  addLeaf(group, {
    name: "stats",
    description: "entries, bytes, hit rate, schema version, oldest and newest entry",
    handler: notImplemented("cache stats"),
  }, runtime);
  addLeaf(group, {
    name: "clear",
    description: "delete every cache entry",
    handler: notImplemented("cache clear"),
  }, runtime);
  addLeaf(group, {
    name: "verify",
    description: "check the database's integrity; repair a corrupt one",
    handler: notImplemented("cache verify"),
  }, runtime);
  addLeaf(group, {
    name: "prune",
    description: "delete entries not read for N days",
    options: (cmd) =>
      cmd.option("--older-than <days>", "age in days (default 7)", parseNonNegativeInt),
    handler: notImplemented("cache prune"),
  }, runtime);
}
