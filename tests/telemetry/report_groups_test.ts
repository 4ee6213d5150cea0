/**
 * `telemetry report`: user commands first with the internal events they
 * caused grouped under them, and a latency histogram whose log-scale
 * buckets spread the data.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../e2e/helpers.ts";
import { groupEvents } from "../../lib/telemetry/report_groups.ts";
import { logHistogram } from "../../lib/telemetry/report_histogram.ts";
import { commandTree } from "../../lib/telemetry/report_commands.ts";
import { histogram } from "../../lib/telemetry/chart.ts";
import type { StoredEvent } from "../../lib/telemetry/mod.ts";

function ev(cmd: string, run: string | undefined, timing = 1, status = "ok"): StoredEvent {
  return { cmd, run_id: run, args: {}, result: { status }, timing_ms: timing, warnings: [], x: {} };
}

const NAMES = new Set(["ast.skeleton", "map", "ctx.search"]);

Deno.test("internal events belong to the next command of their own run, even interleaved with other runs", () => {
  const groups = groupEvents([
    ev("ast.parse", "a"),
    ev("ast.cache.write", "b"),
    ev("ast.parse", "a"),
    ev("map", "b"),
    ev("ast.skeleton", "a"),
    ev("ast.parse", "a"),
    ev("ast.skeleton", "a"),
  ], { commandNames: NAMES });
  assert.deepEqual(
    groups.map((g) => [g.run, g.command?.cmd, g.internal.map((e) => e.cmd)]),
    [
      ["b", "map", ["ast.cache.write"]],
      ["a", "ast.skeleton", ["ast.parse", "ast.parse"]],
      ["a", "ast.skeleton", ["ast.parse"]],
    ],
  );
  assert.deepEqual(groups.map((g) => g.positions), [[0, 1], [0, 1, 2], [3, 4]]);
});

Deno.test("events after their run's last command, or of a run without one, belong to no command", () => {
  const groups = groupEvents(
    [ev("ctx.search", "a"), ev("lsp.daemon_status", "d"), ev("lsp.spawn", "a"), ev("x", undefined)],
    { commandNames: NAMES },
  );
  assert.deepEqual(
    groups.map((g) => [g.run, g.command?.cmd ?? null, g.internal.length]),
    [["a", "ctx.search", 0], ["", null, 1], ["a", null, 1], ["d", null, 1]],
  );
});

Deno.test("mcp tool calls are commands; without a command list the last event of a run is its command", () => {
  const events = [
    ev("ast.parse", "m"),
    ev("mcp.symbol", "m"),
    ev("ast.parse", "c"),
    ev("anything", "c"),
  ];
  const named = groupEvents(events, { commandNames: new Set() });
  assert.deepEqual(named.filter((g) => g.command).map((g) => g.command?.cmd), ["mcp.symbol"]);
  const guessed = groupEvents(events);
  assert.deepEqual(guessed.map((g) => g.command?.cmd), ["mcp.symbol", "anything"]);
});

Deno.test("the report's user commands carry their internal events, counts and latencies", () => {
  const t = commandTree([
    ev("ast.parse", "a", 10),
    ev("ast.parse", "a", 30),
    ev("ast.skeleton", "a", 50),
    ev("ast.parse", "b", 20),
    ev("ast.skeleton", "b", 70, "error"),
    ev("lsp.spawn", "b", 5),
  ], { commandNames: NAMES });
  assert.deepEqual(t.user_commands, [{
    cmd: "ast.skeleton",
    count: 2,
    errors: 1,
    p50_ms: 70,
    p95_ms: 70,
    max_ms: 70,
    internal: [{
      cmd: "ast.parse",
      count: 3,
      per_command: 1.5,
      p50_ms: 20,
      p95_ms: 30,
      max_ms: 30,
      total_ms: 60,
    }],
  }]);
  assert.deepEqual(t.internal_unattributed.map((r) => [r.cmd, r.count]), [["lsp.spawn", 1]]);
  assert.equal(t.latency_histogram.of, "user_commands");
  assert.equal(t.latency_histogram.counts.reduce((a, b) => a + b, 0), 2);
});

Deno.test("log-scale buckets spread a long-tailed sample that equal-width buckets pile into the first", () => {
  // Like the django data: thousands of fast operations, a few slow ones.
  const values: number[] = [];
  for (let i = 0; i < 7119; i++) values.push(1 + (i % 40));
  for (let i = 0; i < 35; i++) values.push(200 + i * 900);
  const equalWidth = histogram(values).split("\n")[0] ?? "";
  assert.match(equalWidth, /│ 71[1-5]\d /, "the old histogram: everything fast in one bucket");
  const h = logHistogram(values);
  assert.equal(h.counts.reduce((a, b) => a + b, 0), values.length);
  assert.equal(h.edges_ms[0], 1);
  assert.equal(h.edges_ms.at(-1), 200 + 34 * 900);
  for (let i = 1; i < h.edges_ms.length; i++) {
    assert.ok(h.edges_ms[i]! > h.edges_ms[i - 1]!, "edges ascend");
  }
  const nonEmpty = h.counts.filter((c) => c > 0).length;
  assert.ok(nonEmpty >= 8, `${nonEmpty} non-empty buckets of ${h.counts.length}`);
  assert.ok(Math.max(...h.counts) < values.length * 0.5, JSON.stringify(h));
  // Equal ratios between edges: a log scale.
  const ratios = h.edges_ms.slice(1, -1).map((e, i) => e / h.edges_ms[i]!);
  for (const r of ratios) assert.ok(Math.abs(r - ratios[0]!) < 0.05 * ratios[0]!, String(ratios));
});

Deno.test("one value, or equal values, make one bucket; no value, no bucket", () => {
  assert.deepEqual(logHistogram([7]), { edges_ms: [7, 7], counts: [1] });
  assert.deepEqual(logHistogram([3, 3, 3]), { edges_ms: [3, 3], counts: [3] });
  assert.deepEqual(logHistogram([]), { edges_ms: [], counts: [] });
  assert.deepEqual(logHistogram([0, 0, 5]).counts.reduce((a, b) => a + b, 0), 3);
});

Deno.test("telemetry report shows user commands first, their internal events under them, and keeps the JSON keys", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-report-groups-" }));
  try {
    await Deno.mkdir(join(root, "src"));
    await Deno.writeTextFile(join(root, "src", "a.py"), "def f():\n    return 1\n");
    // A memory cache (the persistent one is the default since issue 16): its events are not what this checks.
    const sk = await runCli(["ast", "skeleton", "src", "-s", root, "--no-persist-cache"]);
    assert.equal(sk.code, 0);
    const r = await runCli(["telemetry", "report", "-s", root, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    for (
      const key of [
        "status",
        "events",
        "runs",
        "commands",
        "cache",
        "drops",
        "tokens",
        "top_warnings",
      ]
    ) {
      assert.ok(key in j, key);
    }
    const skeleton = j.user_commands.find((c: { cmd: string }) => c.cmd === "ast.skeleton");
    assert.equal(skeleton.count, 1);
    assert.deepEqual(skeleton.internal.map((i: { cmd: string }) => i.cmd), ["ast.parse"]);
    assert.ok(!j.user_commands.some((c: { cmd: string }) => c.cmd === "ast.parse"));
    const text = (await runCli(["telemetry", "report", "-s", root])).stdout;
    const user = text.indexOf("User commands");
    const all = text.indexOf("All events");
    assert.ok(user > 0 && all > user, "user commands come before all events");
    assert.match(
      text.slice(user, all),
      /ast\.skeleton\s+1\s+0[^\n]*\n\s+↳ ast\.parse\s+1 \(1\/run\)/,
    );
    assert.match(text, /Latency histogram of user commands \(timing_ms, log scale\)/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
