import assert from "node:assert/strict";
import { join } from "node:path";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { astAnswer, importCandidates } from "../../lib/lsp/fallback_ast.ts";
import { tempExample } from "../e2e/helpers.ts";

async function withExample(fn: (root: string) => Promise<void>): Promise<void> {
  const dir = await tempExample();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function fileOf(root: string, rel: string) {
  const abs = join(root, rel);
  return { abs, rel, text: await Deno.readTextFile(abs) };
}

Deno.test("fallback: import statements name the module a symbol comes from", async () => {
  const rel = await importCandidates("from .models import Inventory, Item as It", "It", "python");
  assert.equal(rel?.original, "Item");
  assert.equal(rel?.relative, true);
  assert.ok(rel?.paths.includes("models.py"));
  assert.equal(
    await importCandidates("from .models import Inventory", "Other", "python"),
    undefined,
  );
  const ts = await importCandidates('import { A as B } from "./lib/a.ts"', "B", "typescript");
  assert.equal(ts?.original, "A");
});

Deno.test("fallback: definition follows the file's imports to the class in another file", async () => {
  await withExample(async (root) => {
    const segment = await resolveSegment(root);
    const file = await fileOf(segment.root, "src/inventory/service.py");
    const data = await astAnswer(segment, { method: "definition", file, line: 11, col: 25 });
    assert.equal(data.source, "ast");
    assert.equal(data.symbol, "Inventory");
    assert.deepEqual(data.locations?.map((l) => [l.path, l.line, l.col]), [[
      "src/inventory/models.py",
      31,
      7,
    ]]);
  });
});

Deno.test("fallback: a name defined in the file itself resolves locally; hover gives its signature", async () => {
  await withExample(async (root) => {
    const segment = await resolveSegment(root);
    const file = await fileOf(segment.root, "src/inventory/service.py");
    const def = await astAnswer(segment, { method: "definition", file, line: 28, col: 13 });
    assert.deepEqual(def.locations?.map((l) => [l.path, l.line]), [[
      "src/inventory/service.py",
      11,
    ]]);
    const hover = await astAnswer(segment, { method: "hover", file, line: 28, col: 13 });
    assert.match(hover.contents ?? "", /def restock\(inventory: Inventory, sku: str\) -> int/);
  });
});

Deno.test("fallback: references are whole-word matches across the segment, named as text", async () => {
  await withExample(async (root) => {
    const segment = await resolveSegment(root);
    const file = await fileOf(segment.root, "src/inventory/service.py");
    const data = await astAnswer(segment, { method: "references", file, line: 11, col: 6 });
    assert.equal(data.source, "text");
    const at = data.locations?.map((l) => `${l.path}:${l.line}`) ?? [];
    assert.ok(
      at.includes("src/inventory/service.py:11") && at.includes("src/inventory/service.py:28"),
    );
    assert.ok(!at.some((a) => a.endsWith(":24")), "restock_all is not a match for restock");
  });
});

Deno.test("fallback: diagnostics report the parser's syntax errors only", async () => {
  await withExample(async (root) => {
    const segment = await resolveSegment(root);
    await Deno.writeTextFile(join(segment.root, "src/broken.py"), "def oops(:\n  pass\n");
    const ok = await astAnswer(segment, {
      method: "diagnostics",
      file: await fileOf(segment.root, "src/inventory/models.py"),
    });
    assert.deepEqual(ok.diagnostics, []);
    const bad = await astAnswer(segment, {
      method: "diagnostics",
      file: await fileOf(segment.root, "src/broken.py"),
    });
    assert.equal(bad.diagnostics?.length, 1);
  });
});
