/**
 * `telemetry export --format otlp`: the output checked against the official
 * OTLP protocol definitions (tests/telemetry/otlp_proto.ts), the span tree
 * (a command and the internal events it caused), the redaction of a
 * hostile telemetry file, request splitting, stable ids, and the file
 * output.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CLI_FLAGS, runCli } from "../e2e/helpers.ts";
import { secretSamples } from "../_secret_samples.ts";
import { exportOtlp, SPANS_PER_REQUEST } from "../../lib/telemetry/otlp_json.ts";
import { readTelemetry } from "../../lib/telemetry/mod.ts";
import { checkMessage, METRICS_REQUEST, otlpRoot, roundTrip, TRACE_REQUEST } from "./otlp_proto.ts";

const ROOT = otlpRoot();
const TRACES = ROOT.lookupType(TRACE_REQUEST);
const METRICS = ROOT.lookupType(METRICS_REQUEST);

type Json = Record<string, unknown>;
interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: Record<string, unknown> }[];
  status: { code: number; message?: string };
}

/** The lines of an export, parsed: trace requests first, the metrics request last. */
function parseLines(text: string): { traces: Json[]; metrics: Json } {
  assert.ok(text.endsWith("\n"));
  const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l) as Json);
  const metrics = lines.pop();
  assert.ok(metrics && "resourceMetrics" in metrics, "the last line is the metrics request");
  for (const l of lines) assert.ok("resourceSpans" in l, "the other lines are trace requests");
  return { traces: lines, metrics };
}

function spansOf(request: Json): Span[] {
  const rs = request.resourceSpans as { scopeSpans: { spans: Span[] }[] }[];
  return rs.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
}

function attr(span: Span, key: string): unknown {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v === undefined ? undefined : Object.values(v)[0];
}

