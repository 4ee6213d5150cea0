import assert from "node:assert/strict";
import { TrifectaError } from "../../lib/errors.ts";
import { errorResult, errorScope, okResult } from "../../lib/mcp/mod.ts";
import { renderErrorCard, toJsonError } from "../../lib/cli/error_card.ts";
import { OUTSIDE_PATH } from "../../lib/contract/error_paths.ts";
import { secretSamples } from "../_secret_samples.ts";

const scope = errorScope(undefined);

Deno.test("errorResult carries the code in the text card and the structured content", () => {
  const r = errorResult(
    new TrifectaError("SYMBOL_NOT_FOUND", "No symbol Foo", { nextSteps: ["Try Bar"] }),
    scope,
  );
  assert.equal(r.isError, true);
  assert.equal(
    r.content[0]?.text,
    "TRIFECTA_ERROR_CODE: SYMBOL_NOT_FOUND\nCAUSE: No symbol Foo\nNEXT_STEPS:\n  Try Bar\n",
  );
  assert.deepEqual(r.structuredContent, {
    status: "error",
    error_code: "SYMBOL_NOT_FOUND",
    message: "No symbol Foo",
    next_steps: ["Try Bar"],
  });
});

Deno.test("errorResult keeps trifecta codes and names a Deno permission as the CLI does", () => {
  const own = errorResult(new TrifectaError("FILE_NOT_FOUND", "gone"), scope);
  assert.equal(own.structuredContent.error_code, "FILE_NOT_FOUND");
  assert.equal(
    errorResult(new Error("boom"), scope).structuredContent.error_code,
    "INTERNAL_ERROR",
  );
  assert.equal(errorResult("text", scope).structuredContent.message, "text");
  const denied = new Deno.errors.NotCapable(
    'Requires read access to "/repo/x.py", run again with the --allow-read flag',
  );
  assert.equal(
    errorResult(denied, scope).structuredContent.error_code,
    "PERMISSION_NOT_GRANTED",
  );
});

Deno.test("an MCP tool error shows the CLI's card, with steps naming the tool's arguments", () => {
  const err = new TrifectaError("BUDGET_EXCEEDED", "The excerpt needs 57 tokens", {
    nextSteps: [
      "Try --mode excerpt or --mode skeleton, or raise --budget-token-est",
      "--budget-token-est 57 would fit it",
    ],
  });
  const cli = renderErrorCard(err);
  const mcp = errorResult(err, scope);
  assert.match(cli, /raise --budget-token-est/);
  assert.deepEqual(mcp.structuredContent.next_steps, [
    'Try mode: "excerpt" or mode: "skeleton", or raise budget_tokens',
    "budget_tokens: 57 would fit it",
  ]);
  // Same code and message lines on both cards; only the steps are phrased apart.
  const head = (card: string) => card.split("NEXT_STEPS:")[0];
  assert.equal(head(mcp.content[0]?.text ?? ""), head(cli));
  assert.equal(mcp.structuredContent.message, toJsonError(err).message);
});

Deno.test("an MCP tool error replaces paths outside the segment and masks secrets, as the CLI does", () => {
  const sample = secretSamples().find((x) => x.rule.startsWith("github"));
  assert.ok(sample, "a GitHub token sample");
  const token = sample.secret;
  const err = new TrifectaError(
    "PATH_OUTSIDE_SEGMENT",
    `link leads to /home/alice/.ssh/x ${token}`,
    {
      details: { target: "/home/alice/.ssh/x" },
    },
  );
  const r = errorResult(err, scope);
  const message = String(r.structuredContent.message);
  assert.ok(message.includes(OUTSIDE_PATH), message);
  assert.ok(!message.includes("/home/alice"), message);
  assert.ok(!message.includes(token), message);
  assert.deepEqual(r.structuredContent.details, { target: OUTSIDE_PATH });
});

Deno.test("okResult is text plus structured content, not an error", () => {
  const r = okResult("hi", { status: "ok" });
  assert.equal(r.isError, undefined);
  assert.deepEqual(r.content, [{ type: "text", text: "hi" }]);
});
