import assert from "node:assert/strict";
import { join } from "node:path";
import {
  buildPack,
  openTrustedPair,
  type PackProgress,
  readPack,
  searchPack,
  syncPack,
  validatePack,
} from "../../lib/context/mod.ts";
import { createAstCache } from "../../lib/cache/mod.ts";
import { PackSession } from "../../lib/mcp/pack_session.ts";
import { removeSegment, tempSegment } from "./helpers.ts";

const FILES = {
  "README.md": "# Project\nIntro text.\n## Install\nRun the installer.\n",
  "docs/guide.md": "# Guide\nGUIDE_ANCHOR words.\n## More\nmore words.\n",
  "src/app.py": "def serve():\n    return 1\n\n\nclass Shop:\n    def open(self):\n        pass\n",
  "src/util.py": "def helper():\n    return 2\n",
  "config/settings.yaml": "name: demo\n",
};

/** What must be equal between a synced pack and a fresh build of the same files. */
async function packShape(seg: Parameters<typeof readPack>[0]) {
  const { pack, sha256 } = await readPack(seg);
  return {
    sha256,
    files: pack.source_files.map((f) => [f.path, f.sha256, f.chars, f.bytes]),
    chunks: pack.chunks.map((c) => [c.id, c.text, c.skeleton ?? null, c.title_path.join("/")]),
  };
}

