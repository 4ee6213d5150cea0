/**
 * The fast path's argument parser: the plain forms of the options a command
 * spec declares, read into the same option object commander gives (camelCase
 * keys, defaults applied, values read by `readOptionValue`). Anything it does
 * not take gives `undefined`, and the full CLI explains it. No npm or `node:`
 * import (see `fast.ts`).
 *
 * @module
 */
import { type CommandSpec, GLOBAL_OPTIONS, type OptionSpec } from "../contract/commands.ts";
import { optionKey, readOptionValue } from "../contract/command_values.ts";

/** Option values as given (long name → text, or `true` for a flag), and positionals. */
export interface PlainArgs {
  /** Values by long option name (`budget-token-est`). */
  values: Map<string, string | true>;
  /** Positional arguments, in order. */
  positionals: string[];
}

/** `--name`, `--name=value`, `-x`, `-xvalue` → the option's long name and any inline value. */
function splitOption(
  arg: string,
  byShort: ReadonlyMap<string, string>,
): { name: string | undefined; inline: string | undefined } {
  if (arg.startsWith("--")) {
    const eq = arg.indexOf("=");
    return eq === -1
      ? { name: arg.slice(2), inline: undefined }
      : { name: arg.slice(2, eq), inline: arg.slice(eq + 1) };
  }
  return { name: byShort.get(arg.charAt(1)), inline: arg.length > 2 ? arg.slice(2) : undefined };
}

/**
 * Strict parse of the plain forms: `--name value`, `--name=value`, `-s value`,
 * `-svalue`, `--flag`, and positionals (also after `--`). Anything else (an
 * unknown option, a boolean given a value, a missing value, a value that
 * starts with `-`) gives `undefined`.
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { CTX_SEARCH } from "../contract/commands.ts";
 * import { parsePlain } from "./fast_parse.ts";
 * const parsed = parsePlain(["-q", "stock", "--limit=2"], CTX_SEARCH.options);
 * deepEqual(parsed?.values, new Map([["query", "stock"], ["limit", "2"]]));
 * equal(parsePlain(["--limt", "2"], CTX_SEARCH.options), undefined);
 * ```
 */
export function parsePlain(
  args: readonly string[],
  specs: readonly OptionSpec[],
): PlainArgs | undefined {
  const byShort = new Map<string, string>();
  for (const spec of specs) if (spec.short) byShort.set(spec.short, spec.flag);
  const byName = new Map(specs.map((s) => [s.flag, s]));
  const values = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const { name, inline } = splitOption(arg, byShort);
    const spec = name === undefined ? undefined : byName.get(name);
    if (!spec) return undefined;
    if (spec.type === "boolean") {
      if (inline !== undefined) return undefined;
      values.set(spec.flag, true);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || (inline === undefined && value.startsWith("-"))) return undefined;
    values.set(spec.flag, value);
  }
  return { values, positionals };
}

/**
 * The option object commander would give for `values`: camelCase keys,
 * defaults applied, numbers and choices read by the spec. `undefined` when a
 * required option is missing or a value is refused.
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { AST_SNIPPET } from "../contract/commands.ts";
 * import { optionsFrom } from "./fast_parse.ts";
 * deepEqual(optionsFrom(AST_SNIPPET.options, new Map([["budget-token-est", "40"]])), {
 *   mode: "excerpt",
 *   budgetTokenEst: 40,
 * });
 * equal(optionsFrom(AST_SNIPPET.options, new Map([["mode", "all"]])), undefined);
 * ```
 */
export function optionsFrom(
  specs: readonly OptionSpec[],
  values: ReadonlyMap<string, string | true>,
): Record<string, unknown> | undefined {
  const options: Record<string, unknown> = {};
  for (const spec of specs) {
    const given = values.get(spec.flag);
    const key = optionKey(spec.flag);
    if (given === undefined) {
      if (spec.required) return undefined;
      if (spec.default !== undefined) options[key] = spec.default;
    } else if (given === true) {
      // `--no-x` is commander's negation of `--x`: it sets `x` to false.
      const negated = spec.flag.startsWith("no-");
      options[negated ? optionKey(spec.flag.slice(3)) : key] = !negated;
    } else {
      const read = readOptionValue(spec, given);
      if (!read.ok) return undefined;
      options[key] = read.value;
    }
  }
  return options;
}

/** The right number of positionals for `spec` (a variadic last one takes one or more). */
function arityFits(spec: CommandSpec, count: number): boolean {
  const variadic = spec.arguments.some((a) => a.variadic === true);
  return variadic ? count >= spec.arguments.length : count === spec.arguments.length;
}

/**
 * Parse the words after a command's name as the fast path takes them: the
 * common options and the command's own, except those marked `noFast` (a
 * command line giving one is declined, and their defaults apply), and the
 * right number of positionals. `undefined` when the full CLI must run it.
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { CTX_SEARCH } from "../contract/commands.ts";
 * import { parseFast } from "./fast_parse.ts";
 * const parsed = parseFast(CTX_SEARCH, ["-q", "stock"]);
 * deepEqual(parsed?.options, {
 *   segment: ".",
 *   json: false,
 *   query: "stock",
 *   explain: false,
 * });
 * equal(parseFast(CTX_SEARCH, ["-q", "stock", "--explain"]), undefined);
 * equal(parseFast(CTX_SEARCH, ["-q", "x", "--no-persist-cache"])?.options.persistCache, false);
 * // Both: commander's last one wins, so the fast path declines.
 * equal(parseFast(CTX_SEARCH, ["-q", "x", "--no-persist-cache", "--persist-cache"]), undefined);
 * ```
 */
export function parseFast(
  spec: CommandSpec,
  args: readonly string[],
): { options: Record<string, unknown>; positionals: string[] } | undefined {
  const all: readonly OptionSpec[] = [...GLOBAL_OPTIONS, ...spec.options];
  const parsed = parsePlain(args, all.filter((o) => o.noFast !== true));
  if (!parsed || !arityFits(spec, parsed.positionals.length)) return undefined;
  // `--x` and `--no-x` together: the order decides in commander, not here.
  if ([...parsed.values.keys()].some((flag) => parsed.values.has(`no-${flag}`))) return undefined;
  // Commander's option object: camelCase keys, defaults applied, values read by the spec.
  const options = optionsFrom(all, parsed.values);
  return options ? { options, positionals: parsed.positionals } : undefined;
}
