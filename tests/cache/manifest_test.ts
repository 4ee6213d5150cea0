import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { type ManifestRow, manifestServes, rowTag, tagKey } from "../../lib/cache/manifest.ts";
import { openManifest } from "../../lib/cache/manifest_access.ts";
import { createAstCache } from "../../lib/cache/factory.ts";
import { SqliteCache } from "../../lib/cache/sqlite_cache.ts";
import { openCacheDatabase } from "../../lib/cache/sqlite_open.ts";
import { ACCESS_GRAIN_SEC, MTIME_TRUST_WINDOW_MS } from "../../lib/cache/limits.ts";
import { CACHE_KEY_VERSION, CACHE_SCHEMA_VERSION } from "../../lib/cache/types.ts";
import { EXTRACTION_FINGERPRINT } from "../../lib/cache/fingerprint.ts";
import { tempSegment } from "./helpers.ts";

const SEG = "1a2b3c4d";
const HOUR_MS = 3_600_000;
const STAMP = { size: 6, mtimeMs: 1_000_000, ctimeMs: 1_000_000, ino: 7, dev: 1 };

function row(rel: string, over: Partial<ManifestRow> = {}): ManifestRow {
  return {
    ...STAMP,
    fileRel: rel,
    key: `${SEG}:${rel}:0123456789abcdef:${CACHE_KEY_VERSION}`,
    verifiedAtMs: STAMP.mtimeMs + HOUR_MS,
    out: `{"path":${JSON.stringify(rel)},"symbols":[]}`,
    text: `${rel} (python, 6 bytes)\n`,
    counts: {
      has_errors: false,
      bytes: 6,
      skeleton_bytes: 6,
      functions: 1,
      classes: 0,
      symbols: 1,
    },
    ...over,
  };
}

const CHECK = { segmentId: SEG, fileRel: "a.py" };

Deno.test("manifest: a row is served only when size, mtime, ctime, inode and device all match", () => {
  assert.equal(manifestServes(row("a.py"), STAMP, CHECK), true);
  for (const field of ["size", "mtimeMs", "ctimeMs", "ino", "dev"] as const) {
    const changed = { ...STAMP, [field]: STAMP[field] + 1 };
    assert.equal(manifestServes(row("a.py"), changed, CHECK), false, field);
  }
});

Deno.test("manifest: a file changed within the trust window of its verification is never served by stat", () => {
  // mtime 1 ms inside the window: the same clock tick could hide a rewrite.
  const racyMtime = row("a.py", { verifiedAtMs: STAMP.mtimeMs + MTIME_TRUST_WINDOW_MS - 1 });
  assert.equal(manifestServes(racyMtime, STAMP, CHECK), false);
  // ctime is reported in whole seconds: it needs a further second.
  const late = { ...STAMP, mtimeMs: 0 };
  const racyCtime = row("a.py", { ...late, verifiedAtMs: STAMP.ctimeMs + MTIME_TRUST_WINDOW_MS });
  assert.equal(manifestServes(racyCtime, late, CHECK), false);
  const clear = row("a.py", {
    ...late,
    verifiedAtMs: STAMP.ctimeMs + MTIME_TRUST_WINDOW_MS + 1000,
  });
  assert.equal(manifestServes(clear, late, CHECK), true);
});

Deno.test("manifest: a row of another segment, file, value schema, extraction code or path in its output is refused", () => {
  const bad: [string, ManifestRow][] = [
    [
      "other segment",
      row("a.py", { key: `ffffffff:a.py:0123456789abcdef:${CACHE_KEY_VERSION}` }),
    ],
    ["other file", row("a.py", { key: `${SEG}:b.py:0123456789abcdef:${CACHE_KEY_VERSION}` })],
    [
      "old schema",
      row("a.py", {
        key: `${SEG}:a.py:0123456789abcdef:${CACHE_SCHEMA_VERSION - 1}.${EXTRACTION_FINGERPRINT}`,
      }),
    ],
    [
      "other extraction code",
      row("a.py", { key: `${SEG}:a.py:0123456789abcdef:${CACHE_SCHEMA_VERSION}.0badc0de` }),
    ],
    ["short hash", row("a.py", { key: `${SEG}:a.py:0123:${CACHE_KEY_VERSION}` })],
    ["other path in out", row("a.py", { out: '{"path":"b.py","symbols":[]}' })],
    ["not an object", row("a.py", { out: '{"path":"a.py",' })],
  ];
  for (const [what, r] of bad) assert.equal(manifestServes(r, STAMP, CHECK), false, what);
  // A path may hold ":".
  const odd = { segmentId: SEG, fileRel: "x:y.py" };
  assert.equal(manifestServes(row("x:y.py"), STAMP, odd), true);
});

