import assert from "node:assert/strict";
import { join } from "node:path";
import {
  barChart,
  buildReport,
  checkHealth,
  exportTelemetry,
  histogram,
  readTelemetry,
  renderHealth,
  renderReport,
  Telemetry,
} from "../../lib/telemetry/mod.ts";
import { fakeEnv, tempSegment } from "./_helpers.ts";

Deno.test("readTelemetry skips and counts corrupt lines across rotated files", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    t.event("a", { result: { status: "ok" }, timingMs: 1 });
    await t.flush();
    await Deno.writeTextFile(
      join(s.telDir, "events.1.jsonl"),
      '{"cmd":"old","timing_ms":3}\n{broken\n',
    );
    await Deno.writeTextFile(join(s.telDir, "events.jsonl"), '[1,2]\n\n{"no_cmd":1}\n', {
      append: true,
    });
    const d = await readTelemetry(s.telDir);
    assert.deepEqual(d.events.map((e) => e.cmd), ["old", "a"]);
    assert.equal(d.corruptLines, 3);
    assert.equal(d.totalLines, 5);
    assert.deepEqual(d.files, ["events.1.jsonl", "events.jsonl"]);
    assert.equal(d.metrics.telemetry_events_written, 1);
    assert.equal(d.lastRun?.run_id, t.runId);
  } finally {
    await s.cleanup();
  }
});

Deno.test("--last N days drops older events and keeps undated ones", async () => {
  const s = await tempSegment();
  try {
    await Deno.mkdir(s.telDir, { recursive: true });
    const lines = [
      { ts: "2026-01-01T00:00:00Z", cmd: "old" },
      { ts: "2026-01-09T00:00:00Z", cmd: "new" },
      { ts: "garbage", cmd: "undated" },
    ].map((e) => JSON.stringify({ ...e, timing_ms: 1 })).join("\n") + "\n";
    await Deno.writeTextFile(join(s.telDir, "events.jsonl"), lines);
    const now = new Date("2026-01-10T00:00:00Z");
    assert.deepEqual(
      (await readTelemetry(s.telDir, { lastDays: 7, now })).events.map((e) => e.cmd),
      ["new", "undated"],
    );
    assert.equal((await readTelemetry(s.telDir, { lastDays: 0, now })).events.length, 3);
  } finally {
    await s.cleanup();
  }
});

Deno.test("report: counts, percentiles, cache hit rates, drops, warnings", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    for (let i = 1; i <= 10; i++) {
      t.event("ast.symbols", {
        result: { status: "ok" },
        timingMs: i,
        extra: { cache_status: i <= 7 ? "hit" : "miss" },
      });
    }
    t.event("ctx.search", { result: { status: "ok", hits: 0 }, timingMs: 4, warnings: ["slow"] });
    t.event("ctx.search", { result: { status: "error" }, timingMs: 2, warnings: ["slow"] });
    t.incr("ast_cache_hit_count", 3);
    t.incr("ast_cache_miss_count", 1);
    await t.flush();
    const r = buildReport(await readTelemetry(s.telDir), { lastDays: 0 });
    assert.equal(r.events, 12);
    assert.equal(r.runs, 1);
    assert.deepEqual(r.commands[0], {
      cmd: "ast.symbols",
      count: 10,
      pct: 83.3,
      errors: 0,
      p50_ms: 6,
      p95_ms: 10,
      max_ms: 10,
    });
    assert.equal(r.commands[1]?.errors, 1);
    assert.deepEqual(r.cache.by_command, [{
      cmd: "ast.symbols",
      hits: 7,
      misses: 3,
      hit_rate: 0.7,
    }]);
    assert.deepEqual(r.cache.ast_counters, { hits: 3, misses: 1, hit_rate: 0.75 });
    assert.deepEqual(r.drops, {
      attempted: 12,
      written: 12,
      write_failed: 0,
      flush_failed: 0,
      lock_skipped: 0,
      drop_rate: 0,
    });
    assert.deepEqual(r.top_warnings, [{ warning: "slow", count: 2 }]);
    assert.deepEqual(r.search, { searches: 2, zero_hits: 1, zero_hit_rate: 0.5 });
    const text = renderReport(r);
    assert.match(text, /ast\.symbols\s+│\s+10 █{40}/);
    assert.match(text, /Latency histogram/);
    assert.match(text, /ast\.symbols: 7 hits, 3 misses, hit rate 70\.0%/);
  } finally {
    await s.cleanup();
  }
});

Deno.test("report of an empty directory says there is no data", async () => {
  const r = buildReport(await readTelemetry("/nonexistent/trifecta"));
  assert.equal(r.events, 0);
  assert.equal(renderReport(r), "No telemetry data found.\n");
});

Deno.test("the report object carries status ok, like every command's JSON", async () => {
  const r = buildReport(await readTelemetry("/nonexistent/trifecta"));
  assert.equal(r.status, "ok");
  assert.equal(Object.keys(r)[0], "status");
});

Deno.test("health: no data is OK with a note", async () => {
  const h = checkHealth(await readTelemetry("/nonexistent/trifecta"));
  assert.equal(h.exit_code, 0);
  assert.equal(h.has_data, false);
  assert.match(renderHealth(h), /No telemetry data found/);
});

