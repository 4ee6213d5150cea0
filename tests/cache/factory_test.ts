import assert from "node:assert/strict";
import {
  cacheDbPath,
  cacheKey,
  createAstCache,
  describeCache,
  explainLookup,
  MemoryLruCache,
  TelemetryAstCache,
} from "../../lib/cache/mod.ts";
import { acquireLockSync } from "../../lib/file_lock.ts";
import { openStateFile } from "../../lib/safe_dir.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";
import { corruptFile, fillDatabase, recordingSink, tempSegment } from "./helpers.ts";

async function withEnv(value: string | undefined, fn: () => Promise<void>): Promise<void> {
  const before = Deno.env.get("TRIFECTA_AST_PERSIST");
  if (value === undefined) Deno.env.delete("TRIFECTA_AST_PERSIST");
  else Deno.env.set("TRIFECTA_AST_PERSIST", value);
  try {
    await fn();
  } finally {
    if (before === undefined) Deno.env.delete("TRIFECTA_AST_PERSIST");
    else Deno.env.set("TRIFECTA_AST_PERSIST", before);
  }
}

Deno.test("factory: without flag or env the cache is memory, creates no file, and misses are ephemeral_cache", async () => {
  await withEnv(undefined, async () => {
    const { segment, cleanup } = await tempSegment();
    try {
      const cache = createAstCache({ segment });
      assert.equal(cache.backend, "memory");
      assert.equal(cache.get("k"), undefined);
      assert.deepEqual(explainLookup(cache, false), {
        cache_status: "miss",
        miss_reason: "ephemeral_cache",
      });
      assert.equal(describeCache(cache).persist_source, null);
      cache.close();
      await assert.rejects(Deno.stat(`${segment.root}/.trifecta`), Deno.errors.NotFound);
    } finally {
      await cleanup();
    }
  });
});

for (
  const [flag, env, source] of [[true, undefined, "flag"], [false, "1", "env"], [
    true,
    "1",
    "flag+env",
  ]] as const
) {
  Deno.test(`factory: persistence asked by ${source} gives SQLite with the same info (db path relative)`, async () => {
    await withEnv(env, async () => {
      const { segment, cleanup } = await tempSegment();
      try {
        const cache = createAstCache({ segment, persist: flag });
        assert.equal(cache.backend, "sqlite");
        const info = describeCache(cache);
        assert.equal(info.persist_source, source);
        assert.equal(info.db_path, ".trifecta/cache/ast_cache.db");
        assert.equal(info.db_state, "created");
        assert.deepEqual(explainLookup(cache, false), {
          cache_status: "miss",
          miss_reason: "cold_cache_db_missing",
        });
        cache.close();
        await Deno.stat(cacheDbPath(segment));
      } finally {
        await cleanup();
      }
    });
  });
}

Deno.test("factory: miss reasons are cold_cache_empty, key_miss, file_changed, cache_rebuilt as the database says", async () => {
  await withEnv(undefined, async () => {
    const { segment, cleanup } = await tempSegment();
    try {
      createAstCache({ segment, persist: true }).close();
      const empty = createAstCache({ segment, persist: true });
      assert.equal(explainLookup(empty, false).miss_reason, "cold_cache_empty");
      empty.set(cacheKey(segment.id, "a.py", "1".repeat(16)), 1, {
        fileRel: "a.py",
        fileMtimeMs: 1,
        fileSize: 1,
      });
      empty.close();
      const full = createAstCache({ segment, persist: true });
      assert.equal(explainLookup(full, false, { fileRel: "b.py" }).miss_reason, "key_miss");
      assert.equal(explainLookup(full, false, { fileRel: "a.py" }).miss_reason, "file_changed");
      assert.equal(explainLookup(full, true).miss_reason, "cache_hit");
      full.close();
      corruptFile(cacheDbPath(segment), "header");
      const rebuilt = createAstCache({ segment, persist: true });
      assert.equal(explainLookup(rebuilt, false).miss_reason, "cache_rebuilt");
      assert.equal(describeCache(rebuilt).moved_aside.length, 1);
      rebuilt.close();
    } finally {
      await cleanup();
    }
  });
});

Deno.test("factory: an unopenable database (a directory in its place) falls back to memory with an event", async () => {
  // Tests run as root here, so chmod cannot make a directory read-only; a
  // directory where the database file belongs makes it unopenable for anyone.
  const { segment, cleanup } = await tempSegment();
  try {
    await Deno.mkdir(cacheDbPath(segment), { recursive: true });
    const sink = recordingSink();
    const cache = createAstCache({ segment, persist: true, telemetry: sink as never });
    assert.equal(cache.backend, "memory");
    cache.set("k", 1);
    assert.equal(cache.get("k"), 1);
    const info = describeCache(cache);
    assert.equal(info.fallback_reason, "cannot_open");
    assert.equal(info.db_state, "unavailable");
    assert.equal(explainLookup(cache, false).miss_reason, "persistent_unavailable");
    const ev = sink.events.find((e) => e.cmd === "ast.cache.fallback");
    assert.equal(ev?.result.reason, "cannot_open");
    assert.equal(ev?.result.stage, "open");
    cache.close();
  } finally {
    await cleanup();
  }
});

Deno.test("factory: a create lock held past the timeout falls back to memory with lock_timeout events", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    await Deno.mkdir(`${segment.root}/.trifecta/cache`, { recursive: true });
    const held = acquireLockSync(openStateFile(`${cacheDbPath(segment)}.lock`), { waitMs: 1000 });
    assert.ok(held.ok);
    try {
      const sink = recordingSink();
      const cache = createAstCache({
        segment,
        persist: true,
        telemetry: sink as never,
        lockTimeoutMs: 50,
      });
      assert.equal(cache.backend, "memory");
      assert.deepEqual(
        sink.events.map((e) => e.cmd).filter((c) => c !== "ast.cache.miss"),
        ["ast.cache.lock_timeout", "ast.cache.fallback"],
      );
      cache.close();
    } finally {
      held.lock.release();
    }
  } finally {
    await cleanup();
  }
});

Deno.test("factory: a database past the size threshold emits ast.cache.size_warning", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    await fillDatabase(segment, 50, 1000);
    const sink = recordingSink();
    const cache = createAstCache({
      segment,
      persist: true,
      telemetry: sink as never,
      sizeWarningBytes: 10_000,
    });
    const ev = sink.events.find((e) => e.cmd === "ast.cache.size_warning");
    assert.ok(ev);
    assert.ok((ev.result.size_bytes as number) > 10_000);
    assert.equal(ev.result.threshold_bytes, 10_000);
    cache.close();
  } finally {
    await cleanup();
  }
});

Deno.test("factory: with telemetry off the cache is not wrapped (zero overhead); with it on, it is", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const off = createAstCache({ segment, telemetry: Telemetry.disabled() });
    assert.ok(off instanceof MemoryLruCache);
    const on = createAstCache({ segment, telemetry: recordingSink() as never });
    assert.ok(on instanceof TelemetryAstCache);
    assert.equal(describeCache(on).backend, "memory");
  } finally {
    await cleanup();
  }
});
