import assert from "node:assert/strict";
import { buildPack, getChunks, readPack, searchPack } from "../../lib/context/mod.ts";
import { discloseSymbol, resolveSymbol } from "../../lib/symbols/mod.ts";
import { fullResponse } from "../../lib/lsp/mod.ts";
import {
  getJson,
  lspStateJson,
  okJson,
  searchJson,
  snippetJson,
  symbolHeadJson,
} from "../../lib/contract/results.ts";
import { removeSegment, tempSegment } from "../context/helpers.ts";

const FILES = {
  "README.md": "# Project\nThe inventory keeps stock levels.\n",
  "src/inventory.py": 'class Inventory:\n    """All items."""\n\n' +
    '    def add(self, item):\n        """Add one."""\n        self.items.append(item)\n',
};

Deno.test("snippetJson names the budget budget_tokens, has status, and segment_root only when asked", async () => {
  const seg = await tempSegment(FILES);
  try {
    const r = await resolveSymbol(seg, "sym://python/type/src.inventory/Inventory#add");
    const s = await discloseSymbol(r, { mode: "raw", budgetTokenEst: 500 });
    const mcp = snippetJson(r, s, { budgetTokens: 500 });
    assert.equal(mcp.status, "ok");
    assert.equal(mcp.budget_tokens, 500);
    assert.ok(!("budget_token_est" in mcp));
    assert.ok(!("segment_root" in mcp));
    assert.equal(mcp.file_rel, "src/inventory.py");
    assert.equal(mcp.symbol?.qualified_name, "Inventory.add");
    assert.match(mcp.content, /def add/);
    const cli = snippetJson(r, s, { budgetTokens: 500, segmentRoot: seg.root });
    assert.equal(cli.segment_root, seg.root);
    // Apart from the CLI's segment_root, the two surfaces' objects are the same.
    const { segment_root: _root, ...rest } = cli;
    assert.deepEqual(rest, mcp);
    assert.equal(snippetJson(r, s).budget_tokens, null);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("symbolHeadJson opens with status and names the symbol of a type URI only", async () => {
  const seg = await tempSegment(FILES);
  try {
    const type = symbolHeadJson(
      await resolveSymbol(seg, "sym://python/type/src.inventory/Inventory"),
    );
    assert.equal(Object.keys(type)[0], "status");
    assert.equal(type.file_rel, "src/inventory.py");
    assert.equal(type.symbol?.start_line, 1);
    const mod = symbolHeadJson(await resolveSymbol(seg, "sym://python/mod/src.inventory"));
    assert.equal(mod.kind, "mod");
    assert.ok(!("symbol" in mod));
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("searchJson and getJson carry status and the pack's results, without the stale report", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    const found = searchJson(await searchPack(seg, "inventory"));
    assert.equal(found.status, "ok");
    assert.ok(found.hits.length > 0);
    assert.equal(found.total_hits, found.hits.length);
    assert.ok(!("stale" in found) && !("match" in found));
    const first = found.hits[0];
    assert.ok(first);
    const got = getJson(getChunks((await readPack(seg)).pack, [first.id], { mode: "raw" }));
    assert.equal(got.status, "ok");
    assert.equal(got.chunks[0]?.id, first.id);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("lspStateJson names how a question was answered, with null for no fallback", () => {
  const state = lspStateJson(
    fullResponse("lsp_pyright", { file: "a.py", source: "lsp", locations: [] }),
  );
  assert.deepEqual(state, {
    status: "ok",
    capability_state: "FULL",
    backend: "lsp_pyright",
    response_state: "complete",
    fallback_reason: null,
    fallback_text: null,
  });
});

Deno.test("okJson puts status first", () => {
  assert.deepEqual(Object.keys(okJson({ files: [], stats: {} })), ["status", "files", "stats"]);
});
