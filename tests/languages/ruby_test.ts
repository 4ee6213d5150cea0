/**
 * Ruby: the fixture's skeleton (fixtures/ruby) equals the expected JSON,
 * whose kinds, names and lines agree with Ruby's own parser, Ripper
 * (bench/oracles/ruby/compare.rb), every symbol's `sym://` URI resolves
 * back to it, and a syntax error still yields the symbols around it.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import { withTempSegment } from "../e2e/helpers.ts";
import {
  assertResolves,
  comparable,
  expectedPath,
  fixtureDir,
  flatten,
  pathStyleUri,
  readExpected,
  skeletonOf,
  withFixtureCopy,
} from "./fixture_skeleton.ts";

Deno.test("ruby: the fixture's skeleton equals tests/languages/expected/ruby.json", async () => {
  const expected = await readExpected("ruby");
  await withFixtureCopy("ruby", async (dir) => {
    const actual = await skeletonOf(dir);
    deepEqual(actual, comparable(expected, actual));
  });
});

Deno.test("ruby: every symbol's sym:// URI resolves back to that symbol", async () => {
  const expected = await readExpected("ruby");
  const symbols = flatten(expected);
  ok(symbols.length >= 20, "the fixture holds at least 20 symbols");
  await withFixtureCopy("ruby", async (dir) => {
    for (const { path, symbol } of symbols) {
      const uri = symbol.uri ?? pathStyleUri("ruby", path, symbol.qualified_name);
      equal(uri, pathStyleUri("ruby", path, symbol.qualified_name), "uri follows the path rule");
      await assertResolves(dir, uri, path, symbol);
    }
  });
});

Deno.test("ruby: a syntax error still yields the symbols around it, with has_errors", async () => {
  const text = [
    "class Before",
    "  def ok; end",
    "end",
    "",
    "def broken(a",
    "  a +",
    "end",
    "",
    "# After is fine.",
    "class After",
    "  def fine",
    "    1",
    "  end",
    "end",
    "",
  ].join("\n");
  await withTempSegment({ "broken.rb": text }, async (dir) => {
    const skeleton = await skeletonOf(dir);
    const file = skeleton.files[0];
    ok(file, "one file");
    equal(file.has_errors, true);
    const got = flatten(skeleton).map((s) => [s.symbol.qualified_name, s.symbol.start_line]);
    deepEqual(got.filter(([q]) => q !== "broken"), [
      ["Before", 1],
      ["Before.ok", 2],
      ["After", 10],
      ["After.fine", 11],
    ]);
  });
});

Deno.test("ruby: a magic comment is no doc; an RDoc `##` opener line is skipped", async () => {
  const text = [
    "# frozen_string_literal: true",
    "class Plain; end",
    "class Documented",
    "  ##",
    "  # Real doc.",
    "  def x",
    "    1",
    "  end",
    "end",
    "",
  ].join("\n");
  await withTempSegment({ "docs.rb": text }, async (dir) => {
    const docs = flatten(await skeletonOf(dir)).map((s) => [s.symbol.qualified_name, s.symbol.doc]);
    deepEqual(docs, [["Plain", ""], ["Documented", ""], ["Documented.x", "Real doc."]]);
  });
});

const RUBY = Deno.env.get("PATH")?.split(":").some((d) => {
  try {
    return Deno.statSync(`${d}/ruby`).isFile;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotCapable) return false;
    throw err;
  }
}) ?? false;
if (!RUBY) console.log("ruby oracle test skipped: no `ruby` on PATH (Debian ruby)");

Deno.test({
  name: "ruby: the expected JSON agrees with Ripper (kinds, qualified names, lines)",
  ignore: !RUBY,
  fn: async () => {
    const oracle = fromFileUrl(new URL("../../bench/oracles/ruby/compare.rb", import.meta.url));
    const out = await new Deno.Command("ruby", {
      args: [oracle, fixtureDir("ruby"), expectedPath("ruby")],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const report = new TextDecoder().decode(out.stdout);
    equal(out.code, 0, report + new TextDecoder().decode(out.stderr));
    ok(report.includes("oracle (Ripper) definitions: 22"), report);
    ok(report.includes("line mismatches: 0\nmissing: 0\nextras: 0"), report);
  },
});
