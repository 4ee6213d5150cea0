import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { createAstCache, describeCache } from "../../lib/cache/mod.ts";
import { DB_SCHEMA_VERSION, migrationSql } from "../../lib/cache/sqlite_schema.ts";
import { recordingSink, tempSegment } from "./helpers.ts";

/** Write a database the way the previous schema (v1, the predecessor's layout) did. */
function writeV1(path: string, userVersion: number, rows: [string, unknown][]): void {
  const db = new DatabaseSync(path);
  db.exec(migrationSql(1));
  db.exec(`PRAGMA user_version = ${userVersion}`);
  const ins = db.prepare(
    "INSERT INTO cache (key, value, created_at, last_access, value_bytes) VALUES (?, ?, ?, ?, ?)",
  );
  const t = Date.now() / 1000;
  for (const [k, v] of rows) {
    const json = JSON.stringify(v);
    ins.run(k, json, t, t, json.length);
  }
  db.close();
}

for (const userVersion of [0, 1]) {
  Deno.test(`schema: a previous-schema file (user_version ${userVersion}) is migrated to the current schema and emptied, since trifecta did not stamp it here`, async () => {
    const { segment, cleanup } = await tempSegment();
    try {
      const dir = `${segment.root}/.trifecta/cache`;
      await Deno.mkdir(dir, { recursive: true });
      const key = `${segment.id}:src/a.py:0123456789abcdef:1`;
      writeV1(`${dir}/ast_cache.db`, userVersion, [[key, { kept: true }], ["other", [1, 2]]]);
      const sink = recordingSink();
      const cache = createAstCache({ segment, persist: true, telemetry: sink as never });
      // Its rows could have been shipped with the segment: never served.
      assert.equal(cache.get(key), undefined);
      assert.equal(cache.get("other"), undefined);
      assert.equal(cache.stats().entries, 0);
      const info = describeCache(cache);
      assert.equal(info.backend, "sqlite");
      assert.equal(info.db_state, "empty");
      assert.equal(info.migrated_from, userVersion === 0 ? 0 : 1);
      assert.ok(sink.events.some((e) => e.cmd === "ast.cache.migrated"));
      const cleared = sink.events.find((e) => e.cmd === "ast.cache.untrusted_cleared");
      assert.equal(cleared?.result.removed, 2);
      cache.set("new", { v: 2 }, { fileRel: "b.py", fileMtimeMs: 1, fileSize: 1 });
      cache.close();
      const raw = new DatabaseSync(`${dir}/ast_cache.db`);
      const ver = raw.prepare("PRAGMA user_version").get() as { user_version: number };
      const cols = raw.prepare("PRAGMA table_info(cache)").all().map((r) =>
        (r as { name: string }).name
      );
      raw.close();
      assert.equal(ver.user_version, DB_SCHEMA_VERSION);
      for (const c of ["file_rel", "file_mtime", "file_size", "hit_count"]) {
        assert.ok(cols.includes(c), c);
      }
      // Stamped now: the next process keeps what this one wrote.
      const again = createAstCache({ segment, persist: true });
      assert.deepEqual(again.get("new"), { v: 2 });
      again.close();
    } finally {
      await cleanup();
    }
  });
}

Deno.test("schema: a database from a newer trifecta is left untouched and memory serves", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const dir = `${segment.root}/.trifecta/cache`;
    await Deno.mkdir(dir, { recursive: true });
    const db = new DatabaseSync(`${dir}/ast_cache.db`);
    db.exec("CREATE TABLE future (x); PRAGMA user_version = 99");
    db.close();
    const cache = createAstCache({ segment, persist: true });
    assert.equal(cache.backend, "memory");
    assert.equal(describeCache(cache).fallback_reason, "schema_too_new");
    cache.close();
    const again = new DatabaseSync(`${dir}/ast_cache.db`);
    const v = again.prepare("PRAGMA user_version").get() as { user_version: number };
    again.close();
    assert.equal(v.user_version, 99);
  } finally {
    await cleanup();
  }
});
