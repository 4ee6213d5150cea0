/**
 * The live OpenTelemetry export in process: its switch (lib/telemetry/
 * otel_config.ts), spans derived from telemetry events (otel_live.ts), the
 * OTLP/JSON encoding (otel_json.ts), the loss counted without a net grant
 * (the suite has none, so nothing is sent here: tests/e2e/otel_export_test.ts
 * sends to a real receiver), and the `otel_export` health check.
 */
import assert from "node:assert/strict";
import { Telemetry } from "../../lib/telemetry/telemetry.ts";
import { resolveOtelConfig } from "../../lib/telemetry/otel_config.ts";
import { LiveExport } from "../../lib/telemetry/otel_live.ts";
import { openLiveExport, withRequestTrace, withStageSpan } from "../../lib/telemetry/otel_scope.ts";
import { encodeMetrics, encodeTraces, LATENCY_BOUNDS_MS } from "../../lib/telemetry/otel_json.ts";
import { checkHealth } from "../../lib/telemetry/health.ts";
import { readTelemetry } from "../../lib/telemetry/read.ts";
import { ABS_PATH_REDACTED } from "../../lib/telemetry/redact.ts";
import { secretSamples } from "../_secret_samples.ts";
import { fakeEnv, tempSegment } from "./_helpers.ts";

const ENDPOINT = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" };

Deno.test("the export is off by default, on with OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_DENO=true, and OTEL_SDK_DISABLED wins", () => {
  assert.equal(resolveOtelConfig(fakeEnv()), undefined);
  assert.equal(resolveOtelConfig(fakeEnv({ OTEL_DENO: "false" })), undefined);
  const deno = resolveOtelConfig(fakeEnv({ OTEL_DENO: "true" }));
  assert.equal(deno?.tracesUrl, "http://localhost:4318/v1/traces");
  assert.equal(deno?.netHost, "localhost:4318");
  const given = resolveOtelConfig(
    fakeEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example/x/" }),
  );
  assert.equal(given?.metricsUrl, "https://otel.example/x/v1/metrics");
  assert.equal(given?.netHost, "otel.example:443");
  assert.equal(given?.serviceName, "trifecta");
  assert.equal(
    resolveOtelConfig(fakeEnv({ ...ENDPOINT, OTEL_SDK_DISABLED: "true" })),
    undefined,
  );
  assert.equal(resolveOtelConfig(fakeEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "not a url" })), undefined);
  assert.equal(resolveOtelConfig(fakeEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "file:///x" })), undefined);
});

