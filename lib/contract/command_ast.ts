/**
 * The `ast` and `cache` commands (see `commands.ts`).
 *
 * @module
 */
import { BUDGET_OPTION, MODE_OPTION } from "./command_common.ts";
import type { CommandSpec } from "./command_types.ts";

/** `ast skeleton <path...>`. */
export const AST_SKELETON = {
  group: "ast",
  name: "skeleton",
  description: "skeleton of files or directories (recursive, .gitignore respected)",
  arguments: [{ name: "path", variadic: true, mcp: ["path"] }],
  options: [],
  mcpTool: "skeleton",
} as const satisfies CommandSpec;

/** `ast symbols <uri>`. */
export const AST_SYMBOLS = {
  group: "ast",
  name: "symbols",
  description: "resolve a sym:// URI: a module's symbols, or one symbol",
  arguments: [{ name: "uri", mcp: ["uri"] }],
  options: [],
  fast: true,
  mcpTool: "symbol",
} as const satisfies CommandSpec;

/** `ast snippet <uri> [--mode M] [--budget-token-est N]`. */
export const AST_SNIPPET = {
  group: "ast",
  name: "snippet",
  description: "a symbol's code with progressive disclosure",
  arguments: [{ name: "uri", mcp: ["uri"] }],
  options: [MODE_OPTION, BUDGET_OPTION],
  mcpTool: "snippet",
} as const satisfies CommandSpec;

/** `cache stats`. */
export const CACHE_STATS = {
  group: "cache",
  name: "stats",
  description: "entries, bytes, hit rate, schema version, oldest and newest entry",
  arguments: [],
  options: [],
} as const satisfies CommandSpec;

/** `cache clear`. */
export const CACHE_CLEAR = {
  group: "cache",
  name: "clear",
  description: "delete every cache entry",
  arguments: [],
  options: [],
} as const satisfies CommandSpec;

/** `cache verify`. */
export const CACHE_VERIFY = {
  group: "cache",
  name: "verify",
  description: "check the database's integrity; repair a corrupt one",
  arguments: [],
  options: [],
} as const satisfies CommandSpec;

/** `cache prune [--older-than DAYS]`. */
export const CACHE_PRUNE = {
  group: "cache",
  name: "prune",
  description: "delete entries not read for N days",
  arguments: [],
  options: [{
    flag: "older-than",
    type: "nonNegativeInt",
    valueName: "days",
    help: "age in days (default 7)",
  }],
} as const satisfies CommandSpec;
