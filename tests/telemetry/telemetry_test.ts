import assert from "node:assert/strict";
import { join } from "node:path";
import { TrifectaError } from "../../lib/errors.ts";
import { elapsedMs, monotonicMs, RESERVED_KEYS, Telemetry } from "../../lib/telemetry/mod.ts";
import { estimateTokens } from "../../lib/text.ts";
import { exists, fakeEnv, readJsonl, tempSegment } from "./_helpers.ts";

Deno.test("extra with a reserved key throws TELEMETRY_RESERVED_KEY naming it", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    assert.throws(
      () => t.event("test.cmd", { timingMs: 100, extra: { ts: "2026-01-01" } }),
      (err: unknown) =>
        err instanceof TrifectaError && err.code === "TELEMETRY_RESERVED_KEY" &&
        /\bts\b/.test(err.message),
    );
    assert.equal(await exists(s.telDir), false, "the refused event wrote nothing");
  } finally {
    await s.cleanup();
  }
});

Deno.test("every colliding reserved key is named in the error", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    const extra = Object.fromEntries([...RESERVED_KEYS].map((k) => [k, 1]));
    assert.throws(() => t.event("test.cmd", { timingMs: 1, extra }), (err: unknown) => {
      assert.ok(err instanceof TrifectaError);
      for (const k of RESERVED_KEYS) assert.match(err.message, new RegExp(`(^|[ ,])${k}(,|$)`));
      assert.deepEqual(err.details.collisions, [...RESERVED_KEYS].sort());
      return true;
    });
  } finally {
    await s.cleanup();
  }
});

Deno.test("reserved keys are refused even when telemetry is off", () => {
  const t = Telemetry.disabled();
  assert.throws(() => t.event("c", { timingMs: 1, extra: { run_id: "x" } }), TrifectaError);
});

Deno.test("non-reserved extra fields land under x with their JSON types", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    t.event("test.cmd", {
      timingMs: 100,
      extra: {
        bytes_read: 2048,
        disclosure_mode: "excerpt",
        cache_hit: true,
        float_field: 3.14,
        list_field: [1, 2, 3],
        dict_field: { key: "value" },
        null_field: null,
        undefined_field: undefined,
      },
    });
    await t.flush();
    const [ev] = await readJsonl(join(s.telDir, "events.jsonl"));
    assert.ok(ev);
    assert.deepEqual(ev.x, {
      bytes_read: 2048,
      disclosure_mode: "excerpt",
      cache_hit: true,
      float_field: 3.14,
      list_field: [1, 2, 3],
      dict_field: { key: "value" },
      null_field: null,
    });
    assert.deepEqual(Object.keys(ev), [
      "ts",
      "run_id",
      "segment_id",
      "cmd",
      "args",
      "result",
      "timing_ms",
      "tokens",
      "warnings",
      "x",
    ]);
    assert.match(ev.segment_id as string, /^[0-9a-f]{8}$/);
    assert.equal(ev.segment_id, s.segment.id);
  } finally {
    await s.cleanup();
  }
});

Deno.test("relpath: inside → relative, outside → external/<hash8>-<name>, unique per path", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    assert.equal(t.relpath(join(s.segment.root, "src/domain/models.py")), "src/domain/models.py");
    const a = t.relpath("/usr/lib/python3.12/typing.py");
    const b = t.relpath("/opt/python3.12/typing.py");
    assert.match(a, /^external\/[0-9a-f]{8}-typing\.py$/);
    assert.match(b, /^external\/[0-9a-f]{8}-typing\.py$/);
    assert.notEqual(a, b);
    assert.equal(t.relpath("/usr/lib/python3.12/typing.py"), a, "stable");
  } finally {
    await s.cleanup();
  }
});

Deno.test("timing_ms is a whole number of at least 1", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    for (const ms of [0, -5, 0.4, 2.6, Number.NaN, 41]) t.event("t", { timingMs: ms });
    const timings = (await readJsonl(join(s.telDir, "events.jsonl"))).map((e) => e.timing_ms);
    assert.deepEqual(timings, [1, 1, 1, 3, 1, 41]);
  } finally {
    await s.cleanup();
  }
});

