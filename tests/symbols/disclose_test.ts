import assert from "node:assert/strict";
import { TrifectaError } from "../../lib/errors.ts";
import {
  discloseExcerpt,
  discloseRaw,
  discloseSkeleton,
  EXCERPT_MAX_LINES,
  type FileSkeleton,
  type SkeletonSymbol,
  splitLines,
} from "../../lib/ast/mod.ts";
import { enforceBudget } from "../../lib/symbols/mod.ts";
import { estimateTokens } from "../../lib/text.ts";

const source = [
  "import os", //                       1
  "", //                                2
  "", //                                3
  "@decorate(", //                      4
  "    'x',", //                        5
  ")", //                               6
  "def long_one(a, b):", //             7
  ...Array.from({ length: 40 }, (_, i) => `    v${i} = ${i}`), // 8..47
  "    return a", //                    48
  "", //                                49
  "def short(): pass", //               50
].join("\n") + "\n";

const lines = splitLines(source);

const longOne: SkeletonSymbol = {
  kind: "function",
  name: "long_one",
  qualified_name: "long_one",
  start_line: 7,
  end_line: 48,
  signature: "def long_one(a,\n        b)",
  decorators: ["@decorate(\n    'x',\n)"],
  doc: "Does a lot.",
  children: [],
};
const short: SkeletonSymbol = {
  ...longOne,
  name: "short",
  qualified_name: "short",
  start_line: 50,
  end_line: 50,
  signature: "def short()",
  decorators: [],
  doc: "",
};
const skeleton: FileSkeleton = {
  path: "m.py",
  language: "python",
  sha256: "",
  has_errors: false,
  bytes: source.length,
  skeleton_bytes: 0,
  imports: [{ text: "import os", line: 1 }],
  symbols: [longOne, short],
};

Deno.test("disclose: splitLines handles LF, CRLF and the final newline", () => {
  assert.deepEqual(splitLines("a\r\nb\n"), ["a", "b"]);
  assert.deepEqual(splitLines("a\n\nb"), ["a", "", "b"]);
  assert.deepEqual(splitLines(""), []);
});

Deno.test("disclose: raw is every line of the symbol, multi-line decorator included", () => {
  const d = discloseRaw(lines, { skeleton, symbol: longOne });
  assert.deepEqual(d.range, { start_line: 4, end_line: 48 });
  assert.equal(d.content, lines.slice(3, 48).join("\n") + "\n");
  assert.equal(d.truncated, false);
  assert.equal(d.token_est, estimateTokens(d.content));
});

Deno.test("disclose: excerpt past the line cap ends with a marker naming the lines left out", () => {
  const d = discloseExcerpt(lines, { skeleton, symbol: longOne });
  assert.equal(EXCERPT_MAX_LINES, 25);
  assert.deepEqual(d.range, { start_line: 2, end_line: 26 });
  const shown = d.content.split("\n").slice(0, -1);
  assert.equal(shown.length, 26);
  assert.deepEqual(shown.slice(0, 25), lines.slice(1, 26));
  assert.match(
    shown[25] ?? "",
    /^… truncated at the 25-line excerpt cap: lines 27-48 \(22 more\) not shown; use --mode raw$/,
  );
  assert.equal(d.truncated, true);
  assert.equal(d.truncated_reason, "line_cap");
  assert.equal(d.omitted_lines, 22);
});

Deno.test("disclose: a short symbol's excerpt has the margin on both sides, clamped to the file", () => {
  const d = discloseExcerpt(lines, { skeleton, symbol: short });
  assert.deepEqual(d.range, { start_line: 48, end_line: 50 });
  assert.equal(d.content, "    return a\n\ndef short(): pass\n");
  assert.equal(d.truncated, false);
});

Deno.test("disclose: skeleton mode shows decorators, the one-line signature, doc and line range", () => {
  const d = discloseSkeleton({ skeleton, symbol: longOne });
  assert.equal(
    d.content,
    '@decorate( \'x\', )\ndef long_one(a, b)  # L7-48\n    """Does a lot."""\n',
  );
  assert.equal(d.outline?.length, 1);
  assert.deepEqual(d.range, { start_line: 7, end_line: 48 });
});

Deno.test("disclose: skeleton of a module lists imports then every symbol", () => {
  const d = discloseSkeleton({ skeleton });
  const out = d.content.split("\n");
  assert.equal(out[0], "import os");
  assert.equal(out[1], "");
  assert.ok(out.includes("def short()  # L50-50"));
});

Deno.test("disclose: over the budget is BUDGET_EXCEEDED with the needed estimate", () => {
  const d = discloseRaw(lines, { skeleton, symbol: longOne });
  enforceBudget(d, d.token_est); // exactly the estimate fits
  enforceBudget(d, undefined); // no budget, no limit
  assert.throws(() => enforceBudget(d, d.token_est - 1), (err: unknown) => {
    assert.ok(err instanceof TrifectaError);
    assert.equal(err.code, "BUDGET_EXCEEDED");
    assert.match(
      err.message,
      new RegExp(`needs ~${d.token_est} tokens, over the budget of ${d.token_est - 1}`),
    );
    assert.equal(err.details.needed_token_est, d.token_est);
    assert.equal(err.details.budget_tokens, d.token_est - 1);
    assert.ok(err.nextSteps.some((s) => s.includes("--mode excerpt")));
    return true;
  });
});
