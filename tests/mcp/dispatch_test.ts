import assert from "node:assert/strict";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { handleToolCall, routeCall } from "../../lib/mcp/dispatch.ts";
import { McpState } from "../../lib/mcp/state.ts";
import { TOOLS } from "../../lib/mcp/tools/mod.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";
import { EXAMPLE_DIR } from "../e2e/helpers.ts";

const tools = new Map(TOOLS.map((t) => [t.name, t]));

function invalidParams(params: unknown): McpError {
  try {
    routeCall(params, tools);
  } catch (err) {
    if (err instanceof McpError) return err;
    throw err;
  }
  throw new Error("expected -32602");
}

Deno.test("routeCall refuses what it cannot route with -32602 and a one-line message", () => {
  const cases: [unknown, RegExp][] = [
    [undefined, /'params' must be an object/],
    [[], /'params' must be an object/],
    [{ arguments: {} }, /'name' .* is required/],
    [{ name: 3 }, /'name' .* is required/],
    [{ name: "" }, /'name' .* is required/],
    [{ name: "nope" }, /unknown tool 'nope'; tools: skeleton, /],
    [{ name: "skeleton", arguments: "src" }, /'arguments' must be an object/],
    [{ name: "skeleton", arguments: [1] }, /'arguments' must be an object/],
  ];
  for (const [params, message] of cases) {
    const err = invalidParams(params);
    assert.equal(err.code, ErrorCode.InvalidParams, JSON.stringify(params));
    assert.match(err.message, message);
    assert.ok(!err.message.includes("\n") && err.message.length < 400, err.message);
  }
  // A long unknown name is cut in the message.
  assert.ok(invalidParams({ name: "x".repeat(10_000) }).message.length < 400);
});

Deno.test("routeCall finds the tool, defaults the arguments and reads the progress token", () => {
  const r = routeCall({ name: "symbol", _meta: { progressToken: "p" } }, tools);
  assert.equal(r.spec.name, "symbol");
  assert.deepEqual(r.args, {});
  assert.equal(r.progressToken, "p");
  assert.equal(
    routeCall({ name: "symbol", _meta: { progressToken: {} } }, tools).progressToken,
    undefined,
  );
});

Deno.test("a bad argument is a USAGE_ERROR tool result naming each field, short", async () => {
  const state = McpState.open(await resolveSegment(EXAMPLE_DIR), {
    telemetry: Telemetry.disabled(),
  });
  try {
    const result = await handleToolCall(state, {
      params: { name: "skeleton", arguments: { path: 7, budget_tokens: "x", extra: 1 } },
    }, {
      signal: new AbortController().signal,
      sendNotification: () => Promise.resolve(),
      tools,
      log: () => {},
    });
    assert.equal(result.isError, true);
    assert.equal(result.structuredContent.error_code, "USAGE_ERROR");
    const message = String(result.structuredContent.message);
    assert.match(message, /^Invalid arguments for skeleton: /);
    assert.match(message, /path: Expected string, received number/);
    assert.match(message, /budget_tokens: Expected number, received string/);
    assert.match(message, /Unrecognized key/);
    assert.ok(!message.includes("\n"), message);
  } finally {
    await state.close();
  }
});
