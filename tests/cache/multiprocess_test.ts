import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { cacheDbPath } from "../../lib/cache/mod.ts";
import { corruptFile, fillDatabase, readEvents, runWorker, tempSegment } from "./helpers.ts";

function rows(segmentRoot: string): { keys: string[]; integrity: string } {
  const db = new DatabaseSync(`${segmentRoot}/.trifecta/cache/ast_cache.db`);
  try {
    const keys = db.prepare("SELECT key, value FROM cache").all().map((r) => {
      const row = r as { key: string; value: string };
      JSON.parse(row.value); // every value readable
      return row.key;
    });
    const integrity = (db.prepare("PRAGMA integrity_check").get() as { integrity_check: string })
      .integrity_check;
    return { keys, integrity };
  } finally {
    db.close();
  }
}

Deno.test("processes: a second process hits what the first wrote (miss then hit), with telemetry events", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const env = { WORKER_TELEMETRY: "1" };
    const first = await runWorker(["roundtrip", segment.root, "target"], { env });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.json?.cache_status, "miss");
    assert.equal(first.json?.miss_reason, "cold_cache_db_missing");
    const second = await runWorker(["roundtrip", segment.root, "target"], { env });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.json?.cache_status, "hit");
    assert.deepEqual((second.json?.value as { name: string }).name, "target");
    const events = (await readEvents(segment.root)).filter((e) =>
      String(e.cmd).startsWith("ast.cache.")
    );
    const miss = events.find((e) => e.cmd === "ast.cache.miss");
    const hit = events.find((e) => e.cmd === "ast.cache.hit");
    assert.ok(miss && hit, events.map((e) => e.cmd).join(","));
    for (const e of [miss, hit]) {
      const args = e.args as Record<string, unknown>;
      const result = e.result as Record<string, unknown>;
      assert.equal(typeof args.cache_key, "string");
      assert.ok((args.cache_key as string).startsWith(`${segment.id}:src/target.py:`));
      assert.equal(result.backend, "sqlite");
      assert.equal(result.segment_id, segment.id);
      assert.ok(Number.isInteger(e.timing_ms) && (e.timing_ms as number) > 0);
    }
    assert.notEqual(miss.run_id, hit.run_id);
  } finally {
    await cleanup();
  }
});

for (const [procs, each] of [[2, 20], [10, 5]] as const) {
  Deno.test(`processes: ${procs} writers x ${each} sets on a fresh database -> all ${procs * each} entries present and readable`, async () => {
    const { segment, cleanup } = await tempSegment();
    try {
      const results = await Promise.all(
        Array.from(
          { length: procs },
          (_, p) => runWorker(["write", segment.root, `p${p}`, String(each)]),
        ),
      );
      for (const r of results) {
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.json?.backend, "sqlite");
      }
      const { keys, integrity } = rows(segment.root);
      assert.equal(integrity, "ok");
      assert.equal(keys.length, procs * each);
    } finally {
      await cleanup();
    }
  });
}

Deno.test("processes: 16 x 200 mixed gets and sets -> no error, integrity ok, every written key readable", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, p) => runWorker(["mixed", segment.root, `w${p}`, "200"])),
    );
    const written = new Set<string>();
    for (const r of results) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json?.backend, "sqlite", "no process fell back to memory");
      assert.equal(r.json?.bad, 0, "no read returned another key's value");
      for (const k of r.json?.written as string[]) written.add(k);
    }
    const { keys, integrity } = rows(segment.root);
    assert.equal(integrity, "ok");
    const names = new Set(
      keys.map((k) => (k.split(":")[1] ?? "").replace(/^src\//, "").replace(/\.py$/, "")),
    );
    for (const w of written) assert.ok(names.has(w), `missing ${w}`);
  } finally {
    await cleanup();
  }
});

Deno.test("processes: 8 processes opening one corrupt database recover it exactly once and all keep working", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    await fillDatabase(segment, 100);
    corruptFile(cacheDbPath(segment), "header");
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, p) => runWorker(["write", segment.root, `r${p}`, "5"])),
    );
    for (const r of results) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json?.backend, "sqlite");
    }
    const moved = [...Deno.readDirSync(`${segment.root}/.trifecta/cache`)]
      .filter((e) => /\.corrupt-\d{8}T\d{9}Z$/.test(e.name));
    assert.equal(moved.length, 1);
    const { keys, integrity } = rows(segment.root);
    assert.equal(integrity, "ok");
    assert.equal(keys.length, 40);
  } finally {
    await cleanup();
  }
});
