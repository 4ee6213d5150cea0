import assert from "node:assert/strict";
import { editDistance, randomHex, utf8Length } from "../lib/text.ts";

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

Deno.test("randomHex gives two hex digits per byte and differs between calls", () => {
  assert.match(randomHex(4), /^[0-9a-f]{8}$/);
  assert.match(randomHex(3), /^[0-9a-f]{6}$/);
  const seen = new Set(Array.from({ length: 50 }, () => randomHex(8)));
  assert.equal(seen.size, 50);
});
