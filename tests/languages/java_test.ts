/**
 * Java: the fixture's skeleton (fixtures/java) equals the expected JSON,
 * whose kinds, names and lines agree with javac's own tree API
 * (bench/oracles/java/SkeletonOracle.java), every symbol's `sym://` URI
 * resolves back to it, and a syntax error still yields the symbols around it.
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

Deno.test("java: the fixture's skeleton equals tests/languages/expected/java.json", async () => {
  const expected = await readExpected("java");
  await withFixtureCopy("java", async (dir) => {
    const actual = await skeletonOf(dir);
    deepEqual(actual, comparable(expected, actual));
  });
});

Deno.test("java: every symbol's sym:// URI resolves back to it (overloads: all of them)", async () => {
  const expected = await readExpected("java");
  ok(flatten(expected).length >= 40, "the fixture holds at least 40 symbols");
  await withFixtureCopy("java", async (dir) => {
    // Item's two constructors share `…/Item/Item#Item`.
    equal(await assertUrisResolve(dir, "java", expected), 1);
  });
});

Deno.test("java: a syntax error still yields the symbols around it, with has_errors", async () => {
  const text = [
    "package broken;",
    "",
    "/** Before is fine. */",
    "public class Before {",
    "    int size() { return 1; }",
    "}",
    "",
    "class Oops {",
    "    void oops() {",
    "        int x = );",
    "    }",
    "",
    "    /** After is fine too. */",
    "    @Deprecated",
    "    int after() { return 2; }",
    "}",
    "",
  ].join("\n");
  await withTempSegment({ "Broken.java": text }, async (dir) => {
    const skeleton = await skeletonOf(dir);
    const file = skeleton.files[0];
    ok(file, "one file");
    equal(file.has_errors, true);
    const names = flatten(skeleton).map((s) => s.symbol.qualified_name);
    deepEqual(names, ["Before", "Before.size", "Oops", "Oops.oops", "Oops.after"]);
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

const JDK = onPath("javac") && onPath("java");
if (!JDK) {
  console.log("java oracle test skipped: no `javac`/`java` on PATH (Debian default-jdk-headless)");
}

async function run(cmd: string, args: string[], stdin?: string): Promise<string> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  const text = new TextDecoder().decode(out.stdout);
  equal(out.code, 0, `${cmd}: ${text}${new TextDecoder().decode(out.stderr)}`);
  return text;
}

Deno.test({
  name: "java: the expected JSON agrees with javac's tree (kinds, names, lines, docs)",
  ignore: !JDK,
  fn: async () => {
    const source = fromFileUrl(
      new URL("../../bench/oracles/java/SkeletonOracle.java", import.meta.url),
    );
    const classes = await Deno.makeTempDir({ prefix: "trifecta-java-oracle-" });
    try {
      await run("javac", ["-d", classes, source]);
      const expected = await readExpected("java");
      const paths = expected.files.map((f) => f.path);
      const out = await run(
        "java",
        ["-cp", classes, "SkeletonOracle", fixtureDir("java")],
        paths.join("\n"),
      );
      const oracle: string[] = [];
      for (const line of out.trim().split("\n")) {
        const row = JSON.parse(line);
        equal(row.errors, 0, `javac parses ${row.path}`);
        for (const [kind, q, start, end, doc] of row.defs) {
          oracle.push(`${row.path} ${kind} ${q} ${start}-${end} ${JSON.stringify(doc)}`);
        }
      }
      const ours = flatten(expected).map(({ path, symbol: s }) =>
        `${path} ${s.kind} ${s.qualified_name} ${s.start_line}-${s.end_line} ${
          JSON.stringify(s.doc)
        }`
      );
      deepEqual(ours.sort(), oracle.sort());
    } finally {
      await Deno.remove(classes, { recursive: true });
    }
  },
});
