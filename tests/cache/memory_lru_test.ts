import assert from "node:assert/strict";
import { MemoryLruCache } from "../../lib/cache/memory_lru.ts";

Deno.test("memory LRU: a read makes an entry most recent, so the least recently used is evicted", () => {
  const c = new MemoryLruCache({ maxEntries: 3 });
  c.set("a", 1);
  c.set("b", 2);
  c.set("c", 3);
  assert.equal(c.get("a"), 1); // order now b, c, a
  c.set("d", 4); // evicts b
  assert.deepEqual(c.keys(), ["c", "a", "d"]);
  assert.equal(c.get("b"), undefined);
  assert.equal(c.evictions, 1);
});

Deno.test("memory LRU: the byte cap evicts oldest entries until the new value fits", () => {
  // Each value serialises to 12 bytes: "\"xxxxxxxxxx\"".
  const v = "x".repeat(10);
  const c = new MemoryLruCache({ maxEntries: 100, maxBytes: 30 });
  c.set("a", v);
  c.set("b", v);
  assert.equal(c.stats().current_bytes, 24);
  c.set("c", v); // 36 > 30: evict a
  assert.deepEqual(c.keys(), ["b", "c"]);
  assert.equal(c.stats().current_bytes, 24);
  c.set("huge", "y".repeat(100)); // larger than the cap: not stored, nothing evicted
  assert.deepEqual(c.keys(), ["b", "c"]);
});

Deno.test("memory LRU: bytes are UTF-8 bytes of the JSON, and replacing a key re-counts them", () => {
  const c = new MemoryLruCache();
  c.set("k", "é"); // "\"é\"" = 4 bytes
  assert.equal(c.stats().current_bytes, 4);
  c.set("k", "ab"); // 4 bytes, replaces
  assert.equal(c.stats().current_bytes, 4);
  assert.equal(c.stats().entries, 1);
});

Deno.test("memory LRU: hits and misses are counted exactly and hit_rate stays in 0..1", () => {
  const c = new MemoryLruCache();
  assert.equal(c.stats().hit_rate, 0);
  c.set("a", { x: 1 });
  c.get("a");
  c.get("a");
  c.get("zz");
  const s = c.stats();
  assert.deepEqual([s.hits, s.misses, s.backend], [2, 1, "memory"]);
  assert.equal(s.hit_rate, 2 / 3);
});

Deno.test("memory LRU: delete and clear remove entries; undefined values are refused", () => {
  const c = new MemoryLruCache();
  c.set("a", 1);
  assert.equal(c.delete("a"), true);
  assert.equal(c.delete("a"), false);
  c.set("b", 2);
  c.clear();
  assert.equal(c.stats().entries, 0);
  assert.equal(c.stats().current_bytes, 0);
  assert.throws(() => c.set("u", undefined), TypeError);
});

Deno.test("memory LRU: keyForStat trusts mtime+size only for files older than the 2 s window", () => {
  let now = 100_000;
  const c = new MemoryLruCache({ now: () => now });
  c.set("k-old", 1, { fileRel: "a.py", fileMtimeMs: 90_000, fileSize: 10 });
  assert.equal(c.keyForStat("a.py", 90_000, 10), "k-old");
  assert.equal(c.keyForStat("a.py", 90_001, 10), undefined, "mtime changed");
  assert.equal(c.keyForStat("a.py", 90_000, 11), undefined, "size changed");
  c.set("k-fresh", 2, { fileRel: "b.py", fileMtimeMs: 99_500, fileSize: 10 });
  assert.equal(c.keyForStat("b.py", 99_500, 10), undefined, "modified within 2 s of caching");
  now = 200_000;
  c.delete("k-old");
  assert.equal(c.keyForStat("a.py", 90_000, 10), undefined, "deleted entry");
  assert.equal(c.hasFile("b.py"), true);
});
