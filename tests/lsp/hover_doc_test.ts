/**
 * lib/lsp/hover_doc.ts on hover texts recorded from the real servers
 * (pyright 1.1.414, typescript-language-server 5.3.0 with TypeScript
 * 5.9.3, gopls, clangd 14) for a member that inherits its documentation,
 * and on the source files that documentation was written in.
 */
import assert from "node:assert/strict";
import {
  hoverWords,
  indexWords,
  linesFinder,
  MAX_SKIPPED_WORDS,
  sourceWords,
  splitHover,
  wordsFoundIn,
} from "../../lib/lsp/hover_doc.ts";

/** pyright: `A().run(1)`, `run` inherited from `Base.run` two classes up. */
const PYRIGHT =
  "```python\n(method) def run(\n    self: Self@A,\n    x: int\n) -> int\n```\n---\nRun the \\*base\\* thing with `x`\\_under.\n\nSecond paragraph: a\\_b \\* c and [link](http://x).\nArgs:  \n&nbsp;&nbsp;&nbsp;&nbsp;x: the value";

const PYRIGHT_SOURCE = [
  "class Base:",
  "    def run(self, x: int) -> int:",
  '        """Run the *base* thing with `x`_under.',
  "",
  "        Second paragraph: a_b * c and [link](http://x).",
  "        Args:",
  "            x: the value",
  '        """',
  "        return x",
];

/** typescript-language-server: `new A().run(1)`, JSDoc inherited from `Base.run`. */
const TSSERVER =
  "\n```typescript\n(method) A.run(x: number): number\n```\nRun the *base* thing with `x` under_score.\n\nSee [Base](file:///tmp/probe/ts/base.ts#L2%2C1) for more.\n\n*@param* `x` — the value  \n\n*@returns* — a number  \n\n*@example*  \n```typescript\nnew Base().run(1)\n```";

const TS_SOURCE = [
  "export class Base {",
  "  /**",
  "   * Run the *base* thing with `x` under_score.",
  "   *",
  "   * See {@link Base} for more.",
  "   * @param {number} x the value",
  "   * @returns a number",
  "   * @example",
  "   * new Base().run(1)",
  "   */",
  "  run(x: number): number {",
];

/** gopls: a method promoted through an embedded struct. */
const GOPLS =
  "```go\nfunc (Base).Run() int\n```\n\nRun runs the\\_thing \\* fast.\n\n\n[`(m.Base).Run` on pkg.go.dev](https://pkg.go.dev/example.com/m#Base.Run)";

/** clangd 14: an override without a doc comment (clangd shows no inherited one). */
const CLANGD =
  "### instance-method `run`  \n\n---\n→ `int`  \nParameters:  \n- `int x`\n\n---\n```cpp\n// In A\npublic: int run(int x)\n```";

function traced(hover: string, backend: string, source: readonly string[]): boolean[] {
  const index = indexWords(sourceWords(source));
  return splitHover(hover, backend).doc.map((p) => wordsFoundIn(hoverWords(p), index));
}

Deno.test("splitHover: pyright's signature fence is the code part, the docstring after `---` the doc part", () => {
  const parts = splitHover(PYRIGHT, "lsp_pyright");
  assert.equal(
    parts.code,
    "```python\n(method) def run(\n    self: Self@A,\n    x: int\n) -> int\n```",
  );
  assert.deepEqual(parts.doc, [
    "Run the \\*base\\* thing with `x`\\_under.",
    "Second paragraph: a\\_b \\* c and [link](http://x).\nArgs:  \n&nbsp;&nbsp;&nbsp;&nbsp;x: the value",
  ]);
});

Deno.test("splitHover: a fenced @example inside typescript-language-server's JSDoc is documentation, not code", () => {
  const parts = splitHover(TSSERVER, "lsp_typescript");
  assert.equal(parts.code, "```typescript\n(method) A.run(x: number): number\n```");
  assert.equal(parts.doc.at(-1), "new Base().run(1)");
  assert.equal(parts.doc.length, 6);
});

Deno.test("splitHover: gopls's pkg.go.dev link and clangd's generated lines are code, not documentation", () => {
  const go = splitHover(GOPLS, "lsp_gopls");
  assert.deepEqual(go.doc, ["Run runs the\\_thing \\* fast."]);
  assert.match(
    go.code,
    /^```go\nfunc \(Base\)\.Run\(\) int\n```\n\n\[`\(m\.Base\)\.Run` on pkg\.go\.dev\]/,
  );
  const c = splitHover(CLANGD, "lsp_clangd");
  assert.deepEqual(c.doc, []);
  assert.equal(c.code, CLANGD);
  // The same lines from another server are documentation to trace.
  assert.deepEqual(splitHover(CLANGD, "lsp_pyright").doc, [
    "### instance-method `run`  ",
    "→ `int`  \nParameters:  \n- `int x`",
  ]);
});