async function withSegment(fn: (root: string, work: string) => Promise<void>): Promise<void> {
  const work = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-otlp-" }));
  const root = join(work, "seg");
  try {
    await Deno.mkdir(join(root, "src"), { recursive: true });
    await Deno.writeTextFile(
      join(root, "src", "app.py"),
      "def f():\n    return 1\n\nclass A:\n    pass\n",
    );
    await Deno.writeTextFile(join(root, "src", "b.py"), "import os\n\ndef g(x):\n    return x\n");
    await fn(root, work);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

Deno.test("every line of an OTLP export of real commands conforms to the official OTLP protos", async () => {
  await withSegment(async (root, work) => {
    for (const args of [["ast", "skeleton", "src"], ["ast", "symbols", "src/app.py"], ["map"]]) {
      const r = await runCli([...args, "-s", root]);
      assert.equal(r.code === 0 || r.code === 1, true, r.stderr);
    }
    const out = join(work, "trifecta.otlp.jsonl");
    const r = await runCli([
      "telemetry",
      "export",
      "-s",
      root,
      "--format",
      "otlp",
      "-o",
      out,
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.format, "otlp");
    assert.ok(summary.spans >= 4, r.stdout);
    const { traces, metrics } = parseLines(await Deno.readTextFile(out));
    assert.equal(traces.length, 1);
    for (const t of traces) {
      assert.deepEqual(checkMessage(TRACES, t), []);
      const back = roundTrip(TRACES, t);
      assert.equal(spansOf(back as Json).length, spansOf(t).length);
    }
    assert.deepEqual(checkMessage(METRICS, metrics), []);
    roundTrip(METRICS, metrics);
    const names = spansOf(traces[0]!).map((s) => s.name);
    for (const n of ["trifecta.ast.skeleton", "trifecta.map", "trifecta.ast.parse"]) {
      assert.ok(names.includes(n), `${n} in ${names.join(", ")}`);
    }
  });
});

Deno.test("the checker refuses what the OTLP protos do not allow", () => {
  const span = {
    traceId: "ab".repeat(16),
    spanId: "cd".repeat(8),
    name: "x",
    startTimeUnixNano: "1",
    endTimeUnixNano: "2",
  };
  const request = (s: Json) => ({ resourceSpans: [{ scopeSpans: [{ spans: [s] }] }] });
  assert.deepEqual(checkMessage(TRACES, request(span)), []);
  const bad = [
    { ...span, startTimeUnixNano: 1 },
    { ...span, traceId: "AB".repeat(16) },
    { ...span, spanId: "cd".repeat(4) },
    { ...span, kind: 9 },
    { ...span, durationMs: 3 },
    { ...span, attributes: [{ key: "k", value: { stringValue: "a", intValue: "1" } }] },
  ];
  for (const b of bad) assert.notDeepEqual(checkMessage(TRACES, request(b)), [], JSON.stringify(b));
});

Deno.test("a command is the root span of its trace, the internal events it caused are its children", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-otlp-tree-" });
  try {
    const line = (cmd: string, run: string, ts: string, ms: number, status = "ok") =>
      JSON.stringify({
        ts,
        run_id: run,
        segment_id: "0123abcd",
        cmd,
        args: { file: "src/a.py" },
        result: status === "ok" ? { status } : { status, error_code: "FILE_NOT_FOUND" },
        timing_ms: ms,
      });
    await Deno.writeTextFile(
      join(dir, "events.jsonl"),
      [
        line("ast.parse", "run_a", "2026-01-01T00:00:00.010Z", 4),
        line("ast.parse", "run_b", "2026-01-01T00:00:00.011Z", 2),
        line("ast.skeleton", "run_a", "2026-01-01T00:00:00.020Z", 20),
        line("ast.symbols", "run_b", "2026-01-01T00:00:00.030Z", 25, "error"),
        line("lsp.spawn", "run_b", "2026-01-01T00:00:00.040Z", 3),
      ].join("\n") + "\n",
    );
    const names = new Set(["ast.skeleton", "ast.symbols"]);
    const out = exportOtlp(await readTelemetry(dir), { version: "9.9.9", commandNames: names });
    const spans = spansOf(parseLines(out.text).traces[0]!);
    const byName = (n: string) => spans.filter((s) => s.name === `trifecta.${n}`);
    const [skeleton] = byName("ast.skeleton");
    const [symbols] = byName("ast.symbols");
    assert.ok(skeleton && symbols);
    assert.equal(skeleton.parentSpanId, undefined);
    assert.equal(skeleton.startTimeUnixNano, "1767225600000000000");
    assert.equal(skeleton.endTimeUnixNano, "1767225600020000000");
    const parses = byName("ast.parse");
    assert.deepEqual(
      parses.map((p) => p.parentSpanId).sort(),
      [skeleton.spanId, symbols.spanId].sort(),
    );
    for (const p of parses) {
      const parent: Span = p.parentSpanId === skeleton.spanId ? skeleton : symbols;
      assert.equal(p.traceId, parent.traceId);
      assert.ok(BigInt(p.startTimeUnixNano) >= BigInt(parent.startTimeUnixNano));
    }
    assert.notEqual(skeleton.traceId, symbols.traceId);
    assert.deepEqual(symbols.status, { code: 2, message: "FILE_NOT_FOUND" });
    assert.equal(attr(symbols, "segment_id"), "0123abcd");
    assert.equal(attr(symbols, "args.file"), "src/a.py");
    // After run_b's last command: a span of its own trace, no parent.
    const [spawn] = byName("lsp.spawn");
    assert.ok(spawn);
    assert.equal(spawn.parentSpanId, undefined);
    assert.ok(spans.every((s) => s.traceId !== spawn.traceId || s === spawn));
    // The same file exports the same ids (an upload can be repeated).
    const again = exportOtlp(await readTelemetry(dir), { version: "9.9.9", commandNames: names });
    assert.deepEqual(
      spansOf(parseLines(again.text).traces[0]!).map((s) => s.spanId),
      spans.map((s) => s.spanId),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a large export is split into trace requests of at most SPANS_PER_REQUEST spans", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-otlp-split-" });
  try {
    const n = SPANS_PER_REQUEST * 2 + 5;
    const lines = Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        ts: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
        run_id: `run_${i % 7}`,
        cmd: i % 10 === 9 ? "ast.skeleton" : "ast.cache.write",
        timing_ms: 1 + (i % 50),
        result: { status: "ok" },
      }));
    await Deno.writeTextFile(join(dir, "events.jsonl"), lines.join("\n") + "\n");
    const out = exportOtlp(await readTelemetry(dir), {
      version: "1.0.0",
      commandNames: new Set(["ast.skeleton"]),
    });
    const { traces, metrics } = parseLines(out.text);
    assert.equal(out.spans, n);
    assert.deepEqual(traces.map((t) => spansOf(t).length), [
      SPANS_PER_REQUEST,
      SPANS_PER_REQUEST,
      5,
    ]);
    const ids = new Set(traces.flatMap((t) => spansOf(t).map((s) => s.spanId)));
    assert.equal(ids.size, n, "span ids are unique");
    for (const t of traces) assert.deepEqual(checkMessage(TRACES, t), []);
    assert.deepEqual(checkMessage(METRICS, metrics), []);
    const rm = metrics.resourceMetrics as { scopeMetrics: { metrics: Json[] }[] }[];
    const histogram = rm[0]?.scopeMetrics[0]?.metrics.find((m) =>
      m.name === "trifecta.event.duration"
    );
    const points =
      (histogram?.histogram as { dataPoints: { count: string; bucketCounts: string[] }[] })
        .dataPoints;
    const total = points.reduce((s, p) => s + Number(p.count), 0);
    assert.equal(total, n);
    for (const p of points) {
      assert.equal(p.bucketCounts.reduce((s, c) => s + Number(c), 0), Number(p.count));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const SAMPLES = secretSamples();
const AWS = SAMPLES.find((s) => s.rule === "aws-access-key-id")!.secret;
const GH = SAMPLES.find((s) => s.rule === "github-token")!.secret;
const EMAIL = "erin" + "@" + "example.org";
const HOME = "/home/erin/proj/x.py";
const FORBIDDEN = [AWS, GH, EMAIL, "/home/erin", "file:///", "\x1b", "\u202e"];

function hostileLine(cmd: string, ts: string): string {
  return JSON.stringify({
    ts,
    run_id: `run_${AWS}`,
    segment_id: EMAIL,
    cmd,
    args: { query_preview: `find ${AWS}_x in ${HOME}`, [EMAIL]: HOME, deep: [[GH]], [HOME]: 1 },
    result: { status: "ok", path: `file://${HOME}`, stop_reason: `${EMAIL}` },
    timing_ms: 4,
    tokens: { total_tokens: 3, note: GH },
    warnings: [`failed on ${HOME} for ${EMAIL}`, `ok\nFAKE ${AWS}\x1b[2J\u202e`],
    x: { cache_key: `${AWS}_k`, [GH]: 1 },
  });
}

Deno.test("no absolute path, home directory or secret from a hostile telemetry file reaches the OTLP export", async () => {
  await withSegment(async (root, work) => {
    const dir = join(work, "tel");
    await Deno.mkdir(dir);
    await Deno.writeTextFile(
      join(dir, "events.jsonl"),
      [
        hostileLine(`ast.parse ${HOME}`, "2026-01-01T00:00:00.001Z"),
        hostileLine("ast.skeleton", "2026-01-01T00:00:00.002Z"),
        hostileLine(`ctx.get ${GH}`, `2026-01-01 ${GH}`),
      ].join("\n") + "\n",
    );
    await Deno.writeTextFile(
      join(dir, "metrics.json"),
      JSON.stringify({ [`cmd.${GH}.count`]: 2, [HOME]: 3, [`${EMAIL}\x1b[2J`]: 1 }),
    );
    const env = { TRIFECTA_TELEMETRY_DIR: dir };
    const r = await runCli(["telemetry", "export", "-s", root, "--format", "otlp"], { env });
    assert.equal(r.code, 0, r.stderr);
    const { traces, metrics } = parseLines(r.stdout);
    assert.equal(spansOf(traces[0]!).length, 2);
    assert.match(r.stderr, /1 event\(s\) without a usable "ts"/);
    for (const t of traces) assert.deepEqual(checkMessage(TRACES, t), []);
    assert.deepEqual(checkMessage(METRICS, metrics), []);
    for (const text of [r.stdout, r.stderr]) {
      for (const bad of FORBIDDEN) assert.ok(!text.includes(bad), `leaked ${JSON.stringify(bad)}`);
      assert.ok(!text.includes(root), "no segment path");
    }
  });
});

Deno.test("-o replaces an existing file whole by a rename (a new inode), leaving no temp file", async () => {
  await withSegment(async (root, work) => {
    assert.equal((await runCli(["ast", "skeleton", "src", "-s", root])).code, 0);
    const out = join(work, "export.jsonl");
    await Deno.writeTextFile(out, "x".repeat(1_000_000));
    const before = (await Deno.stat(out)).ino;
    const args = ["telemetry", "export", "-s", root, "--format", "otlp", "-o", out];
    const r = await runCli(args, { flags: CLI_FLAGS });
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual((await Deno.stat(out)).ino, before, "renamed over, not written in place");
    const { traces } = parseLines(await Deno.readTextFile(out));
    assert.ok(spansOf(traces[0]!).length > 0);
    const left = [];
    for await (const e of Deno.readDir(work)) if (e.name.endsWith(".tmp")) left.push(e.name);
    assert.deepEqual(left, []);
  });
});
