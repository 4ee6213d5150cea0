import assert from "node:assert/strict";
import { acquireLockSync } from "../../lib/file_lock.ts";
import { openStateFile } from "../../lib/safe_dir.ts";
import { cacheDbPath } from "../../lib/cache/mod.ts";
import { openCacheDatabase } from "../../lib/cache/sqlite_open.ts";
import {
  corruptFile,
  type Corruption,
  fillDatabase,
  recordingSink,
  tempSegment,
} from "./helpers.ts";

for (const kind of ["header", "pages", "truncate"] as Corruption[]) {
  Deno.test(`open: a corrupt file (${kind}) is moved aside with its WAL/SHM, reported, and replaced by a fresh database`, async () => {
    const { segment, cleanup } = await tempSegment();
    try {
      await fillDatabase(segment, 200);
      const path = cacheDbPath(segment);
      corruptFile(path, kind);
      await Deno.writeTextFile(`${path}-wal`, "stale wal"); // must move with the db
      const sink = recordingSink();
      const r = openCacheDatabase(path, { events: sink });
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.state, "recovered");
      assert.ok(r.movedAside.some((n) => /^ast_cache\.db\.corrupt-\d{8}T\d{9}Z$/.test(n)));
      const wal = await Deno.readTextFile(`${path}-wal`).catch(() => "");
      assert.doesNotMatch(wal, /stale wal/, "the old WAL never meets the fresh database");
      const count = r.db.prepare("SELECT count(*) AS n FROM cache").get() as { n: number };
      assert.equal(count.n, 0);
      r.db.close();
      const ev = sink.events.find((e) => e.cmd === "ast.cache.corruption_detected");
      assert.ok(ev, "corruption event");
      assert.equal(ev.result.stage, "open");
      assert.deepEqual(ev.result.moved_aside, r.movedAside);
      assert.equal(ev.result.db_path, ".trifecta/cache/ast_cache.db");
      assert.doesNotMatch(JSON.stringify(ev), new RegExp(segment.root));
      // The next open finds a sound database.
      const again = openCacheDatabase(path);
      assert.ok(again.ok);
      assert.equal(again.state, "opened");
      again.db.close();
    } finally {
      await cleanup();
    }
  });
}

Deno.test("open: only the three newest corrupt files are kept", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const path = cacheDbPath(segment);
    for (let i = 0; i < 5; i++) {
      await fillDatabase(segment, 5);
      corruptFile(path, "header");
      const r = openCacheDatabase(path);
      assert.ok(r.ok);
      r.db.close();
      await new Promise((res) => setTimeout(res, 5)); // distinct timestamps
    }
    const names = [...Deno.readDirSync(`${segment.root}/.trifecta/cache`)].map((e) => e.name)
      .filter((n) => n.includes(".corrupt-"));
    assert.equal(names.length, 3, names.join(","));
  } finally {
    await cleanup();
  }
});

Deno.test("open: a directory where the database file should be gives a named failure, not a throw", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const path = cacheDbPath(segment);
    await Deno.mkdir(path, { recursive: true });
    const r = openCacheDatabase(path);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, "cannot_open");
  } finally {
    await cleanup();
  }
});

Deno.test("open: a file where the cache directory should be gives a named failure", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    await Deno.writeTextFile(`${segment.root}/.trifecta`, "not a dir");
    const r = openCacheDatabase(cacheDbPath(segment));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, "path_blocked");
  } finally {
    await cleanup();
  }
});

Deno.test("open: when the create lock is held past the timeout, it fails with lock_timeout and an event", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const path = cacheDbPath(segment);
    await Deno.mkdir(`${segment.root}/.trifecta/cache`, { recursive: true });
    const held = acquireLockSync(openStateFile(`${path}.lock`), { waitMs: 1000 });
    assert.ok(held.ok);
    try {
      const sink = recordingSink();
      const r = openCacheDatabase(path, { lockTimeoutMs: 100, events: sink });
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.reason, "lock_timeout");
      const ev = sink.events.find((e) => e.cmd === "ast.cache.lock_timeout");
      assert.equal(ev?.args.operation, "open");
    } finally {
      held.lock.release();
    }
    const r2 = openCacheDatabase(path, { lockTimeoutMs: 100 });
    assert.ok(r2.ok);
    assert.equal(r2.state, "created");
    r2.db.close();
  } finally {
    await cleanup();
  }
});

Deno.test("open: create:false on a missing database reports missing and creates nothing", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const r = openCacheDatabase(cacheDbPath(segment), { create: false });
    assert.equal(!r.ok && r.reason, "missing");
    await assert.rejects(Deno.stat(`${segment.root}/.trifecta`), Deno.errors.NotFound);
  } finally {
    await cleanup();
  }
});
