import assert from "node:assert/strict";
import {
  countSymbols,
  outlineLines,
  renderSkeletonText,
  renderSymbolStub,
} from "../../lib/ast/mod.ts";
import { docCommentLine, docstringLine, oneLine, utf8Length } from "../../lib/ast/text_utils.ts";
import { languageSpec } from "../../lib/languages/mod.ts";
import { parseFixture } from "./helpers.ts";

Deno.test("text outline: indented, one-line signatures, line ranges, decorators and docs", async () => {
  const sk = await parseFixture("python/nested.py");
  const text = renderSkeletonText(sk);
  const lines = text.split("\n");
  assert.equal(lines[0], "python/nested.py (python, 939 bytes)");
  assert.ok(lines.includes("  import os"));
  assert.ok(lines.includes("  class Outer(Base, metaclass=Meta)  # L9-37: Outer class."));
  assert.ok(lines.includes("    class Inner  # L15-19: Inner doc."));
  assert.ok(lines.includes("      def method(self)  # L18-19"));
  assert.ok(lines.includes("    @property def size(self) -> int  # L22-23"));
  assert.ok(
    lines.includes(
      '  def multi_line(first: int, second: str = "x") -> dict[str, Any]  # L51-56: Raw docstring first line.',
    ),
  );
  assert.ok(lines.includes("  @overload def conv(x: int) -> int  # L60"));
  assert.equal(sk.skeleton_bytes, utf8Length(text));
});

Deno.test("text outline: very long signatures are clipped to 300 characters in text, to 1 KiB in JSON", async () => {
  const sk = await parseFixture("python/long_line.py");
  const line = renderSkeletonText(sk).split("\n").find((l) => l.includes("very_long"));
  assert.ok(line !== undefined);
  assert.ok(line.length < 400);
  assert.ok(line.includes(" …"));
  const sig = sk.symbols[0]?.signature.length ?? 0;
  assert.ok(sig > 300 && sig <= 1026, String(sig));
});

Deno.test("text outline: has_errors is shown in the header", async () => {
  const sk = await parseFixture("python/broken.py");
  assert.equal(
    renderSkeletonText(sk).split("\n")[0],
    "python/broken.py (python, 114 bytes, has_errors)",
  );
});

Deno.test("doc lines: python string prefixes and quotes, JSDoc stars", () => {
  assert.equal(docstringLine('"""\n\n  First line.\n  More.\n"""'), "First line.");
  assert.equal(docstringLine("r'''raw'''"), "raw");
  assert.equal(docstringLine("'single'"), "single");
  assert.equal(docstringLine('""""""'), "");
  const jsdoc = languageSpec("typescript").comments;
  assert.equal(docCommentLine("/**\n * Summary here.\n * @param x\n */", jsdoc), "Summary here.");
  assert.equal(docCommentLine("/** One liner. */", jsdoc), "One liner.");
});

Deno.test("oneLine collapses whitespace inside brackets", () => {
  assert.equal(oneLine("def f(\n    a,\n    b,\n) -> int"), "def f(a, b) -> int");
  assert.equal(oneLine("plain"), "plain");
});

Deno.test("countSymbols counts classes and functions at any depth", async () => {
  const sk = await parseFixture("python/nested.py");
  assert.deepEqual(countSymbols(sk.symbols), { functions: 10, classes: 2, total: 12 });
});

Deno.test("outlineLines are the lines of the text outline, with symbol lines marked", async () => {
  for (const rel of ["python/nested.py", "typescript/shapes.ts"]) {
    const sk = await parseFixture(rel);
    const lines = outlineLines(sk);
    assert.equal(lines.map((l) => l.text).join("\n") + "\n", renderSkeletonText(sk), rel);
    assert.equal(lines.filter((l) => l.symbol).length, countSymbols(sk.symbols).total, rel);
    assert.equal(lines[0]?.symbol, false);
  }
});

Deno.test("symbol stubs: four-space members and `...` bodies in Python, two-space members in TypeScript", async () => {
  const py = await parseFixture("python/nested.py");
  const outer = py.symbols.find((s) => s.name === "Outer");
  assert.ok(outer);
  assert.deepEqual(renderSymbolStub(outer, "python").slice(0, 9), [
    "class Outer(Base, metaclass=Meta)",
    '    """Outer class."""',
    "    class Inner",
    '        """Inner doc."""',
    "        def method(self)",
    "            ...",
    "    @property",
    "    def size(self) -> int",
    "        ...",
  ]);
  const ts = await parseFixture("typescript/shapes.ts");
  const circle = ts.symbols.find((s) => s.name === "Circle");
  assert.ok(circle);
  assert.deepEqual(renderSymbolStub(circle, "typescript"), [
    "export class Circle extends BaseShape",
    "  constructor(id: string, private radius: number)",
    "  area(): number",
  ]);
});
