import assert from "node:assert/strict";
import { countSymbols, parseSkeleton, renderSkeletonBody } from "../../lib/ast/mod.ts";
import type { SkeletonSymbol } from "../../lib/ast/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { runCli } from "../e2e/helpers.ts";
import { rows, withTempDir } from "./helpers.ts";

/**
 * Class expressions nested in field initializers: tree-sitter's query keeps
 * one pending state per open class body, so its time grows with the square
 * of the depth (about 15 s at 5,000 levels without the budget).
 */
function nestedFieldClasses(depth: number): string {
  return `const c = ${"class { x = ".repeat(depth)}1${"; m() {} }".repeat(depth)};\n`;
}

const enc = new TextEncoder();

Deno.test("budget: a file past its time budget fails PARSE_TOO_COMPLEX, and the next parse is sound", async () => {
  const hostile = enc.encode(nestedFieldClasses(6000));
  await assert.rejects(
    () =>
      parseSkeleton({ rel: "deep.ts", language: "typescript", bytes: hostile }, { budgetMs: 1 }),
    (err: unknown) => {
      assert.ok(err instanceof TrifectaError);
      assert.equal(err.code, "PARSE_TOO_COMPLEX");
      assert.equal(err.details.reason, "too_complex");
      assert.match(String(err.details.phase), /^(parse|query|extract)$/);
      return true;
    },
  );
  // A cancelled parse must not leak into the next one (the parser is reset).
  const ok = await parseSkeleton({
    rel: "ok.ts",
    language: "typescript",
    bytes: enc.encode("export class A {\n  m(): void {}\n}\n"),
  });
  assert.deepEqual(rows(ok), [["class", "A", 1, 3], ["method", "A.m", 2, 2]]);
  assert.equal(ok.has_errors, false);
});

Deno.test("budget: classes nested in method bodies cost one pass, not one per level", async () => {
  // 3,000 levels took ~4 s in tree-sitter's query before function bodies
  // were pruned from it, past the default budget (~1.1 s for this size);
  // now one linear pass.
  const depth = 3000;
  const text = `const c = ${"class { m() { return ".repeat(depth)}1${"} }".repeat(depth)};\n`;
  const sk = await parseSkeleton({ rel: "c.ts", language: "typescript", bytes: enc.encode(text) });
  assert.deepEqual(rows(sk), [["class", "c", 1, 1], ["method", "c.m", 1, 1]]);
});

Deno.test("budget: the CLI names a too-complex file: exit 1 when named, skipped as too_complex in a directory", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/deep.ts`, nestedFieldClasses(6000));
    const env = { TRIFECTA_LSP: "0", TRIFECTA_PARSE_BUDGET_MS: "1" };
    const one = await runCli(["ast", "skeleton", "deep.ts", "-s", dir], { env });
    assert.equal(one.code, 1, one.stderr);
    assert.match(one.stderr, /TRIFECTA_ERROR_CODE: PARSE_TOO_COMPLEX/);
    assert.match(one.stderr, /TRIFECTA_PARSE_BUDGET_MS/);
    assert.doesNotMatch(one.stderr, /INTERNAL_ERROR|\n\s+at /);
    const dirRun = await runCli(["ast", "skeleton", ".", "-s", dir], { env });
    assert.equal(dirRun.code, 0, dirRun.stderr);
    assert.match(dirRun.stdout, /skipped: deep\.ts \(too_complex\)/);
    assert.match(dirRun.stdout, /1 skipped \(1 too_complex\)/);
    assert.doesNotMatch(dirRun.stderr, /INTERNAL_ERROR/);
  });
});

Deno.test("python: trailing comment lines after nested blocks end no symbol, each row judged once", async () => {
  const text = [
    "class A:",
    "    class B:",
    "        def m(self):",
    "            pass",
    "        # trailing",
    "",
    "    # another",
    "",
    "x = 1",
    "",
  ].join("\n");
  const sk = await parseSkeleton({ rel: "t.py", language: "python", bytes: enc.encode(text) });
  assert.deepEqual(rows(sk), [
    ["class", "A", 1, 4],
    ["class", "A.B", 2, 4],
    ["method", "A.B.m", 3, 4],
  ]);
});

function chain(depth: number): SkeletonSymbol[] {
  const make = (i: number): SkeletonSymbol => ({
    kind: "class",
    name: `C${i}`,
    qualified_name: `C${i}`,
    start_line: i + 1,
    end_line: depth + 1,
    signature: `class C${i}`,
    decorators: [],
    doc: "",
    children: [],
  });
  const top = make(0);
  let cur = top;
  for (let i = 1; i < depth; i++) {
    const next = make(i);
    cur.children.push(next);
    cur = next;
  }
  return [top];
}

Deno.test("render: counting and rendering 20,000 nested symbols uses no recursion", () => {
  const symbols = chain(20_000);
  assert.deepEqual(countSymbols(symbols), { functions: 0, classes: 20_000, total: 20_000 });
  const body = renderSkeletonBody({
    path: "x.py",
    language: "python",
    sha256: "0".repeat(64),
    has_errors: false,
    bytes: 1,
    imports: [],
    symbols,
  });
  const lines = body.trimEnd().split("\n");
  assert.equal(lines.length, 20_000);
  assert.equal(lines[0], "  class C0  # L1-20001");
  assert.equal(lines[2]?.trimStart(), "class C2  # L3-20001");
});

Deno.test("budget: a file whose time is up but whose work is within the budget goes on (a loaded machine skips no ordinary file)", async () => {
  const { budgetSpent, CHECKS_PER_BUDGET_MS, startBudget } = await import(
    "../../lib/ast/budget.ts"
  );
  const b = startBudget(2);
  assert.equal(b.freeChecks, 2 * CHECKS_PER_BUDGET_MS);
  // As if the thread had been descheduled for longer than the whole budget.
  b.deadline = performance.now() - 1_000;
  for (let i = 0; i < b.freeChecks; i++) assert.equal(budgetSpent(b), false, `check ${i}`);
  assert.equal(budgetSpent(b), true, "past its work and its time");
  // Work past the budget but time left: still going.
  const early = startBudget(60_000);
  early.checks = early.freeChecks + 10;
  assert.equal(budgetSpent(early), false);
});
