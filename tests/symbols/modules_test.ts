import assert from "node:assert/strict";
import {
  moduleFileCandidates,
  modulePathOf,
  symbolUriMaker,
  typeSplits,
  uriLanguageOfPath,
  uriModules,
} from "../../lib/symbols/mod.ts";

Deno.test("modules: dotted and slashed Python paths name the same files, module before package", () => {
  const expected = ["src/example.py", "src/example/__init__.py"];
  assert.deepEqual(moduleFileCandidates("python", "src.example"), expected);
  assert.deepEqual(moduleFileCandidates("python", "src/example"), expected);
});

Deno.test("modules: a path with its extension also names that file", () => {
  assert.equal(moduleFileCandidates("python", "src/example.py")[0], "src/example.py");
  assert.equal(moduleFileCandidates("typescript", "web/api.ts")[0], "web/api.ts");
});

Deno.test("modules: TypeScript tries every extension, index files, and dotted file names as written", () => {
  const c = moduleFileCandidates("typescript", "web/api.client");
  for (
    const want of [
      "web/api/client.ts",
      "web/api/client.tsx",
      "web/api/client/index.ts",
      "web/api.client.ts",
      "web/api.client/index.tsx",
    ]
  ) assert.ok(c.includes(want), want);
  assert.ok(!c.some((p) => p.endsWith(".js")), "no JavaScript for typescript URIs");
  assert.ok(moduleFileCandidates("javascript", "lib").includes("lib/index.mjs"));
});

Deno.test("modules: Python never keeps dots in file names", () => {
  assert.ok(!moduleFileCandidates("python", "a.b").includes("a.b.py"));
});

Deno.test("modules: type splits try every separator, longest module first, member appended", () => {
  assert.deepEqual(typeSplits("src.inventory.models/Inventory", "Snapshot.quantity_of"), [
    { module: "src.inventory.models", symbolPath: ["Inventory", "Snapshot", "quantity_of"] },
    { module: "src.inventory", symbolPath: ["models", "Inventory", "Snapshot", "quantity_of"] },
    { module: "src", symbolPath: ["inventory", "models", "Inventory", "Snapshot", "quantity_of"] },
  ]);
  assert.deepEqual(typeSplits("a/b/C").map((s) => s.module), ["a/b", "a"]);
});

Deno.test("modules: modulePathOf inverts the candidates (dotted for Python, slashed otherwise)", () => {
  assert.equal(modulePathOf("python", "src/inventory/models.py"), "src.inventory.models");
  assert.equal(modulePathOf("python", "src/inventory/__init__.py"), "src.inventory");
  assert.equal(modulePathOf("python", "__init__.py"), undefined);
  assert.equal(modulePathOf("typescript", "web/api.v2.ts"), "web/api.v2");
  assert.equal(modulePathOf("typescript", "web/index.tsx"), "web");
  assert.equal(modulePathOf("python", "web/api.ts"), undefined);
  for (const rel of ["src/inventory/models.py", "web/api.v2.ts", "web/index.tsx"]) {
    const lang = uriLanguageOfPath(rel)!;
    assert.ok(moduleFileCandidates(lang, modulePathOf(lang, rel)!).includes(rel), rel);
  }
});

Deno.test("modules: a rule that keeps the extension makes the file path the module path", () => {
  // C: `ring.c` and `ring.h` are two modules, which a path without extension could not tell apart.
  assert.equal(modulePathOf("c", "src/ring.h"), "src/ring.h");
  assert.equal(modulePathOf("c", "src/ring.c"), "src/ring.c");
  assert.equal(moduleFileCandidates("c", "src/ring.h")[0], "src/ring.h");
  assert.equal(uriModules("c")?.keepExtension, true);
  assert.equal(uriModules("go")?.keepExtension, false);
  assert.equal(symbolUriMaker("src/ring.c")("ring_new"), "sym://c/type/src/ring.c/ring_new");
});
