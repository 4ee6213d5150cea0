import assert from "node:assert/strict";
import { CACHE_KEY_VERSION, createAstCache, MemoryLruCache } from "../../lib/cache/mod.ts";
import { ParsePool, skeletonOfFile, skeletonOfFiles } from "../../lib/ast/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";
import { withTempDir } from "./helpers.ts";

const SOURCE =
  'def foo():\n    """Foo."""\n    pass\n\n\nclass Bar:\n    def baz(self):\n        pass\n';

async function readEvents(dir: string): Promise<Array<Record<string, unknown>>> {
  const text = await Deno.readTextFile(`${dir}/_ctx/telemetry/events.jsonl`);
  return text.trim().split("\n").map((l) => JSON.parse(l));
}

Deno.test("skeletonOfFile: a miss parses and fills the cache, the next call is a hit", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.py`, SOURCE);
    const segment = await resolveSegment(dir);
    const cache = new MemoryLruCache();
    const file = { abs: `${dir}/a.py`, rel: "a.py" };
    const first = await skeletonOfFile(segment, file, { cache });
    assert.equal(first.cache_status, "miss");
    assert.match(
      first.cache_key,
      new RegExp(`^${segment.id}:a\\.py:[0-9a-f]{16}:${CACHE_KEY_VERSION.replace(".", "\\.")}$`),
    );
    assert.deepEqual(first.skeleton.symbols.map((s) => s.name), ["foo", "Bar"]);
    assert.equal(first.skeleton.path, "a.py");
    const second = await skeletonOfFile(segment, file, { cache });
    assert.equal(second.cache_status, "hit");
    assert.equal(second.cache_key, first.cache_key);
    assert.deepEqual(second.skeleton, first.skeleton);
  });
});

Deno.test("skeletonOfFile: changed content gets a new key and a fresh skeleton", async () => {
  await withTempDir(async (dir) => {
    const abs = `${dir}/a.py`;
    await Deno.writeTextFile(abs, SOURCE);
    const segment = await resolveSegment(dir);
    const cache = new MemoryLruCache();
    const first = await skeletonOfFile(segment, { abs, rel: "a.py" }, { cache });
    await Deno.writeTextFile(abs, "def only():\n    pass\n");
    await Deno.utime(abs, new Date(), new Date(Date.now() + 5000));
    const second = await skeletonOfFile(segment, { abs, rel: "a.py" }, { cache });
    assert.equal(second.cache_status, "miss");
    assert.notEqual(second.cache_key, first.cache_key);
    assert.deepEqual(second.skeleton.symbols.map((s) => s.name), ["only"]);
  });
});

Deno.test("skeletonOfFile: a touched but unchanged file is a hit by content hash", async () => {
  await withTempDir(async (dir) => {
    const abs = `${dir}/a.py`;
    await Deno.writeTextFile(abs, SOURCE);
    const segment = await resolveSegment(dir);
    const cache = new MemoryLruCache();
    const first = await skeletonOfFile(segment, { abs, rel: "a.py" }, { cache });
    await Deno.utime(abs, new Date(), new Date(Date.now() + 5000));
    const second = await skeletonOfFile(segment, { abs, rel: "a.py" }, { cache });
    assert.equal(second.cache_status, "hit");
    assert.equal(second.cache_key, first.cache_key);
  });
});

Deno.test("skeletonOfFile: binary, oversized, unsupported and missing files fail with codes", async () => {
  await withTempDir(async (dir) => {
    const segment = await resolveSegment(dir);
    await Deno.writeFile(`${dir}/bin.py`, new Uint8Array([100, 101, 102, 0, 1, 2]));
    await Deno.writeTextFile(`${dir}/big.py`, "x = 1\n".repeat(200));
    await Deno.writeTextFile(`${dir}/notes.txt`, "hello");
    const code = async (rel: string, maxBytes?: number): Promise<string> => {
      try {
        await skeletonOfFile(segment, { abs: `${dir}/${rel}`, rel }, { maxBytes });
      } catch (err) {
        assert.ok(err instanceof TrifectaError);
        return err.code;
      }
      return "OK";
    };
    assert.equal(await code("bin.py"), "BINARY_FILE");
    assert.equal(await code("big.py", 1000), "FILE_TOO_LARGE");
    assert.equal(await code("big.py", 2000), "OK");
    assert.equal(await code("notes.txt"), "UNSUPPORTED_LANGUAGE");
    assert.equal(await code("gone.py"), "FILE_NOT_FOUND");
  });
});

Deno.test("skeletonOfFile: the default cap is 2 MiB", async () => {
  await withTempDir(async (dir) => {
    const segment = await resolveSegment(dir);
    const line = "x = 1\n";
    await Deno.writeTextFile(
      `${dir}/huge.py`,
      line.repeat(Math.ceil((2 * 1024 * 1024) / line.length) + 1),
    );
    await assert.rejects(
      skeletonOfFile(segment, { abs: `${dir}/huge.py`, rel: "huge.py" }),
      (err: unknown) => err instanceof TrifectaError && err.code === "FILE_TOO_LARGE",
    );
  });
});

Deno.test("skeletonOfFile: ast.parse event with counts and counters, relative paths only", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.py`, SOURCE);
    const segment = await resolveSegment(dir);
    const telemetry = Telemetry.open(segment, { level: "lite", env: () => undefined });
    const cache = new MemoryLruCache();
    await skeletonOfFile(segment, { abs: `${dir}/a.py`, rel: "a.py" }, { cache, telemetry });
    await skeletonOfFile(segment, { abs: `${dir}/a.py`, rel: "a.py" }, { cache, telemetry });
    await telemetry.flush();
    const events = (await readEvents(dir)).filter((e) => e.cmd === "ast.parse");
    assert.equal(events.length, 2);
    assert.deepEqual(events[0]?.args, { file: "a.py" });
    const r0 = events[0]?.result as Record<string, unknown>;
    assert.equal(r0.functions_count, 2);
    assert.equal(r0.classes_count, 1);
    assert.equal(r0.cache_hit, false);
    assert.equal(typeof r0.skeleton_bytes, "number");
    assert.ok((r0.reduction_ratio as number) > 0);
    assert.equal((events[1]?.result as Record<string, unknown>).cache_hit, true);
    const raw = await Deno.readTextFile(`${dir}/_ctx/telemetry/events.jsonl`);
    assert.ok(!raw.includes(dir), "no absolute path in events");
    const metrics = JSON.parse(await Deno.readTextFile(`${dir}/_ctx/telemetry/metrics.json`));
    const counters = metrics.counters ?? metrics;
    assert.equal(counters.ast_parse_count, 2);
    assert.equal(counters.ast_cache_hit_count, 1);
    assert.equal(counters.ast_cache_miss_count, 1);
  });
});