Deno.test("the export's bound comes from OTEL_EXPORTER_OTLP_TIMEOUT, capped, and headers are parsed", () => {
  assert.equal(resolveOtelConfig(fakeEnv(ENDPOINT))?.timeoutMs, 2000);
  const capped = resolveOtelConfig(fakeEnv({ ...ENDPOINT, OTEL_EXPORTER_OTLP_TIMEOUT: "600000" }));
  assert.equal(capped?.timeoutMs, 10_000);
  const bad = resolveOtelConfig(fakeEnv({ ...ENDPOINT, OTEL_EXPORTER_OTLP_TIMEOUT: "-1" }));
  assert.equal(bad?.timeoutMs, 2000);
  assert.equal(bad?.warnings.length, 1);
  const h = resolveOtelConfig(
    fakeEnv({ ...ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=a%20b, broken ,k2=v" }),
  );
  assert.deepEqual(h?.headers, { "x-api-key": "a b", k2: "v" });
  assert.equal(h?.warnings.length, 1);
});

Deno.test("no live export when telemetry is off, whatever OTEL_* says", async () => {
  const t = Telemetry.disabled();
  assert.equal(await openLiveExport(t, { version: "0", env: fakeEnv(ENDPOINT) }), undefined);
  assert.equal(await withRequestTrace(t, "mcp.map", () => Promise.resolve("ran")), "ran");
});

Deno.test("events recorded inside a trace become child spans of its root, which takes the command's own event", async () => {
  const seg = await tempSegment();
  try {
    const t = Telemetry.open(seg.segment, { level: "lite", env: fakeEnv() });
    const config = resolveOtelConfig(fakeEnv(ENDPOINT));
    assert.ok(config);
    const live = new LiveExport(t, config, { version: "0.1.0" });
    await live.runTrace("ast.skeleton", async () => {
      t.event("ast.parse", { args: { file: "src/a.py" }, result: { status: "ok" }, timingMs: 3 });
      await new Promise((r) => setTimeout(r, 1));
      t.event("ast.skeleton", { args: { paths_count: 1 }, result: { status: "ok" }, timingMs: 5 });
    });
    const spans = live.buffered();
    assert.deepEqual(spans.map((s) => s.name), ["trifecta.ast.parse", "trifecta.ast.skeleton"]);
    const [child, root] = spans;
    assert.ok(child && root);
    assert.equal(root.parentSpanId, undefined);
    assert.equal(child.parentSpanId, root.spanId);
    assert.equal(child.traceId, root.traceId);
    assert.match(root.traceId, /^[0-9a-f]{32}$/);
    assert.match(root.spanId, /^[0-9a-f]{16}$/);
    assert.equal(root.attributes["args.paths_count"], 1);
    assert.equal(root.attributes.segment_id, seg.segment.id);
    assert.equal(child.attributes["args.file"], "src/a.py");
    assert.ok(child.startMs >= root.startMs && child.endMs <= root.endMs);
  } finally {
    await seg.cleanup();
  }
});

Deno.test("without a net grant nothing is sent, and every span is counted as lost", async () => {
  const seg = await tempSegment();
  try {
    const t = Telemetry.open(seg.segment, { level: "lite", env: fakeEnv() });
    const live = await openLiveExport(t, { version: "0", env: fakeEnv(ENDPOINT) });
    assert.ok(live);
    const request = (name: string, delay: number) =>
      withRequestTrace(t, `mcp.${name}`, async () => {
        await new Promise((r) => setTimeout(r, delay));
        t.event("ast.parse", { args: { file: `${name}.py` }, timingMs: 1 });
      });
    await Promise.all([request("one", 20), request("two", 1)]);
    await live.flush(); // no net grant in the suite: counted as lost, see below
    const m = t.metrics();
    assert.equal(m.otel_spans_dropped, 4);
    assert.ok((m.otel_export_no_grant ?? 0) >= 2);
  } finally {
    await seg.cleanup();
  }
});

Deno.test("request traces: each child's parent is its own request's root", async () => {
  const seg = await tempSegment();
  try {
    const t = Telemetry.open(seg.segment, { level: "lite", env: fakeEnv() });
    const config = resolveOtelConfig(fakeEnv(ENDPOINT));
    assert.ok(config);
    const live = new LiveExport(t, config, { version: "0" });
    const request = (name: string, delay: number) =>
      live.runTrace(`mcp.${name}`, async () => {
        await new Promise((r) => setTimeout(r, delay));
        t.event("ast.parse", { args: { file: `${name}.py` }, timingMs: 1 });
      });
    await Promise.all([request("one", 20), request("two", 1)]);
    const spans = live.buffered();
    for (const name of ["one", "two"]) {
      const root = spans.find((s) => s.name === `trifecta.mcp.${name}`);
      const kid = spans.find((s) => s.attributes["args.file"] === `${name}.py`);
      assert.ok(root && kid);
      assert.equal(kid.parentSpanId, root.spanId);
      assert.equal(kid.traceId, root.traceId);
    }
    const roots = spans.filter((s) => s.parentSpanId === undefined);
    assert.notEqual(roots[0]?.traceId, roots[1]?.traceId);
  } finally {
    await seg.cleanup();
  }
});

Deno.test("span attributes are the redacted event: no absolute path, no secret", async () => {
  const seg = await tempSegment();
  try {
    const secret = secretSamples().find((s) => s.rule === "github-token");
    assert.ok(secret);
    const t = Telemetry.open(seg.segment, { level: "full", env: fakeEnv() });
    const config = resolveOtelConfig(fakeEnv(ENDPOINT));
    assert.ok(config);
    const live = new LiveExport(t, config, { version: "0" });
    await live.runTrace("ctx.search", () => {
      t.event("ctx.search", {
        args: { query_preview: secret.text, where: "/home/alice/notes.txt" },
        result: { status: "ok", nested: { inner: { deeper: `${seg.segment.root}/a.py` } } },
        warnings: [`could not read ${seg.segment.root}/b.py`],
      });
      return Promise.resolve();
    });
    const text = JSON.stringify(encodeTraces(live.buffered(), {
      resource: {},
      scope: "trifecta",
      version: "0",
    }));
    assert.ok(!text.includes(secret.secret), "no secret");
    assert.ok(!text.includes("/home/alice"), "no absolute path");
    assert.ok(!text.includes(seg.segment.root), "no segment path");
    assert.ok(text.includes(ABS_PATH_REDACTED), "the redaction marker is what remains");
  } finally {
    await seg.cleanup();
  }
});

Deno.test("a stage span is a child of the command and the parent of the events inside it", async () => {
  const seg = await tempSegment();
  try {
    const t = Telemetry.open(seg.segment, { level: "lite", env: fakeEnv() });
    const live = await openLiveExport(t, { version: "0", env: fakeEnv(ENDPOINT) });
    assert.ok(live);
    assert.equal(await withStageSpan(t, "ctx.pack.build", () => Promise.resolve(1)), 1);
    await live.runTrace("ctx.build", async () => {
      await withStageSpan(t, "ctx.pack.build", () => {
        t.event("ast.parse", { args: { file: "a.py" } });
        return Promise.resolve();
      });
      t.event("ctx.build", { result: { status: "ok", files: 1 } });
    });
    assert.ok(live instanceof LiveExport);
    const spans = live.buffered();
    const root = spans.find((s) => s.name === "trifecta.ctx.build");
    const stage = spans.find((s) => s.name === "trifecta.ctx.pack.build");
    const parse = spans.find((s) => s.name === "trifecta.ast.parse");
    assert.ok(root && stage && parse);
    assert.equal(spans.length, 3, "outside a trace, a stage is no span");
    assert.equal(stage.parentSpanId, root.spanId);
    assert.equal(parse.parentSpanId, stage.spanId);
    assert.equal(root.attributes["result.files"], 1, "the command's event still names the root");
    assert.deepEqual(Object.keys(stage.attributes).sort(), ["run_id", "segment_id"]);
  } finally {
    await seg.cleanup();
  }
});

Deno.test("a failed command marks its root span as an error with the error code only", async () => {
  const seg = await tempSegment();
  try {
    const t = Telemetry.open(seg.segment, { level: "lite", env: fakeEnv() });
    const config = resolveOtelConfig(fakeEnv(ENDPOINT));
    assert.ok(config);
    const live = new LiveExport(t, config, { version: "0" });
    await assert.rejects(live.runTrace("ctx.get", () => {
      t.event("ctx.get", { result: { status: "error", error_code: "CHUNK_NOT_FOUND" } });
      return Promise.reject(new Error(`boom in ${seg.segment.root}`));
    }));
    const [root] = live.buffered();
    assert.equal(root?.isError, true);
    assert.equal(root?.errorCode, "CHUNK_NOT_FOUND");
    const span = encodeTraces(live.buffered(), { resource: {}, scope: "s", version: "0" })
      .resourceSpans[0]?.scopeSpans[0]?.spans[0];
    assert.deepEqual(span?.status, { code: 2, message: "CHUNK_NOT_FOUND" });
  } finally {
    await seg.cleanup();
  }
});

Deno.test("metrics: counters as delta sums and latencies as an explicit-bucket histogram", () => {
  const body = encodeMetrics({
    startMs: 1000,
    endMs: 2000,
    sums: new Map([["trifecta.ast_parse_count", 2], ["trifecta.odd", -1]]),
    histograms: new Map([["trifecta.event.duration", {
      unit: "ms",
      description: "d",
      series: [{
        attributes: { event: "ast.parse", status: "ok" },
        count: 2,
        sum: 7,
        min: 3,
        max: 4,
        bucketCounts: [0, 0, 2, ...new Array(LATENCY_BOUNDS_MS.length - 2).fill(0)],
      }],
    }]]),
  }, { resource: { "service.name": "trifecta" }, scope: "trifecta", version: "0" });
  const metrics = body.resourceMetrics[0]?.scopeMetrics[0]?.metrics ?? [];
  const count = metrics.find((m) => m.name === "trifecta.ast_parse_count");
  assert.equal(count?.sum?.dataPoints[0]?.asInt, "2");
  assert.equal(count?.sum?.aggregationTemporality, 1);
  assert.equal(count?.sum?.isMonotonic, true);
  assert.equal(metrics.find((m) => m.name === "trifecta.odd")?.sum?.isMonotonic, false);
  const h = metrics.find((m) => m.name === "trifecta.event.duration")?.histogram;
  const p = h?.dataPoints[0];
  assert.equal(p?.count, "2");
  assert.equal((p?.bucketCounts as string[]).length, LATENCY_BOUNDS_MS.length + 1);
  assert.equal(p?.startTimeUnixNano, "1000000000");
});

Deno.test("telemetry health reports lost exports as otel_export WARN, and has no such check without the export", async () => {
  const seg = await tempSegment();
  try {
    const t = Telemetry.open(seg.segment, { level: "lite", env: fakeEnv() });
    t.event("ast.skeleton", { result: { status: "ok" } });
    await t.flush();
    const before = checkHealth(await readTelemetry(seg.telDir));
    assert.equal(before.checks.find((c) => c.name === "otel_export"), undefined);
    const live = await openLiveExport(t, { version: "0", env: fakeEnv(ENDPOINT) });
    assert.ok(live);
    await live.runTrace("ast.skeleton", () => {
      t.event("ast.skeleton", { result: { status: "ok" } });
      return Promise.resolve();
    });
    await live.flush();
    await t.flush();
    const after = checkHealth(await readTelemetry(seg.telDir));
    const check = after.checks.find((c) => c.name === "otel_export");
    assert.equal(check?.status, "WARN");
    assert.match(check?.message ?? "", /were not delivered \(no_grant 2\)/);
  } finally {
    await seg.cleanup();
  }
});
