import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  edgeViolation,
  importCycles,
  type ImportEdge,
  layerOf,
  LAYERS,
  layerViolations,
  libImportEdges,
} from "../../tools/layers.ts";

// The layer rule of lib/ (tools/layers.ts), on Deno's own module graph:
// base ← segment ← telemetry ← cache ← ast ← symbols|context|lsp ← contract
// ← mcp ← cli; siblings of one layer do not import each other.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function edge(from: string, to: string, dynamic = false): ImportEdge {
  return { from, to, line: 3, dynamic };
}

Deno.test("layers: no module in lib/ imports upward, sideways or in a cycle", async () => {
  const edges = await libImportEdges(ROOT);
  assert.deepEqual(layerViolations(edges), []);
  assert.deepEqual(importCycles(edges), []);
});

Deno.test("layers: the graph holds static and dynamic imports of every layer in use", async () => {
  const edges = await libImportEdges(ROOT);
  assert.ok(edges.some((e) => e.dynamic && e.from.startsWith("lib/cli/")), "a lazy cli import");
  assert.ok(
    edges.some((e) => e.from === "lib/lsp/query.ts" && e.dynamic && e.to === "lib/lsp/oneshot.ts"),
    "lsp/query.ts loads oneshot.ts with import()",
  );
  assert.ok(edges.some((e) => e.from.startsWith("lib/mcp/") && e.to.startsWith("lib/ast/")));
  const folders = new Set(edges.map((e) => layerOf(e.from)?.group));
  for (const group of ["(base)", "segment", "telemetry", "cache", "ast", "lsp", "mcp", "cli"]) {
    assert.ok(folders.has(group), `modules of ${group} are in the graph`);
  }
});

Deno.test("layers: every folder of lib/ has a layer", async () => {
  const named = new Set(LAYERS.flat());
  for await (const e of Deno.readDir(new URL("../../lib/", import.meta.url))) {
    if (e.isDirectory) assert.ok(named.has(e.name), `lib/${e.name} is in LAYERS`);
  }
});

Deno.test("layers: an upward static import is reported with file and line", () => {
  const bad = edge("lib/segment/walk.ts", "lib/cli/mod.ts");
  assert.equal(
    edgeViolation(bad),
    "lib/segment/walk.ts:3 imports lib/cli/mod.ts: cli is above segment",
  );
  assert.deepEqual(layerViolations([edge("lib/cli/mod.ts", "lib/segment/walk.ts"), bad]), [
    "lib/segment/walk.ts:3 imports lib/cli/mod.ts: cli is above segment",
  ]);
});

Deno.test("layers: an upward dynamic import counts like a static one", () => {
  const v = edgeViolation(edge("lib/telemetry/report.ts", "lib/cache/mod.ts", true));
  assert.equal(
    v,
    "lib/telemetry/report.ts:3 dynamically imports lib/cache/mod.ts: cache is above telemetry",
  );
});

Deno.test("layers: base modules import only base modules", () => {
  assert.equal(edgeViolation(edge("lib/path.ts", "lib/errors.ts")), undefined);
  assert.match(edgeViolation(edge("lib/path.ts", "lib/segment/paths.ts")) ?? "", /above/);
});

Deno.test("layers: symbols, context and lsp do not import each other", () => {
  assert.match(
    edgeViolation(edge("lib/context/build.ts", "lib/symbols/mod.ts")) ?? "",
    /siblings of one layer/,
  );
  assert.equal(edgeViolation(edge("lib/context/build.ts", "lib/ast/mod.ts")), undefined);
  assert.equal(edgeViolation(edge("lib/mcp/tools.ts", "lib/contract/errors.ts")), undefined);
  assert.match(edgeViolation(edge("lib/contract/x.ts", "lib/mcp/mod.ts")) ?? "", /above/);
});

Deno.test("layers: lib/ imports nothing outside it but deno.json and URLs", () => {
  assert.match(edgeViolation(edge("lib/cli/mod.ts", "tools/permissions.ts")) ?? "", /outside lib/);
  assert.match(edgeViolation(edge("lib/ast/mod.ts", "mod.ts")) ?? "", /outside lib/);
  assert.equal(edgeViolation(edge("lib/cli/version.ts", "deno.json")), undefined);
  assert.equal(edgeViolation(edge("lib/cli/program.ts", "npm:commander@14.0.3")), undefined);
  assert.equal(edgeViolation(edge("tests/cli/x_test.ts", "lib/cli/mod.ts")), undefined);
});

Deno.test("layers: a folder in no layer is reported", () => {
  assert.match(edgeViolation(edge("lib/new_thing/a.ts", "lib/errors.ts")) ?? "", /in no layer/);
  assert.match(edgeViolation(edge("lib/cli/a.ts", "lib/new_thing/b.ts")) ?? "", /in no layer/);
});

Deno.test("layers: a cycle inside one folder is found", () => {
  const cycles = importCycles([
    edge("lib/ast/a.ts", "lib/ast/b.ts"),
    edge("lib/ast/b.ts", "lib/ast/c.ts"),
    edge("lib/ast/c.ts", "lib/ast/a.ts"),
    edge("lib/ast/c.ts", "lib/errors.ts"),
  ]);
  assert.deepEqual(cycles, ["lib/ast/a.ts -> lib/ast/b.ts -> lib/ast/c.ts -> lib/ast/a.ts"]);
  assert.deepEqual(importCycles([edge("lib/ast/a.ts", "lib/ast/b.ts")]), []);
});
