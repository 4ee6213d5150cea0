import assert from "node:assert/strict";
import { editDistance, utf8Length } from "../lib/text.ts";

Deno.test("editDistance counts insertions, deletions and substitutions", () => {
  assert.equal(editDistance("json", "json"), 0);
  assert.equal(editDistance("jsn", "json"), 1);
  assert.equal(editDistance("lite", "lit"), 1);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("", "abc"), 3);
});

Deno.test("utf8Length equals the encoder's byte count, surrogates included", () => {
  const enc = new TextEncoder();
  for (const s of ["", "abc", "héllo", "日本語", "emoji 😀 x", "\uD800", "a\uDC00b", "end\uD83D"]) {
    assert.equal(utf8Length(s), enc.encode(s).length, JSON.stringify(s));
  }
});
