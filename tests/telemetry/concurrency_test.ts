import assert from "node:assert/strict";
import { join } from "node:path";
import { allEventLines, runWriters } from "./_multiproc.ts";

async function checkRun(
  dir: string,
  runIds: string[],
  expected: { procs: number; events: number },
): Promise<string[]> {
  const { lines, files } = await allEventLines(dir);
  const perRun = new Map<string, Set<number>>();
  for (const line of lines) {
    const ev = JSON.parse(line); // throws on a corrupt line
    assert.equal(ev.cmd, "writer.event");
    let s = perRun.get(ev.run_id);
    if (!s) perRun.set(ev.run_id, s = new Set());
    s.add(ev.x.seq);
  }
  assert.equal(lines.length, expected.procs * expected.events);
  assert.equal(new Set(runIds).size, expected.procs, "run ids are unique per process");
  for (const id of runIds) assert.equal(perRun.get(id)?.size, expected.events, `all seqs of ${id}`);
  const metrics = JSON.parse(await Deno.readTextFile(join(dir, "metrics.json")));
  const total = expected.procs * expected.events;
  assert.equal(metrics.writer_events, total);
  assert.equal(metrics.telemetry_events_attempted, total);
  assert.equal(metrics.telemetry_events_written, total);
  assert.equal(metrics.telemetry_lock_skipped ?? 0, 0);
  assert.equal(metrics["cmd.writer.event.count"], total);
  return files;
}

Deno.test("16 processes × 500 events: 8000 valid lines, exact counters, no lock skipped", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-tel-conc-" });
  try {
    const ids = await runWriters(seg, { procs: 16, events: 500 });
    const files = await checkRun(join(seg, "_ctx", "telemetry"), ids, { procs: 16, events: 500 });
    assert.deepEqual(files, ["events.jsonl"]);
  } finally {
    await Deno.remove(seg, { recursive: true });
  }
});

Deno.test("16 processes rotating a small file at once lose no line", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-tel-rot-" });
  try {
    // ~400-byte lines, rotation every 64 KiB: dozens of concurrent rotations;
    // keep enough files that the cap deletes nothing.
    const ids = await runWriters(seg, { procs: 16, events: 500 }, {
      maxBytes: 64 * 1024,
      keep: 200,
      flushEvery: 100,
    });
    const dir = join(seg, "_ctx", "telemetry");
    const files = await checkRun(dir, ids, { procs: 16, events: 500 });
    assert.ok(files.length > 10, `rotation happened (${files.length} files)`);
    const metrics = JSON.parse(await Deno.readTextFile(join(dir, "metrics.json")));
    assert.ok(metrics.telemetry_rotations >= files.length - 1);
  } finally {
    await Deno.remove(seg, { recursive: true });
  }
});
