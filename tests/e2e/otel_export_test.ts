/**
 * The live OpenTelemetry export end to end: real CLI runs (subprocesses)
 * send to a loopback OTLP/HTTP receiver (tests/e2e/otel_receiver.ts, a child
 * process: the suite has no net grant), and the test reads what arrived.
 * The segment is hostile: its path, a file name and the file's contents hold
 * synthetic secrets (tests/_secret_samples.ts) and a content marker.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { CLI_FLAGS, narrowFlags, removeSegment, runCli, tempExample } from "./helpers.ts";
import { daemonPaths } from "../../lib/lsp/daemon_paths.ts";
import { readPack } from "../../lib/context/mod.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { secretSamples } from "../_secret_samples.ts";
import { ABS_PATH_REDACTED, SECRET_REDACTED } from "../../lib/telemetry/mod.ts";

const RECEIVER = new URL("./otel_receiver.ts", import.meta.url).pathname;
const OTEL_ENV =
  "--allow-env=OTEL_EXPORTER_OTLP_ENDPOINT,OTEL_EXPORTER_OTLP_TIMEOUT,OTEL_SERVICE_NAME";
const CONTENT_MARKER = "CONTENT_MARKER_q7Zx";

interface Receiver {
  port: number;
  dir: string;
  requests(): Promise<{ path: string; contentType: string; body: string }[]>;
  stop(): Promise<void>;
}

async function startReceiver(mode: "ok" | "slow" | "dead"): Promise<Receiver> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-otlp-recv-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", `--allow-write=${dir}`, RECEIVER, mode, dir],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let first = "";
  while (!first.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the receiver ended before printing its port");
    first += value;
  }
  return {
    port: Number(first.trim()),
    dir,
    async requests() {
      let text = "";
      try {
        text = await Deno.readTextFile(join(dir, "requests.jsonl"));
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err; // nothing arrived
      }
      return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
    },
    async stop() {
      child.kill();
      await reader.cancel();
      await child.status;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Secrets planted in the segment: one in its path, one in a file name, more in the file. */
function plantedSecrets() {
  const all = secretSamples();
  const pick = (rule: string, i = 0) => all.filter((s) => s.rule === rule)[i];
  const inPath = pick("github-token");
  const inName = pick("npm-token");
  const inContent = [pick("aws-secret-access-key"), pick("slack-token"), pick("openai-api-key")];
  if (!inPath || !inName || inContent.some((s) => s === undefined)) throw new Error("samples");
  return { inPath: inPath!, inName: inName!, inContent: inContent.map((s) => s!) };
}

/**
 * A segment with secrets in its own directory name, file names and contents.
 * `ctx build` runs on it too: the pack stores a name holding a secret as the
 * label `segment` (lib/context/build_chunks.ts `segmentLabel`).
 */
async function hostileSegment(): Promise<{ root: string; secrets: string[] }> {
  const s = plantedSecrets();
  const base = await Deno.makeTempDir({ prefix: "trifecta-otel-" });
  const root = join(base, `seg-${s.inPath.secret}`);
  await Deno.mkdir(join(root, "src"), { recursive: true });
  const body = [
    `"""${CONTENT_MARKER} module."""`,
    ...s.inContent.map((x, i) => `TOKEN_${i} = ${JSON.stringify(x.text)}`),
    "",
    "def restock(item):",
    `    return "${CONTENT_MARKER}" + item`,
    "",
  ].join("\n");
  // A file whose name holds a secret (the read boundary skips it) and one
  // that is parsed, whose contents hold secrets.
  await Deno.writeTextFile(join(root, "src", `config_${s.inName.secret}.py`), body);
  await Deno.writeTextFile(join(root, "src", "settings.py"), body);
  await Deno.writeTextFile(join(root, "src", "app.py"), "def main():\n    return 1\n");
  return {
    root: await Deno.realPath(root),
    secrets: [s.inPath.secret, s.inName.secret, ...s.inContent.map((x) => x.secret)],
  };
}

/** Remove a segment made by {@linkcode hostileSegment} and its temporary parent. */
async function dropSegment(root: string): Promise<void> {
  await removeSegment(root);
  await Deno.remove(dirname(root));
}

function exportFlags(args: string[], port: number, cwd?: string): string[] {
  return [...narrowFlags(args, cwd), OTEL_ENV, `--allow-net=127.0.0.1:${port}`];
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: Record<string, unknown> }[];
  status: { code: number; message?: string };
}

