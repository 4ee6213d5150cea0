import assert from "node:assert/strict";
import { type Command, CommanderError } from "commander";
import { z } from "zod";
import {
  AST_SNIPPET,
  COMMANDS,
  type CommandSpec,
  CTX_GET,
  CTX_SEARCH,
  eventNameOf,
  EXPORT_FORMATS,
  GLOBAL_OPTIONS,
  mcpArgumentOf,
  type OptionsFor,
  type OptionSpec,
  TELEMETRY_EXPORT,
  TELEMETRY_LEVELS,
} from "../../lib/contract/commands.ts";
import { DISCLOSURE_MODES } from "../../lib/segment/mod.ts";
import { TELEMETRY_LEVEL_NAMES } from "../../lib/telemetry/config.ts";
import { optionsFrom, parseFast, parsePlain } from "../../lib/cli/fast_parse.ts";
import { hasOptionsOf } from "../../lib/contract/command_values.ts";
import { HANDLERS } from "../../lib/cli/handlers.ts";
import { buildProgram } from "../../lib/cli/program.ts";
import { captureOutput } from "../../lib/cli/output.ts";
import { TOOLS } from "../../lib/mcp/tools/mod.ts";

const SPECS: readonly CommandSpec[] = COMMANDS;

function pathOf(spec: CommandSpec): string[] {
  return [...(spec.group === "" ? [] : spec.group.split(".")), spec.name];
}

/** The options commander's real frame parses from `argv` for `spec` (its action replaced). */
async function commanderOptions(
  spec: CommandSpec,
  argv: readonly string[],
): Promise<Record<string, unknown>> {
  const output = captureOutput();
  const program = buildProgram(output, { output, exitCode: 0 });
  let leaf: Command = program;
  for (const word of pathOf(spec)) {
    const next = leaf.commands.find((c) => c.name() === word);
    assert.ok(next, `${eventNameOf(spec)}: no command ${word}`);
    leaf = next;
  }
  let parsed: Record<string, unknown> | undefined;
  leaf.action(() => {
    parsed = { ...leaf.opts() };
  });
  try {
    await program.parseAsync([...pathOf(spec), ...argv], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) assert.fail(`${argv.join(" ")}: ${err.message}`);
    throw err;
  }
  assert.ok(parsed, `${eventNameOf(spec)}: the action ran`);
  return parsed;
}

/** The options the fast path's parser reads from `argv` (every option of the spec). */
function fastOptions(spec: CommandSpec, argv: readonly string[]): Record<string, unknown> {
  const specs: readonly OptionSpec[] = [...GLOBAL_OPTIONS, ...spec.options];
  const plain = parsePlain(argv, specs);
  assert.ok(plain, `fast parse of ${argv.join(" ")}`);
  const options = optionsFrom(specs, plain.values);
  assert.ok(options, `fast options of ${argv.join(" ")}`);
  return options;
}

function sampleValue(option: OptionSpec): string {
  switch (option.type) {
    case "positiveInt":
      return "3";
    case "nonNegativeInt":
      return "0";
    case "choice":
      return option.choices?.at(-1) ?? "";
    default:
      return `v-${option.flag}`;
  }
}

function positionalsOf(spec: CommandSpec): string[] {
  return spec.arguments.flatMap((a) => a.variadic ? ["a.py", "b.py"] : ["src/a.py:1:1"]);
}

/** Representative command lines: the minimum, every option long, every option short or inline. */
function sampleArgvs(spec: CommandSpec): string[][] {
  const options: readonly OptionSpec[] = [...GLOBAL_OPTIONS, ...spec.options];
  const minimum = options.filter((o) => o.required).flatMap((o) => [`--${o.flag}`, sampleValue(o)]);
  const long = options.flatMap((o) =>
    o.type === "boolean" ? [`--${o.flag}`] : [`--${o.flag}`, sampleValue(o)]
  );
  const short = options.flatMap((o) => {
    if (o.type === "boolean") return [`--${o.flag}`];
    return o.short ? [`-${o.short}`, sampleValue(o)] : [`--${o.flag}=${sampleValue(o)}`];
  });
  return [minimum, long, short].map((opts) => [...positionalsOf(spec), ...opts]);
}

Deno.test("commander and the fast path parse every command's options alike", async () => {
  for (const spec of SPECS) {
    for (const argv of sampleArgvs(spec)) {
      const full = await commanderOptions(spec, argv);
      const fast = fastOptions(spec, argv);
      assert.deepEqual(fast, full, `${eventNameOf(spec)} ${argv.join(" ")}`);
    }
  }
});

Deno.test("what the fast path takes satisfies the spec, also with options it declines", () => {
  const fast = SPECS.filter((s) => s.fast === true);
  assert.ok(fast.some((s) => s.options.some((o) => o.noFast === true)), "ctx search declines some");
  for (const spec of fast) {
    const [minimum = []] = sampleArgvs(spec);
    const parsed = parseFast(spec, minimum);
    assert.ok(parsed, `${eventNameOf(spec)} ${minimum.join(" ")}`);
    assert.ok(hasOptionsOf(spec, parsed.options), eventNameOf(spec));
    assert.ok(hasOptionsOf({ options: GLOBAL_OPTIONS }, parsed.options), eventNameOf(spec));
  }
});

