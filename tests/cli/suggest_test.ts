import assert from "node:assert/strict";
import { nearest } from "../../lib/cli/suggest.ts";

Deno.test("nearest returns close candidates best first and nothing for far words", () => {
  assert.deepEqual(nearest("lit", ["off", "lite", "full"]), ["lite"]);
  assert.deepEqual(nearest("--segmnt", ["--segment", "--json", "--telemetry"]), ["--segment"]);
  assert.deepEqual(nearest("zzzzzz", ["off", "lite", "full"]), []);
});
