/**
 * How an option's value is read and checked, shared by every parser of the
 * command specs (commander and the fast path) so they accept the same
 * values with the same messages. No npm import: the fast path loads it.
 *
 * @module
 */
import type { CamelCase, OptionsOf, OptionSpec } from "./command_types.ts";

/**
 * The key a parsed option is stored under (commander's): `budget-token-est`
 * → `budgetTokenEst`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { optionKey } from "./command_values.ts";
 * equal(optionKey("budget-token-est"), "budgetTokenEst");
 * equal(optionKey("json"), "json");
 * ```
 */
export function optionKey<F extends string>(flag: F): CamelCase<F>;
export function optionKey(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** A read value, or why it was refused. */
export type ValueResult =
  | { readonly ok: true; readonly value: string | number }
  | { readonly ok: false; readonly message: string };

function wholeNumber(raw: string, min: 0 | 1): ValueResult {
  if (!/^\d+$/.test(raw)) {
    return { ok: false, message: `expected a whole number >= 0, got '${raw}'.` };
  }
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) return { ok: false, message: `'${raw}' is too large.` };
  if (n < min) return { ok: false, message: `expected a whole number >= ${min}, got '${raw}'.` };
  return { ok: true, value: n };
}

/**
 * Read the text given to a value-taking option: whole numbers for the int
 * types, one of the choices for a choice, the text itself for a string. A
 * refusal carries the message the CLI shows (after commander's "option …
 * argument … is invalid.").
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { readOptionValue } from "./command_values.ts";
 * const limit = { flag: "limit", type: "positiveInt", help: "" } as const;
 * deepEqual(readOptionValue(limit, "3"), { ok: true, value: 3 });
 * deepEqual(readOptionValue(limit, "0"), {
 *   ok: false,
 *   message: "expected a whole number >= 1, got '0'.",
 * });
 * ```
 */
export function readOptionValue(option: OptionSpec, raw: string): ValueResult {
  switch (option.type) {
    case "positiveInt":
      return wholeNumber(raw, 1);
    case "nonNegativeInt":
      return wholeNumber(raw, 0);
    case "choice":
      return (option.choices ?? []).includes(raw)
        ? { ok: true, value: raw }
        : { ok: false, message: `Allowed choices are ${(option.choices ?? []).join(", ")}.` };
    default:
      // A boolean takes no value; the parsers never ask for one.
      return { ok: true, value: raw };
  }
}

/** True when `value` is a value `option` can have after parsing. */
export function isOptionValue(option: OptionSpec, value: unknown): boolean {
  switch (option.type) {
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "choice":
      return typeof value === "string" && (option.choices ?? []).includes(value);
    default:
      return typeof value === "number" &&
        readOptionValue(option, String(value)).ok;
  }
}

/**
 * True when `options` holds what a parser of `spec` gives: every defaulted
 * or required option present, every present one of its type. The frame checks
 * this once, so handlers read typed options without a cast.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AST_SNIPPET } from "./commands.ts";
 * import { hasOptionsOf } from "./command_values.ts";
 * equal(hasOptionsOf(AST_SNIPPET, { mode: "raw", budgetTokenEst: 9 }), true);
 * equal(hasOptionsOf(AST_SNIPPET, { mode: "all" }), false);
 * equal(hasOptionsOf(AST_SNIPPET, {}), false); // --mode has a default
 * ```
 */
export function hasOptionsOf<S extends { readonly options: readonly OptionSpec[] }>(
  spec: S,
  options: Readonly<Record<string, unknown>>,
): options is Readonly<Record<string, unknown>> & OptionsOf<S> {
  return spec.options.every((o) => {
    const value = options[optionKey(o.flag)];
    if (value === undefined) return o.default === undefined && o.required !== true;
    return isOptionValue(o, value);
  });
}

/**
 * The commander flags of an option: `-q, --query <text>`, `--explain`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { flagsOf } from "./command_values.ts";
 * equal(flagsOf({ flag: "query", short: "q", type: "string", valueName: "text", help: "" }),
 *   "-q, --query <text>");
 * equal(flagsOf({ flag: "json", type: "boolean", help: "" }), "--json");
 * ```
 */
export function flagsOf(option: OptionSpec): string {
  const short = option.short === undefined ? "" : `-${option.short}, `;
  const value = option.type === "boolean" ? "" : ` <${option.valueName ?? "value"}>`;
  return `${short}--${option.flag}${value}`;
}
