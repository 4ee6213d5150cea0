/**
 * PHP: the fixture's skeleton (fixtures/php) equals the expected JSON,
 * whose kinds, names and lines agree with PHP's own tokenizer read by a
 * token-level walker (bench/oracles/php/compare.php), every symbol's
 * `sym://` URI resolves back to it, and a syntax error still yields the
 * symbols around it.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import { withTempSegment } from "../e2e/helpers.ts";
import { resolveImport } from "../../lib/languages/imports.ts";
import { fixtureEdges, hasAll, importEdges } from "./import_edges.ts";
import * as mapEdges from "../nav/map_edges.ts";
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

Deno.test("php: the fixture's skeleton equals tests/languages/expected/php.json", async () => {
  const expected = await readExpected("php");
  await withFixtureCopy("php", async (dir) => {
    const actual = await skeletonOf(dir);
    deepEqual(actual, comparable(expected, actual));
  });
});

Deno.test("php: every symbol's sym:// URI resolves back to that symbol", async () => {
  const expected = await readExpected("php");
  const symbols = flatten(expected);
  ok(symbols.length >= 20, "the fixture holds at least 20 symbols");
  await withFixtureCopy("php", async (dir) => {
    for (const { path, symbol } of symbols) {
      if (symbol.qualified_name.includes("\\")) {
        // `namespace A\B;` is named as written; a URI cannot hold a backslash.
        equal(symbol.kind, "namespace", symbol.qualified_name);
        equal(symbol.uri, undefined, symbol.qualified_name);
        continue;
      }
      const uri = symbol.uri ?? pathStyleUri("php", path, symbol.qualified_name);
      equal(uri, pathStyleUri("php", path, symbol.qualified_name), "uri follows the path rule");
      await assertResolves(dir, uri, path, symbol);
    }
  });
});

Deno.test("php: a syntax error still yields the symbols around it, with has_errors", async () => {
  const text = [
    "<?php",
    "namespace Broken;",
    "",
    "class Before",
    "{",
    "    public function ok(): int { return 1; }",
    "}",
    "",
    "function oops( {",
    "",
    "/** After is fine. */",
    "final class After",
    "{",
    "    public function fine(): void {}",
    "}",
    "",
  ].join("\n");
  await withTempSegment({ "broken.php": text }, async (dir) => {
    const skeleton = await skeletonOf(dir);
    const file = skeleton.files[0];
    ok(file, "one file");
    equal(file.has_errors, true);
    const names = flatten(skeleton).map((s) => s.symbol.qualified_name);
    for (const name of ["Broken", "Before", "Before.ok", "After", "After.fine"]) {
      ok(names.includes(name), `${name} in ${names.join(",")}`);
    }
  });
});

Deno.test("php: closures, arrow functions and anonymous classes hide what they hold", async () => {
  const text = [
    "<?php",
    "$f = function () { function hidden() {} };",
    "$g = fn ($x) => new class { public function alsoHidden() {} };",
    "$o = new #[Marker] class { public function hiddenToo() {} };",
    "function shown() {}",
    "",
  ].join("\n");
  await withTempSegment({ "scopes.php": text }, async (dir) => {
    const names = flatten(await skeletonOf(dir)).map((s) => s.symbol.qualified_name);
    deepEqual(names, ["shown"]);
  });
});

const PHP = Deno.env.get("PATH")?.split(":").some((d) => {
  try {
    return Deno.statSync(`${d}/php`).isFile;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotCapable) return false;
    throw err;
  }
}) ?? false;
if (!PHP) console.log("php oracle test skipped: no `php` on PATH (Debian php-cli)");

Deno.test({
  name: "php: the expected JSON agrees with PHP's tokenizer walker (kinds, qualified names, lines)",
  ignore: !PHP,
  fn: async () => {
    const oracle = fromFileUrl(new URL("../../bench/oracles/php/compare.php", import.meta.url));
    const out = await new Deno.Command("php", {
      args: [oracle, fixtureDir("php"), expectedPath("php")],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const report = new TextDecoder().decode(out.stdout);
    equal(out.code, 0, report + new TextDecoder().decode(out.stderr));
    ok(report.includes("oracle (token_get_all walker) definitions: 28"), report);
    ok(report.includes("line mismatches: 0\nmissing: 0\nextras: 0"), report);
  },
});

Deno.test("php use links the class file by path suffix; require by path", async () => {
  const edges = await fixtureEdges("php");
  hasAll(edges, [
    "bootstrap.php → src/Inventory/Contracts/Repository.php",
    "bootstrap.php → src/Inventory/Item.php",
    "bootstrap.php → src/Inventory/MemoryRepository.php",
    "src/Inventory/Contracts/Repository.php → src/Inventory/Item.php",
    "src/Inventory/Item.php → src/Inventory/Concerns/HasTimestamps.php",
    "src/Inventory/MemoryRepository.php → src/Inventory/Contracts/Repository.php",
  ]);
  ok(![...edges].some((e) => e.endsWith("JsonSerializable")), "a global class links nothing");
});

Deno.test("php: hostile require and use name nothing outside the segment", async () => {
  const outside = await Deno.makeTempDir({ prefix: "trifecta-php-out-" });
  const dir = await Deno.makeTempDir({ prefix: "trifecta-php-seg-" });
  try {
    await Deno.writeTextFile(`${outside}/secret.php`, "<?php\n");
    await Deno.mkdir(`${dir}/src`, { recursive: true });
    await Deno.symlink(outside, `${dir}/src/out`);
    await Deno.writeTextFile(
      `${dir}/src/a.php`,
      `<?php\nrequire __DIR__ . '/../../../etc/passwd';\nrequire '/etc/passwd';\n` +
        `require __DIR__ . '/out/secret.php';\nuse Out\\Secret;\n`,
    );
    const { edges, seen } = await importEdges(dir);
    deepEqual([...edges], []);
    // The hostile imports were read (the test is not passing on no import at all).
    ok(seen.includes("src/a.php: /out/secret.php"), `read ${seen.join(", ")}`);
    deepEqual(
      resolveImport("src/a", "/etc/passwd", { language: "php", known: new Set(["etc/passwd"]) }),
      [],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("php: the map links a use to the class file named, not a namesake's", async () => {
  const edges = await mapEdges.segmentEdges({
    "app.php": "<?php\nuse Acme\\One\\Store;\nnew Store();\n",
    "src/One/Store.php": "<?php\nnamespace Acme\\One;\nclass Store {}\n",
    "src/Two/Store.php": "<?php\nnamespace Acme\\Two;\nclass Store {}\n",
  });
  deepEqual(edges.filter((e) => e.startsWith("app.php")), ["app.php → src/One/Store.php (Store)"]);
  mapEdges.hasAll(await mapEdges.fixtureGraphEdges("php"), [
    "src/Inventory/Item.php → src/Inventory/Concerns/HasTimestamps.php (HasTimestamps)",
    "src/Inventory/MemoryRepository.php → src/Inventory/Contracts/Repository.php (Repository)",
  ]);
});
