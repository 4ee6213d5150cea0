import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { acquirePackLock, buildPack, searchStats, validatePack } from "../../lib/context/mod.ts";
import { parseEventLine } from "../../lib/telemetry/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { removeSegment, tempSegment } from "./helpers.ts";

Deno.test("validate passes on a fresh pack of CRLF files without a final newline", async () => {
  const seg = await tempSegment({ "a.md": "# A\r\nline\r\nlast", "b.py": "x = 1\r\n" });
  try {
    await buildPack(seg);
    const v = await validatePack(seg);
    assert.deepEqual(v.errors, []);
    assert.equal(v.passed, true);
    assert.equal(v.stale_detected, false);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("validate reports an edited file as a hash mismatch and marks the pack stale", async () => {
  const seg = await tempSegment({ "a.md": "# A\nline\n" });
  try {
    await buildPack(seg);
    await Deno.writeTextFile(join(seg.root, "a.md"), "# A\nchanged\n");
    const v = await validatePack(seg);
    assert.equal(v.passed, false);
    assert.deepEqual(v.errors, ["Source file content changed (Hash mismatch): a.md"]);
    assert.equal(v.stale_detected, true);
    assert.match(v.pack_sha ?? "", /^[0-9a-f]{16}$/);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("validate reports a missing pack, a deleted file and chunk rows of no listed file", async () => {
  const seg = await tempSegment({ "a.md": "# A\n", "b.md": "# B\n" });
  try {
    assert.deepEqual((await validatePack(seg)).errors, ["Missing _ctx/context_pack.db"]);
    await buildPack(seg);
    await Deno.remove(join(seg.root, "b.md"));
    // Edited in place (the stamp holds): a chunk row whose file has no record.
    const db = new DatabaseSync(join(seg.root, "_ctx/context_pack.db"));
    db.exec("UPDATE chunks SET path = 'elsewhere.md' WHERE path = 'a.md'");
    db.close();
    const v = await validatePack(seg);
    assert.ok(v.errors.includes("Source file listed in pack but missing from disk: b.md"));
    assert.ok(v.errors.some((e) => e.includes("of no listed file")), v.errors.join("\n"));
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("a build waits for the lock and fails with PACK_LOCKED past the deadline", async () => {
  const seg = await tempSegment({ "a.md": "# A\n" });
  try {
    const held = await acquirePackLock(seg);
    try {
      await assert.rejects(
        buildPack(seg, { lockWaitMs: 100 }),
        (e: unknown) => e instanceof TrifectaError && e.code === "PACK_LOCKED",
      );
    } finally {
      held.release();
    }
    await buildPack(seg, { lockWaitMs: 100 });
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("searchStats reads query_preview, hits, zero_hit_reason and returned_ids from search events", () => {
  const lines = [
    {
      ts: "2026-01-01T00:00:00Z",
      cmd: "ctx.search",
      args: { query_preview: "foo" },
      result: { status: "ok", hits: 2, returned_ids: ["code:a.py:1", "doc:b.md:2"] },
      timing_ms: 10,
    },
    {
      ts: "2026-01-01T00:00:00Z",
      cmd: "ctx.search",
      args: { query_preview: "nothing here" },
      result: { status: "ok", hits: 0, zero_hit_reason: "no_match" },
      timing_ms: 20,
    },
    {
      ts: "2026-01-01T00:00:00Z",
      cmd: "ctx.search.rejected",
      args: { query_preview: "x" },
      result: { hits: 0 },
    },
    {
      ts: "2026-01-01T00:00:00Z",
      cmd: "ctx.get",
      args: { mode: "skeleton" },
      result: { status: "ok", stop_reason: "complete", bytes_read: 120 },
    },
  ].map((l) => JSON.stringify(l)).join("\n") + "\nnot json\n";
  const parsed = lines.split("\n").filter((l) => l !== "").map(parseEventLine);
  const events = parsed.filter((e) => e !== undefined);
  const s = searchStats(events, { corruptLines: parsed.length - events.length });
  assert.equal(s.searches, 2);
  assert.equal(s.with_hits, 1);
  assert.equal(s.hit_rate, 0.5);
  assert.equal(s.rejected, 1);
  assert.deepEqual(s.zero_hit_reasons, { no_match: 1 });
  assert.deepEqual(s.top_zero_hit_queries, [{ query_preview: "nothing here", count: 1 }]);
  assert.deepEqual(s.hit_kinds, { code: 1, doc: 1 });
  assert.deepEqual(s.gets.bytes_read_by_mode, { skeleton: 120 });
  assert.equal(s.bad_lines, 1);
});