Deno.test("splitHover: clangd's doc comment between its generated lines is documentation", () => {
  const hover =
    "### function `connect`  \n\n---\nHEADERDOC documented in a header.\n\n---\n→ `int`  \n\n---\n```cpp\nint connect(void)\n```";
  const parts = splitHover(hover, "lsp_clangd");
  assert.deepEqual(parts.doc, ["HEADERDOC documented in a header."]);
  assert.equal(
    parts.code,
    "### function `connect`  \n\n---\n\n→ `int`  \n\n---\n```cpp\nint connect(void)\n```",
  );
});

Deno.test("splitHover: a plain-text hover is all documentation; a signature alone has none", () => {
  assert.deepEqual(splitHover("def f() -> int", "lsp_custom"), {
    code: "",
    doc: ["def f() -> int"],
  });
  assert.deepEqual(splitHover("```python\nclass A()\n```", "lsp_pyright").doc, []);
});

Deno.test("hoverWords: Markdown escapes, entities and link targets the servers add are undone", () => {
  assert.deepEqual(hoverWords("a\\_b \\*c\\* &nbsp;&lt;T&gt; &#65;"), ["a_b", "c", "T", "A"]);
  assert.deepEqual(
    hoverWords("See [Base](file:///x/base.ts#L2%2C1) or [`os.File`](https://pkg.go.dev/os#File)"),
    [
      "See",
      "Base",
      "or",
      "os",
      "File",
    ],
  );
});

Deno.test("wordsFoundIn: words in order, at most MAX_SKIPPED_WORDS apart; none is always found", () => {
  const gap = Array.from({ length: MAX_SKIPPED_WORDS }, (_, i) => `w${i}`);
  const file = indexWords(["a", ...gap, "b", "c", ...gap, "x", "d"]);
  assert.equal(wordsFoundIn(["a", "b", "c"], file), true);
  assert.equal(wordsFoundIn(["c", "d"], file), false, "one word too many between");
  assert.equal(wordsFoundIn(["b", "a"], file), false, "order counts");
  assert.equal(wordsFoundIn(["a", "z"], file), false);
  assert.equal(wordsFoundIn([], file), true);
});

Deno.test("the documentation pyright and typescript-language-server show is found in the file it was written in", () => {
  assert.deepEqual(traced(PYRIGHT, "lsp_pyright", PYRIGHT_SOURCE), [true, true]);
  assert.deepEqual(traced(TSSERVER, "lsp_typescript", TS_SOURCE), [
    true,
    true,
    true,
    true,
    true,
    true,
  ]);
  assert.deepEqual(
    traced(GOPLS, "lsp_gopls", ["// Run runs the_thing * fast.", "func (Base) Run() int"]),
    [
      true,
    ],
  );
});

Deno.test("documentation is not found in a file that does not hold it (the overriding class's file)", () => {
  const override = ["class A(Mid):", "    def run(self, x: int) -> int:", "        return 2"];
  assert.deepEqual(traced(PYRIGHT, "lsp_pyright", override), [false, false]);
  const tsOverride = ["export class A extends Base {", "  override run(x: number): number {"];
  assert.deepEqual(traced(TSSERVER, "lsp_typescript", tsOverride).includes(true), false);
});

Deno.test("linesFinder: finds a paragraph around its longest word, and in a file where that word is on every line", () => {
  const doc = ["Returns the value of the_thing, masked."];
  const source = ["x = 1", ...doc.map((d) => `    ${d}`), "y = 2"];
  const sparse = linesFinder(source);
  assert.equal(sparse(hoverWords("Returns the value of the\\_thing, *masked*.")), true);
  assert.equal(sparse(hoverWords("Returns the value of the other thing.")), false);
  // "the_thing" on more lines than are searched around: the whole file is indexed once.
  const crowded = linesFinder([...Array(50).fill("the_thing = the_thing + 1"), ...source]);
  assert.equal(crowded(hoverWords("Returns the value of the\\_thing, masked.")), true);
  assert.equal(crowded(hoverWords("masked the\\_thing")), false);
});