function spansOf(bodies: string[]): OtlpSpan[] {
  return bodies.flatMap((b) =>
    JSON.parse(b).resourceSpans.flatMap((r: { scopeSpans: { spans: OtlpSpan[] }[] }) =>
      r.scopeSpans.flatMap((s) => s.spans)
    )
  );
}

function attr(span: OtlpSpan, key: string): unknown {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v === undefined ? undefined : Object.values(v)[0];
}

interface OtlpMetric {
  name: string;
  sum?: { dataPoints: { asInt?: string }[] };
  histogram?: { dataPoints: { attributes: { key: string; value: { stringValue?: string } }[] }[] };
}

function metricsOf(bodies: string[]): OtlpMetric[] {
  return bodies.flatMap((b) =>
    JSON.parse(b).resourceMetrics.flatMap((r: { scopeMetrics: { metrics: OtlpMetric[] }[] }) =>
      r.scopeMetrics.flatMap((s) => s.metrics)
    )
  );
}

/** Every string that must never reach the collector. */
function forbidden(root: string, secrets: string[]): string[] {
  const home = Deno.env.get("HOME");
  return [
    root,
    root.slice(0, root.lastIndexOf("/")),
    ...(home !== undefined && home.length > 1 ? [home] : []),
    ...secrets,
    CONTENT_MARKER,
  ];
}

