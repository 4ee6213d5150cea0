/**
 * The shape of a command spec (see `commands.ts`) and the option types
 * derived from it, so a handler reads `ctx.options.limit` as
 * `number | undefined` without a cast.
 *
 * @module
 */

/** How an option's value is read. */
export type OptionType = "boolean" | "string" | "positiveInt" | "nonNegativeInt" | "choice";

/** One option of a command. */
export interface OptionSpec {
  /** Long name without the dashes (`budget-token-est`). */
  readonly flag: string;
  /** One-letter short name without the dash (`b`). */
  readonly short?: string;
  /** How the value is read. */
  readonly type: OptionType;
  /** The accepted values of a `choice` option. */
  readonly choices?: readonly string[];
  /** The value's name in `--help` (`--limit <n>`); not for booleans. */
  readonly valueName?: string;
  /** Value when the option is not given. */
  readonly default?: string | number | boolean;
  /** The option must be given. */
  readonly required?: boolean;
  /** One line for `--help`. */
  readonly help: string;
  /** The argument name of the mirroring MCP tool (`budget_tokens`). */
  readonly mcp?: string;
  /** The fast path declines a command line that gives it (the full CLI runs it). */
  readonly noFast?: true;
}

/** One positional argument of a command. */
export interface ArgumentSpec {
  /** Its name in `--help` (`<uri>`). */
  readonly name: string;
  /** Takes one or more values (`<path...>`). */
  readonly variadic?: boolean;
  /** The mirroring MCP tool's argument(s) it becomes (`location` → file, line, column). */
  readonly mcp?: readonly string[];
}

/** One command, declared once. */
export interface CommandSpec {
  /** Dotted group path (`lsp.daemon`), `""` for a top-level command. */
  readonly group: string;
  /** The command's name in its group. */
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  /** Positional arguments, all required. */
  readonly arguments: readonly ArgumentSpec[];
  /** The command's own options (the common ones are in `GLOBAL_OPTIONS`). */
  readonly options: readonly OptionSpec[];
  /** Extra `--help` text after the options. */
  readonly helpAfter?: string;
  /** Left out of `--help` (internal commands). */
  readonly hidden?: boolean;
  /** The start-up fast path may run it (without loading commander). */
  readonly fast?: boolean;
  /** The MCP tool that mirrors it. */
  readonly mcpTool?: string;
}

/** `budget-token-est` → `budgetTokenEst` (commander's option keys). */
export type CamelCase<S extends string> = S extends `${infer H}-${infer T}`
  ? `${H}${Capitalize<CamelCase<T>>}`
  : S;

/** The parsed value of one option. */
export type OptionValue<O extends OptionSpec> = O["type"] extends "boolean" ? boolean
  : O["type"] extends "positiveInt" | "nonNegativeInt" ? number
  : O extends { readonly choices: readonly (infer C)[] } ? C
  : string;

type Present<O extends OptionSpec> = O extends { readonly default: unknown } ? true
  : O extends { readonly required: true } ? true
  : false;

/**
 * The options a command's handler gets, keyed as commander keys them:
 * defaulted and required options are always there, the others may be
 * `undefined`.
 */
export type OptionsOf<S extends { readonly options: readonly OptionSpec[] }> =
  & {
    readonly [O in S["options"][number] as Present<O> extends true ? CamelCase<O["flag"]> : never]:
      OptionValue<O>;
  }
  & {
    readonly [O in S["options"][number] as Present<O> extends true ? never : CamelCase<O["flag"]>]?:
      OptionValue<O>;
  };
