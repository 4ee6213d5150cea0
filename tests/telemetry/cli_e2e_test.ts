import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../e2e/helpers.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";
import { exists, fakeEnv } from "./_helpers.ts";

async function withSegment(fn: (root: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-tel-e2e-" });
  try {
    await fn(await Deno.realPath(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Real events written by the Telemetry class, as later commands will write them. */
async function seed(
  root: string,
  events: { cmd: string; result: Record<string, unknown>; args?: Record<string, unknown> }[],
) {
  const t = Telemetry.open(await resolveSegment(root), { env: fakeEnv() });
  for (const e of events) t.event(e.cmd, { args: e.args ?? {}, result: e.result, timingMs: 5 });
  await t.flush();
  return t;
}

Deno.test("telemetry report --json lists the commands run before it, not itself", async () => {
  await withSegment(async (root) => {
    await seed(root, [
      { cmd: "ast.symbols", result: { status: "ok", cache_status: "miss" } },
      { cmd: "ast.symbols", result: { status: "ok", cache_status: "hit" } },
    ]);
    const first = await runCli(["telemetry", "report", "-s", root, "--json", "--last", "0"]);
    assert.equal(first.code, 0, first.stderr);
    const r = JSON.parse(first.stdout);
    assert.equal(r.status, "ok", "status, like every command's JSON");
    assert.deepEqual(r.commands.map((c: { cmd: string }) => c.cmd), ["ast.symbols"]);
    assert.deepEqual(r.cache.by_command, [{
      cmd: "ast.symbols",
      hits: 1,
      misses: 1,
      hit_rate: 0.5,
    }]);
    assert.equal(r.drops.lock_skipped, 0);
    const second = JSON.parse((await runCli(["telemetry", "report", "-s", root, "--json"])).stdout);
    assert.deepEqual(
      second.commands.map((c: { cmd: string; count: number }) => [c.cmd, c.count]),
      [["ast.symbols", 2], ["telemetry.report", 1]],
    );
  });
});

Deno.test("telemetry report prints a table and a bar chart", async () => {
  await withSegment(async (root) => {
    await seed(root, [{ cmd: "ctx.search", result: { status: "ok", hits: 2 } }]);
    const r = await runCli(["telemetry", "report", "-s", root]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Trifecta telemetry report \(last 7 days\)/);
    assert.match(r.stdout, /command\s+count\s+%\s+errors\s+p50 ms\s+p95 ms\s+max ms/);
    assert.match(r.stdout, /ctx\.search\s+│\s+1 █+/);
  });
});

Deno.test("telemetry export writes CSV to a file and logs no absolute path", async () => {
  await withSegment(async (root) => {
    await seed(root, [{ cmd: "ast.skeleton", result: { status: "ok" } }]);
    const out = join(root, "out.csv");
    const r = await runCli(["telemetry", "export", "-s", root, "--format", "csv", "-o", out]);
    assert.equal(r.code, 0, r.stderr);
    const csv = (await Deno.readTextFile(out)).trimEnd().split("\n");
    assert.equal(csv[0], "timestamp,command,timing_ms,status,run_id");
    assert.match(csv[1] ?? "", /,ast\.skeleton,5,ok,run_/);
    const log = await Deno.readTextFile(join(root, "_ctx", "telemetry", "events.jsonl"));
    assert.ok(!log.includes(root), "the -o path is logged relative");
    assert.match(log, /"output":"out\.csv"/);
    const j = await runCli(["telemetry", "export", "-s", root]);
    assert.equal(JSON.parse(j.stdout).events.length, 2);
  });
});

Deno.test("telemetry health exits 0, then 2 on many zero-hit searches, then 3 on many corrupt lines", async () => {
  await withSegment(async (root) => {
    const empty = await runCli(["telemetry", "health", "-s", root]);
    assert.equal(empty.code, 0);
    assert.match(empty.stdout, /No telemetry data found/);

    await seed(root, [{ cmd: "ctx.search", result: { status: "ok", hits: 4 } }]);
    const ok = await runCli(["telemetry", "health", "-s", root, "--json"]);
    assert.equal(ok.code, 0, ok.stdout);
    assert.equal(JSON.parse(ok.stdout).status, "OK");

    await seed(root, [
      {
        cmd: "ctx.search",
        args: { query_preview: "nothing here" },
        result: { status: "ok", hits: 0 },
      },
    ]);
    const warn = await runCli(["telemetry", "health", "-s", root]);
    assert.equal(warn.code, 2, warn.stdout);
    assert.match(warn.stdout, /⚠ Zero-hit ratio \(operational\) 50\.0% exceeds threshold 30\.0%/);
    assert.match(warn.stdout, /nothing here \(count: 1\)/);

    // Torn lines, more than 5% of all lines: corrupt_lines FAILs.
    const events = join(root, "_ctx", "telemetry", "events.jsonl");
    await Deno.writeTextFile(events, "{torn\n".repeat(5), { append: true });
    const fail = await runCli(["telemetry", "health", "-s", root, "--json"]);
    assert.equal(fail.code, 3);
    assert.equal(JSON.parse(fail.stdout).status, "FAIL");
    const log = await Deno.readTextFile(join(root, "_ctx", "telemetry", "events.jsonl"));
    assert.match(
      log,
      /"cmd":"telemetry.health","args":\{\},"result":\{"status":"ok","health":"FAIL"/,
    );
  });
});

Deno.test("TRIFECTA_NO_TELEMETRY=1 and --telemetry off create no telemetry directory", async () => {
  await withSegment(async (root) => {
    const a = await runCli(["telemetry", "report", "-s", root], {
      env: { TRIFECTA_NO_TELEMETRY: "1" },
    });
    assert.equal(a.code, 0, a.stderr);
    const b = await runCli(["telemetry", "report", "-s", root, "--telemetry", "off"]);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(await exists(join(root, "_ctx")), false);
  });
});

Deno.test("TRIFECTA_TELEMETRY_DIR sends the files elsewhere and the commands read from there", async () => {
  await withSegment(async (root) => {
    const dir = join(root, "..", `${root.split("/").pop()}-tel`);
    try {
      const env = { TRIFECTA_TELEMETRY_DIR: dir };
      assert.equal((await runCli(["telemetry", "health", "-s", root], { env })).code, 0);
      const r = JSON.parse(
        (await runCli(["telemetry", "report", "-s", root, "--json"], { env })).stdout,
      );
      assert.deepEqual(r.commands.map((c: { cmd: string }) => c.cmd), ["telemetry.health"]);
      assert.equal(await exists(join(dir, "metrics.json")), true);
      assert.equal(await exists(join(root, "_ctx")), false);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("TRIFECTA_TELEMETRY_LEVEL=full overrides --telemetry lite (events carry proc)", async () => {
  await withSegment(async (root) => {
    const r = await runCli(["telemetry", "report", "-s", root, "--telemetry", "lite"], {
      env: { TRIFECTA_TELEMETRY_LEVEL: "full" },
    });
    assert.equal(r.code, 0, r.stderr);
    const ev = JSON.parse(await Deno.readTextFile(join(root, "_ctx", "telemetry", "events.jsonl")));
    assert.equal(typeof ev.proc.pid, "number");
  });
});
