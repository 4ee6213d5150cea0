import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  collectSkeletonTargets,
  type FileSkeleton,
  skeletonOfFiles,
  type SkeletonSymbol,
} from "../../lib/ast/mod.ts";
import { budgetOutline, fitSymbolAnswer, MIN_SKELETON_BUDGET } from "../../lib/mcp/budget.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { symbolJson } from "../../lib/symbols/mod.ts";
import { estimateTokens } from "../../lib/text.ts";

function sym(name: string, line: number, children: SkeletonSymbol[] = []): SkeletonSymbol {
  return {
    kind: children.length > 0 ? "class" : "function",
    name,
    qualified_name: name,
    start_line: line,
    end_line: line + 3,
    signature: children.length > 0 ? `class ${name}` : `def ${name}(self, value: int) -> int`,
    decorators: [],
    doc: `Does ${name}.`,
    children,
  };
}

function file(path: string, n: number): FileSkeleton {
  const symbols = Array.from({ length: n }, (_, i) => sym(`f${i}`, i * 5 + 1));
  return {
    path,
    language: "python",
    sha256: "0".repeat(64),
    has_errors: false,
    bytes: 1000,
    skeleton_bytes: 100,
    imports: [{ text: "import os", line: 1 }],
    symbols: [sym("Outer", 200, symbols.slice(0, 3)), ...symbols],
  } as unknown as FileSkeleton;
}

const files = [file("a.py", 30), file("b.py", 30), file("c.py", 30)];

Deno.test("budgetOutline keeps everything when the budget is large, with no marker", () => {
  const o = budgetOutline(files, { budgetTokens: 100_000 });
  assert.equal(o.truncated, false);
  assert.equal(o.files_omitted, 0);
  assert.equal(o.symbols_omitted, 0);
  assert.doesNotMatch(o.text, /truncated/);
  assert.deepEqual(o.files.map((f) => f.shown), ["full", "full", "full"]);
});