Deno.test("live export: each command is a trace trifecta.<cmd> with stage child spans, counters and latency histograms, and no path, home, secret or content", async () => {
  const recv = await startReceiver("ok");
  const { root, secrets } = await hostileSegment();
  try {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${recv.port}` };
    const runs = [
      ["ast", "skeleton", root, "-s", root, "--json"],
      ["ctx", "build", "-s", root, "--json"],
      ["ctx", "search", "-s", root, "-q", "restock", "-l", "2", "--json"],
      // Queries that hold a secret, an absolute path: the events keep redacted previews.
      ["ctx", "search", "-s", root, "-q", secrets[3] ?? "", "--json"],
      ["ctx", "search", "-s", root, "-q", `${root}/src/settings.py`, "--json"],
    ];
    for (const args of runs) {
      const r = await runCli(args, { env, flags: exportFlags(args, recv.port) });
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    }
    const reqs = await recv.requests();
    assert.ok(reqs.every((q) => q.contentType === "application/json"), "OTLP/JSON");
    const traces = reqs.filter((q) => q.path === "/v1/traces").map((q) => q.body);
    const metrics = reqs.filter((q) => q.path === "/v1/metrics").map((q) => q.body);
    assert.equal(traces.length, runs.length, "one trace request per command");
    assert.equal(metrics.length, runs.length, "one metrics request per command");

    const spans = spansOf(traces);
    const root1 = spans.find((s) => s.name === "trifecta.ast.skeleton");
    assert.ok(root1, spans.map((s) => s.name).join(", "));
    assert.equal(root1.parentSpanId, undefined, "the command span is the trace's root");
    assert.match(String(attr(root1, "segment_id")), /^[0-9a-f]{8}$/);
    assert.equal(attr(root1, "result.status"), "ok");
    const parses = spans.filter((s) =>
      s.name === "trifecta.ast.parse" && s.traceId === root1.traceId
    );
    assert.equal(parses.length, 2, "one parse span per parsed file");
    for (const p of parses) {
      assert.equal(p.parentSpanId, root1.spanId);
      assert.match(String(attr(p, "args.file")), /^src\/(app|settings)\.py$/);
    }
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (const s of spans.filter((s) => s.parentSpanId)) {
      assert.equal(byId.get(s.parentSpanId ?? "")?.traceId, s.traceId, `${s.name} has its parent`);
    }
    for (const name of ["trifecta.ctx.build", "trifecta.ctx.search"]) {
      const r = spans.find((s) => s.name === name);
      assert.ok(r && r.parentSpanId === undefined, name);
      assert.notEqual(r.traceId, root1.traceId, "each command its own trace");
    }
    // The pack stage: a child of `ctx build`, parent of the parses it ran.
    const build = spans.find((s) => s.name === "trifecta.ctx.build");
    const pack = spans.find((s) => s.name === "trifecta.ctx.pack.build");
    assert.ok(build && pack);
    assert.equal(pack.parentSpanId, build.spanId);
    const packParses = spans.filter((s) =>
      s.name === "trifecta.ast.parse" && s.traceId === build.traceId
    );
    assert.ok(packParses.length >= 2 && packParses.every((s) => s.parentSpanId === pack.spanId));

    const names = metricsOf(metrics).map((m) => m.name);
    assert.ok(names.includes("trifecta.ast_parse_count"), names.join(", "));
    const hist = metricsOf(metrics).find((m) => m.name === "trifecta.event.duration");
    const events = hist?.histogram?.dataPoints.map((p) =>
      p.attributes.find((a) => a.key === "event")?.value.stringValue
    );
    assert.ok(events?.includes("ast.parse") && events.includes("ast.skeleton"), `${events}`);

    for (const q of reqs) {
      for (const bad of forbidden(root, secrets)) {
        assert.ok(!q.body.includes(bad), `${q.path} holds ${bad.slice(0, 12)}…`);
      }
    }
    // The pack the build wrote holds no name of the segment either (the
    // suite's no-PII scan reads it too).
    // Since issue 16 the pack is one SQLite file with DEFLATE-compressed
    // texts: scan its bytes (labels and paths are plain) and its chunks
    // read back decompressed.
    const packBytes = await Deno.readFile(join(root, "_ctx", "context_pack.db"));
    const { pack: stored } = await readPack(await resolveSegment(root));
    const packText = new TextDecoder("latin1").decode(packBytes) + JSON.stringify(stored);
    for (const bad of [root, secrets[0] ?? "", (secrets[0] ?? "").toLowerCase()]) {
      assert.ok(!packText.includes(bad), `the pack holds ${bad.slice(0, 12)}…`);
    }
    // The hostile query reached the export, redacted.
    const searches = spans.filter((s) => s.name === "trifecta.ctx.search").map((s) =>
      String(attr(s, "args.query_preview"))
    );
    assert.ok(searches.some((q) => q.includes(SECRET_REDACTED)), searches.join(" | "));
    assert.ok(searches.some((q) => q.includes(ABS_PATH_REDACTED)), searches.join(" | "));

    const health = await runCli(["telemetry", "health", "-s", root, "--json"]);
    const check = JSON.parse(health.stdout).checks.find((c: { name: string }) =>
      c.name === "otel_export"
    );
    assert.equal(check?.status, "OK", health.stdout);
  } finally {
    await recv.stop();
    await dropSegment(root);
  }
});

Deno.test("live export: the MCP server sends one trace per tool call", async () => {
  const recv = await startReceiver("ok");
  const { root, secrets } = await hostileSegment();
  try {
    const call = (id: number, name: string, args: unknown) =>
      JSON.stringify({
        jsonrpc: "2.0",
        id,
        method: "tools/call",
        params: { name, arguments: args },
      });
    const stdin = [
      JSON.stringify({
        jsonrpc: "2.0",
        id: 0,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "t", version: "1" },
        },
      }),
      JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
      call(1, "skeleton", { path: "src" }),
      call(2, "map", {}),
      "",
    ].join("\n");
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${recv.port}` };
    const flags = [...CLI_FLAGS, `--allow-net=127.0.0.1:${recv.port}`];
    const r = await runCli(["mcp", "-s", root], { env, flags, stdin });
    assert.equal(r.code, 0, r.stderr);
    const reqs = await recv.requests();
    const spans = spansOf(reqs.filter((q) => q.path === "/v1/traces").map((q) => q.body));
    const roots = spans.filter((s) => s.parentSpanId === undefined);
    const skel = roots.find((s) => s.name === "trifecta.mcp.skeleton");
    const map = roots.find((s) => s.name === "trifecta.mcp.map");
    assert.ok(skel && map, roots.map((s) => s.name).join(", "));
    assert.notEqual(skel.traceId, map.traceId, "one trace per request");
    const session = roots.find((s) => s.name === "trifecta.mcp");
    assert.ok(session, "the session itself is the command's trace");
    assert.notEqual(session.traceId, skel.traceId);
    const kids = spans.filter((s) => s.parentSpanId === skel.spanId);
    assert.ok(kids.some((s) => s.name === "trifecta.ast.parse"), kids.map((s) => s.name).join());
    assert.ok(kids.every((s) => s.traceId === skel.traceId));
    for (const q of reqs) {
      for (const bad of forbidden(root, secrets)) {
        assert.ok(!q.body.includes(bad), `${q.path} holds ${bad.slice(0, 12)}…`);
      }
    }
  } finally {
    await recv.stop();
    await dropSegment(root);
  }
});

