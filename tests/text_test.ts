import assert from "node:assert/strict";
import { editDistance, estimateTokens, randomHex, TokenTally, utf8Length } from "../lib/text.ts";

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

Deno.test("TokenTally gives exactly estimateTokens of the concatenation, piece by piece", () => {
  const pieces = [
    "",
    "  ",
    "def f():\n",
    "\t\treturn 1",
    " ",
    "\u00a0x",
    "😀😀",
    "\n\n",
    "a b",
    "  tail  ",
  ];
  // Every ordered pair and triple of pieces, so whitespace runs that cross a
  // boundary (and leading/trailing blanks) are covered.
  for (const a of pieces) {
    for (const b of pieces) {
      for (const c of pieces) {
        const tally = new TokenTally();
        tally.add(a);
        assert.equal(tally.tokens, estimateTokens(a));
        tally.add(b);
        assert.equal(tally.tokensWith(c), estimateTokens(a + b + c), JSON.stringify([a, b, c]));
        assert.equal(tally.tokens, estimateTokens(a + b));
      }
    }
  }
});

Deno.test("estimateTokens collapses whitespace runs and counts code points, rounding up", () => {
  assert.equal(estimateTokens(""), 0);
  assert.equal(estimateTokens(" \n\t "), 0);
  assert.equal(estimateTokens("abcd"), 1);
  assert.equal(estimateTokens("abcde"), 2);
  assert.equal(estimateTokens("  ab   \n\n  cd  "), 2); // "ab cd": 5 code points
  assert.equal(estimateTokens("😀😀😀😀"), 1); // 4 code points, 8 UTF-16 units
});