Deno.test("budgetOutline never exceeds the budget and says what it left out", () => {
  const whole = budgetOutline(files, { budgetTokens: 100_000 }).token_est;
  for (let budget = MIN_SKELETON_BUDGET; budget < whole; budget += 37) {
    const o = budgetOutline(files, { budgetTokens: budget });
    assert.ok(estimateTokens(o.text) <= budget, `${estimateTokens(o.text)} > ${budget}`);
    assert.equal(o.token_est, estimateTokens(o.text));
    assert.equal(o.truncated, true);
    const m = /… \[truncated to budget_tokens=(\d+): (\d+) symbol\(s\) and (\d+) more file\(s\)/
      .exec(o.text);
    assert.ok(m, o.text);
    assert.equal(Number(m[2]), o.symbols_omitted);
    assert.equal(Number(m[3]), o.files_omitted);
    const shownSymbols = o.text.split("\n").filter((l) => /# L\d+/.test(l)).length;
    assert.equal(shownSymbols + o.symbols_omitted, o.symbols_total);
  }
});

Deno.test("budgetOutline cuts the first file that does not fit by lines and drops the rest", () => {
  const o = budgetOutline(files, { budgetTokens: 500 });
  const shown = o.files.map((f) => `${f.path}:${f.shown}`);
  assert.ok(shown.length >= 1 && shown.length <= 3);
  assert.equal(o.files[o.files.length - 1]?.shown, "partial");
  assert.equal(o.files_omitted, 3 - o.files.length);
  assert.ok(o.text.startsWith("a.py (python, 1000 bytes)\n  import os\n"));
});

Deno.test("fitSymbolAnswer keeps the symbol answer within budget_tokens and marks the cut", () => {
  const list = Array.from({ length: 500 }, (_, i) => ({
    kind: "function",
    name: `f${i}`,
    signature: `def f${i}(${"a, ".repeat(100)}b)`,
    children: [],
  }));
  const head = { status: "ok", uri: "sym://python/mod/m", file: "m.py" };
  for (const budget of [256, 1000, 5000]) {
    const r = fitSymbolAnswer(head, list, { budgetTokens: budget });
    assert.ok(estimateTokens(r.text) <= budget, `${budget}: ~${estimateTokens(r.text)}`);
    assert.equal(r.structured.truncated, true);
    assert.match(r.text, new RegExp(`truncated to budget_tokens=${budget}`));
    assert.equal(r.structured.token_est, estimateTokens(r.text));
  }
  const whole = fitSymbolAnswer(head, list.slice(0, 2), { budgetTokens: 2000 });
  assert.equal(whole.structured.truncated, false);
  assert.equal((whole.structured.symbols as unknown[]).length, 2);
});

Deno.test("fitSymbolAnswer cuts a head too large for the budget on its own", () => {
  const head = { status: "ok", uri: "sym://python/mod/m", symbol: { signature: "x".repeat(5000) } };
  const r = fitSymbolAnswer(head, [], { budgetTokens: 256 });
  assert.ok(estimateTokens(r.text) <= 256);
  assert.equal(r.structured.truncated, true);
});

let libParsed: Promise<FileSkeleton[]> | undefined;

/** Real skeletons: every source file of trifecta's own lib/, in path order (parsed once). */
function libSkeletons(): Promise<FileSkeleton[]> {
  libParsed ??= parseLib();
  return libParsed;
}

async function parseLib(): Promise<FileSkeleton[]> {
  const segment = await resolveSegment(fileURLToPath(new URL("../..", import.meta.url)));
  const targets = await collectSkeletonTargets(segment, ["lib"]);
  const batch = await skeletonOfFiles(segment, targets.files, { workers: 2 });
  return batch.files.flatMap((o) => (o.skeleton ? [o.skeleton] : []));
}

Deno.test("budgetOutline of lib/'s real outlines stays within each budget by estimateTokens, marker included", async () => {
  const skeletons = await libSkeletons();
  assert.ok(skeletons.length > 100, `${skeletons.length} files of lib/`);
  const whole = budgetOutline(skeletons, { budgetTokens: 1_000_000 });
  assert.equal(whole.truncated, false);
  assert.ok(whole.token_est > 20_000, `${whole.token_est} tokens for all of lib/`);
  for (const budget of [64, 300, 2_000, 8_000, 20_000, whole.token_est - 1, whole.token_est]) {
    const o = budgetOutline(skeletons, { budgetTokens: budget });
    const got = estimateTokens(o.text);
    assert.ok(got <= budget, `budget ${budget}: the outline is ~${got} tokens`);
    assert.equal(o.token_est, got);
    assert.equal(o.truncated, budget < whole.token_est, `budget ${budget}`);
    if (o.truncated) assert.match(o.text, /\n… \[truncated to budget_tokens=\d+: .*\]\n$/);
    // Most of the budget is used: the bound is not so loose that it wastes it.
    if (budget >= 2_000) assert.ok(got >= budget * 0.9, `budget ${budget}: only ${got} used`);
  }
});

Deno.test("fitSymbolAnswer keeps the text and the structured JSON of real modules within each budget", async () => {
  const skeletons = await libSkeletons();
  const big = [...skeletons].sort((a, b) => b.symbols.length - a.symbols.length).slice(0, 5);
  for (const sk of big) {
    const head = { status: "ok", uri: `sym://typescript/mod/${sk.path}`, file: sk.path };
    const list = sk.symbols.map(symbolJson);
    for (const budget of [256, 700, 2_000, 6_000]) {
      const r = fitSymbolAnswer(head, list, { budgetTokens: budget });
      const what = `${sk.path} at ${budget}`;
      assert.ok(estimateTokens(r.text) <= budget, `${what}: text ~${estimateTokens(r.text)}`);
      const json = JSON.stringify(r.structured);
      assert.ok(estimateTokens(json) <= budget, `${what}: JSON ~${estimateTokens(json)}`);
      assert.equal(r.structured.token_est, estimateTokens(r.text));
      const shown = (r.structured.symbols as unknown[]).length;
      assert.equal(shown + (r.structured.symbols_omitted as number), list.length, what);
    }
  }
});