async function lossOf(
  root: string,
): Promise<{ check: Record<string, unknown>; metrics: Record<string, number> }> {
  const h = await runCli(["telemetry", "health", "-s", root, "--json"]);
  const check = JSON.parse(h.stdout).checks.find((c: { name: string }) => c.name === "otel_export");
  const metrics = JSON.parse(
    await Deno.readTextFile(join(root, "_ctx", "telemetry", "metrics.json")),
  );
  return { check, metrics: metrics.counters ?? metrics };
}

Deno.test("a dead collector, a hanging one and a missing net grant: the command finishes and the loss is counted", async () => {
  const slow = await startReceiver("slow");
  const { root } = await hostileSegment();
  try {
    // A port nobody listens on: the receiver bound it, printed it and closed it.
    const deadRecv = await startReceiver("dead");
    const dead = deadRecv.port;
    await deadRecv.stop();
    const cases = [
      { port: dead, grant: true, reason: "unreachable" },
      { port: slow.port, grant: true, reason: "timeout" },
      { port: slow.port, grant: false, reason: "no_grant" },
    ];
    for (const c of cases) {
      const args = ["ast", "skeleton", root, "-s", root, "--json"];
      const env = {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${c.port}`,
        OTEL_EXPORTER_OTLP_TIMEOUT: "500",
      };
      const flags = [
        ...narrowFlags(args),
        OTEL_ENV,
        ...(c.grant ? [`--allow-net=127.0.0.1:${c.port}`] : []),
      ];
      const r = await runCli(args, { env, flags });
      assert.equal(r.code, 0, `${c.reason}: ${r.stderr}`);
      assert.equal(JSON.parse(r.stdout).status, "ok", "the command finished with its answer");
      const { check, metrics } = await lossOf(root);
      assert.ok(
        (metrics[`otel_export_${c.reason}`] ?? 0) >= 1,
        `${c.reason}: ${JSON.stringify(metrics)}`,
      );
      assert.ok((metrics.otel_spans_dropped ?? 0) >= 1);
      assert.equal(check.status, "WARN");
      assert.match(String(check.message), new RegExp(c.reason));
    }
  } finally {
    await slow.stop();
    await dropSegment(root);
  }
});

/**
 * Run a one-line script under Deno's built-in OpenTelemetry (`OTEL_DENO=true`)
 * with no permission at all, sending to `endpoint`.
 */
async function runDenoOtelProbe(endpoint: string): Promise<Deno.CommandOutput> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-otel-probe-" });
  try {
    const script = join(dir, "probe.ts");
    await Deno.writeTextFile(script, 'console.log("probe");\n');
    return await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--no-config", script],
      env: {
        OTEL_DENO: "true",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_TIMEOUT: "500",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

// Why trifecta sends OTLP itself (docs/telemetry_otel.md): two of the three
// reasons are facts about Deno 2.9.6's built-in exporter that hold without a
// network. trifecta's side of each (nothing sent without the grant, counted
// as `no_grant`; a dead collector counted as `unreachable`) is checked by
// "a dead collector, a hanging one and a missing net grant …" above. When
// this test fails, Deno changed: reconsider the built-in exporter.
Deno.test("Deno's built-in exporter sends with no --allow-net and reports nothing when the collector is dead", async () => {
  const recv = await startReceiver("ok");
  try {
    const sent = await runDenoOtelProbe(`http://127.0.0.1:${recv.port}`);
    assert.equal(sent.code, 0, new TextDecoder().decode(sent.stderr));
    const reqs = await recv.requests();
    assert.ok(reqs.length >= 1, "a script without any grant exported to the collector");
  } finally {
    await recv.stop();
  }
  const deadRecv = await startReceiver("dead");
  await deadRecv.stop();
  const lost = await runDenoOtelProbe(`http://127.0.0.1:${deadRecv.port}`);
  assert.equal(lost.code, 0);
  assert.equal(new TextDecoder().decode(lost.stdout), "probe\n");
  assert.equal(new TextDecoder().decode(lost.stderr), "", "the loss is not reported");
});

Deno.test("OTEL_DENO=true: Deno's own runtime export joins trifecta's, and no payload holds a path, home, secret or content", async () => {
  const recv = await startReceiver("ok");
  const { root, secrets } = await hostileSegment();
  try {
    const env = {
      OTEL_DENO: "true",
      // Deno's exporter sends protobuf unless told otherwise; JSON can be scanned as text.
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${recv.port}`,
    };
    const args = ["ast", "skeleton", root, "-s", root, "--json"];
    const flags = [...exportFlags(args, recv.port), "--allow-env=OTEL_DENO"];
    const r = await runCli(args, { env, flags });
    assert.equal(r.code, 0, r.stderr);
    const reqs = await recv.requests();
    const spans = spansOf(reqs.filter((q) => q.path === "/v1/traces").map((q) => q.body));
    assert.ok(spans.some((s) => s.name === "trifecta.ast.skeleton"), "trifecta's trace arrived");
    assert.ok(reqs.every((q) => q.contentType === "application/json"), "JSON only");
    for (const q of reqs) {
      for (const bad of forbidden(root, secrets)) {
        assert.ok(!q.body.includes(bad), `${q.path} holds ${bad.slice(0, 12)}…`);
      }
    }
  } finally {
    await recv.stop();
    await dropSegment(root);
  }
});

const FAKE_SERVER = new URL("../lsp/fixtures/fake_server.ts", import.meta.url).pathname;

async function until(what: string, ok: () => Promise<boolean>, maxMs = 60_000): Promise<void> {
  const end = Date.now() + maxMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

Deno.test("live export: the LSP daemon sends one trace per query, and its own when it stops", async () => {
  const recv = await startReceiver("ok");
  const dir = await tempExample();
  const runtime = await Deno.makeTempDir({ prefix: "trifecta-rt-" });
  const paths = daemonPaths(
    await Deno.realPath(dir),
    (n) => (n === "XDG_RUNTIME_DIR" ? runtime : undefined),
  );
  const env = {
    XDG_RUNTIME_DIR: runtime,
    // A fake server that answers `initialize` only: no pyright, and the query times out fast.
    TRIFECTA_LSP_COMMAND: JSON.stringify([
      Deno.execPath(),
      "run",
      "--no-config",
      FAKE_SERVER,
      "handshake",
    ]),
    TRIFECTA_LSP_REQUEST_TIMEOUT: "0.5",
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${recv.port}`,
  };
  // The daemon gets the collector's grant from the process that starts it.
  const flags = [...CLI_FLAGS, `--allow-net=unix:${paths.socket},127.0.0.1:${recv.port}`];
  const cli = (...args: string[]) => runCli([...args, "-s", dir, "--json"], { env, flags });
  try {
    assert.equal((await cli("lsp", "daemon", "start", "--ttl", "600")).code, 0);
    await until(
      "daemon READY",
      async () => JSON.parse((await cli("lsp", "daemon", "status")).stdout).state === "READY",
    );
    const def = await cli("lsp", "definition", "src/inventory/service.py:11:25");
    assert.equal(def.code, 0, def.stderr);
    assert.equal(JSON.parse((await cli("lsp", "daemon", "status")).stdout).queries, 1);
    assert.equal((await cli("lsp", "daemon", "stop")).code, 0);
    const spansNow = async () =>
      spansOf((await recv.requests()).filter((q) => q.path === "/v1/traces").map((q) => q.body));
    await until(
      "the daemon's last export",
      async () => (await spansNow()).some((s) => s.name === "trifecta.lsp.daemon.serve"),
    );
    const spans = await spansNow();
    const query = spans.find((s) => s.name === "trifecta.lsp.daemon.query");
    assert.ok(query, spans.map((s) => s.name).join(", "));
    assert.equal(query.parentSpanId, undefined, "one trace per query");
    const kids = spans.filter((s) => s.parentSpanId === query.spanId);
    assert.ok(kids.some((s) => s.name.startsWith("trifecta.lsp.")), kids.map((s) => s.name).join());
    const serve = spans.find((s) => s.name === "trifecta.lsp.daemon.serve");
    assert.notEqual(serve?.traceId, query.traceId);
    const client = spans.find((s) => s.name === "trifecta.lsp.definition");
    assert.ok(client && client.traceId !== query.traceId, "the CLI's command is its own trace");
  } finally {
    await cli("lsp", "daemon", "stop");
    await recv.stop();
    await removeSegment(dir);
    await removeSegment(runtime);
  }
});
