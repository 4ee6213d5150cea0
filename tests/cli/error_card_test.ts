import assert from "node:assert/strict";
import { renderErrorCard, toJsonError } from "../../lib/cli/error_card.ts";
import { toTrifectaError, TrifectaError } from "../../lib/errors.ts";

Deno.test("renderErrorCard prints the stable markers in order", () => {
  const card = renderErrorCard(
    new TrifectaError("FILE_NOT_FOUND", "No such file: a.py", { nextSteps: ["Check the path"] }),
  );
  assert.equal(
    card,
    "TRIFECTA_ERROR_CODE: FILE_NOT_FOUND\nCAUSE: No such file: a.py\nNEXT_STEPS:\n  Check the path\n",
  );
});

Deno.test("toJsonError gives status, error_code and message", () => {
  const obj = toJsonError(new TrifectaError("INVALID_URI", "bad", { details: { uri: "x" } }));
  assert.deepEqual(obj, {
    status: "error",
    error_code: "INVALID_URI",
    message: "bad",
    next_steps: [],
    details: { uri: "x" },
  });
});

Deno.test("toTrifectaError turns an unexpected error into INTERNAL_ERROR", () => {
  const e = toTrifectaError(new RangeError("boom"));
  assert.equal(e.code, "INTERNAL_ERROR");
  assert.equal(e.exitCode, 1);
  const same = new TrifectaError("X", "y");
  assert.equal(toTrifectaError(same), same);
});
