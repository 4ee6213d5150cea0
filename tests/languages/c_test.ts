/**
 * C: the fixture's skeleton (fixtures/c) equals the expected JSON, whose
 * kinds, names and lines agree with clang's own AST
 * (bench/oracles/clang), every symbol's `sym://` URI resolves back to it,
 * and a syntax error still yields the symbols around it.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { withTempSegment } from "../e2e/helpers.ts";
import { assertAgreesWithClang, assertUrisResolve, onPath } from "./c_family.ts";
import {
  comparable,
  flatten,
  readExpected,
  skeletonOf,
  withFixtureCopy,
} from "./fixture_skeleton.ts";

Deno.test("c: the fixture's skeleton equals tests/languages/expected/c.json", async () => {
  const expected = await readExpected("c");
  await withFixtureCopy("c", async (dir) => {
    const actual = await skeletonOf(dir);
    deepEqual(actual, comparable(expected, actual));
  });
});

Deno.test("c: every symbol's sym:// URI resolves back to it (declaration and definition: both)", async () => {
  const expected = await readExpected("c");
  ok(flatten(expected).length >= 20, "the fixture holds at least 20 symbols");
  await withFixtureCopy("c", async (dir) => {
    await assertUrisResolve(dir, "c", expected);
  });
});

Deno.test("c: a syntax error still yields the symbols around it, with has_errors", async () => {
  const text = [
    "/** Before is fine. */",
    "struct before { int a; };",
    "",
    "int oops(void)",
    "{",
    "  return ) 1;",
    "}",
    "",
    "/// After is fine too.",
    "int after(void) { return 1; }",
    "",
  ].join("\n");
  await withTempSegment({ "broken.c": text }, async (dir) => {
    const skeleton = await skeletonOf(dir);
    const file = skeleton.files[0];
    ok(file, "one file");
    equal(file.has_errors, true);
    const names = flatten(skeleton).map((s) => s.symbol.qualified_name);
    deepEqual(names, ["before", "oops", "after"]);
    deepEqual(flatten(skeleton).map((s) => s.symbol.doc), [
      "Before is fine.",
      "",
      "After is fine too.",
    ]);
  });
});

const CLANG = onPath("clang") && onPath("python3");
if (!CLANG) console.log("c oracle test skipped: no `clang` or `python3` on PATH (Debian clang)");

Deno.test({
  name: "c: the expected JSON agrees with clang's AST (kinds, names, lines)",
  ignore: !CLANG,
  fn: async () => {
    await assertAgreesWithClang("c", await readExpected("c"), ["-Iinclude"]);
  },
});
