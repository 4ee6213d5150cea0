/**
 * The `ast` and `cache` commands (see `commands.ts`).
 *
 * @module
 */
import { BUDGET_OPTION, MODE_OPTION } from "./command_common.ts";
import type { CommandSpec } from "./command_types.ts";
import { ALL_SYMBOL_KINDS } from "../languages/mod.ts";
import { uriLanguageNames } from "../languages/modules.ts";

/** The language names `--language` takes, from the registry. */
const LANGUAGE_NAMES = uriLanguageNames();

/** `ast skeleton <path...>`. */
export const AST_SKELETON = {
  group: "ast",
  name: "skeleton",
  description: "skeleton of files or directories (recursive, .gitignore respected)",
  arguments: [{ name: "path", variadic: true, mcp: ["path"] }],
  options: [],
  fast: true,
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

/** `ast find <pattern> [--kind K] [--language L] [--path P] [--depth N] [--body] [--limit N]`. */
export const AST_FIND = {
  group: "ast",
  name: "find",
  description: "symbols by name, qualified path, substring or glob, ranked, with their sym:// URI",
  arguments: [{ name: "pattern", mcp: ["pattern"] }],
  options: [
    {
      flag: "kind",
      type: "string",
      valueName: "kinds",
      help: `keep these kinds, comma-separated (${ALL_SYMBOL_KINDS.join(",")})`,
      mcp: "kind",
    },
    {
      flag: "language",
      type: "string",
      valueName: "lang",
      help: `keep one language (${LANGUAGE_NAMES.names.join(", ")}; ${
        LANGUAGE_NAMES.aliases.join(", ")
      })`,
      mcp: "language",
    },
    {
      flag: "path",
      type: "string",
      valueName: "prefix",
      help: "keep files under this segment-relative path",
      mcp: "path",
    },
    {
      flag: "depth",
      type: "nonNegativeInt",
      valueName: "n",
      help: "levels of children to show as skeleton lines (default 0)",
      mcp: "depth",
    },
    {
      flag: "body",
      type: "boolean",
      default: false,
      help: "show each symbol's body (at most 100 lines, secrets masked)",
      mcp: "include_body",
    },
    {
      flag: "limit",
      type: "positiveInt",
      valueName: "n",
      help: "most results (default 20, at most 500)",
      mcp: "limit",
    },
  ],
  helpAfter: "\nPatterns: AppConfig (exact, then prefix, then substring), Inventory/add or\n" +
    "Inventory.add (qualified path; a leading / anchors at the top level),\n" +
    "get_* *Config ? [abc] (glob). Ranked: exact > prefix > substring/glob,\n" +
    "case-sensitive first, source before tests, shorter qualified names first,\n" +
    "then path and line.\n",
  fast: true,
  mcpTool: "find_symbol",
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
