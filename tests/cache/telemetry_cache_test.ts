import assert from "node:assert/strict";
import {
  cacheKey,
  createAstCache,
  MemoryLruCache,
  TelemetryAstCache,
} from "../../lib/cache/mod.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";
import { readEvents, recordingSink, tempSegment } from "./helpers.ts";

Deno.test("telemetry wrapper: get/set/delete/clear emit hit, miss, write, delete, clear with key, backend, segment id, timing", () => {
  const sink = recordingSink();
  const c = new TelemetryAstCache(new MemoryLruCache(), sink, "1a2b3c4d");
  c.get("k");
  c.set("k", { a: 1 });
  c.get("k");
  c.delete("k");
  c.clear();
  assert.deepEqual(sink.events.map((e) => e.cmd), [
    "ast.cache.miss",
    "ast.cache.write",
    "ast.cache.hit",
    "ast.cache.delete",
    "ast.cache.clear",
  ]);
  for (const e of sink.events.slice(0, 4)) {
    assert.equal(e.args.cache_key, "k");
    assert.equal(e.result.backend, "memory");
    assert.equal(e.result.segment_id, "1a2b3c4d");
    assert.ok(Number.isInteger(e.timingMs) && e.timingMs >= 1);
    assert.equal(typeof e.x.timing_us, "number");
  }
  assert.equal(sink.events[3]?.result.existed, true);
  assert.deepEqual(sink.events[4]?.args, {});
});

Deno.test("telemetry wrapper: real telemetry writes ast.cache events to events.jsonl without absolute paths", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const telemetry = Telemetry.open(segment, { level: "lite" });
    const cache = createAstCache({ segment, persist: true, telemetry });
    const key = cacheKey(segment.id, "src/a.py", "f".repeat(64));
    cache.get(key);
    cache.set(key, [{ kind: "function", name: "foo" }]);
    cache.get(key);
    cache.close();
    await telemetry.flush();
    const events = (await readEvents(segment.root)).filter((e) =>
      String(e.cmd).startsWith("ast.cache.")
    );
    const names = events.map((e) => e.cmd);
    for (const n of ["ast.cache.miss", "ast.cache.write", "ast.cache.hit"]) {
      assert.ok(names.includes(n), `${n} in ${names}`);
    }
    const hit = events.find((e) => e.cmd === "ast.cache.hit")!;
    assert.equal((hit.args as Record<string, unknown>).cache_key, key);
    assert.equal((hit.result as Record<string, unknown>).backend, "sqlite");
    assert.equal((hit.result as Record<string, unknown>).segment_id, segment.id);
    assert.ok(Number.isInteger(hit.timing_ms) && (hit.timing_ms as number) > 0);
    const text = await Deno.readTextFile(`${segment.root}/_ctx/telemetry/events.jsonl`);
    assert.ok(!text.includes(segment.root), "no absolute path in telemetry");
  } finally {
    await cleanup();
  }
});
