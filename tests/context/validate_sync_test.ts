/**
 * The validation after an incremental `ctx sync` (`validateSynced`): the
 * rows the sync wrote get every rule the full validation applies, deleted
 * files must be gone, and the pack-level counts hold; its report is the
 * full validation's on a sound pack.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  buildPack,
  packRecords,
  syncPack,
  validatePack,
  validateSynced,
} from "../../lib/context/mod.ts";
import type { Segment } from "../../lib/segment/mod.ts";
import { removeSegment, tempSegment } from "./helpers.ts";

const FILES = {
  "README.md": "# Demo\nIntro.\n## Install\nRun it.\n",
  "src/app.py": "def serve():\n    return 1\n\n\ndef stop():\n    return 0\n",
  "src/util.py": "def helper():\n    return 2\n",
  "src/old.py": "def legacy():\n    return 3\n",
};

/** Change the live pack in place with SQL (same inode: the stamp still holds). */
function editInPlace(root: string, sql: string): void {
  const db = new DatabaseSync(join(root, "_ctx/context_pack.db"));
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** Build, then edit app.py, add new.py, delete old.py, and sync: the records from before. */
async function syncedSegment(): Promise<{ seg: Segment; before: Map<string, string> }> {
  const seg = await tempSegment(FILES);
  await buildPack(seg);
  const before = packRecords(seg);
  assert.ok(before, "records of the built pack");
  await Deno.writeTextFile(join(seg.root, "src/app.py"), "def serve():\n    return 42\n");
  await Deno.writeTextFile(join(seg.root, "src/new.py"), "def fresh():\n    return 5\n");
  await Deno.remove(join(seg.root, "src/old.py"));
  const r = await syncPack(seg);
  assert.deepEqual([r.mode, r.added, r.changed, r.deleted], ["incremental", 1, 1, 1]);
  return { seg, before: new Map(before) };
}

Deno.test("validation after a sync reports what the full validation reports on a sound pack", async () => {
  const { seg, before } = await syncedSegment();
  try {
    const synced = await validateSynced(seg, before);
    const full = await validatePack(seg);
    assert.equal(synced.passed, true, synced.errors.join("; "));
    assert.deepEqual(synced, full);
    assert.equal(synced.source_files, 4);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("a bad chunk row of a file the sync wrote fails the validation after it", async () => {
  const { seg, before } = await syncedSegment();
  try {
    editInPlace(seg.root, "UPDATE chunks SET kind = 'x' WHERE path = 'src/new.py'");
    const v = await validateSynced(seg, before);
    assert.deepEqual(v.error_codes, ["PACK_CORRUPT"]);
    assert.match(v.errors.join("\n"), /kind is not a chunk kind/);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("a file the sync wrote is re-read even when stat shows it unchanged", async () => {
  const { seg, before } = await syncedSegment();
  try {
    const path = join(seg.root, "src/app.py");
    const was = await Deno.stat(path);
    // Same size, same mtime, other bytes: only a full read can tell.
    await Deno.writeTextFile(path, "def serve():\n    return 43\n");
    await Deno.utime(path, was.atime ?? new Date(), was.mtime ?? new Date());
    assert.deepEqual((await validateSynced(seg, before)).error_codes, ["SOURCE_CHANGED"]);
    assert.equal((await validatePack(seg, { quick: true })).passed, true, "quick misses it");
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("rows left of a file the sync deleted fail the validation after it", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    const before = packRecords(seg);
    assert.ok(before);
    // The record gone, its chunk and search rows left behind.
    editInPlace(seg.root, "DELETE FROM source_files WHERE path = 'src/old.py'");
    const v = await validateSynced(seg, before);
    assert.deepEqual(v.error_codes, ["PACK_INDEX_MISMATCH"]);
    assert.match(v.errors.join("\n"), /still holds \d+ row\(s\) of a deleted file/);
    assert.match(v.errors.join("\n"), /of them of no listed file/);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("a chunk without its search row fails both the full validation and the one after a sync", async () => {
  const { seg, before } = await syncedSegment();
  try {
    editInPlace(
      seg.root,
      "DELETE FROM chunks_fts WHERE rowid = (SELECT max(rowid) FROM chunks WHERE path = 'src/util.py')",
    );
    const synced = await validateSynced(seg, before);
    assert.deepEqual(synced.error_codes, ["PACK_INDEX_MISMATCH"]);
    assert.match(synced.errors.join("\n"), /holds \d+ search rows for \d+ chunk rows/);
    assert.ok((await validatePack(seg)).error_codes.includes("PACK_INDEX_MISMATCH"));
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("without a pack there are no records to compare with", async () => {
  const seg = await tempSegment(FILES);
  try {
    assert.equal(packRecords(seg), undefined);
    const v = await validateSynced(seg, new Map());
    assert.deepEqual(v.error_codes, ["PACK_NOT_FOUND"]);
  } finally {
    await removeSegment(seg);
  }
});