Deno.test("both parsers apply the spec's defaults and read numbers as numbers", async () => {
  const argv = ["sym://python/mod/m"];
  const full = await commanderOptions(AST_SNIPPET, argv);
  assert.equal(full.mode, "excerpt");
  assert.equal(full.budgetTokenEst, undefined);
  assert.equal(full.json, false);
  assert.equal(full.segment, ".");
  const withBudget = fastOptions(AST_SNIPPET, [...argv, "--budget-token-est", "40"]);
  assert.equal(withBudget.budgetTokenEst, 40);
  assert.deepEqual(await commanderOptions(CTX_GET, ["-i", "a", "-b", "40"]), {
    ...fastOptions(CTX_GET, ["-i", "a", "-b", "40"]),
  });
});

Deno.test("every choice list is its source constant", () => {
  const choicesOf = (spec: { readonly options: readonly OptionSpec[] }, flag: string) =>
    spec.options.find((o) => o.flag === flag)?.choices;
  assert.equal(choicesOf(AST_SNIPPET, "mode"), DISCLOSURE_MODES);
  assert.equal(choicesOf(CTX_GET, "mode"), DISCLOSURE_MODES);
  assert.equal(choicesOf({ options: GLOBAL_OPTIONS }, "telemetry"), TELEMETRY_LEVELS);
  assert.equal(TELEMETRY_LEVELS, TELEMETRY_LEVEL_NAMES);
  assert.equal(choicesOf(TELEMETRY_EXPORT, "format"), EXPORT_FORMATS);
  for (const spec of SPECS) {
    for (const o of spec.options) {
      assert.equal(
        o.type === "choice",
        o.choices !== undefined,
        `${eventNameOf(spec)} --${o.flag}`,
      );
    }
  }
});

Deno.test("every declared command has a handler, and nothing else has one", () => {
  assert.deepEqual(Object.keys(HANDLERS).sort(), SPECS.map(eventNameOf).sort());
});

Deno.test("mcpArgumentOf names the MCP argument of a mirrored command's flag", () => {
  assert.equal(mcpArgumentOf("--budget-token-est"), "budget_tokens");
  assert.equal(mcpArgumentOf("-b"), "budget_tokens");
  assert.equal(mcpArgumentOf("--mode"), "mode");
  assert.equal(mcpArgumentOf("-m"), "mode");
  assert.equal(mcpArgumentOf("--query"), "query");
  assert.equal(mcpArgumentOf("--limit"), "limit");
  assert.equal(mcpArgumentOf("--ids"), "ids");
  assert.equal(mcpArgumentOf("--last"), "last_days");
  assert.equal(mcpArgumentOf("--mode=raw"), "mode");
  assert.equal(mcpArgumentOf("--query", { command: "ctx.get" }), undefined);
  assert.equal(mcpArgumentOf("--require-lsp"), undefined);
  assert.equal(mcpArgumentOf("--older-than"), undefined); // cache prune has no MCP tool
  assert.equal(mcpArgumentOf("--nope"), undefined);
});

function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  return schema instanceof z.ZodOptional || schema instanceof z.ZodDefault
    ? unwrap(schema._def.innerType)
    : schema;
}

Deno.test("each mirroring MCP tool takes the arguments its command's spec names", () => {
  for (const spec of SPECS) {
    if (spec.mcpTool === undefined) continue;
    const tool = TOOLS.find((t) => t.name === spec.mcpTool);
    assert.ok(tool, `${eventNameOf(spec)}: tool ${spec.mcpTool}`);
    const shape = tool.input.shape;
    const names = [
      ...spec.arguments.flatMap((a) => a.mcp ?? []),
      ...spec.options.flatMap((o) => o.mcp ?? []),
    ];
    // A command with no arguments and no options (ctx sync) mirrors its tool trivially.
    const bare = spec.arguments.length === 0 && spec.options.length === 0;
    assert.ok(names.length > 0 || bare, `${eventNameOf(spec)} names its MCP arguments`);
    for (const name of names) assert.ok(name in shape, `${spec.mcpTool} takes ${name}`);
    for (const o of spec.options) {
      if (o.mcp === undefined || o.choices === undefined) continue;
      const field = unwrap(shape[o.mcp] as z.ZodTypeAny);
      assert.ok(field instanceof z.ZodEnum, `${spec.mcpTool}.${o.mcp} is an enum`);
      assert.deepEqual([...field.options], [...o.choices], `${spec.mcpTool}.${o.mcp}`);
    }
  }
});

// Compile-time: handlers read typed options (this file fails `deno check` otherwise).
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
const typed: [
  Equal<OptionsFor<"ctx.search">["limit"], number | undefined>,
  Equal<OptionsFor<"ctx.search">["query"], string>,
  Equal<OptionsFor<"ctx.get">["mode"], "skeleton" | "excerpt" | "raw">,
  Equal<OptionsFor<"ast.snippet">["budgetTokenEst"], number | undefined>,
  Equal<OptionsFor<"telemetry.export">["format"], "json" | "csv" | "otlp">,
  Equal<OptionsFor<"lsp.hover">["requireLsp"], boolean>,
] = [true, true, true, true, true, true];

Deno.test("handler option types follow the specs", () => {
  assert.ok(typed.every((t) => t));
  assert.equal(CTX_SEARCH.options.find((o) => o.flag === "query")?.required, true);
});
