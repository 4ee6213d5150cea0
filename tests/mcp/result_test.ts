import assert from "node:assert/strict";
import { TrifectaError } from "../../lib/errors.ts";
import { asTrifectaError, errorResult, okResult } from "../../lib/mcp/mod.ts";

Deno.test("errorResult carries the code in the text card and the structured content", () => {
  const r = errorResult(
    new TrifectaError("SYMBOL_NOT_FOUND", "No symbol Foo", { nextSteps: ["Try Bar"] }),
  );
  assert.equal(r.isError, true);
  assert.equal(
    r.content[0].text,
    "TRIFECTA_ERROR_CODE: SYMBOL_NOT_FOUND\nCAUSE: No symbol Foo\nNEXT_STEPS:\n  - Try Bar\n",
  );
  assert.deepEqual(r.structuredContent, {
    status: "error",
    error_code: "SYMBOL_NOT_FOUND",
    message: "No symbol Foo",
    next_steps: ["Try Bar"],
  });
});

Deno.test("asTrifectaError keeps trifecta codes and names anything else INTERNAL_ERROR", () => {
  const own = new TrifectaError("FILE_NOT_FOUND", "gone");
  assert.equal(asTrifectaError(own), own);
  assert.equal(asTrifectaError(new Error("boom")).code, "INTERNAL_ERROR");
  assert.equal(asTrifectaError("text").message, "text");
  assert.equal(asTrifectaError(new Deno.errors.NotCapable("no")).code, "PERMISSION_DENIED");
});

Deno.test("okResult is text plus structured content, not an error", () => {
  const r = okResult("hi", { status: "ok" });
  assert.equal(r.isError, undefined);
  assert.deepEqual(r.content, [{ type: "text", text: "hi" }]);
});
