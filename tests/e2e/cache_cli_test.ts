import assert from "node:assert/strict";
import { DB_SCHEMA_VERSION } from "../../lib/cache/sqlite_schema.ts";
import { runCli } from "./helpers.ts";
import {
  corruptFile,
  type Corruption,
  readEvents,
  runWorker,
  tempSegment,
} from "../cache/helpers.ts";

const DB_REL = ".trifecta/cache/ast_cache.db";

async function cli(args: string[], root: string) {
  const r = await runCli([...args, "-s", root]);
  return { ...r, json: args.includes("--json") && r.stdout ? JSON.parse(r.stdout) : null };
}

async function write(root: string, prefix: string, n: number): Promise<void> {
  const r = await runWorker(["write", root, prefix, String(n)]);
  assert.equal(r.code, 0, r.stderr);
}

Deno.test("cache stats: without a database it says so, exits 0 and creates nothing", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const r = await cli(["cache", "stats", "--json"], segment.root);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.exists, false);
    assert.equal(r.json.entries, 0);
    await assert.rejects(Deno.stat(`${segment.root}/.trifecta`), Deno.errors.NotFound);
  } finally {
    await cleanup();
  }
});

Deno.test("cache stats: entries, bytes, hit rate, relative db path, schema version, oldest/newest entry, file size", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    await write(segment.root, "a", 12);
    const rt = await runWorker(["roundtrip", segment.root, "a-1"]); // one hit
    assert.equal(rt.json?.cache_status, "hit");
    await runWorker(["roundtrip", segment.root, "zz"]); // one miss
    const r = await cli(["cache", "stats", "--json"], segment.root);
    assert.equal(r.code, 0, r.stderr);
    const s = r.json;
    assert.equal(s.status, "ok");
    assert.equal(s.db_path, DB_REL);
    assert.equal(s.schema_version, DB_SCHEMA_VERSION);
    assert.equal(s.entries, 13);
    assert.ok(s.bytes > 0 && s.file_bytes > s.bytes);
    assert.deepEqual([s.hits, s.misses, s.hit_rate], [1, 1, 0.5]);
    assert.ok(Date.parse(s.oldest_entry) <= Date.parse(s.newest_entry));
    assert.equal(s.recovered, false);
    assert.ok(!r.stdout.includes(segment.root), "no absolute path in output");
    const text = await cli(["cache", "stats"], segment.root);
    assert.match(text.stdout, /entries\s+13 /);
    assert.match(text.stdout, /hit rate\s+50\.0% \(1 hits, 1 misses\)/);
    assert.match(text.stdout, new RegExp(`schema version\\s+${DB_SCHEMA_VERSION}\\b`));
  } finally {
    await cleanup();
  }
});

for (const kind of ["header", "pages", "truncate"] as Corruption[]) {
  Deno.test(`cache CLI: a corrupt database (${kind}) is detected, moved aside, reported, exit 0; the next run hits the rebuilt one`, async () => {
    const { segment, cleanup } = await tempSegment();
    try {
      await write(segment.root, "c", 200);
      corruptFile(`${segment.root}/${DB_REL}`, kind);
      const r = await cli(["cache", "stats", "--json"], segment.root);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json.recovered, true);
      assert.equal(r.json.entries, 0);
      assert.equal(r.json.schema_version, DB_SCHEMA_VERSION);
      assert.equal(r.json.moved_aside.length >= 1, true);
      await Deno.stat(`${segment.root}/.trifecta/cache/${r.json.moved_aside[0]}`);
      const events = await readEvents(segment.root);
      const ev = events.find((e) => e.cmd === "ast.cache.corruption_detected");
      assert.ok(ev, events.map((e) => e.cmd).join(","));
      assert.deepEqual((ev.result as Record<string, unknown>).moved_aside, r.json.moved_aside);
      const v = await cli(["cache", "verify", "--json"], segment.root);
      assert.equal(v.code, 0, v.stderr);
      assert.equal(v.json.integrity, "ok");
      const first = await runWorker(["roundtrip", segment.root, "after"]);
      assert.equal(first.json?.cache_status, "miss");
      assert.equal(first.json?.backend, "sqlite");
      const second = await runWorker(["roundtrip", segment.root, "after"]);
      assert.equal(second.json?.cache_status, "hit");
    } finally {
      await cleanup();
    }
  });
}

Deno.test("cache verify: a corrupt database is repaired and reported in text, exit 0", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    await write(segment.root, "v", 100);
    corruptFile(`${segment.root}/${DB_REL}`, "pages");
    const r = await cli(["cache", "verify"], segment.root);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /CORRUPT, repaired/);
    assert.match(r.stdout, /moved aside \.trifecta\/cache\/ast_cache\.db\.corrupt-/);
    const again = await cli(["cache", "verify", "--json"], segment.root);
    assert.equal(again.json.integrity, "ok");
  } finally {
    await cleanup();
  }
});

Deno.test("cache verify: a database that cannot be opened or repaired exits 1 with CACHE_UNAVAILABLE", async () => {
  // A directory where the database file belongs (chmod is no barrier for root).
  const { segment, cleanup } = await tempSegment();
  try {
    await Deno.mkdir(`${segment.root}/${DB_REL}`, { recursive: true });
    const r = await cli(["cache", "verify"], segment.root);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^TRIFECTA_ERROR_CODE: CACHE_UNAVAILABLE$/m);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
    const j = await cli(["cache", "verify", "--json"], segment.root);
    assert.equal(j.code, 1);
    assert.equal(j.json.error_code, "CACHE_UNAVAILABLE");
  } finally {
    await cleanup();
  }
});

Deno.test("cache prune and clear: prune by age keeps recent entries; clear empties the database", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    await write(segment.root, "p", 10);
    const keep = await cli(["cache", "prune", "--json"], segment.root);
    assert.equal(keep.code, 0, keep.stderr);
    assert.deepEqual([keep.json.older_than_days, keep.json.removed, keep.json.remaining], [
      7,
      0,
      10,
    ]);
    const all = await cli(["cache", "prune", "--older-than", "0", "--json"], segment.root);
    assert.deepEqual([all.json.removed, all.json.remaining], [10, 0]);
    const bad = await cli(["cache", "prune", "--older-than", "-1"], segment.root);
    assert.equal(bad.code, 2);
    await write(segment.root, "q", 5);
    const c = await cli(["cache", "clear"], segment.root);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /5 entries removed/);
    const s = await cli(["cache", "stats", "--json"], segment.root);
    assert.deepEqual([s.json.entries, s.json.hits, s.json.misses], [0, 0, 0]);
  } finally {
    await cleanup();
  }
});