Deno.test("monotonic clock: elapsedMs is an integer ≥ 1 and never decreases", () => {
  const start = monotonicMs();
  let prev = 0;
  for (let i = 0; i < 1000; i++) {
    const e = elapsedMs(start);
    assert.ok(Number.isInteger(e) && e >= 1);
    assert.ok(e >= prev);
    prev = e;
  }
  const a = monotonicMs();
  assert.ok(monotonicMs() >= a);
});

Deno.test("event token estimates count code points (lib/text.ts), not UTF-16 units", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    // `{"q":"🐍🐍🐍🐍"}`: 12 code points (3 tokens), 16 UTF-16 units (4).
    t.event("c", { args: { q: "🐍🐍🐍🐍" }, timingMs: 1 });
    const [ev] = await readJsonl(join(s.telDir, "events.jsonl"));
    assert.ok(ev);
    assert.equal((ev.tokens as Record<string, number>).input_tokens, 3);
    assert.equal(
      (ev.tokens as Record<string, number>).input_tokens,
      estimateTokens(JSON.stringify(ev.args)),
    );
  } finally {
    await s.cleanup();
  }
});

Deno.test("each event carries a token estimate from its args and result", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    t.event("ctx.get", {
      args: { ids: ["a", "b"] },
      result: { status: "ok", total_tokens: 900 },
      timingMs: 5,
    });
    t.event("empty", { timingMs: 5 });
    const [ev, empty] = await readJsonl(join(s.telDir, "events.jsonl"));
    assert.ok(ev && empty);
    const tok = ev.tokens as Record<string, number>;
    assert.equal(tok.input_tokens, Math.ceil(JSON.stringify({ ids: ["a", "b"] }).length / 4));
    assert.ok((tok.output_tokens ?? 0) > 0);
    assert.equal(tok.total_tokens, (tok.input_tokens ?? 0) + (tok.output_tokens ?? 0));
    assert.equal(tok.retrieved_tokens, 900);
    assert.deepEqual(empty.tokens, {
      input_tokens: 0,
      output_tokens: 0,
      total_tokens: 0,
      retrieved_tokens: 0,
    });
  } finally {
    await s.cleanup();
  }
});

Deno.test("flush writes last_run.json with the seed's ast, lsp and file_read formulas", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    t.incr("ast_parse_count", 100);
    t.incr("ast_cache_hit_count", 86);
    t.incr("ast_cache_miss_count", 14);
    t.incr("lsp_spawn_count", 5);
    t.incr("lsp_ready_count", 5);
    t.incr("lsp_fallback_count", 1);
    t.incr("lsp_failed_count", 0);
    t.incr("file_read_skeleton_bytes_total", 1024);
    t.incr("file_read_excerpt_bytes_total", 5120);
    t.incr("file_read_raw_bytes_total", 10240);
    t.setPackState({ pack_sha: "abc123", pack_mtime: 1700000000, stale_detected: false });
    await t.flush();
    const lr = JSON.parse(await Deno.readTextFile(join(s.telDir, "last_run.json")));
    assert.deepEqual(lr.ast, {
      ast_parse_count: 100,
      ast_cache_hit_count: 86,
      ast_cache_miss_count: 14,
      ast_cache_hit_rate: 0.86,
    });
    assert.deepEqual(lr.lsp, {
      lsp_spawn_count: 5,
      lsp_warming_count: 0,
      lsp_ready_count: 5,
      lsp_failed_count: 0,
      lsp_fallback_count: 1,
      lsp_ready_rate: 1,
      lsp_fallback_rate: 0.2,
    });
    assert.deepEqual(lr.file_read, {
      skeleton_bytes: 1024,
      excerpt_bytes: 5120,
      raw_bytes: 10240,
      total_bytes: 16384,
    });
    assert.deepEqual(lr.pack_state, {
      pack_sha: "abc123",
      pack_mtime: 1700000000,
      stale_detected: false,
    });
    for (
      const k of [
        "run_id",
        "segment_id",
        "ts",
        "metrics_delta",
        "latencies",
        "tokens",
        "telemetry_drops",
        "top_warnings",
      ]
    ) {
      assert.ok(k in lr, k);
    }
    assert.equal(lr.run_id, t.runId);
    assert.equal(lr.metrics_delta.ast_parse_count, 100);
  } finally {
    await s.cleanup();
  }
});

Deno.test("hit and ready rates divide by max(count, 1) so empty runs give 0", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    t.incr("ast_cache_hit_count", 3); // no parses recorded
    const lr = t.summary();
    assert.equal(lr.ast.ast_cache_hit_rate, 3);
    assert.equal(lr.lsp.lsp_ready_rate, 0);
    assert.equal(lr.file_read.total_bytes, 0);
  } finally {
    await s.cleanup();
  }
});

