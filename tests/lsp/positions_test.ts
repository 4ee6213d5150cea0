import assert from "node:assert/strict";
import { UsageError } from "../../lib/errors.ts";
import {
  fromLspPosition,
  identifierAt,
  parseLocation,
  splitLines,
  toLspPosition,
} from "../../lib/lsp/positions.ts";

Deno.test("positions: parseLocation takes the last two parts as 1-based numbers", () => {
  assert.deepEqual(parseLocation("src/a.py:3:7"), { file: "src/a.py", line: 3, col: 7 });
  assert.deepEqual(parseLocation("odd:name.py:1:1"), { file: "odd:name.py", line: 1, col: 1 });
  assert.throws(() => parseLocation("src/a.py:3"), UsageError);
  assert.throws(() => parseLocation("src/a.py:0:1"), UsageError);
});

Deno.test("positions: a character column becomes a UTF-16 offset (astral characters count 2)", () => {
  const text = "x = '🐍é'; name\n";
  // 'n' of name is the 12th character; before it: x, ,=, ,',🐍,é,',;, , → 🐍 is 2 UTF-16 units.
  const col = Array.from("x = '🐍é'; ").length + 1;
  assert.deepEqual(toLspPosition(text, { line: 1, col }), { line: 0, character: col });
  assert.deepEqual(fromLspPosition(splitLines(text), { line: 0, character: col }), {
    line: 1,
    col,
  });
});

Deno.test("positions: a line past the end is a usage error", () => {
  assert.throws(() => toLspPosition("a\nb", { line: 5, col: 1 }), UsageError);
});

Deno.test("positions: identifierAt finds the whole name under (or just after) the cursor", () => {
  const text = "def restock(inventory: Inventory, sku: str) -> int:";
  assert.deepEqual(identifierAt(text, { line: 1, col: 25 }), { name: "Inventory", col: 24 });
  assert.deepEqual(identifierAt(text, { line: 1, col: 33 }), { name: "Inventory", col: 24 });
  assert.equal(identifierAt("x  =  y", { line: 1, col: 4 }), undefined);
  assert.equal(identifierAt("größe = 1", { line: 1, col: 3 })?.name, "größe");
});
