import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { SqliteCache } from "../../lib/cache/sqlite_cache.ts";
import { CACHE_KEY_VERSION as V, CACHE_SCHEMA_VERSION } from "../../lib/cache/types.ts";
import { EXTRACTION_FINGERPRINT } from "../../lib/cache/fingerprint.ts";
import { openCacheDatabase } from "../../lib/cache/sqlite_open.ts";
import { DB_SCHEMA_VERSION } from "../../lib/cache/sqlite_schema.ts";
import { recordingSink } from "./helpers.ts";

async function withDb(
  fn: (path: string) => void | Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-sqlite-" });
  try {
    await fn(`${dir}/.trifecta/cache/ast_cache.db`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function open(path: string, options: ConstructorParameters<typeof SqliteCache>[1] = {}) {
  const r = openCacheDatabase(path);
  if (!r.ok) throw new Error(`open failed: ${r.reason}`);
  return new SqliteCache(r.db, options);
}

Deno.test("sqlite: a value set by one connection is read back equal by a new one, and the raw row is JSON", async () => {
  await withDb((path) => {
    const value = [{ kind: "function", name: "foo", start_line: 1, end_line: 2 }];
    const a = open(path);
    a.set("seg:src/a.py:0123456789abcdef:1", value, {
      fileRel: "src/a.py",
      fileMtimeMs: 1,
      fileSize: 2,
    });
    a.close();
    const b = open(path);
    assert.deepEqual(b.get("seg:src/a.py:0123456789abcdef:1"), value);
    b.close();
    const raw = new DatabaseSync(path);
    const row = raw.prepare("SELECT value, file_rel, file_size, value_bytes FROM cache").get() as {
      value: string;
      file_rel: string;
      file_size: number;
      value_bytes: number;
    };
    raw.close();
    assert.deepEqual(JSON.parse(row.value), value);
    assert.equal(row.file_rel, "src/a.py");
    assert.equal(row.file_size, 2);
    assert.equal(row.value_bytes, new TextEncoder().encode(row.value).length);
  });
});

Deno.test("sqlite: hits and misses are counted exactly across connections and survive reopening", async () => {
  await withDb((path) => {
    const a = open(path, { flushEvery: 1000 });
    a.set("k1", 1);
    a.get("k1");
    a.get("k1");
    a.get("nope");
    const b = open(path);
    b.get("k1");
    b.get("nope2");
    b.close();
    a.close(); // flushes its 2 hits and 1 miss
    const c = open(path);
    const s = c.stats();
    assert.deepEqual([s.hits, s.misses, s.entries], [3, 2, 1]);
    assert.equal(s.hit_rate, 3 / 5);
    c.clear();
    assert.deepEqual([c.stats().hits, c.stats().misses, c.stats().entries], [0, 0, 0]);
    c.close();
  });
});

Deno.test("sqlite: over max entries, least recently read rows are evicted in a batch down to 90%", async () => {
  await withDb((path) => {
    let now = 1_000_000;
    const sink = recordingSink();
    const c = open(path, { maxEntries: 20, now: () => now, events: sink });
    for (let i = 0; i < 20; i++) {
      now += 1000;
      c.set(`k${i}`, { i });
    }
    now += 1000;
    assert.deepEqual(c.get("k0"), { i: 0 }); // k0 becomes most recent
    now += 1000;
    c.set("k20", { i: 20 }); // 21 > 20: evict down to 18
    const s = c.stats();
    assert.equal(s.entries, 18);
    assert.notEqual(c.get("k0"), undefined, "recently read k0 survives");
    for (const gone of ["k1", "k2", "k3"]) assert.equal(c.get(gone), undefined, gone);
    assert.notEqual(c.get("k4"), undefined);
    assert.equal(c.evictions, 3);
    const ev = sink.events.find((e) => e.cmd === "ast.cache.evict");
    assert.equal(ev?.result.evicted, 3);
    c.close();
  });
});

Deno.test("sqlite: over max bytes, rows are evicted until the values fit under 90% of the cap", async () => {
  await withDb((path) => {
    let now = 1_000_000;
    const v = "x".repeat(98); // 100 bytes serialised
    const c = open(path, { maxBytes: 1000, now: () => now });
    for (let i = 0; i < 10; i++) {
      now += 1000;
      c.set(`k${i}`, v);
    }
    assert.equal(c.stats().current_bytes, 1000);
    now += 1000;
    c.set("k10", v);
    const s = c.stats();
    assert.ok(s.current_bytes <= 900, `bytes ${s.current_bytes}`);
    assert.equal(c.get("k0"), undefined);
    assert.notEqual(c.get("k10"), undefined);
    c.close();
  });
});

Deno.test("sqlite: prune removes entries not read for N days and keeps recently read ones", async () => {
  await withDb((path) => {
    const day = 86_400_000;
    let now = 100 * day;
    const c = open(path, { now: () => now });
    c.set("old", 1);
    c.set("read-later", 2);
    now += 8 * day;
    c.set("new", 3);
    assert.equal(c.get("read-later"), 2);
    assert.equal(c.prune(7), 1);
    assert.equal(c.get("old"), undefined);
    assert.equal(c.get("read-later"), 2);
    assert.equal(c.get("new"), 3);
    assert.equal(c.autoPrune(7), undefined, "auto prune runs at most once a day");
    now += 2 * day;
    assert.equal(c.autoPrune(7), 0);
    const r = c.report();
    assert.equal(r.entries, 2);
    assert.equal(r.last_prune_ms, now);
    assert.equal(r.schema_version, DB_SCHEMA_VERSION);
    c.close();
  });
});

Deno.test("sqlite: keyForStat returns this segment's current-schema, current-extraction key only outside the 2 s mtime window", async () => {
  await withDb((path) => {
    const now = 1_000_000;
    const c = open(path, { now: () => now, segmentId: "aaaaaaaa" });
    c.set(`aaaaaaaa:a.py:1111111111111111:${V}`, 1, {
      fileRel: "a.py",
      fileMtimeMs: 990_000,
      fileSize: 5,
    });
    c.set(`bbbbbbbb:b.py:1111111111111111:${V}`, 1, {
      fileRel: "b.py",
      fileMtimeMs: 990_000,
      fileSize: 5,
    });
    c.set(
      `aaaaaaaa:c.py:1111111111111111:${CACHE_SCHEMA_VERSION - 1}.${EXTRACTION_FINGERPRINT}`,
      1,
      {
        fileRel: "c.py",
        fileMtimeMs: 990_000,
        fileSize: 5,
      },
    );
    c.set(`aaaaaaaa:e.py:1111111111111111:${CACHE_SCHEMA_VERSION}.0badc0de`, 1, {
      fileRel: "e.py",
      fileMtimeMs: 990_000,
      fileSize: 5,
    });
    c.set(`aaaaaaaa:d.py:1111111111111111:${V}`, 1, {
      fileRel: "d.py",
      fileMtimeMs: 999_000,
      fileSize: 5,
    });
    assert.equal(c.keyForStat("a.py", 990_000, 5), `aaaaaaaa:a.py:1111111111111111:${V}`);
    assert.equal(c.keyForStat("a.py", 990_001, 5), undefined);
    assert.equal(c.keyForStat("a.py", 990_000, 6), undefined);
    assert.equal(c.keyForStat("b.py", 990_000, 5), undefined, "another segment's key");
    assert.equal(c.keyForStat("c.py", 990_000, 5), undefined, "old value schema");
    assert.equal(c.keyForStat("e.py", 990_000, 5), undefined, "other extraction code");
    assert.equal(c.keyForStat("d.py", 999_000, 5), undefined, "modified 1 s before caching");
    assert.equal(c.hasFile("d.py"), true);
    assert.equal(c.hasFile("zz.py"), false);
    c.close();
  });
});

Deno.test("sqlite: integrity check of a sound database is ['ok'], and delete reports existence", async () => {
  await withDb((path) => {
    const c = open(path);
    c.set("a", 1);
    assert.deepEqual(c.integrityCheck(), ["ok"]);
    assert.equal(c.delete("a"), true);
    assert.equal(c.delete("a"), false);
    c.close();
  });
});

Deno.test("sqlite: clear on a file made by this version gives its pages back (incremental vacuum)", async () => {
  await withDb((path) => {
    const c = open(path);
    for (let i = 0; i < 500; i++) c.set(`k${i}`, "v".repeat(1000));
    c.flush();
    const before = Deno.statSync(path).size + Deno.statSync(`${path}-wal`).size;
    c.clear();
    assert.equal(c.vacuum(), true);
    const after = Deno.statSync(path).size;
    assert.ok(after < before / 4, `${before} -> ${after}`);
    c.close();
  });
});
