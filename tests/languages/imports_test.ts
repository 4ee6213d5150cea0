/**
 * Import rules of the registry on the fixtures: the files each fixture's
 * imports name (lib/languages/imports.ts `resolveImport`, fed with the
 * tags the map reads and the config files read through the segment
 * boundary), and hostile imports that name nothing outside the segment.
 *
 * @module
 */
import { deepEqual, ok } from "node:assert/strict";
import { resolveImport } from "../../lib/languages/imports.ts";
import { fixtureEdges, hasAll, importEdges } from "./import_edges.ts";

Deno.test("go imports link the files of the package directory go.mod names", async () => {
  const edges = await fixtureEdges("go");
  deepEqual([...edges].sort(), [
    "cmd/stock/main.go → internal/store/memory.go",
    "cmd/stock/main.go → internal/store/store.go",
    "cmd/stock/main.go → money/money.go",
    "internal/store/store.go → money/money.go",
  ]);
});

Deno.test("go imports without go.mod link the longest suffix that is a directory", () => {
  const known = new Set(["internal/store/store.go", "cmd/main.go"]);
  const got = resolveImport("cmd/main.go", "example.com/x/internal/store", {
    language: "go",
    known,
  });
  deepEqual(got, ["internal/store/store.go"]);
  deepEqual(resolveImport("cmd/main.go", "fmt", { language: "go", known }), []);
});

Deno.test("rust use and mod link module files from the crate root, super and self", async () => {
  const edges = await fixtureEdges("rust");
  hasAll(edges, [
    "src/lib.rs → src/shapes/mod.rs", // pub mod shapes; and use shapes::{Circle, Shape}
    "src/lib.rs → src/units.rs", // pub mod units;
    "src/shapes/mod.rs → src/shapes/circle.rs", // mod circle; pub use circle::Circle
    "src/shapes/circle.rs → src/shapes/mod.rs", // use super::Shape
    "src/bin/report.rs → src/shapes/mod.rs", // use geometry::shapes::Rect (the crate's own name)
    "src/bin/report.rs → src/lib.rs", // use geometry::{drawing, Circle, Drawing}
  ]);
  ok(![...edges].some((e) => e.includes("std")), "std links nothing");
});

Deno.test("c includes link relative, root and -I directories; <system> headers nothing", async () => {
  const edges = await fixtureEdges("c");
  deepEqual([...edges].sort(), [
    "src/ring.c → include/ringlog/ring.h",
    "src/ring.c → src/util/text.h",
    "src/util/text.c → src/util/text.h",
    "tools/ringcat.c → include/ringlog/ring.h",
  ]);
  // A `-I` directory of compile_flags.txt is searched too (`-Ithird`, `-I third`).
  const known = new Set(["third/x/y.h", "a.c"]);
  for (const flags of ["-Ithird\n", "-I third\n", "-I\nthird\n"]) {
    const configs = new Map([["compile_flags.txt", flags]]);
    deepEqual(resolveImport("a.c", "x/y.h", { language: "c", known, configs }), ["third/x/y.h"]);
  }
  deepEqual(resolveImport("a.c", "x/y.h", { language: "c", known }), []);
});

Deno.test("cpp includes link headers relative to the file and the include dirs", async () => {
  const edges = await fixtureEdges("cpp");
  deepEqual([...edges].sort(), [
    "src/scheduler.cc → src/scheduler.hh",
    "src/scheduler.hh → include/sched/task.hpp",
    "src/task.cpp → include/sched/task.hpp",
    "tools/main.cpp → src/scheduler.hh",
  ]);
});

Deno.test("java imports link the class file under any source root", async () => {
  const edges = await fixtureEdges("java");
  const root = "src/main/java/com/acme/inventory";
  hasAll(edges, [
    `${root}/Inventory.java → ${root}/store/Store.java`,
    `${root}/store/MemoryStore.java → ${root}/Audited.java`,
  ]);
  ok(![...edges].some((e) => e.includes("java/util")), "java.util links nothing");
  // Only a rule with `anyRoot` looks under source roots: Python's modules are read from the root.
  const known = new Set(["pkg/util.py", "app.py"]);
  deepEqual(resolveImport("app.py", "util", { language: "python", known }), []);
  deepEqual(resolveImport("app.py", "pkg.util", { language: "python", known }), ["pkg/util.py"]);
});

Deno.test("csharp using directives name namespaces and link no file", async () => {
  deepEqual([...await fixtureEdges("csharp")], []);
});

Deno.test("ruby require_relative links from the file, require from lib/", async () => {
  const edges = await fixtureEdges("ruby");
  deepEqual([...edges].sort(), [
    "lib/shelf.rb → lib/shelf/catalog.rb",
    "lib/shelf.rb → lib/shelf/models/book.rb",
    "tasks/report.rake → lib/shelf.rb",
  ]);
  const known = new Set(["lib/json_lite.rb", "app/main.rb"]);
  deepEqual(resolveImport("app/main.rb", "json_lite", { language: "ruby", known }), [
    "lib/json_lite.rb",
  ]);
});

Deno.test("hostile imports link nothing outside the segment", async () => {
  const outside = await Deno.makeTempDir({ prefix: "trifecta-imports-out-" });
  const dir = await Deno.makeTempDir({ prefix: "trifecta-imports-seg-" });
  try {
    await Deno.writeTextFile(`${outside}/secret.h`, "int secret;\n");
    await Deno.writeTextFile(`${outside}/secret.rb`, "X = 1\n");
    await Deno.mkdir(`${dir}/src`, { recursive: true });
    await Deno.symlink(outside, `${dir}/src/out`);
    await Deno.writeTextFile(`${dir}/compile_flags.txt`, `-I${outside}\n-I../..\n`);
    await Deno.writeTextFile(
      `${dir}/src/a.c`,
      `#include "../../../etc/passwd"\n#include "/etc/passwd"\n#include "out/secret.h"\n` +
        `#include "${outside}/secret.h"\n#include "secret.h"\n`,
    );
    await Deno.writeTextFile(
      `${dir}/src/a.rb`,
      `require_relative "../../../etc/passwd"\nrequire "/etc/passwd"\nrequire_relative "out/secret"\n`,
    );
    await Deno.writeTextFile(`${dir}/go.mod`, "module example.com/m\n");
    await Deno.writeTextFile(
      `${dir}/src/a.go`,
      `package a\n\nimport (\n\t"example.com/m/../../etc"\n\t"example.com/m/src/out"\n)\n`,
    );
    const { edges, seen } = await importEdges(dir);
    deepEqual([...edges], []);
    // The hostile imports were read (the test is not passing on no import at all).
    for (
      const imp of ["src/a.c: ../../../etc/passwd", "src/a.c: out/secret.h", "src/a.c: secret.h"]
    ) {
      ok(seen.includes(imp), `${imp} not read; read ${seen.join(", ")}`);
    }
    for (
      const imp of [
        "src/a.rb: out/secret",
        "src/a.go: example.com/m/src/out",
      ]
    ) {
      ok(seen.includes(imp), `${imp} not read; read ${seen.join(", ")}`);
    }
    for (const lang of ["c", "ruby", "go", "rust"]) {
      deepEqual(
        resolveImport("src/a", "/etc/passwd", { language: lang, known: new Set(["etc/passwd"]) }),
        [],
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});