Deno.test("health: clean data is OK (0), zero hits above 30% WARN (2), many lost events FAIL (3)", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    t.event("ctx.search", {
      args: { query_preview: "found" },
      result: { status: "ok", hits: 3 },
      timingMs: 1,
    });
    t.event("ctx.search", {
      args: { query_preview: "fixture miss" },
      result: { status: "ok", hits: 0 },
      timingMs: 1,
      extra: { source: "fixture" },
    });
    await t.flush();
    let h = checkHealth(await readTelemetry(s.telDir));
    assert.equal(h.status, "OK");
    assert.equal(h.exit_code, 0);

    t.event("ctx.search", {
      args: { query_preview: "zzqq nothing" },
      result: { status: "ok", hits: 0 },
      timingMs: 1,
    });
    await t.flush();
    h = checkHealth(await readTelemetry(s.telDir));
    assert.equal(h.status, "WARN");
    assert.equal(h.exit_code, 2);
    assert.match(renderHealth(h), /Zero-hit ratio \(operational\) 50\.0% exceeds threshold 30\.0%/);
    assert.deepEqual(h.top_zero_hit_queries, [{ query: "zzqq nothing", count: 1 }]);

    // As a flush that failed on a full disk leaves them: attempted, never written.
    t.incr("telemetry_events_attempted", 10);
    await t.flush();
    h = checkHealth(await readTelemetry(s.telDir));
    assert.equal(h.status, "FAIL");
    assert.equal(h.exit_code, 3);
    assert.deepEqual(h.checks.filter((c) => c.status === "FAIL").map((c) => c.name), [
      "event_drops",
    ]);
    assert.ok(!h.checks.some((c) => c.name === "lsp_invariants"), "no LSP invariant check");
  } finally {
    await s.cleanup();
  }
});

Deno.test("health: a corrupt line WARNs, many FAIL; lost events WARN, >2% FAIL", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    for (let i = 0; i < 40; i++) t.event("e", { result: { status: "ok" }, timingMs: 1 });
    await t.flush();
    await Deno.writeTextFile(join(s.telDir, "events.jsonl"), "{torn\n", { append: true });
    let h = checkHealth(await readTelemetry(s.telDir));
    assert.equal(h.checks.find((c) => c.name === "corrupt_lines")?.status, "WARN");
    assert.equal(h.exit_code, 2);
    await Deno.writeTextFile(join(s.telDir, "events.jsonl"), "x\ny\nz\n", { append: true });
    h = checkHealth(await readTelemetry(s.telDir));
    assert.equal(h.checks.find((c) => c.name === "corrupt_lines")?.status, "FAIL");

    const d = await readTelemetry(s.telDir);
    d.corruptLines = 0;
    d.metrics.telemetry_events_written = 100;
    d.metrics.telemetry_events_attempted = 101;
    assert.equal(checkHealth(d).checks.find((c) => c.name === "event_drops")?.status, "WARN");
    d.metrics.telemetry_events_attempted = 103;
    assert.equal(checkHealth(d).checks.find((c) => c.name === "event_drops")?.status, "FAIL");
  } finally {
    await s.cleanup();
  }
});

Deno.test("export: JSON has every event; CSV has a header and quoted rows", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    t.event("a,b", { result: { status: "ok" }, timingMs: 5 });
    t.event("c", { timingMs: 6 });
    const d = await readTelemetry(s.telDir);
    const j = JSON.parse(exportTelemetry(d, "json", { now: new Date(0) }));
    assert.equal(j.exported_at, "1970-01-01T00:00:00.000Z");
    assert.deepEqual(j.events.map((e: { cmd: string }) => e.cmd), ["a,b", "c"]);
    const csv = exportTelemetry(d, "csv").trimEnd().split("\n");
    assert.equal(csv[0], "timestamp,command,timing_ms,status,run_id");
    assert.match(csv[1] ?? "", new RegExp(`^[^,]+,"a,b",5,ok,${t.runId}$`));
    assert.match(csv[2] ?? "", /,c,6,unknown,/);
  } finally {
    await s.cleanup();
  }
});

Deno.test("charts: bars scale to the largest value, histogram puts every value in a bin", () => {
  assert.equal(
    barChart([["a", 4], ["bb", 2], ["c", 0]], { width: 4 }),
    "  a  │ 4 ████\n  bb │ 2 ██\n  c  │ 0 \n",
  );
  const h = histogram([1, 2, 3, 4, 10], { bins: 3 });
  const counts = h.trimEnd().split("\n").map((l) => Number(/│\s+(\d+)/.exec(l)?.[1]));
  assert.deepEqual(counts, [3, 1, 1]); // [1,4) [4,7) [7,10]
  assert.equal(histogram([5, 5]).split("\n").length, 2);
  assert.equal(barChart([]), "");
});

Deno.test("charts and tables of 200,000 values or commands do not overflow the call stack", () => {
  const values = Array.from({ length: 200_000 }, (_, i) => i % 977);
  const h = histogram(values, { bins: 4 });
  assert.equal(h.trimEnd().split("\n").length, 4);
  const commands = Array.from({ length: 200_000 }, (_, i) => ({
    cmd: `c${i}`,
    count: 1,
    pct: 0,
    errors: 0,
    p50_ms: 1,
    p95_ms: 1,
    max_ms: 1,
  }));
  const r = buildReport({
    events: [],
    corruptLines: 0,
    totalLines: 0,
    oversizedLines: 0,
    files: [],
    readCapBytes: 1,
    bytesRead: 0,
    bytesSkipped: 0,
    metrics: { x: 1 },
    metricsCorrupt: false,
    lastRun: null,
    warnings: [],
  });
  const text = renderReport({ ...r, commands, events: 200_000 });
  assert.match(text, /c199999/);
});