Deno.test("latencies have exactly count, p50_ms, p95_ms, max_ms (nearest rank)", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    for (let ms = 1; ms <= 20; ms++) t.observe("ctx.search", ms);
    t.event("ast.parse", { timingMs: 7 });
    await t.flush();
    const lr = JSON.parse(await Deno.readTextFile(join(s.telDir, "last_run.json")));
    assert.deepEqual(lr.latencies["ctx.search"], { count: 20, p50_ms: 11, p95_ms: 20, max_ms: 20 });
    assert.deepEqual(lr.latencies["ast.parse"], { count: 1, p50_ms: 7, p95_ms: 7, max_ms: 7 });
  } finally {
    await s.cleanup();
  }
});

Deno.test("flush merges counters into metrics.json cumulatively, each delta once", async () => {
  const s = await tempSegment();
  try {
    const a = Telemetry.open(s.segment, { env: fakeEnv() });
    a.incr("k", 2);
    await a.flush();
    a.incr("k", 3);
    await a.flush();
    await a.flush(); // nothing new: no double counting
    const b = Telemetry.open(s.segment, { env: fakeEnv() });
    b.incr("k", 10);
    b.incr("other");
    await b.flush();
    const m = JSON.parse(await Deno.readTextFile(join(s.telDir, "metrics.json")));
    assert.equal(m.k, 15);
    assert.equal(m.other, 1);
    const lr = JSON.parse(await Deno.readTextFile(join(s.telDir, "last_run.json")));
    assert.equal(lr.run_id, b.runId, "last_run.json is the last run");
    assert.equal(lr.metrics_delta.k, 10);
    const names = [...Deno.readDirSync(s.telDir)].map((e) => e.name);
    assert.ok(!names.some((n) => n.endsWith(".tmp")), "no temp file left");
  } finally {
    await s.cleanup();
  }
});

Deno.test("a busy lock defers counters to pending/ and a later flush merges them", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv(), lockTimeoutMs: 30 });
    t.event("e", { timingMs: 1 });
    t.incr("k", 4);
    const lockFile = await Deno.open(join(s.telDir, ".lock"), {
      read: true,
      write: true,
      create: true,
    });
    await lockFile.lock(true);
    await t.flush();
    const lr = JSON.parse(await Deno.readTextFile(join(s.telDir, "last_run.json")));
    assert.equal(lr.telemetry_drops.lock_skipped, 1);
    assert.equal(await exists(join(s.telDir, "metrics.json")), false);
    assert.equal([...Deno.readDirSync(join(s.telDir, "pending"))].length, 1);
    await lockFile.unlock();
    lockFile.close();
    const u = Telemetry.open(s.segment, { env: fakeEnv() });
    u.incr("k", 1);
    await u.flush();
    const m = JSON.parse(await Deno.readTextFile(join(s.telDir, "metrics.json")));
    assert.equal(m.k, 5);
    assert.equal(m.telemetry_lock_skipped, 1);
    assert.equal([...Deno.readDirSync(join(s.telDir, "pending"))].length, 0);
  } finally {
    await s.cleanup();
  }
});

Deno.test("a corrupt metrics.json is moved aside and counting restarts", async () => {
  const s = await tempSegment();
  try {
    await Deno.mkdir(s.telDir, { recursive: true });
    await Deno.writeTextFile(join(s.telDir, "metrics.json"), "{not json");
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    t.incr("k", 2);
    await t.flush();
    const m = JSON.parse(await Deno.readTextFile(join(s.telDir, "metrics.json")));
    assert.equal(m.k, 2);
    assert.equal(m.telemetry_metrics_corrupt, 1);
    assert.ok([...Deno.readDirSync(s.telDir)].some((e) => e.name.startsWith("metrics.corrupt-")));
  } finally {
    await s.cleanup();
  }
});

Deno.test("level off and disabled() create no directory and no file", async () => {
  const s = await tempSegment();
  try {
    for (
      const t of [Telemetry.open(s.segment, { level: "off", env: fakeEnv() }), Telemetry.disabled()]
    ) {
      assert.equal(t.enabled, false);
      t.event("x", { args: { a: 1 }, timingMs: 3 });
      t.incr("k");
      t.observe("x", 3);
      await t.flush();
    }
    assert.equal(await exists(join(s.segment.root, "_ctx")), false);
  } finally {
    await s.cleanup();
  }
});

