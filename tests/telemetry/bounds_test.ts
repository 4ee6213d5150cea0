/**
 * Hostile and huge telemetry files: the readers hold a bounded amount, read
 * the newest part, say what they left out, and neither read nor write
 * through symlinks and hard links.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  exportTelemetry,
  readMetrics,
  readTelemetry,
  Telemetry,
  telemetryDirFor,
  UNSAFE_DIR_CODE,
} from "../../lib/telemetry/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { fakeEnv, readJsonl, tempSegment } from "./_helpers.ts";

function eventLine(cmd: string, seq: number): string {
  return JSON.stringify({ ts: "2026-01-01T00:00:00.000Z", cmd, timing_ms: 1, x: { seq } }) + "\n";
}

async function writeEvents(path: string, cmd: string, from: number, n: number): Promise<void> {
  let text = "";
  for (let i = from; i < from + n; i++) text += eventLine(cmd, i);
  await Deno.writeTextFile(path, text);
}

Deno.test("a file over the read cap gives its newest events and says how much was left out", async () => {
  const s = await tempSegment();
  try {
    await Deno.mkdir(s.telDir, { recursive: true });
    const path = join(s.telDir, "events.jsonl");
    await writeEvents(path, "e", 0, 1000);
    const size = (await Deno.stat(path)).size;
    const d = await readTelemetry(s.telDir, { maxBytes: 10_000 });
    const seqs = d.events.map((e) => e.x.seq as number);
    assert.ok(seqs.length > 50 && seqs.length < 200, `${seqs.length} events`);
    assert.equal(seqs.at(-1), 999, "the newest event is kept");
    assert.deepEqual(seqs, seqs.map((_, i) => 1000 - seqs.length + i), "a contiguous tail");
    assert.equal(d.corruptLines, 0, "the line cut by the budget is left out, not corrupt");
    assert.equal(d.bytesRead + d.bytesSkipped, size);
    assert.equal(d.warnings.length, 1);
    assert.match(
      d.warnings[0] ?? "",
      /^telemetry read capped at 9\.8 KiB .*: the oldest \d+\.\d KiB of/,
    );
    assert.match(d.warnings[0] ?? "", /the start of events\.jsonl/);
  } finally {
    await s.cleanup();
  }
});

Deno.test("the budget goes to the newest file first; older rotated files are left out whole", async () => {
  const s = await tempSegment();
  try {
    await Deno.mkdir(s.telDir, { recursive: true });
    await writeEvents(join(s.telDir, "events.2.jsonl"), "oldest", 0, 50);
    await writeEvents(join(s.telDir, "events.1.jsonl"), "older", 100, 50);
    await writeEvents(join(s.telDir, "events.jsonl"), "newest", 200, 50);
    const live = (await Deno.stat(join(s.telDir, "events.jsonl"))).size;
    const d = await readTelemetry(s.telDir, { maxBytes: live + Math.floor(live / 2) });
    const cmds = new Set(d.events.map((e) => e.cmd));
    assert.deepEqual([...cmds], ["older", "newest"]);
    assert.equal(d.events.filter((e) => e.cmd === "newest").length, 50);
    assert.ok(d.events.filter((e) => e.cmd === "older").length < 50);
    assert.deepEqual(d.files, ["events.1.jsonl", "events.jsonl"], "oldest first");
    assert.match(d.warnings[0] ?? "", /1 older file\(s\) whole, the start of events\.1\.jsonl/);
  } finally {
    await s.cleanup();
  }
});

Deno.test("a line with no newline for 8 MiB is skipped unread and counted; events around it are kept", async () => {
  const s = await tempSegment();
  try {
    await Deno.mkdir(s.telDir, { recursive: true });
    const path = join(s.telDir, "events.jsonl");
    const f = await Deno.open(path, { write: true, create: true });
    await f.write(new TextEncoder().encode(eventLine("before", 1) + '{"cmd":"giant","pad":"'));
    const block = new Uint8Array(1024 * 1024).fill(0x78);
    for (let i = 0; i < 8; i++) await f.write(block);
    await f.write(new TextEncoder().encode('"}\n' + eventLine("after", 2)));
    // And a giant last line that never ends.
    for (let i = 0; i < 3; i++) await f.write(block);
    f.close();
    const d = await readTelemetry(s.telDir);
    assert.deepEqual(d.events.map((e) => e.cmd), ["before", "after"]);
    assert.equal(d.oversizedLines, 2);
    assert.equal(d.corruptLines, 2);
    assert.equal(d.totalLines, 4);
    assert.ok(d.warnings.some((w) => /2 event line\(s\) over 1\.0 MiB skipped unread/.test(w)));
  } finally {
    await s.cleanup();
  }
});

Deno.test("TRIFECTA_TELEMETRY_READ_MAX_BYTES sets the budget; an invalid value is named and ignored", async () => {
  const s = await tempSegment();
  const name = "TRIFECTA_TELEMETRY_READ_MAX_BYTES";
  try {
    await Deno.mkdir(s.telDir, { recursive: true });
    await writeEvents(join(s.telDir, "events.jsonl"), "e", 0, 100);
    Deno.env.set(name, "2000");
    const capped = await readTelemetry(s.telDir);
    assert.equal(capped.readCapBytes, 2000);
    assert.ok(capped.events.length < 100);
    Deno.env.set(name, "lots");
    const d = await readTelemetry(s.telDir);
    assert.equal(d.events.length, 100);
    assert.deepEqual(d.warnings, [`${name} ignored: expected a positive whole number of bytes`]);
  } finally {
    Deno.env.delete(name);
    await s.cleanup();
  }
});

Deno.test("a metrics.json over 16 MiB is treated as corrupt with a named warning, then moved aside", async () => {
  const s = await tempSegment();
  try {
    await Deno.mkdir(s.telDir, { recursive: true });
    // Valid JSON, so only the size makes it unusable.
    const big = `{"telemetry_events_attempted":5,"pad":"${"p".repeat(17 * 1024 * 1024)}"}`;
    await Deno.writeTextFile(join(s.telDir, "metrics.json"), big);
    const d = await readTelemetry(s.telDir);
    assert.equal(d.metricsCorrupt, true);
    assert.equal(d.metrics.telemetry_events_attempted, undefined);
    assert.ok(d.warnings.includes(
      "metrics.json is 17.0 MiB, over the 16.0 MiB cap: treated as corrupt, not read",
    ));
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    t.event("e", { timingMs: 1 });
    await t.flush();
    const m = readMetrics(s.telDir);
    assert.equal(m.corrupt, false);
    assert.equal(m.metrics.telemetry_metrics_corrupt, 1);
    assert.equal(m.metrics.telemetry_events_attempted, 1);
    const aside = [...Deno.readDirSync(s.telDir)].filter((e) =>
      e.name.startsWith("metrics.corrupt-")
    );
    assert.equal(aside.length, 1);
  } finally {
    await s.cleanup();
  }
});

Deno.test("a last_run.json over its 4 MiB cap is not read", async () => {
  const s = await tempSegment();
  try {
    await Deno.mkdir(s.telDir, { recursive: true });
    await Deno.writeTextFile(
      join(s.telDir, "last_run.json"),
      `{"run_id":"r","pad":"${"p".repeat(5 * 1024 * 1024)}"}`,
    );
    const d = await readTelemetry(s.telDir);
    assert.equal(d.lastRun, null);
    assert.ok(d.warnings.some((w) => /^last_run\.json is 5\.0 MiB, over the 4\.0 MiB cap/.test(w)));
  } finally {
    await s.cleanup();
  }
});

Deno.test("symlinked telemetry files are neither read nor written through", async () => {
  const s = await tempSegment();
  const outside = await Deno.makeTempDir({ prefix: "trifecta-tel-outside-" });
  try {
    await Deno.mkdir(s.telDir, { recursive: true });
    const secretRun = join(outside, "run.json");
    const secretMetrics = join(outside, "metrics.json");
    const target = join(outside, "bashrc");
    await Deno.writeTextFile(secretRun, '{"run_id":"OUTSIDE_MARKER"}');
    await Deno.writeTextFile(secretMetrics, '{"outside_counter":7}');
    await Deno.writeTextFile(target, "export PATH=/usr/bin\n");
    await Deno.symlink(secretRun, join(s.telDir, "last_run.json"));
    await Deno.symlink(secretMetrics, join(s.telDir, "metrics.json"));
    await Deno.symlink(target, join(s.telDir, "events.jsonl"));
    const d = await readTelemetry(s.telDir);
    assert.equal(d.lastRun, null);
    assert.equal(d.metrics.outside_counter, undefined);
    assert.ok(d.warnings.includes("last_run.json is a symlink: not read"));
    assert.ok(d.warnings.includes("metrics.json is a symlink: treated as corrupt, not read"));
    assert.ok(d.warnings.includes("events.jsonl is a symlink: not read"));

    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    t.event("e", { timingMs: 1 });
    await t.flush();
    assert.equal(await Deno.readTextFile(target), "export PATH=/usr/bin\n", "not appended to");
    assert.equal(await Deno.readTextFile(secretMetrics), '{"outside_counter":7}');
    assert.equal(await Deno.readTextFile(secretRun), '{"run_id":"OUTSIDE_MARKER"}');
    const m = readMetrics(s.telDir).metrics;
    assert.equal(m.telemetry_events_attempted, 1);
    assert.equal(m.telemetry_events_written ?? 0, 0);
    assert.equal(m.telemetry_write_failed, 1);
  } finally {
    await Deno.remove(outside, { recursive: true });
    await s.cleanup();
  }
});

Deno.test("a hard-linked events.jsonl is not appended to", async () => {
  const s = await tempSegment();
  try {
    await Deno.mkdir(s.telDir, { recursive: true });
    const other = join(s.segment.root, "other_name.txt");
    await Deno.writeTextFile(other, "kept as is\n");
    await Deno.link(other, join(s.telDir, "events.jsonl"));
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    t.event("e", { timingMs: 1 });
    assert.equal(await Deno.readTextFile(other), "kept as is\n");
    assert.equal(t.metrics().telemetry_write_failed, 1);
    assert.ok(t.summary().top_warnings.includes("telemetry write failed: TELEMETRY_FILE_UNSAFE"));
  } finally {
    await s.cleanup();
  }
});

Deno.test("a pending/ symlink to another directory is never entered: its JSON files survive a merge", async () => {
  const s = await tempSegment();
  const outside = await Deno.makeTempDir({ prefix: "trifecta-tel-outside-" });
  try {
    await Deno.mkdir(s.telDir, { recursive: true });
    await Deno.writeTextFile(join(outside, "settings.json"), '{"count":3}');
    await Deno.symlink(outside, join(s.telDir, "pending"));
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    t.event("e", { timingMs: 1 });
    await t.flush();
    assert.equal(await Deno.readTextFile(join(outside, "settings.json")), '{"count":3}');
    const d = await readTelemetry(s.telDir);
    assert.equal(d.metrics.count, undefined);
    assert.ok(d.warnings.includes("pending/ is a symlink: not read"));
  } finally {
    await Deno.remove(outside, { recursive: true });
    await s.cleanup();
  }
});

Deno.test("a symlinked _ctx/telemetry gets no write, and readers refuse it with TELEMETRY_DIR_UNSAFE", async () => {
  const s = await tempSegment();
  const outside = await Deno.makeTempDir({ prefix: "trifecta-tel-outside-" });
  try {
    await Deno.mkdir(join(s.segment.root, "_ctx"));
    await Deno.symlink(outside, s.telDir);
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    t.event("e", { timingMs: 1 });
    await t.flush();
    assert.deepEqual([...Deno.readDirSync(outside)], [], "nothing written there");
    assert.equal(t.metrics().telemetry_write_failed, 2, "the event and the flush");
    assert.throws(
      () => telemetryDirFor(s.segment, { env: fakeEnv() }),
      (e) => e instanceof TrifectaError && e.code === UNSAFE_DIR_CODE,
    );
    // A symlinked _ctx is refused the same way.
    await Deno.remove(s.telDir);
    await Deno.remove(join(s.segment.root, "_ctx"));
    await Deno.symlink(outside, join(s.segment.root, "_ctx"));
    assert.throws(() => telemetryDirFor(s.segment, { env: fakeEnv() }), /_ctx is a symlink/);
    // TRIFECTA_TELEMETRY_DIR is the user's own choice: not checked.
    assert.equal(
      telemetryDirFor(s.segment, { env: fakeEnv({ TRIFECTA_TELEMETRY_DIR: outside }) }),
      outside,
    );
  } finally {
    await Deno.remove(outside, { recursive: true });
    await s.cleanup();
  }
});

Deno.test("an event over 1 MiB is written as a stub that keeps its name and status", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv(), level: "full" });
    t.event("big.cmd", {
      args: { items: Array(1000).fill("a".repeat(4000)) },
      result: { status: "ok" },
      timingMs: 3,
    });
    t.event("small.cmd", { result: { status: "ok" }, timingMs: 1 });
    const path = join(s.telDir, "events.jsonl");
    const lines = (await Deno.readTextFile(path)).split("\n").filter((l) => l !== "");
    assert.equal(lines.length, 2);
    const first = lines[0] ?? "";
    assert.ok(first.length < 4096, `stub is ${first.length} characters`);
    const [stub] = await readJsonl(path);
    assert.ok(stub);
    assert.equal(stub.cmd, "big.cmd");
    assert.deepEqual(stub.result, { status: "ok" });
    assert.ok((stub.x as { oversized_bytes: number }).oversized_bytes > 4_000_000);
    assert.equal(t.metrics().telemetry_events_oversized, 1);
    assert.equal(t.metrics().telemetry_events_written, 2);
  } finally {
    await s.cleanup();
  }
});

Deno.test("a line nested 200,000 deep is read with its nesting cut at 16, and exports as JSON", async () => {
  const s = await tempSegment();
  try {
    await Deno.mkdir(s.telDir, { recursive: true });
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    await Deno.writeTextFile(
      join(s.telDir, "events.jsonl"),
      `{"cmd":"deep","x":{"a":${deep}},"warnings":["kept",${deep}]}\n`,
    );
    await Deno.writeTextFile(join(s.telDir, "last_run.json"), `{"run_id":"r","a":${deep}}`);
    const d = await readTelemetry(s.telDir);
    assert.equal(d.events.length, 1);
    assert.deepEqual(d.events[0]?.warnings, ["kept"]);
    assert.equal(
      JSON.stringify(d.lastRun),
      '{"run_id":"r","a":' + "[".repeat(15) + '"<MAX_DEPTH>"' + "]".repeat(15) + "}",
    );
    const json = exportTelemetry(d, "json");
    assert.match(json, /"<MAX_DEPTH>"/);
    let depth = 0;
    let max = 0;
    for (const c of json) {
      if (c === "[" || c === "{") max = Math.max(max, ++depth);
      else if (c === "]" || c === "}") depth--;
    }
    assert.ok(max <= 20, `export nests ${max} deep`);
  } finally {
    await s.cleanup();
  }
});
