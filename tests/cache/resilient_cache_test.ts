import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { cacheDbPath, createAstCache, describeCache, explainLookup } from "../../lib/cache/mod.ts";
import { fillDatabase, recordingSink, tempSegment } from "./helpers.ts";

Deno.test("resilient: a database locked by another writer past busy_timeout falls back to memory; the write still lands in memory", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    await fillDatabase(segment, 3);
    const sink = recordingSink();
    const cache = createAstCache({
      segment,
      persist: true,
      telemetry: sink as never,
      busyTimeoutMs: 50,
    });
    assert.equal(cache.backend, "sqlite");
    const other = new DatabaseSync(cacheDbPath(segment));
    other.exec("BEGIN IMMEDIATE"); // holds the write lock
    try {
      cache.set("k", { v: 1 });
      assert.equal(cache.backend, "memory");
      assert.deepEqual(cache.get("k"), { v: 1 });
      assert.equal(describeCache(cache).fallback_reason, "lock_timeout");
      assert.equal(explainLookup(cache, false).miss_reason, "persistent_unavailable");
      const cmds = sink.events.map((e) => e.cmd);
      assert.ok(cmds.includes("ast.cache.lock_timeout"), cmds.join(","));
      const fb = sink.events.find((e) => e.cmd === "ast.cache.fallback");
      assert.equal(fb?.args.operation, "set");
      assert.equal(fb?.result.stage, "use");
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    cache.close();
  } finally {
    await cleanup();
  }
});

Deno.test("resilient: corruption met during use moves the file aside, reports it, and continues on a fresh database", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const keys = await fillDatabase(segment, 3000, 2000); // ~7 MB, more than SQLite's page cache
    const sink = recordingSink();
    const cache = createAstCache({ segment, persist: true, telemetry: sink as never });
    assert.equal(cache.backend, "sqlite");
    // Clobber everything after page 1 under the open connection.
    const path = cacheDbPath(segment);
    const size = Deno.statSync(path).size;
    const f = Deno.openSync(path, { write: true });
    f.seekSync(4096, Deno.SeekMode.Start);
    f.writeSync(new Uint8Array(size - 4096).fill(0xa5));
    f.close();
    let missed = 0;
    for (const k of keys.slice(0, 50)) if (cache.get(k) === undefined) missed++;
    assert.ok(missed > 0);
    const ev = sink.events.find((e) => e.cmd === "ast.cache.corruption_detected");
    assert.ok(ev, "corruption event");
    assert.equal(ev.result.stage, "use");
    assert.equal(cache.backend, "sqlite");
    assert.equal(describeCache(cache).moved_aside.length >= 1, true);
    const first = keys[0];
    assert.ok(first !== undefined);
    cache.set(first, { again: true });
    assert.deepEqual(cache.get(first), { again: true });
    cache.close();
    const check = new DatabaseSync(path);
    const ok = check.prepare("PRAGMA integrity_check").get() as { integrity_check: string };
    check.close();
    assert.equal(ok.integrity_check, "ok");
  } finally {
    await cleanup();
  }
});
