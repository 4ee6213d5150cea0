/**
 * `trifecta lsp … <sym://…>` end to end: the real CLI as a subprocess on a
 * copy of the example project; the AST fallback with `TRIFECTA_LSP=0`, and
 * one call answered by the real pyright (from npm), READY, as in
 * tests/e2e/lsp_test.ts.
 */
import assert from "node:assert/strict";
import { removeSegment, runCli, tempExample } from "./helpers.ts";

const INVENTORY = "sym://python/type/src.inventory.models/Inventory";
const OFF = { env: { TRIFECTA_LSP: "0" } };

interface Group {
  symbol: { uri: string | null; kind: string; qualified_name: string; path: string };
  references: { line: number; col: number; text: string; match?: string }[];
}

Deno.test("e2e lsp sym://: references grouped by symbol from the AST fallback (lsp_disabled), as text and --json", async () => {
  const dir = await tempExample();
  try {
    const r = await runCli(["lsp", "references", INVENTORY, "-s", dir, "--json"], OFF);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.equal(res.status, "ok");
    assert.equal(res.capability_state, "DEGRADED");
    assert.equal(res.fallback_reason, "lsp_disabled");
    assert.equal(res.via, "ast");
    assert.equal(res.uri, INVENTORY);
    assert.equal(res.truncated, false);
    const groups: Group[] = res.groups;
    const restock = groups.find((g) => g.symbol.qualified_name === "restock");
    assert.deepEqual(restock?.symbol.uri, "sym://python/type/src.inventory.service/restock");
    assert.deepEqual(restock?.references, [{
      line: 11,
      col: 24,
      text: "def restock(inventory: Inventory, sku: str) -> int:",
      match: "import",
    }]);
    const all = groups.flatMap((g) => g.references.map((x) => `${g.symbol.path}:${x.line}`));
    assert.ok(!all.includes("src/inventory/models.py:31"), "the definition is left out");
    assert.equal(res.total, all.length);
    assert.equal(res.data.locations.length, all.length);

    const text = await runCli(["lsp", "references", INVENTORY, "-s", dir], OFF);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /AST fallback \(lsp_disabled\)/);
    assert.ok(
      text.stdout.includes(
        "\n  function restock  L11-20  sym://python/type/src.inventory.service/restock\n" +
          "    src/inventory/service.py:11:24 [import]  def restock",
      ),
      text.stdout,
    );
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("e2e lsp sym://: definition, hover and diagnostics take a URI; bad and unknown URIs fail as `ast symbols` does", async () => {
  const dir = await tempExample();
  try {
    const def = await runCli([
      "lsp",
      "definition",
      "sym://python/type/src.inventory.service/restock",
      "-s",
      dir,
      "--json",
    ], OFF);
    assert.equal(def.code, 0, def.stderr);
    const d = JSON.parse(def.stdout);
    assert.deepEqual([d.data.file, d.data.line, d.data.col], ["src/inventory/service.py", 11, 5]);
    assert.deepEqual(d.data.locations[0].line, 11);

    const hover = await runCli(["lsp", "hover", INVENTORY, "-s", dir], OFF);
    assert.equal(hover.code, 0, hover.stderr);
    assert.match(
      hover.stdout,
      /hover 'Inventory' \(sym:\/\/[^)]*\) at src\/inventory\/models.py:31:7/,
    );

    const diag = await runCli(
      ["lsp", "diagnostics", "sym://python/mod/src.inventory.models", "-s", dir, "--json"],
      OFF,
    );
    assert.equal(diag.code, 0, diag.stderr);
    assert.equal(JSON.parse(diag.stdout).data.file, "src/inventory/models.py");

    for (const uri of ["sym://nope/x", "sym://python/type/src.inventory.models/Nope"]) {
      const lsp = await runCli(["lsp", "references", uri, "-s", dir, "--json"], OFF);
      const ast = await runCli(["ast", "symbols", uri, "-s", dir, "--json"]);
      assert.equal(lsp.code, ast.code, uri);
      assert.equal(JSON.parse(lsp.stdout).error_code, JSON.parse(ast.stdout).error_code, uri);
    }
    const bad = await runCli(["lsp", "references", "sym://nope/x", "-s", dir, "--json"], OFF);
    assert.equal(JSON.parse(bad.stdout).error_code, "INVALID_URI");
    const unknown = await runCli(
      ["lsp", "hover", "sym://python/type/src.inventory.models/Nope", "-s", dir],
      OFF,
    );
    assert.match(unknown.stderr, /TRIFECTA_ERROR_CODE: SYMBOL_NOT_FOUND/);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("e2e lsp sym://: references from the real pyright, READY (FULL), grouped, the definition left out", async () => {
  const dir = await tempExample();
  try {
    const r = await runCli(
      ["lsp", "references", INVENTORY, "-s", dir, "--json", "--require-lsp"],
      { env: { TRIFECTA_LSP_READY_TIMEOUT: "180" } },
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const res = JSON.parse(r.stdout);
    assert.equal(res.capability_state, "FULL");
    assert.equal(res.backend, "lsp_pyright");
    assert.equal(res.via, "lsp");
    const groups: Group[] = res.groups;
    const restock = groups.find((g) =>
      g.symbol.path === "src/inventory/service.py" && g.symbol.qualified_name === "restock"
    );
    assert.ok(restock, JSON.stringify(groups.map((g) => g.symbol.qualified_name)));
    assert.deepEqual(restock.references.map((x) => [x.line, x.col, x.match]), [[
      11,
      24,
      undefined,
    ]]);
    const at = groups.flatMap((g) =>
      g.references.map((x) => `${g.symbol.path}:${x.line}:${x.col}`)
    );
    assert.ok(!at.includes("src/inventory/models.py:31:7"), "the definition is left out");
    assert.ok(at.includes("src/inventory/service.py:6:21"), "the import is a reference");
  } finally {
    await removeSegment(dir);
  }
});
