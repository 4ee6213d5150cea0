/**
 * The `map` command (see `commands.ts`): a ranked map of the repository
 * under a token budget.
 *
 * @module
 */
import { MAP_DEFAULT_BUDGET } from "../nav/map_defaults.ts";
import type { CommandSpec } from "./command_types.ts";

/** `map [--focus ITEMS] [-b/--budget-token-est N]`. */
export const MAP = {
  group: "",
  name: "map",
  description: "ranked map of the repository's definitions under a token budget",
  arguments: [],
  options: [
    {
      flag: "focus",
      short: "f",
      type: "string",
      valueName: "items",
      help: "comma-separated files or directories, sym:// URIs or identifiers to rank around",
      mcp: "focus",
    },
    {
      flag: "budget-token-est",
      short: "b",
      type: "positiveInt",
      valueName: "n",
      help:
        `token budget of the map (default ${MAP_DEFAULT_BUDGET}, or budgets.map of trifecta.jsonc)`,
      mcp: "budget_tokens",
    },
  ],
  helpAfter: "\nThe map lists the definitions the code references most, seen from the focus\n" +
    "(the whole repository without one), grouped by file, fitted to the budget.",
  mcpTool: "map",
} as const satisfies CommandSpec;