Deno.test("sync after an edit, an add, a delete and a rename holds exactly what a full build holds", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    await Deno.writeTextFile(join(seg.root, "src/util.py"), "def helper():\n    return 3\n");
    await Deno.writeTextFile(
      join(seg.root, "src/new_mod.py"),
      "def NEW_FUNC_ANCHOR():\n    pass\n",
    );
    await Deno.remove(join(seg.root, "config/settings.yaml"));
    await Deno.rename(join(seg.root, "docs/guide.md"), join(seg.root, "docs/renamed.md"));
    const r = await syncPack(seg);
    assert.equal(r.mode, "incremental");
    assert.deepEqual(
      { added: r.added, changed: r.changed, deleted: r.deleted, unchanged: r.unchanged },
      { added: 2, changed: 1, deleted: 2, unchanged: 2 },
    );
    const synced = await packShape(seg);
    assert.equal((await validatePack(seg)).passed, true);
    const hit = await searchPack(seg, "NEW_FUNC_ANCHOR");
    assert.ok(hit.hits.some((h) => h.id.includes("src/new_mod.py")), JSON.stringify(hit.hits));
    const renamed = await searchPack(seg, "GUIDE_ANCHOR");
    assert.deepEqual([...new Set(renamed.hits.map((h) => h.path))], ["docs/renamed.md"]);
    await buildPack(seg);
    assert.deepEqual(synced, await packShape(seg));
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("sync with nothing changed re-chunks nothing and keeps the content digest", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    const before = (await readPack(seg)).sha256;
    const r = await syncPack(seg);
    assert.deepEqual([r.mode, r.added, r.changed, r.deleted, r.unchanged], [
      "incremental",
      0,
      0,
      0,
      5,
    ]);
    assert.equal(r.skeleton_cache.hit + r.skeleton_cache.miss, 0, "no file parsed");
    assert.equal((await readPack(seg)).sha256, before);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("sync without a pack, or with a copied (untrusted) one, does a full build", async () => {
  const seg = await tempSegment(FILES);
  try {
    const first = await syncPack(seg);
    assert.deepEqual([first.mode, first.full_reason, first.added], ["full", "no pack", 5]);
    const db = join(seg.root, "_ctx/context_pack.db");
    await Deno.copyFile(db, `${db}.copy`);
    await Deno.rename(`${db}.copy`, db);
    await assert.rejects(readPack(seg), /not trusted/);
    const again = await syncPack(seg);
    assert.deepEqual([again.mode, again.full_reason], ["full", "PACK_UNTRUSTED"]);
    assert.equal((await validatePack(seg)).passed, true);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("sync drops a file that became a symlink out of the segment, a denied name, and a secret in a name", async () => {
  const outside = await Deno.makeTempDir({ prefix: "trifecta-outside-" });
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    await Deno.writeTextFile(join(outside, "stolen.py"), "def STOLEN_ANCHOR():\n    pass\n");
    await Deno.remove(join(seg.root, "src/util.py"));
    await Deno.symlink(join(outside, "stolen.py"), join(seg.root, "src/util.py"));
    await Deno.rename(join(seg.root, "src/app.py"), join(seg.root, ".env.py"));
    const token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    await Deno.writeTextFile(join(seg.root, `notes_${token}.md`), "# hi\n");
    const r = await syncPack(seg);
    const { pack } = await readPack(seg);
    const paths = pack.source_files.map((f) => f.path);
    assert.ok(!paths.includes("src/util.py"), paths.join(","));
    assert.ok(!paths.some((p) => p.includes(".env") || p.includes("ghp_")), paths.join(","));
    assert.ok(!pack.chunks.some((c) => c.text.includes("STOLEN_ANCHOR")));
    assert.equal(r.skipped_by_reason.symlink_outside_segment, 1, JSON.stringify(r.skipped));
    assert.ok(r.deleted >= 2, JSON.stringify(r));
    assert.equal((await validatePack(seg)).passed, true);
  } finally {
    await removeSegment(seg);
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("a reader that opened the pack before a sync keeps reading a whole pack; a new one sees the sync", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    const old = await openTrustedPair(seg);
    try {
      const before = old.reader.ids();
      await Deno.writeTextFile(join(seg.root, "src/util.py"), "def LATE_ANCHOR():\n    pass\n");
      await syncPack(seg);
      assert.deepEqual(old.reader.ids(), before, "the old handle reads the old pack whole");
      assert.equal(old.reader.integrity().length, 0);
      assert.equal(old.reader.countMatches("LATE_ANCHOR"), 0);
    } finally {
      old.reader.close();
    }
    const fresh = await searchPack(seg, "LATE_ANCHOR");
    assert.equal(fresh.hits.length, 1);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("sync with paths compares only those files; a killed write's temp file is swept", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    const temp = join(seg.root, "_ctx/context_pack.db.tmp-1-deadbeef");
    await Deno.writeTextFile(temp, "half a database");
    await Deno.writeTextFile(join(seg.root, "src/util.py"), "def a():\n    return 9\n");
    await Deno.writeTextFile(join(seg.root, "README.md"), "# Changed\n");
    const progress: PackProgress[] = [];
    const r = await syncPack(seg, { paths: ["src/util.py"], onProgress: (p) => progress.push(p) });
    assert.deepEqual([r.changed, r.stale_temps_removed], [1, 1]);
    await assert.rejects(Deno.stat(temp), Deno.errors.NotFound);
    const stages = new Set(progress.map((p) => p.stage));
    assert.deepEqual([...stages].sort(), ["chunk", "commit", "walk"]);
    assert.ok(progress.every((p) => p.done <= p.total));
    const full = await syncPack(seg);
    assert.equal(full.changed, 1, "README.md, not in paths before, is seen by a full compare");
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("quick validation (what ctx sync runs) re-reads only files whose size or mtime moved", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    const path = join(seg.root, "src/util.py");
    const before = await Deno.stat(path);
    // Same size, same mtime, other bytes: only a full read can tell.
    await Deno.writeTextFile(path, "def helper():\n    return 7\n");
    await Deno.utime(path, before.atime ?? new Date(), before.mtime ?? new Date());
    assert.equal((await validatePack(seg, { quick: true })).passed, true);
    assert.deepEqual((await validatePack(seg)).error_codes, ["SOURCE_CHANGED"]);
    await Deno.writeTextFile(path, "def helper():\n    return 77\n");
    assert.deepEqual((await validatePack(seg, { quick: true })).error_codes, ["SOURCE_CHANGED"]);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("the MCP pack session serves get from the asked rows and syncs a changed file first", async () => {
  const seg = await tempSegment(FILES);
  const cache = createAstCache({ persist: false, segment: seg });
  try {
    await buildPack(seg);
    const session = new PackSession(seg, { openCache: () => Promise.resolve(cache) });
    const { pack } = await readPack(seg);
    const helper = pack.chunks.find((c) => c.source_path === "src/util.py");
    assert.ok(helper);
    const one = await session.fresh({ ids: [helper.id] });
    assert.deepEqual(one.loaded.pack.chunks.map((c) => c.id), [helper.id]);
    assert.equal(one.rebuilt, undefined);
    await Deno.writeTextFile(join(seg.root, "src/util.py"), "def helper():\n    return 5\n");
    const after = await session.fresh({ ids: [helper.id] });
    assert.deepEqual(after.rebuilt?.changed, ["src/util.py"]);
    assert.equal(after.loaded.pack.chunks.length, 0, "the old chunk id is gone after the sync");
    const synced = await session.sync();
    assert.deepEqual([synced.mode, synced.changed, synced.unchanged], ["incremental", 0, 5]);
  } finally {
    cache.close();
    await removeSegment(seg);
  }
});

Deno.test("sync of a pack cut by other extraction code (or by code before the fingerprint) rebuilds it whole", async () => {
  const { DatabaseSync } = await import("node:sqlite");
  const { EXTRACTION_FINGERPRINT } = await import("../../lib/cache/fingerprint.ts");
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    const db = join(seg.root, "_ctx/context_pack.db");
    const meta = (sql: string) => {
      const conn = new DatabaseSync(db);
      try {
        return conn.prepare(sql).all();
      } finally {
        conn.close();
      }
    };
    const recorded = meta("SELECT value FROM meta WHERE key = 'extraction'");
    assert.deepEqual(recorded.map((r) => r.value), [EXTRACTION_FINGERPRINT]);
    meta("UPDATE meta SET value = '0badc0de' WHERE key = 'extraction'");
    const other = await syncPack(seg);
    assert.deepEqual([other.mode, other.full_reason], ["full", "extraction code changed"]);
    assert.equal((await validatePack(seg)).passed, true);
    meta("DELETE FROM meta WHERE key = 'extraction'");
    const older = await syncPack(seg);
    assert.deepEqual([older.mode, older.full_reason], ["full", "extraction code changed"]);
    const again = await syncPack(seg);
    assert.equal(again.mode, "incremental", "the rebuilt pack records the fingerprint");
  } finally {
    await removeSegment(seg);
  }
});
