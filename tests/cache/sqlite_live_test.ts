/**
 * The logs next to the cache database (`lib/cache/sqlite_live.ts`): a
 * `-wal`/`-shm`/`-journal` no live trifecta connection owns never reaches
 * SQLite; a live connection's log is shared; a crash loses only the log.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { cacheDbPath } from "../../lib/cache/mod.ts";
import { openCacheDatabase, type OpenedDatabase } from "../../lib/cache/sqlite_open.ts";
import { openStateFile } from "../../lib/safe_dir.ts";
import { fillDatabase, recordingSink, tempSegment } from "./helpers.ts";

const WORKER = fileURLToPath(new URL("./live_worker.ts", import.meta.url));

interface Holder {
  child: Deno.ChildProcess;
  reader: ReadableStreamDefaultReader<string>;
}

/** Start live_worker.ts and wait for its ready line (its rows are in the WAL then). */
async function startHolder(db: string, prefix: string, n: number, mode = ""): Promise<Holder> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", WORKER, db, prefix, String(n), mode],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  if (!text.includes("\n")) {
    const err = await new Response(child.stderr).text();
    await child.status;
    throw new Error(`worker did not start: ${err}`);
  }
  assert.equal(JSON.parse(text).ready, true);
  return { child, reader };
}

async function stop(h: Holder, signal: Deno.Signal): Promise<void> {
  h.child.kill(signal);
  await h.reader.cancel();
  await h.child.stderr.cancel();
  await h.child.status;
}

function openOk(db: string, options: Parameters<typeof openCacheDatabase>[1] = {}): OpenedDatabase {
  const r = openCacheDatabase(db, options);
  assert.ok(r.ok, JSON.stringify(r));
  return r;
}

function count(r: OpenedDatabase, like: string): number {
  const row = r.db.prepare("SELECT count(*) AS n FROM cache WHERE key LIKE ?").get(like);
  return Number(row?.n);
}

function integrity(r: OpenedDatabase): string {
  const row = r.db.prepare("PRAGMA integrity_check").get();
  return String(row?.integrity_check);
}

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

Deno.test("live: a -wal left by a writer killed with SIGKILL is set aside before SQLite opens the file; the database and its entries stay", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const db = cacheDbPath(segment);
    await fillDatabase(segment, 20);
    const ino = Deno.statSync(db).ino;
    await stop(await startHolder(db, "crash", 30), "SIGKILL");
    assert.ok(Deno.statSync(`${db}-wal`).size > 32, "the killed writer left frames in its -wal");
    const sink = recordingSink();
    const r = openOk(db, { events: sink });
    try {
      assert.equal(r.state, "opened");
      assert.equal(r.ino, ino, "the database itself is kept");
      assert.ok(r.movedAside.some((n) => /^ast_cache\.db\.stray-\d{8}T\d{9}Z-wal$/.test(n)));
      assert.equal(count(r, "crash-%"), 0, "the dead writer's log was not replayed");
      assert.equal(count(r, "%"), 20, "entries written before the crash are all there");
      assert.equal(integrity(r), "ok");
      const ev = sink.events.find((e) => e.cmd === "ast.cache.log_set_aside");
      assert.ok(ev, "log_set_aside event");
      assert.equal(ev.result.reason, "stray_log");
      assert.deepEqual(ev.result.moved_aside, r.movedAside);
    } finally {
      r.db.close();
    }
    const again = openOk(db);
    assert.deepEqual(again.movedAside, []);
    assert.equal(count(again, "%"), 20);
    again.db.close();
  } finally {
    await cleanup();
  }
});

Deno.test("live: two processes share the cache: a live writer's -wal is never set aside and its entries are read", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const db = cacheDbPath(segment);
    await fillDatabase(segment, 5);
    const holder = await startHolder(db, "live", 30);
    try {
      assert.ok(exists(`${db}-wal`));
      const r = openOk(db);
      try {
        assert.deepEqual(r.movedAside, []);
        assert.equal(count(r, "live-%"), 30, "the live writer's committed rows are seen");
        r.db.prepare(
          "INSERT INTO cache (key, value, created_at, last_access, value_bytes) VALUES ('mine', '{}', 0, 0, 2)",
        ).run();
        assert.equal(count(r, "%"), 36);
      } finally {
        r.db.close();
      }
      assert.ok(exists(`${db}-wal`), "the live writer's log is still there");
      const dir = `${segment.root}/.trifecta/cache`;
      assert.ok(!names(dir).some((n) => n.includes(".stray-") || n.includes(".corrupt-")));
    } finally {
      await stop(holder, "SIGTERM");
    }
  } finally {
    await cleanup();
  }
});

Deno.test("live: the shared hold on ast_cache.db.live lasts exactly as long as the connection", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const db = cacheDbPath(segment);
    const r = openOk(db);
    const probe = openStateFile(`${db}.live`);
    try {
      assert.equal(probe.tryLockSync(true), false, "held while the connection is open");
      assert.equal(probe.tryLockSync(false), true, "shared: another opener may join");
      probe.unlockSync();
      r.db.close();
      assert.equal(probe.tryLockSync(true), true, "released by close()");
      probe.unlockSync();
    } finally {
      probe.close();
    }
  } finally {
    await cleanup();
  }
});

