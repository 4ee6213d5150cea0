import assert from "node:assert/strict";
import { join } from "node:path";
import {
  appendLine,
  eventFiles,
  rotateLocked,
  writeJsonAtomic,
} from "../../lib/telemetry/files.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";
import { exists, fakeEnv, readJsonl, tempSegment } from "./_helpers.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "trifecta-tel-files-" });
}

Deno.test("rotation shifts events.jsonl → events.1.jsonl → … and deletes beyond keep", async () => {
  const dir = await tempDir();
  try {
    for (let gen = 1; gen <= 4; gen++) {
      appendLine(join(dir, "events.jsonl"), `{"gen":${gen}}\n`);
      assert.equal(rotateLocked(dir, { maxBytes: 1, keep: 2 }), true);
    }
    const names = (await eventFiles(dir)).map((p) => p.slice(dir.length + 1));
    assert.deepEqual(names, ["events.2.jsonl", "events.1.jsonl"]);
    assert.equal(await Deno.readTextFile(join(dir, "events.1.jsonl")), '{"gen":4}\n');
    assert.equal(await Deno.readTextFile(join(dir, "events.2.jsonl")), '{"gen":3}\n');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rotation re-checks the size: a file another process just rotated is left alone", async () => {
  const dir = await tempDir();
  try {
    appendLine(join(dir, "events.jsonl"), "x".repeat(100) + "\n");
    assert.equal(rotateLocked(dir, { maxBytes: 50, keep: 3 }), true);
    appendLine(join(dir, "events.jsonl"), "y\n");
    // The second caller saw a big file before it got the lock; it is small now.
    assert.equal(rotateLocked(dir, { maxBytes: 50, keep: 3 }), false);
    assert.equal(rotateLocked(join(dir, "missing"), { maxBytes: 1, keep: 3 }), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a writer holding the file across a rotation lands in events.1.jsonl, losing nothing", async () => {
  const dir = await tempDir();
  try {
    const path = join(dir, "events.jsonl");
    appendLine(path, "a\n");
    const held = Deno.openSync(path, { append: true }); // opened before the rename
    rotateLocked(dir, { maxBytes: 1, keep: 3 });
    held.writeSync(new TextEncoder().encode("b\n"));
    held.close();
    appendLine(path, "c\n"); // a new writer creates a fresh events.jsonl
    assert.equal(await Deno.readTextFile(join(dir, "events.1.jsonl")), "a\nb\n");
    assert.equal(await Deno.readTextFile(path), "c\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("event() rotates when events.jsonl reaches maxEventsBytes", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv(), maxEventsBytes: 2000, keepRotated: 50 });
    for (let i = 0; i < 60; i++) t.event("e", { args: { i }, timingMs: 1 });
    await t.flush();
    const files = await eventFiles(s.telDir);
    assert.ok(files.length > 2);
    let n = 0;
    for (const f of files) {
      n += (await readJsonl(f)).length;
      assert.ok((await Deno.stat(f)).size < 2000 + 400, "each file stays near the cap");
    }
    assert.equal(n, 60);
    const m = JSON.parse(await Deno.readTextFile(join(s.telDir, "metrics.json")));
    assert.equal(m.telemetry_rotations, files.length - 1);
  } finally {
    await s.cleanup();
  }
});

Deno.test("eventFiles lists rotated files oldest first and the live file last", async () => {
  const dir = await tempDir();
  try {
    for (
      const n of [
        "events.jsonl",
        "events.10.jsonl",
        "events.2.jsonl",
        "events.1.jsonl",
        "other.jsonl",
      ]
    ) {
      await Deno.writeTextFile(join(dir, n), "");
    }
    const names = (await eventFiles(dir)).map((p) => p.slice(dir.length + 1));
    assert.deepEqual(names, [
      "events.10.jsonl",
      "events.2.jsonl",
      "events.1.jsonl",
      "events.jsonl",
    ]);
    assert.deepEqual(await eventFiles(join(dir, "nope")), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeJsonAtomic replaces the file whole and leaves no temp file", async () => {
  const dir = await tempDir();
  try {
    const p = join(dir, "m.json");
    writeJsonAtomic(p, { a: 1 });
    writeJsonAtomic(p, { b: 2 });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(p)), { b: 2 });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["m.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a .lock planted as a symlink is refused: no merge, the target is never written", async () => {
  const s = await tempSegment();
  const outside = await Deno.makeTempFile({ prefix: "trifecta-tel-lock-target-" });
  try {
    await Deno.mkdir(s.telDir, { recursive: true });
    await Deno.symlink(outside, join(s.telDir, ".lock"));
    const t = Telemetry.open(s.segment, { env: fakeEnv(), lockTimeoutMs: 30 });
    t.event("e", { timingMs: 1 });
    await t.flush();
    assert.equal(await exists(join(s.telDir, "metrics.json")), false, "no merge without the lock");
    assert.equal(t.metrics().telemetry_write_failed, 1);
    assert.ok(
      t.summary().top_warnings.some((w) => w.includes("TELEMETRY_FILE_UNSAFE")),
      t.summary().top_warnings.join("; "),
    );
    assert.ok((await Deno.lstat(join(s.telDir, ".lock"))).isSymlink, "the symlink is left");
    assert.equal(await Deno.readTextFile(outside), "");
  } finally {
    await s.cleanup();
    await Deno.remove(outside);
  }
});
