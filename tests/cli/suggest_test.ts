import assert from "node:assert/strict";
import { editDistance, nearest } from "../../lib/cli/suggest.ts";

Deno.test("editDistance counts insertions, deletions and substitutions", () => {
  assert.equal(editDistance("json", "json"), 0);
  assert.equal(editDistance("jsn", "json"), 1);
  assert.equal(editDistance("lite", "lit"), 1);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("", "abc"), 3);
});

Deno.test("nearest returns close candidates best first and nothing for far words", () => {
  assert.deepEqual(nearest("lit", ["off", "lite", "full"]), ["lite"]);
  assert.deepEqual(nearest("--segmnt", ["--segment", "--json", "--telemetry"]), ["--segment"]);
  assert.deepEqual(nearest("zzzzzz", ["off", "lite", "full"]), []);
});
