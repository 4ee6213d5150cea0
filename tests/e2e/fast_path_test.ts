import assert from "node:assert/strict";
import { removeSegment, runCli, tempExample } from "./helpers.ts";

// The fast path (lib/cli/fast.ts) must answer exactly as the commander CLI:
// the same handler behind a different argument parser.
const FULL = { TRIFECTA_NO_FAST_PATH: "1", TRIFECTA_LSP: "0" };
const FAST = { TRIFECTA_LSP: "0" };

function withoutTimings(text: string): unknown {
  return JSON.parse(text, (key, value) => (key.endsWith("_ms") ? undefined : value));
}

Deno.test("hot commands give the same exit code and JSON on the fast and the full path", async () => {
  const seg = await tempExample();
  try {
    const built = await runCli(["ctx", "build", "-s", seg]);
    assert.equal(built.code, 0, built.stderr);
    const cases = [
      ["ast", "symbols", "sym://python/type/src/inventory/models/Inventory#add", "--json"],
      ["ast", "symbols", "sym://python/type/src/inventory/models/Nope", "--json"],
      ["ctx", "search", "-q", "restock", "-l", "2", "--json"],
      ["lsp", "definition", "src/inventory/service.py:13:22", "--json"],
      ["lsp", "hover", "src/inventory/service.py:13:22", "--json", "--require-lsp"],
    ];
    for (const args of cases) {
      const full = await runCli([...args, "-s", seg], { env: FULL });
      const fast = await runCli([...args, "-s", seg], { env: FAST });
      assert.equal(fast.code, full.code, args.join(" "));
      assert.deepEqual(withoutTimings(fast.stdout), withoutTimings(full.stdout), args.join(" "));
    }
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("the fast path leaves usage errors and help to the full CLI", async () => {
  const seg = await tempExample();
  try {
    const bad = await runCli(["lsp", "definition", "a.py:1:1", "--requre-lsp", "-s", seg], {
      env: FAST,
    });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Did you mean --require-lsp\?/);
    const limit = await runCli(["ctx", "search", "-q", "x", "-l", "0", "-s", seg], { env: FAST });
    assert.equal(limit.code, 2);
    assert.match(limit.stderr, /USAGE_ERROR/);
    const help = await runCli(["ast", "symbols", "--help"], { env: FAST });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: trifecta ast symbols/);
  } finally {
    await removeSegment(seg);
  }
});
