import assert from "node:assert/strict";
import { splitSource } from "../../lib/context/chunk_source.ts";
import type { FileSkeleton, SkeletonSymbol } from "../../lib/ast/mod.ts";

function sym(
  name: string,
  start: number,
  end: number,
  extra: Partial<SkeletonSymbol> = {},
): SkeletonSymbol {
  return {
    kind: "function",
    name,
    qualified_name: name,
    start_line: start,
    end_line: end,
    signature: `def ${name}():`,
    decorators: [],
    doc: "",
    children: [],
    ...extra,
  };
}

const TEXT = [
  '"""Module doc."""', // 1
  "import os", // 2
  "", // 3
  "LIMIT = 5", // 4
  "", // 5
  "@cached", // 6
  "def first():", // 7
  "    return 1", // 8
  "", // 9
  "class Second:", // 10
  "    def go(self):", // 11
  "        pass", // 12
].join("\n") + "\n";

const SKELETON: FileSkeleton = {
  path: "m.py",
  language: "python",
  sha256: "",
  has_errors: false,
  bytes: TEXT.length,
  skeleton_bytes: 0,
  imports: [{ text: "import os", line: 2 }],
  symbols: [
    sym("first", 7, 8, { decorators: ["@cached"], doc: "First." }),
    sym("Second", 10, 12, {
      kind: "class",
      signature: "class Second:",
      children: [
        sym("go", 11, 12, {
          kind: "method",
          qualified_name: "Second.go",
          signature: "def go(self):",
        }),
      ],
    }),
  ],
};

Deno.test("splitSource gives a module header and one piece per top-level symbol", () => {
  const pieces = splitSource(TEXT, SKELETON);
  assert.deepEqual(pieces.map((p) => p.kind), ["header", "code", "code"]);
  assert.equal(pieces[0]?.text, '"""Module doc."""\nimport os\n\nLIMIT = 5\n');
  assert.deepEqual([pieces[0]?.start_line, pieces[0]?.end_line], [1, 4]);
});

Deno.test("splitSource takes the decorators above a symbol into its piece", () => {
  const first = splitSource(TEXT, SKELETON)[1];
  assert.ok(first);
  assert.equal(first.text, "@cached\ndef first():\n    return 1\n");
  assert.equal(first.start_line, 6);
  assert.equal(first.symbol, "first");
});

Deno.test("splitSource lists member names and renders a skeleton with signatures only", () => {
  const second = splitSource(TEXT, SKELETON)[2];
  assert.ok(second);
  assert.deepEqual(second.symbol_names, ["Second", "go", "Second.go"]);
  assert.match(second.skeleton, /class Second:\n {4}def go\(self\):/);
  assert.doesNotMatch(second.skeleton, /pass/);
});

Deno.test("splitSource header skeleton lists imports and constants", () => {
  const header = splitSource(TEXT, SKELETON)[0];
  assert.ok(header);
  assert.equal(header.skeleton, "import os\nLIMIT = 5\n");
});
