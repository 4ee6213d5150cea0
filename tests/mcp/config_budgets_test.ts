import assert from "node:assert/strict";
import { McpState } from "../../lib/mcp/state.ts";
import { TOOLS } from "../../lib/mcp/tools/mod.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";
import { EXAMPLE_DIR } from "../e2e/helpers.ts";

async function budgetOf(
  state: McpState,
  name: string,
  args: Record<string, unknown>,
): Promise<unknown> {
  const tool = TOOLS.find((t) => t.name === name);
  assert.ok(tool, name);
  const out = await tool.run(state, tool.input.parse(args));
  return out.structured.budget_tokens;
}

Deno.test("the configuration's budgets are the tools' defaults; budget_tokens still wins", async () => {
  const segment = await resolveSegment(EXAMPLE_DIR);
  const state = McpState.open(segment, {
    telemetry: Telemetry.disabled(),
    budgets: { tools: 700, map: 900 },
  });
  const plain = McpState.open(segment, { telemetry: Telemetry.disabled() });
  try {
    assert.equal(await budgetOf(state, "skeleton", { path: "src" }), 700);
    assert.equal(await budgetOf(state, "skeleton", { path: "src", budget_tokens: 500 }), 500);
    const uri = "sym://python/mod/src.inventory.models";
    assert.equal(await budgetOf(state, "symbol", { uri }), 700);
    assert.equal(await budgetOf(state, "map", {}), 900);
    assert.equal(await budgetOf(plain, "skeleton", { path: "src" }), 2000);
    assert.equal(await budgetOf(plain, "map", {}), 1024);
  } finally {
    await state.close();
    await plain.close();
  }
});
