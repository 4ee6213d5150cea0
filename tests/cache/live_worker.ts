/**
 * A subprocess for tests/cache/sqlite_live_test.ts: `deno run -A
 * tests/cache/live_worker.ts <db> <prefix> <n> [checkpoint]` opens the cache
 * database, inserts n rows (left in the write-ahead log), optionally runs a
 * passive checkpoint, prints `{"ready":true,…}` and keeps the connection
 * open until it is killed.
 *
 * @module
 */
import { openCacheDatabase } from "../../lib/cache/sqlite_open.ts";

const [dbPath, prefix = "w", count = "0", mode = ""] = Deno.args;
if (dbPath === undefined) throw new Error("usage: live_worker.ts DB PREFIX N [checkpoint]");
const opened = openCacheDatabase(dbPath);
if (!opened.ok) throw new Error(`open failed: ${opened.reason}: ${opened.detail}`);
const db = opened.db;
db.exec("PRAGMA wal_autocheckpoint = 0");
const insert = db.prepare(
  "INSERT INTO cache (key, value, created_at, last_access, value_bytes) VALUES (?, ?, 0, 0, 2)",
);
for (let i = 0; i < Number(count); i++) insert.run(`${prefix}-${i}`, "{}");
if (mode === "checkpoint") db.prepare("PRAGMA wal_checkpoint(PASSIVE)").all();
console.log(JSON.stringify({ ready: true, moved_aside: opened.movedAside }));
// Hold the connection (and its `.live` lock) until killed.
setInterval(() => {}, 60_000);