Deno.test("open() creates nothing; the first write creates the directory", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    assert.equal(await exists(s.telDir), false);
    t.event("x", { timingMs: 1 });
    assert.equal(await exists(join(s.telDir, "events.jsonl")), true);
  } finally {
    await s.cleanup();
  }
});

Deno.test("level full adds proc and keeps longer strings than lite", async () => {
  const s = await tempSegment();
  try {
    const long = "q".repeat(1000);
    const lite = Telemetry.open(s.segment, { level: "lite", env: fakeEnv() });
    lite.event("c", { args: { query: long }, timingMs: 1 });
    const full = Telemetry.open(s.segment, { level: "full", env: fakeEnv() });
    full.event("c", { args: { query: long }, timingMs: 1 });
    const [a, b] = await readJsonl(join(s.telDir, "events.jsonl"));
    assert.ok(a && b);
    assert.match(
      (a.args as { query: string }).query,
      /^<TEXT sha256:[0-9a-f]{16} bytes:1000 lines:1>$/,
    );
    assert.equal(a.proc, undefined);
    assert.equal((b.args as { query: string }).query, long);
    assert.equal((b.proc as { pid: number }).pid, Deno.pid);
  } finally {
    await s.cleanup();
  }
});

Deno.test("events are redacted: paths inside become relative, outside and secrets are masked", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    t.event("ast.parse", {
      args: { file: join(s.segment.root, "src/a.py"), nested: [{ p: "/etc/passwd" }] },
      result: { status: "ok", msg: "auth with token=hunter2 failed" },
      timingMs: 3,
      extra: { uri: "file:///home/alice/x.py", api_key: "abc" },
      warnings: ["read /home/bob/y"],
    });
    const text = await Deno.readTextFile(join(s.telDir, "events.jsonl"));
    const ev = JSON.parse(text);
    assert.equal(ev.args.file, "src/a.py");
    assert.equal(ev.args.nested[0].p, "<ABS_PATH_REDACTED>");
    assert.equal(ev.result.msg, "auth with token=<SECRET_REDACTED> failed");
    assert.equal(ev.x.uri, "<ABS_URI_REDACTED>");
    assert.equal(ev.x.api_key, "<SECRET_REDACTED>");
    assert.deepEqual(ev.warnings, ["read <ABS_PATH_REDACTED>"]);
    assert.ok(!text.includes(s.segment.root), "no absolute segment path in the file");
    assert.ok(!text.includes("hunter2"));
    t.incr("x");
    await t.flush();
    const lr = JSON.parse(await Deno.readTextFile(join(s.telDir, "last_run.json")));
    assert.ok(lr.metrics_delta.telemetry_redacted_values >= 5);
    assert.deepEqual(lr.top_warnings, ["read <ABS_PATH_REDACTED>"]);
  } finally {
    await s.cleanup();
  }
});

Deno.test("TRIFECTA_PII=allow keeps paths but still masks secrets", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv({ TRIFECTA_PII: "allow" }) });
    t.event("c", { args: { p: "/home/alice/x.py", k: "Bearer abcdefghijklmnop" }, timingMs: 1 });
    const [ev] = await readJsonl(join(s.telDir, "events.jsonl"));
    assert.ok(ev);
    assert.deepEqual(ev.args, { p: "/home/alice/x.py", k: "Bearer <SECRET_REDACTED>" });
  } finally {
    await s.cleanup();
  }
});

Deno.test("run ids differ between sinks opened in the same second", async () => {
  const s = await tempSegment();
  try {
    const ids = new Set(
      Array.from({ length: 50 }, () => Telemetry.open(s.segment, { env: fakeEnv() }).runId),
    );
    assert.equal(ids.size, 50);
    for (const id of ids) assert.match(id, /^run_\d+_[0-9a-f]{8}$/);
  } finally {
    await s.cleanup();
  }
});

Deno.test("an empty event name is refused", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv() });
    assert.throws(
      () => t.event(" ", { timingMs: 1 }),
      (e: unknown) => e instanceof TrifectaError && e.code === "TELEMETRY_INVALID_EVENT",
    );
  } finally {
    await s.cleanup();
  }
});