Deno.test("manifest: a text run is served only a row whose text outline was recorded and starts with the file's header", () => {
  const text = { ...CHECK, textHead: "a.py (" };
  assert.equal(manifestServes(row("a.py"), STAMP, text), true);
  assert.equal(
    manifestServes(row("a.py", { text: "" }), STAMP, text),
    false,
    "no outline recorded",
  );
  assert.equal(
    manifestServes(row("a.py", { text: "b.py (python, 6 bytes)\n" }), STAMP, text),
    false,
    "another file's outline",
  );
  // A `--json` run does not need the outline, nor a text run the entry.
  assert.equal(manifestServes(row("a.py", { text: "" }), STAMP, CHECK), true);
  assert.equal(manifestServes(row("a.py", { out: "" }), STAMP, text), true);
  assert.equal(manifestServes(row("a.py", { out: "" }), STAMP, CHECK), false);
});

async function withDb(fn: (path: string) => void | Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-manifest-" });
  try {
    await fn(`${dir}/.trifecta/cache/ast_cache.db`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function open(path: string, now?: () => number): SqliteCache {
  const r = openCacheDatabase(path);
  if (!r.ok) throw new Error(`open failed: ${r.reason}`);
  return new SqliteCache(r.db, { segmentId: SEG, now });
}

const META = { fileRel: "a.py", fileMtimeMs: 1, fileSize: 6 };

Deno.test("manifest: a row lives only as long as its cache entry (delete, clear), and a row without one is not loaded", async () => {
  await withDb((path) => {
    const c = open(path);
    const a = row("a.py");
    c.set(a.key, { v: 1 }, META);
    c.putManifest([a]);
    c.putManifest([row("orphan.py")]);
    assert.deepEqual([...c.manifestRows().keys()], ["a.py"]);
    assert.equal(c.manifestRows().get("a.py")?.out, a.out);
    c.delete(a.key);
    assert.equal(c.manifestRows().size, 0);
    c.set(a.key, { v: 1 }, META);
    c.putManifest([a]);
    c.clear();
    c.close();
    const raw = new DatabaseSync(path);
    const n = raw.prepare("SELECT count(*) AS n FROM manifest").get() as { n: number };
    raw.close();
    assert.equal(n.n, 0, "clear empties the manifest, orphans included");
  });
});

Deno.test("manifest: a copied database (not stamped here) loses its manifest rows, orphans included", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const first = createAstCache({ segment, persist: true });
    const rel = "a.py";
    const key = `${segment.id}:${rel}:0123456789abcdef:${CACHE_KEY_VERSION}`;
    first.set(key, { v: 1 }, { ...META, fileRel: rel });
    const manifest = await openManifest(first);
    manifest?.put(row(rel, { key }));
    manifest?.put(row("orphan.py", { key: `${segment.id}:orphan.py:ffffffffffffffff:4` }));
    await manifest?.flush();
    assert.equal((await openManifest(first))?.rows.size, 1, "the orphan is held but never loaded");
    first.close();
    // Copy the file to a new inode: its stamp no longer names it.
    const db = `${segment.root}/.trifecta/cache/ast_cache.db`;
    await Deno.copyFile(db, `${db}.copy`);
    await Deno.rename(`${db}.copy`, db);
    const again = createAstCache({ segment, persist: true });
    assert.equal((await openManifest(again))?.rows.size, 0);
    again.close();
    const raw = new DatabaseSync(db);
    const n = raw.prepare("SELECT count(*) AS n FROM manifest").get() as { n: number };
    raw.close();
    assert.equal(n.n, 0);
  } finally {
    await cleanup();
  }
});

Deno.test("manifest: a hit counts in the totals; the entry's access time moves only when older than the grain", async () => {
  await withDb((path) => {
    let now = 1_000 * HOUR_MS;
    const c = open(path, () => now);
    const a = row("a.py");
    c.set(a.key, { v: 1 }, META);
    c.putManifest([a]);
    const access = () => c.manifestRows().get("a.py")?.entryAccessSec;
    const written = access();
    now += 60_000;
    c.recordHit(a.key, written);
    c.flush();
    assert.equal(access(), written, "accessed a minute ago: row not rewritten");
    now += ACCESS_GRAIN_SEC * 1000;
    c.recordHit(a.key, written);
    c.flush();
    assert.equal(access(), now / 1000);
    assert.equal(c.stats().hits, 2);
    c.close();
  });
});

Deno.test("manifest: when a write-ahead log is there at open, a row is genuine only with the tag this database's stamp gives it", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const cache = createAstCache({ segment, persist: true });
    const rel = "a.py";
    const key = `${segment.id}:${rel}:0123456789abcdef:${CACHE_KEY_VERSION}`;
    cache.set(key, { v: 1 }, { ...META, fileRel: rel });
    const writer = await openManifest(cache);
    writer?.put(row(rel, { key }));
    await writer?.flush();
    cache.close();
    const db = `${segment.root}/.trifecta/cache/ast_cache.db`;
    // A write-ahead log that is there before the next open, holding frames
    // this program did not write: kept open here so SQLite keeps its log, and
    // with the shared `.live` hold a live connection keeps (lib/cache/sqlite_live.ts),
    // or the next open would set the log aside as stray before reading it.
    const live = await Deno.open(`${db}.live`, { read: true, write: true, create: true });
    await live.lock(false);
    const raw = new DatabaseSync(db);
    const stamp = (raw.prepare("PRAGMA application_id").get() as { application_id: number })
      .application_id;
    raw.exec(`UPDATE manifest SET out = replace(out, '"symbols"', '"planted":1,"symbols"')`);
    try {
      const reader = createAstCache({ segment, persist: true });
      const manifest = await openManifest(reader);
      assert.equal(manifest?.checksTags, true);
      const planted = manifest?.rows.get(rel);
      assert.ok(planted?.out.includes('"planted":1'));
      assert.equal(await manifest?.genuine(planted as ManifestRow), false);
      // The same row tagged with the stamp (what this program writes) is genuine.
      const forged = { ...(planted as ManifestRow) };
      forged.tag = await rowTag(forged, await tagKey(stamp));
      assert.equal(await manifest?.genuine(forged), true);
      reader.close();
    } finally {
      raw.close();
      live.close();
    }
    // No log at open (every writer closed): rows are as this program's connections left them.
    const quiet = createAstCache({ segment, persist: true });
    assert.equal((await openManifest(quiet))?.checksTags, false);
    quiet.close();
  } finally {
    await cleanup();
  }
});

Deno.test("manifest: a run's hits are written back at once, past the flush interval (no partial write-back per interval)", async () => {
  await withDb((path) => {
    const now = 1_000 * HOUR_MS;
    const r = openCacheDatabase(path);
    if (!r.ok) throw new Error(`open failed: ${r.reason}`);
    const c = new SqliteCache(r.db, { segmentId: SEG, now: () => now, flushEvery: 4 });
    const a = row("a.py");
    c.set(a.key, { v: 1 }, META);
    const totalHits = () => {
      // Another connection sees only what was committed.
      const raw = new DatabaseSync(path);
      try {
        return (raw.prepare("SELECT hits FROM totals").get() as { hits: number }).hits;
      } finally {
        raw.close();
      }
    };
    c.recordHits(Array.from({ length: 10 }, () => ({ key: a.key, accessedSec: now / 1000 })));
    assert.equal(totalHits(), 10, "the whole batch, not the first 4 or 8");
    // Under the interval, a batch waits for the next flush, as single hits do.
    c.recordHits([{ key: a.key }, { key: a.key }]);
    assert.equal(totalHits(), 10);
    c.close();
    assert.equal(totalHits(), 12);
  });
});