Deno.test("live: an opener waits while the live lock is held exclusively, then gives lock_timeout", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const db = cacheDbPath(segment);
    await fillDatabase(segment, 1);
    const other = openStateFile(`${db}.live`);
    try {
      assert.equal(other.tryLockSync(true), true);
      const sink = recordingSink();
      const r = openCacheDatabase(db, { lockTimeoutMs: 50, events: sink });
      assert.equal(r.ok, false);
      assert.equal(r.ok ? "" : r.reason, "lock_timeout");
      const ev = sink.events.find((e) => e.cmd === "ast.cache.lock_timeout");
      assert.equal(ev?.args.operation, "live");
      other.unlockSync();
      const after = openOk(db, { lockTimeoutMs: 50 });
      after.db.close();
    } finally {
      other.close();
    }
  } finally {
    await cleanup();
  }
});

Deno.test("live: a -wal and -shm shipped next to a trusted database are never replayed into it", async () => {
  const { segment, cleanup } = await tempSegment();
  const scratch = await Deno.makeTempDir({ prefix: "trifecta-live-scratch-" });
  try {
    const db = cacheDbPath(segment);
    await fillDatabase(segment, 10);
    const copy = `${scratch}/x.db`;
    await Deno.copyFile(db, copy);
    const attacker = new DatabaseSync(copy);
    attacker.exec("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;");
    attacker.exec('UPDATE cache SET value = \'{"i":"INJECTED"}\'');
    await Deno.writeFile(`${db}-wal`, await Deno.readFile(`${copy}-wal`));
    await Deno.writeFile(`${db}-shm`, await Deno.readFile(`${copy}-shm`));
    attacker.close();
    const r = openOk(db);
    try {
      const hit = r.db.prepare("SELECT count(*) AS n FROM cache WHERE value LIKE '%INJECTED%'")
        .get();
      assert.equal(Number(hit?.n), 0, "the shipped log was replayed");
      assert.ok(r.movedAside.some((n) => n.endsWith("-wal")));
      assert.equal(integrity(r), "ok");
    } finally {
      r.db.close();
    }
  } finally {
    await cleanup();
    await Deno.remove(scratch, { recursive: true });
  }
});

/** Read the wal-index's mxFrame, nBackfill and nBackfillAttempted (native byte order). */
function checkpointInfo(shm: string): { mxFrame: number; backfill: number; attempted: number } {
  const bytes = Deno.readFileSync(shm);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  return {
    mxFrame: view.getUint32(16, le),
    backfill: view.getUint32(96, le),
    attempted: view.getUint32(128, le),
  };
}

Deno.test("live: after a finished checkpoint the database stays; a checkpoint cut short sends it aside too", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const db = cacheDbPath(segment);
    await fillDatabase(segment, 3);
    // A finished checkpoint (real SQLite): the offsets read are SQLite's.
    await stop(await startHolder(db, "ck", 40, "checkpoint"), "SIGKILL");
    const info = checkpointInfo(`${db}-shm`);
    assert.ok(info.mxFrame > 0);
    assert.equal(info.backfill, info.mxFrame);
    assert.equal(info.attempted, info.mxFrame);
    const kept = openOk(db);
    assert.equal(kept.state, "opened");
    assert.equal(count(kept, "ck-%"), 40, "checkpointed rows are in the database itself");
    kept.db.close();
    // A kill between the two counters cannot be timed from outside: the
    // -shm of a real run is edited to the state SQLite leaves mid-checkpoint.
    await stop(await startHolder(db, "cut", 40, "checkpoint"), "SIGKILL");
    const f = Deno.openSync(`${db}-shm`, { read: true, write: true });
    f.seekSync(96, Deno.SeekMode.Start);
    f.writeSync(new Uint8Array(4));
    f.close();
    const sink = recordingSink();
    const fresh = openOk(db, { events: sink });
    try {
      assert.equal(fresh.state, "created");
      assert.equal(count(fresh, "%"), 0);
      assert.ok(fresh.movedAside.some((n) => /^ast_cache\.db\.corrupt-\d{8}T\d{9}Z$/.test(n)));
      const ev = sink.events.find((e) => e.cmd === "ast.cache.log_set_aside");
      assert.equal(ev?.result.reason, "interrupted_checkpoint");
    } finally {
      fresh.db.close();
    }
  } finally {
    await cleanup();
  }
});

Deno.test("live: a -journal next to a database no live process uses is never rolled back: both go aside", async () => {
  const { segment, cleanup } = await tempSegment();
  try {
    const db = cacheDbPath(segment);
    await fillDatabase(segment, 3);
    await Deno.writeTextFile(`${db}-journal`, "a hot journal from elsewhere");
    const r = openOk(db);
    try {
      assert.equal(r.state, "created");
      assert.ok(r.movedAside.some((n) => n.endsWith("-journal")));
      assert.ok(!exists(`${db}-journal`));
      assert.equal(integrity(r), "ok");
    } finally {
      r.db.close();
    }
  } finally {
    await cleanup();
  }
});

Deno.test("live: a symlink planted at ast_cache.db.live is refused and nothing is opened through it", async () => {
  const { segment, cleanup } = await tempSegment();
  const outside = await Deno.makeTempDir({ prefix: "trifecta-live-outside-" });
  try {
    const db = cacheDbPath(segment);
    await fillDatabase(segment, 1);
    await Deno.writeTextFile(`${outside}/victim`, "keep");
    await Deno.remove(`${db}.live`);
    await Deno.symlink(`${outside}/victim`, `${db}.live`);
    const r = openCacheDatabase(db);
    assert.equal(r.ok, false);
    assert.equal(r.ok ? "" : r.reason, "unsafe_path");
    assert.equal(await Deno.readTextFile(`${outside}/victim`), "keep");
  } finally {
    await cleanup();
    await Deno.remove(outside, { recursive: true });
  }
});
