import assert from "node:assert/strict";
import { markdownSkeleton, splitMarkdown } from "../../lib/context/chunk_markdown.ts";
import { nth } from "./helpers.ts";

Deno.test("splitMarkdown cuts at headings and keeps the heading path", () => {
  const s = splitMarkdown("intro\n# A\ntext a\n## B\ntext b\n# C\ntext c\n");
  assert.deepEqual(s.map((x) => x.headings), [[], ["A"], ["A", "B"], ["C"]]);
  assert.equal(nth(s, 2).text, "## B\ntext b\n");
  assert.deepEqual([nth(s, 2).start_line, nth(s, 2).end_line], [4, 5]);
});

Deno.test("splitMarkdown ignores # lines inside fenced code", () => {
  const s = splitMarkdown("# Top\n```sh\n# not a heading\n```\nafter\n");
  assert.equal(s.length, 1);
  assert.match(nth(s, 0).text, /# not a heading/);
});

Deno.test("markdownSkeleton keeps headings, fences and the declaration after a fence", () => {
  const sk = markdownSkeleton(
    "# Doc\nprose\n## Usage\n```python\ndef handler(x):\n    return x\n```\n",
  );
  assert.equal(sk, "# Doc\n## Usage\n```python\n  def handler(x):\n```");
});
