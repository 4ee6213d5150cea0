import assert from "node:assert/strict";
import { ParsePool } from "../../lib/ast/pool.ts";
import { MAX_PARSES_AHEAD, skeletonOfFiles } from "../../lib/ast/skeleton_batch.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { withTempDir } from "./helpers.ts";

// A large tree is handed to the pool a window at a time (its jobs, promises
// and replies are never all alive at once), yet every file is settled, in
// its place, as before.
Deno.test("a batch larger than the parse window keeps at most MAX_PARSES_AHEAD parses unsettled and settles every file in its place", async () => {
  await withTempDir(async (dir) => {
    const n = MAX_PARSES_AHEAD * 3 + 5;
    const files = [];
    for (let i = 0; i < n; i++) {
      const rel = `m${String(i).padStart(3, "0")}.py`;
      await Deno.writeTextFile(`${dir}/${rel}`, `def f${i}(x):\n    return x\n`);
      files.push({ rel, abs: `${dir}/${rel}` });
    }
    await Deno.writeFile(`${dir}/bin.py`, new Uint8Array([0x61, 0, 0x62]));
    files.splice(7, 0, { rel: "bin.py", abs: `${dir}/bin.py` });
    const segment = await resolveSegment(dir);
    const pool = new ParsePool({ size: 2 });
    let active = 0;
    let most = 0;
    // Watch the calls the batch makes (the real pool still parses each file).
    const parse = pool.parse.bind(pool);
    pool.parse = async (job) => {
      most = Math.max(most, ++active);
      try {
        return await parse(job);
      } finally {
        active--;
      }
    };
    const settled: number[] = [];
    try {
      const batch = await skeletonOfFiles(segment, files, {
        pool,
        onFile: (index) => settled.push(index),
      });
      assert.ok(most <= MAX_PARSES_AHEAD, `${most} parses unsettled at once`);
      assert.ok(most > 1, "parses overlap");
      assert.deepEqual(settled.toSorted((a, b) => a - b), files.map((_, i) => i));
      assert.deepEqual(batch.files.map((o) => o.path), files.map((f) => f.rel));
      assert.equal(batch.files[7]?.skipped, "BINARY_FILE");
      assert.equal(batch.stats.parsed, n);
      assert.equal(batch.stats.functions, n);
    } finally {
      pool.close();
    }
  });
});

// On a cold run, a file of 1 MiB or more is parsed first: the WebAssembly
// memory its parse grows is given back (the worker retires) while the
// heaps are still small. Its entry still comes out in its place.
Deno.test("a cold batch parses its files of 1 MiB or more first, retires their worker, and keeps every file in its place", async () => {
  await withTempDir(async (dir) => {
    const files = [];
    for (let i = 0; i < 20; i++) {
      const rel = `m${String(i).padStart(2, "0")}.py`;
      const text = i === 13
        ? `# ${"x".repeat(98)}\n`.repeat(11_000)
        : `def f${i}(x):\n    return x\n`;
      await Deno.writeTextFile(`${dir}/${rel}`, text);
      files.push({ rel, abs: `${dir}/${rel}` });
    }
    const segment = await resolveSegment(dir);
    const pool = new ParsePool({ size: 1 });
    const settled: number[] = [];
    try {
      const batch = await skeletonOfFiles(segment, files, {
        pool,
        onFile: (index) => settled.push(index),
      });
      assert.equal(settled[0], 13);
      assert.equal(pool.retired, 1);
      assert.deepEqual(batch.files.map((o) => o.path), files.map((f) => f.rel));
      assert.equal(batch.stats.parsed, 20);
      assert.equal(batch.stats.functions, 19);
    } finally {
      pool.close();
    }
  });
});

Deno.test("a cold batch of many files of 1 MiB or more restarts at most one worker per pool slot", async () => {
  await withTempDir(async (dir) => {
    const files = [];
    for (let i = 0; i < 16; i++) {
      const rel = `m${String(i).padStart(2, "0")}.py`;
      const text = i % 4 === 1
        ? `# ${"y".repeat(98)}\n`.repeat(11_000)
        : `def g${i}():\n    pass\n`;
      await Deno.writeTextFile(`${dir}/${rel}`, text);
      files.push({ rel, abs: `${dir}/${rel}` });
    }
    const segment = await resolveSegment(dir);
    const pool = new ParsePool({ size: 1 });
    try {
      const batch = await skeletonOfFiles(segment, files, { pool, onFile: () => {} });
      // Four large files, one worker: it keeps its memory for the next large one, retiring once.
      assert.equal(pool.retired, 1);
      assert.equal(batch.stats.parsed, 16);
      assert.deepEqual(batch.files.map((o) => o.path), files.map((f) => f.rel));
    } finally {
      pool.close();
    }
  });
});
