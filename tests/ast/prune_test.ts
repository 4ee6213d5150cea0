import assert from "node:assert/strict";
import { parseSkeleton } from "../../lib/ast/mod.ts";
import { rows, symbol } from "./helpers.ts";

function bigBody(indent: string, n: number): string {
  let body = "";
  for (let i = 0; i < n; i++) body += `${indent}value_${i} = compute("ünïcödé €", ${i})\n`;
  return body;
}

Deno.test("pruned query ranges: large bodies and non-ASCII text keep every outer definition", async () => {
  // Non-ASCII before and inside the bodies: query ranges are UTF-16 bytes,
  // node indices are string indices; a wrong conversion loses definitions.
  const source = [
    '"""Ünïcödé module — €."""',
    "class Service:",
    '    """Sérvice."""',
    "    def first(self):",
    '        """First döc."""',
    bigBody("        ", 60).trimEnd(),
    "        def nested_hidden():",
    "            pass",
    "",
    "    def second(self):",
    "        return 2",
    "",
    "    @property",
    "    def third(self):",
    bigBody("        ", 40).trimEnd(),
    "",
    "    class Inner:",
    "        def deep(self):",
    "            pass",
    "",
    "",
    "def top():",
    bigBody("    ", 80).trimEnd(),
    "    class HiddenToo:",
    "        pass",
    "",
    "",
    "import os",
    "",
    "",
    "def after():",
    '    """Äfter."""',
    "",
  ].join("\n");
  const sk = await parseSkeleton({
    rel: "big.py",
    language: "python",
    bytes: new TextEncoder().encode(source),
  });
  const lines = source.split("\n");
  const lineOf = (needle: string): number => lines.findIndex((l) => l.includes(needle)) + 1;
  assert.deepEqual(rows(sk), [
    ["class", "Service", 2, lineOf("def deep") + 1],
    ["method", "Service.first", 4, lineOf("def nested_hidden") + 1],
    ["method", "Service.second", lineOf("def second"), lineOf("return 2")],
    ["method", "Service.third", lineOf("def third"), lineOf("def third") + 40],
    ["class", "Service.Inner", lineOf("class Inner"), lineOf("class Inner") + 2],
    ["method", "Service.Inner.deep", lineOf("def deep"), lineOf("def deep") + 1],
    ["function", "top", lineOf("def top"), lineOf("class HiddenToo") + 1],
    ["function", "after", lineOf("def after"), lineOf("def after") + 1],
  ]);
  assert.equal(symbol(sk, "Service").doc, "Sérvice.");
  assert.equal(symbol(sk, "Service.first").doc, "First döc.");
  assert.deepEqual(symbol(sk, "Service.third").decorators, ["@property"]);
  assert.equal(symbol(sk, "after").doc, "Äfter.");
  assert.deepEqual(sk.imports, [{ text: "import os", line: lineOf("import os") }]);
});
