/**
 * The map's graph links a file to the files its imports name, for every
 * registry language with an import rule: the fixtures' import edges
 * (tests/languages/imports_test.ts checks the resolver alone).
 *
 * @module
 */
import { deepEqual } from "node:assert/strict";
import { fixtureGraphEdges, hasAll, segmentEdges } from "./map_edges.ts";

Deno.test("map links a go file to the package files it imports, not a namesake's", async () => {
  const edges = await segmentEdges({
    "go.mod": "module example.com/m\n",
    "cmd/main.go": 'package main\n\nimport "example.com/m/alpha"\n\nfunc main() { alpha.Open() }\n',
    "alpha/a.go": "package alpha\n\nfunc Open() {}\n",
    "beta/b.go": "package beta\n\nfunc Open() {}\n",
  });
  deepEqual(edges.filter((e) => e.startsWith("cmd/")), ["cmd/main.go → alpha/a.go (Open)"]);
});

Deno.test("map links a c file to the header it includes, not a namesake's", async () => {
  const edges = await segmentEdges({
    "src/main.c": '#include "one/api.h"\n\nint main(void) { return api_open(); }\n',
    "include/one/api.h": "int api_open(void);\n",
    "include/two/api.h": "int api_open(void);\n",
  });
  deepEqual(edges.filter((e) => e.startsWith("src/")), [
    "src/main.c → include/one/api.h (api_open)",
  ]);
});

Deno.test("map links java, rust and ruby imports to the file named, not a namesake's", async () => {
  const cases: { files: Record<string, string>; from: string; edge: string }[] = [
    {
      files: {
        "src/main/java/a/App.java": "package a;\nimport b.Store;\nclass App { Store s; }\n",
        "src/main/java/b/Store.java": "package b;\npublic class Store {}\n",
        "src/main/java/c/Store.java": "package c;\npublic class Store {}\n",
      },
      from: "src/main/java/a/",
      edge: "src/main/java/a/App.java → src/main/java/b/Store.java (Store)",
    },
    {
      files: {
        "src/lib.rs": "mod one;\nmod two;\nuse crate::one::Shape;\nfn f(s: Shape) {}\n",
        "src/one.rs": "pub struct Shape;\n",
        "src/two.rs": "pub struct Shape;\n",
      },
      from: "src/lib.rs",
      edge: "src/lib.rs → src/one.rs (Shape)",
    },
    {
      files: {
        "app/main.rb": 'require_relative "../lib/one"\nopen_shelf\n',
        "lib/one.rb": "def open_shelf; end\n",
        "lib/two.rb": "def open_shelf; end\n",
      },
      from: "app/",
      edge: "app/main.rb → lib/one.rb (open_shelf)",
    },
  ];
  for (const c of cases) {
    const edges = await segmentEdges(c.files);
    deepEqual(edges.filter((e) => e.startsWith(c.from)), [c.edge]);
  }
});

Deno.test("map graph of each fixture has the edges its imports imply", async () => {
  hasAll(await fixtureGraphEdges("go"), [
    "cmd/stock/main.go → internal/store/memory.go (NewMemory)",
    "cmd/stock/main.go → money/money.go (New)",
    "internal/store/store.go → money/money.go (Amount)",
  ]);
  hasAll(await fixtureGraphEdges("rust"), [
    "src/bin/report.rs → src/shapes/mod.rs (Rect)",
    "src/bin/report.rs → src/lib.rs (Drawing)",
    "src/shapes/circle.rs → src/shapes/mod.rs (Shape)",
  ]);
  hasAll(await fixtureGraphEdges("c"), [
    "src/ring.c → src/util/text.h (text_copy)",
    "tools/ringcat.c → include/ringlog/ring.h (ring_new)",
  ]);
  hasAll(await fixtureGraphEdges("cpp"), [
    "src/scheduler.cc → src/scheduler.hh (Scheduler)",
    "tools/main.cpp → src/scheduler.hh (run_once)",
  ]);
  const java = "src/main/java/com/acme/inventory";
  hasAll(await fixtureGraphEdges("java"), [
    `${java}/Inventory.java → ${java}/store/Store.java (Store)`,
    `${java}/store/MemoryStore.java → ${java}/Audited.java (Audited)`,
  ]);
  hasAll(await fixtureGraphEdges("ruby"), [
    "lib/shelf.rb → lib/shelf/catalog.rb (Catalog)",
    "tasks/report.rake → lib/shelf.rb (Shelf)",
  ]);
});
