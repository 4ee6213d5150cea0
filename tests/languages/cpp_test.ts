/**
 * C++: the fixture's skeleton (fixtures/cpp) equals the expected JSON, whose
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

Deno.test("cpp: the fixture's skeleton equals tests/languages/expected/cpp.json", async () => {
  const expected = await readExpected("cpp");
  await withFixtureCopy("cpp", async (dir) => {
    const actual = await skeletonOf(dir);
    deepEqual(actual, comparable(expected, actual));
  });
});

Deno.test("cpp: every symbol's sym:// URI resolves back to it (declaration and definition: both)", async () => {
  const expected = await readExpected("cpp");
  ok(flatten(expected).length >= 20, "the fixture holds at least 20 symbols");
  await withFixtureCopy("cpp", async (dir) => {
    await assertUrisResolve(dir, "cpp", expected);
  });
});

Deno.test("cpp: a syntax error still yields the symbols around it, with has_errors", async () => {
  const text = [
    "namespace app {",
    "/** Before is fine. */",
    "class Before {",
    " public:",
    "  int a() const { return 1; }",
    "};",
    "",
    "int oops()",
    "{",
    "  return ) 1;",
    "}",
    "",
    "/// After is fine too.",
    "int after() { return 1; }",
    "}  // namespace app",
    "",
  ].join("\n");
  await withTempSegment({ "broken.cpp": text }, async (dir) => {
    const skeleton = await skeletonOf(dir);
    const file = skeleton.files[0];
    ok(file, "one file");
    equal(file.has_errors, true);
    const names = flatten(skeleton).map((s) => s.symbol.qualified_name);
    deepEqual(names, ["app", "app.Before", "app.Before.a", "app.oops", "app.after"]);
    deepEqual(flatten(skeleton).map((s) => s.symbol.doc), [
      "",
      "Before is fine.",
      "",
      "",
      "After is fine too.",
    ]);
  });
});

const CLANG = onPath("clang") && onPath("python3");
if (!CLANG) console.log("cpp oracle test skipped: no `clang` or `python3` on PATH (Debian clang)");

Deno.test({
  name: "cpp: the expected JSON agrees with clang's AST (kinds, names, lines)",
  ignore: !CLANG,
  fn: async () => {
    await assertAgreesWithClang("cpp", await readExpected("cpp"), ["-Iinclude", "-Isrc"]);
  },
});
