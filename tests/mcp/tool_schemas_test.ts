import assert from "node:assert/strict";
import { z } from "zod";
import {
  COMMANDS,
  type CommandSpec,
  eventNameOf,
  mcpArgumentOf,
} from "../../lib/contract/commands.ts";
import { TOOLS, type ToolSpec } from "../../lib/mcp/mod.ts";

interface ArgumentFacts {
  optional: boolean;
  defaultValue: unknown;
  choices?: readonly string[];
  kind: string;
}

/** What a zod field says: optional, its default, its choices, its base type. */
function factsOf(field: z.ZodTypeAny): ArgumentFacts {
  let t = field;
  let optional = false;
  let defaultValue: unknown = undefined;
  for (;;) {
    if (t instanceof z.ZodOptional) {
      optional = true;
      t = t.unwrap();
    } else if (t instanceof z.ZodDefault) {
      optional = true;
      defaultValue = t._def.defaultValue();
      t = t.removeDefault();
    } else break;
  }
  const choices = t instanceof z.ZodEnum ? (t.options as string[]) : undefined;
  return { optional, defaultValue, choices, kind: t._def.typeName };
}

const specs: readonly CommandSpec[] = COMMANDS;
const mirrored = specs.filter((s) => s.mcpTool !== undefined);

/**
 * Tools with no command of their own: each names the command it answers
 * with another shape (a reason, so the list stays short and deliberate).
 */
const SHARED_COMMAND: Readonly<Record<string, string>> = {
  // `lsp references sym://…` grouped by referencing symbol, under a budget.
  find_references: "lsp.references",
};

function toolOf(spec: CommandSpec): ToolSpec | undefined {
  return TOOLS.find((t) => t.name === spec.mcpTool);
}

Deno.test("every command that names an MCP tool has that tool, and every tool mirrors a command", () => {
  assert.ok(mirrored.length >= 8, `${mirrored.length} mirrored commands`);
  for (const spec of mirrored) {
    assert.ok(toolOf(spec), `${eventNameOf(spec)} names the tool ${spec.mcpTool}`);
  }
  for (const tool of TOOLS) {
    const shared = SHARED_COMMAND[tool.name];
    const ok = mirrored.some((s) => s.mcpTool === tool.name) ||
      (shared !== undefined && mirrored.some((s) => eventNameOf(s) === shared));
    assert.ok(ok, `${tool.name} mirrors a command`);
  }
});

for (const spec of mirrored) {
  const tool = toolOf(spec);
  Deno.test({
    name: `the ${spec.mcpTool} tool's input schema matches the spec of ${eventNameOf(spec)}`,
    fn: () => {
      assert.ok(tool);
      const shape = tool.input.shape;
      for (const arg of spec.arguments) {
        for (const name of arg.mcp ?? []) {
          assert.ok(name in shape, `${tool.name} has argument ${name} (from <${arg.name}>)`);
          // A position may be given as a sym:// `uri` instead (exactly one form, checked by the tool).
          if (name !== "uri" && "uri" in shape) {
            assert.equal(factsOf(shape[name]!).optional, factsOf(shape.uri!).optional, name);
            continue;
          }
          assert.equal(factsOf(shape[name]!).optional, false, `${name} is required`);
        }
      }
      for (const option of spec.options) {
        const name = mcpArgumentOf(`--${option.flag}`, { command: eventNameOf(spec) });
        assert.equal(name, option.mcp, `--${option.flag}`);
        if (name === undefined) continue;
        const field = shape[name];
        assert.ok(field, `${tool.name} has argument ${name} (from --${option.flag})`);
        const facts = factsOf(field);
        assert.deepEqual(facts.choices, option.choices, `choices of ${name}`);
        assert.equal(facts.defaultValue, option.default, `default of ${name}`);
        assert.equal(
          facts.optional,
          option.required !== true,
          `${name} required as --${option.flag}`,
        );
        if (option.type === "positiveInt" || option.type === "nonNegativeInt") {
          assert.equal(facts.kind, "ZodNumber", `${name} is a number`);
        }
      }
    },
  });
}

Deno.test("the argument names come from mcpArgumentOf, not from the CLI's flags", () => {
  assert.equal(mcpArgumentOf("--budget-token-est", { command: "ast.snippet" }), "budget_tokens");
  const snippet = TOOLS.find((t) => t.name === "snippet");
  assert.ok(snippet);
  assert.ok("budget_tokens" in snippet.input.shape);
  assert.ok(!("budget_token_est" in snippet.input.shape));
});
