import assert from "node:assert/strict";
import { join } from "node:path";
import { createAstCache } from "../../lib/cache/mod.ts";
import { buildPack, readPack, searchPack } from "../../lib/context/mod.ts";
import { DatabaseSync } from "node:sqlite";
import { PackSession } from "../../lib/mcp/pack_session.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { nth, plantChunkText, removeSegment, tempSegment } from "./helpers.ts";

const FILES = {
  "README.md": "# Demo\nrestock the shelves\n",
  "src/app.py": "def restock(n):\n    return n + 1\n",
  ".env": "TRUST_ENV_MARKER=1\n",
};

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TrifectaError) return err.code;
    throw err;
  }
  return "none";
}

Deno.test("the MCP pack session rebuilds a copied (shipped) pack before serving", async () => {
  const donor = await tempSegment(FILES);
  const seg = await tempSegment(FILES);
  const cache = createAstCache({ persist: false, segment: seg });
  try {
    await buildPack(donor);
    await Deno.mkdir(join(seg.root, "_ctx"));
    const f = "context_pack.db";
    await Deno.copyFile(join(donor.root, "_ctx", f), join(seg.root, "_ctx", f));
    assert.equal(await codeOf(readPack(seg)), "PACK_UNTRUSTED");
    const session = new PackSession(seg, { openCache: () => Promise.resolve(cache) });
    const fresh = await session.fresh();
    assert.equal(fresh.untrusted, true);
    assert.ok(fresh.rebuilt);
    const again = await session.fresh();
    assert.equal(again.rebuilt, undefined, "trusted after the rebuild: no second rebuild");
    assert.ok((await searchPack(seg, "restock")).hits.length > 0);
  } finally {
    cache.close();
    await removeSegment(seg);
    await removeSegment(donor);
  }
});

Deno.test("search drops hits whose chunk claims a denied path (leaving no trace: no count, so no oracle) or one not in source_files (counted), and masks ids", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    const { pack } = await readPack(seg);
    // A pack written by trifecta itself (trusted: edited in place, same
    // inode) but holding bad rows: the defence in depth behind the trust check.
    const dbPath = join(seg.root, "_ctx/context_pack.db");
    plantChunkText(dbPath, nth(pack.chunks, 0).id, {
      text: "restock TRUST_ENV_MARKER\n",
      path: ".env",
    });
    const db = new DatabaseSync(dbPath);
    try {
      const at = (id: string) =>
        Number(
          (db.prepare("SELECT rowid FROM chunks WHERE id = ?").get(id) as { rowid: number }).rowid,
        );
      const first = at(nth(pack.chunks, 0).id);
      db.prepare("DELETE FROM chunks_fts WHERE rowid = ?").run(first);
      db.prepare("INSERT INTO chunks_fts (rowid, text) VALUES (?, ?)")
        .run(first, "restock TRUST_ENV_MARKER");
      db.prepare("UPDATE chunks SET path = 'not/listed.py' WHERE rowid = ?")
        .run(at(nth(pack.chunks, 1).id));
    } finally {
      db.close();
    }
    const r = await searchPack(seg, "restock", { limit: 10 });
    assert.equal(r.dropped_hits, 1, JSON.stringify(r));
    assert.equal(r.total_matches, 0, JSON.stringify(r));
    assert.ok(!JSON.stringify(r.hits).includes("TRUST_ENV_MARKER"));
    assert.ok(r.hits.every((h) => h.path !== ".env" && h.path !== "not/listed.py"));
  } finally {
    await removeSegment(seg);
  }
});
