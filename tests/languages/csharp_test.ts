/**
 * C#: the fixture's skeleton (fixtures/csharp) equals the expected JSON,
 * whose kinds, names, lines and docs agree with our own C# scanner
 * (bench/oracles/csharp/skeleton_oracle.py: no C# compiler parser API is at
 * hand), every symbol's `sym://` URI resolves back to it, and a syntax error
 * still yields the symbols around it.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import { withTempSegment } from "../e2e/helpers.ts";
import {
  comparable,
  fixtureDir,
  flatten,
  readExpected,
  skeletonOf,
  withFixtureCopy,
} from "./fixture_skeleton.ts";
import { assertUrisResolve } from "./overloads.ts";

Deno.test("csharp: the fixture's skeleton equals tests/languages/expected/csharp.json", async () => {
  const expected = await readExpected("csharp");
  await withFixtureCopy("csharp", async (dir) => {
    const actual = await skeletonOf(dir);
    deepEqual(actual, comparable(expected, actual));
  });
});

Deno.test("csharp: every symbol's sym:// URI resolves back to it (overloads: all of them)", async () => {
  const expected = await readExpected("csharp");
  ok(flatten(expected).length >= 40, "the fixture holds at least 40 symbols");
  await withFixtureCopy("csharp", async (dir) => {
    // Shared: Inventory's three constructors (the static one too) and its
    // two Receive overloads.
    equal(await assertUrisResolve(dir, "csharp", expected), 2);
  });
});

Deno.test("csharp: a syntax error still yields the symbols around it, with has_errors", async () => {
  const text = [
    "namespace Broken;",
    "",
    "/// <summary>Before is fine.</summary>",
    "public class Before",
    "{",
    "    public int Size() => 1;",
    "}",
    "",
    "public class Oops",
    "{",
    "    public void Fail()",
    "    {",
    "        int x = );",
    "    }",
    "",
    "    /// <summary>After is fine too.</summary>",
    "    [Obsolete]",
    "    public int After() => 2;",
    "}",
    "",
  ].join("\n");
  await withTempSegment({ "Broken.cs": text }, async (dir) => {
    const skeleton = await skeletonOf(dir);
    const file = skeleton.files[0];
    ok(file, "one file");
    equal(file.has_errors, true);
    const names = flatten(skeleton).map((s) => s.symbol.qualified_name);
    deepEqual(names, ["Broken", "Before", "Before.Size", "Oops", "Oops.Fail", "Oops.After"]);
  });
});

Deno.test("csharp: attributes under #if … #endif are decorators: the declaration starts after them", async () => {
  // Newtonsoft.Json's shape (JsonException.cs, ContractResolverTests.cs):
  // the attribute list only some targets build with.
  const text = [
    "namespace Acme",
    "{",
    "    /// Thrown on failure.",
    "#if !PORTABLE",
    "    [Serializable]",
    "#endif",
    "    public class Failure : Exception",
    "    {",
    "#if !NET20",
    '        [DataMember(Name = "code")]',
    "#endif",
    "            public string Code { get; set; }",
    "    }",
    "}",
    "",
  ].join("\n");
  await withTempSegment({ "Failure.cs": text }, async (dir) => {
    const rows = flatten(await skeletonOf(dir)).map(({ symbol: s }) => s);
    const lines = rows.map((s) => `${s.qualified_name} ${s.start_line}-${s.end_line}`);
    deepEqual(lines, ["Acme 1-14", "Acme.Failure 7-13", "Acme.Failure.Code 12-12"]);
    const [, failure, code] = rows;
    equal(failure?.signature, "public class Failure : Exception");
    equal(failure?.decorators.length, 1);
    ok(failure?.decorators[0]?.includes("[Serializable]"), "the #if block is the decorator");
    equal(failure?.doc, "Thrown on failure.", "the doc above the #if is the class's");
    equal(code?.signature, "public string Code");
    equal(code?.decorators.length, 1);
  });
});

function onPath(name: string): boolean {
  return Deno.env.get("PATH")?.split(":").some((d) => {
    try {
      return Deno.statSync(`${d}/${name}`).isFile;
    } catch (err) {
      // Not there (or not readable): this directory does not hold it.
      if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotCapable) {
        return false;
      }
      throw err;
    }
  }) ?? false;
}

const PYTHON = onPath("python3");
if (!PYTHON) console.log("csharp oracle test skipped: no `python3` on PATH");

Deno.test({
  name: "csharp: the expected JSON agrees with the C# scanner (kinds, names, lines, docs)",
  ignore: !PYTHON,
  fn: async () => {
    const oracle = fromFileUrl(
      new URL("../../bench/oracles/csharp/skeleton_oracle.py", import.meta.url),
    );
    const expected = await readExpected("csharp");
    const child = new Deno.Command("python3", {
      args: [oracle, fixtureDir("csharp")],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(expected.files.map((f) => f.path).join("\n")));
    await w.close();
    const out = await child.output();
    const report = new TextDecoder().decode(out.stdout);
    equal(out.code, 0, report + new TextDecoder().decode(out.stderr));
    const theirs: string[] = [];
    for (const line of report.trim().split("\n")) {
      const row = JSON.parse(line);
      equal(row.errors, 0, `the scanner reads ${row.path}`);
      for (const [kind, q, start, end, doc] of row.defs) {
        theirs.push(`${row.path} ${kind} ${q} ${start}-${end} ${JSON.stringify(doc)}`);
      }
    }
    const ours = flatten(expected).map(({ path, symbol: s }) =>
      `${path} ${s.kind} ${s.qualified_name} ${s.start_line}-${s.end_line} ${JSON.stringify(s.doc)}`
    );
    deepEqual(ours.sort(), theirs.sort());
  },
});