Deno.test("skeletonOfFiles: many files in workers, outcomes in input order, skips named", async () => {
  await withTempDir(async (dir) => {
    const segment = await resolveSegment(dir);
    const files = [];
    for (let i = 0; i < 30; i++) {
      const rel = `m${String(i).padStart(2, "0")}.py`;
      await Deno.writeTextFile(`${dir}/${rel}`, `def f${i}():\n    pass\n`);
      files.push({ abs: `${dir}/${rel}`, rel });
    }
    await Deno.writeFile(`${dir}/zbin.py`, new Uint8Array([0, 1, 2, 3]));
    files.push({ abs: `${dir}/zbin.py`, rel: "zbin.py" });
    await Deno.writeTextFile(`${dir}/zbig.py`, "y = 2\n".repeat(100));
    files.push({ abs: `${dir}/zbig.py`, rel: "zbig.py" });
    const pool = new ParsePool({ size: 2, maxBytes: 300 });
    try {
      const cache = createAstCache({ segment });
      const batch = await skeletonOfFiles(segment, files, { cache, pool, maxBytes: 300 });
      assert.equal(pool.size, 2);
      assert.deepEqual(batch.files.map((o) => o.path), files.map((f) => f.rel));
      for (let i = 0; i < 30; i++) {
        assert.equal(batch.files[i]?.skeleton?.symbols[0]?.name, `f${i}`);
      }
      assert.equal(batch.files[30]?.skipped, "BINARY_FILE");
      assert.equal(batch.files[31]?.skipped, "FILE_TOO_LARGE");
      assert.equal(batch.stats.parsed, 30);
      assert.equal(batch.stats.skipped, 2);
      assert.equal(batch.stats.cache_misses, 30);
      assert.equal(batch.stats.functions, 30);
      const again = await skeletonOfFiles(segment, files.slice(0, 30), { cache, pool });
      assert.equal(again.stats.cache_hits, 30);
      assert.deepEqual(
        again.files.map((o) => o.skeleton),
        batch.files.slice(0, 30).map((o) => o.skeleton),
      );
      cache.close();
    } finally {
      pool.close();
    }
  });
});

Deno.test("skeletonOfFiles: big batches write one summary event at lite, per file at full", async () => {
  await withTempDir(async (dir) => {
    const segment = await resolveSegment(dir);
    const files = [];
    for (let i = 0; i < 25; i++) {
      const rel = `m${i}.py`;
      await Deno.writeTextFile(`${dir}/${rel}`, `class C${i}:\n    def m(self):\n        pass\n`);
      files.push({ abs: `${dir}/${rel}`, rel });
    }
    const lite = Telemetry.open(segment, { level: "lite", env: () => undefined });
    await skeletonOfFiles(segment, files, { telemetry: lite, workers: 1 });
    await lite.flush();
    let events = await readEvents(dir);
    assert.equal(events.filter((e) => e.cmd === "ast.parse").length, 0);
    const summary = events.filter((e) => e.cmd === "ast.parse.summary");
    assert.equal(summary.length, 1);
    const r = summary[0]?.result as Record<string, unknown>;
    assert.equal(r.classes_count, 25);
    assert.equal(r.functions_count, 25);
    assert.equal(r.cache_misses, 25);
    await Deno.remove(`${dir}/_ctx`, { recursive: true });
    const full = Telemetry.open(segment, { level: "full", env: () => undefined });
    await skeletonOfFiles(segment, files, { telemetry: full, workers: 1 });
    await full.flush();
    events = await readEvents(dir);
    assert.equal(events.filter((e) => e.cmd === "ast.parse").length, 25);
    assert.equal(events.filter((e) => e.cmd === "ast.parse.summary").length, 0);
  });
});
