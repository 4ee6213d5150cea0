/**
 * A start-up path for the commands agents call most (`lsp` queries,
 * `ast symbols`, `ctx search`) that does not load commander: any npm import
 * costs Deno ~30 ms of resolver start-up, more than the command's own work
 * when the language server daemon or the caches are warm.
 *
 * It accepts only the plain, valid forms of those commands; anything else
 * (help, an unknown or malformed option, a bad value) returns `undefined` and
 * the full CLI takes over, so usage errors, suggestions and help look the
 * same either way. Both paths call the same handler through
 * {@linkcode runCommand}. `TRIFECTA_NO_FAST_PATH=1` turns it off. It parses
 * arguments itself rather than with `node:util`'s `parseArgs`, because any
 * `node:` import makes Deno set up its Node compatibility layer (~5–20 ms).
 *
 * @module
 */
import {
  type CommandHandler,
  globalOptionsFrom,
  runCommand,
  type Runtime,
  TELEMETRY_LEVELS,
} from "./command.ts";
import { pathScope, reportError } from "./error_card.ts";
import { type Output, processOutput } from "./output.ts";
import { optionalEnv } from "../env.ts";

type OptionSpec = { type: "string" | "boolean"; short?: string };

interface FastCommand {
  /** Positional arguments the command takes (exactly). */
  positionals: number;
  /** The command's own options (beyond the common ones). */
  options: Record<string, OptionSpec>;
  /** Options that must be given. */
  required?: string[];
  /** Options whose value must be a whole number >= 1. */
  positiveInts?: string[];
  /** Loads the handler. */
  handler: () => Promise<CommandHandler>;
}

const COMMON: Record<string, OptionSpec> = {
  segment: { type: "string", short: "s" },
  json: { type: "boolean" },
  telemetry: { type: "string" },
  "persist-cache": { type: "boolean" },
};

function lspQuery(method: "definition" | "hover" | "references" | "diagnostics"): FastCommand {
  return {
    positionals: 1,
    options: { "require-lsp": { type: "boolean" } },
    handler: async () => (await import("./lsp_query.ts")).queryHandler(method),
  };
}

const FAST: Record<string, FastCommand> = {
  "lsp.definition": lspQuery("definition"),
  "lsp.hover": lspQuery("hover"),
  "lsp.references": lspQuery("references"),
  "lsp.diagnostics": lspQuery("diagnostics"),
  "ast.symbols": {
    positionals: 1,
    options: {},
    handler: async () => (await import("./ast_symbols.ts")).symbolsHandler,
  },
  "ctx.search": {
    positionals: 0,
    options: { query: { type: "string", short: "q" }, limit: { type: "string", short: "l" } },
    required: ["query"],
    positiveInts: ["limit"],
    handler: async () => (await import("./ctx_search.ts")).searchHandler,
  },
};

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

interface Parsed {
  values: Record<string, string | boolean>;
  positionals: string[];
}

/**
 * Strict parse of the plain forms: `--name value`, `--name=value`, `-s value`,
 * `-svalue`, `--flag`, and positionals (also after `--`). Anything else (an
 * unknown option, a boolean given a value, a missing value, a value that
 * starts with `-`) gives `undefined`.
 */
function parsePlain(
  args: readonly string[],
  specs: Record<string, OptionSpec>,
): Parsed | undefined {
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.short) byShort.set(spec.short, name);
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (eq !== -1) inline = arg.slice(eq + 1);
    } else {
      name = byShort.get(arg[1]);
      if (arg.length > 2) inline = arg.slice(2);
    }
    const spec = name === undefined ? undefined : specs[name];
    if (!spec || name === undefined) return undefined;
    if (spec.type === "boolean") {
      if (inline !== undefined) return undefined;
      values[name] = true;
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || (inline === undefined && value.startsWith("-"))) return undefined;
    values[name] = value;
  }
  return { values, positionals };
}

/** Options for {@linkcode runFast}. */
export interface FastOptions {
  /** Where to write (default: the process's stdout and stderr). */
  output?: Output;
}

/**
 * Run `argv` through the fast path. Returns the exit code, or `undefined`
 * when this path does not take the command (the caller then runs the full
 * CLI).
 */
export async function runFast(
  argv: readonly string[],
  opts: FastOptions = {},
): Promise<number | undefined> {
  if (optionalEnv("TRIFECTA_NO_FAST_PATH") === "1") return undefined;
  const [group, name, ...rest] = argv;
  const spec = FAST[`${group}.${name}`];
  if (!spec) return undefined;
  const parsed = parsePlain(rest, { ...COMMON, ...spec.options });
  if (!parsed) return undefined; // the full CLI explains it
  const { values, positionals } = parsed;
  if (positionals.length !== spec.positionals) return undefined;
  if (
    values.telemetry !== undefined &&
    !(TELEMETRY_LEVELS as readonly string[]).includes(String(values.telemetry))
  ) return undefined;
  if (spec.required?.some((k) => values[k] === undefined)) return undefined;
  // Commander's option object: camelCase keys, booleans defaulting to false.
  const options: Record<string, unknown> = { segment: ".", json: false, persistCache: false };
  for (const [key, opt] of Object.entries({ ...COMMON, ...spec.options })) {
    if (opt.type === "boolean") options[camel(key)] = values[key] === true;
  }
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== "string") continue;
    if (spec.positiveInts?.includes(key)) {
      if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
        return undefined;
      }
      options[camel(key)] = Number(value);
    } else options[camel(key)] = value;
  }
  const output = opts.output ?? processOutput();
  const runtime: Runtime = { output, exitCode: 0 };
  try {
    await runCommand({
      eventName: `${group}.${name}`,
      global: globalOptionsFrom(options),
      options,
      args: positionals,
      handler: spec.handler,
    }, runtime);
    return runtime.exitCode;
  } catch (err) {
    return await reportError(output, err, {
      json: Boolean(options.json),
      scope: pathScope(argv, runtime.segmentRoot),
    });
  }
}
