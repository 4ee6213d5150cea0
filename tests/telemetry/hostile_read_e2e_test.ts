/**
 * The real CLI (documented narrow flags) reading telemetry files it did not
 * write: secrets, e-mail addresses, absolute paths and control characters in
 * every field of `events.jsonl`, a rotated file, `metrics.json` and
 * `last_run.json` never reach stdout or stderr of `telemetry report`,
 * `telemetry export` (JSON and CSV), `telemetry health` or `ctx stats`.
 *
 * The hostile files sit in a `TRIFECTA_TELEMETRY_DIR` outside the segment:
 * the e2e helpers copy every segment's `_ctx/` for the suite's no-PII scan,
 * which would (rightly) flag a hostile file left in it. Reading from the
 * default `<segment>/_ctx/telemetry` goes through the same reader
 * (tests/telemetry/read_redaction_test.ts reads it there).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../e2e/helpers.ts";
import { secretSamples } from "../_secret_samples.ts";

const SAMPLES = secretSamples();
const AWS = SAMPLES.find((s) => s.rule === "aws-access-key-id")!.secret;
const GH = SAMPLES.find((s) => s.rule === "github-token")!.secret;
const EMAIL = "erin" + "@" + "example.org";
const HOME = "/home/erin/proj/x.py";
const FORBIDDEN = [AWS, GH, EMAIL, "/home/erin", "\x1b", "\u202e"];

function hostileLine(cmd: string): string {
  return JSON.stringify({
    ts: `2025-01-01T00:00:00.000Z ${GH}`,
    run_id: AWS,
    segment_id: EMAIL,
    cmd,
    args: { query_preview: `find ${AWS}_x in ${HOME}`, [EMAIL]: HOME, deep: [[GH]] },
    result: { status: "ok", hits: 0, path: `file://${HOME}`, stop_reason: `${EMAIL}` },
    timing_ms: 4,
    tokens: { note: GH },
    warnings: [`failed on ${HOME} for ${EMAIL}`, `ok\nFAKE LINE ${AWS}\x1b[2J\u202e`],
    x: { cache_key: `${AWS}_k`, [GH]: 1 },
  }) + "\n";
}

async function withHostileTelemetry(
  fn: (root: string, env: Record<string, string>) => Promise<void>,
): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-tel-shipped-" }));
  const dir = `${root}-tel`;
  try {
    await Deno.mkdir(dir);
    await Deno.writeTextFile(join(dir, "events.1.jsonl"), hostileLine(`ctx.get ${GH}`));
    await Deno.writeTextFile(join(dir, "events.jsonl"), hostileLine("ctx.search"));
    await Deno.writeTextFile(
      join(dir, "metrics.json"),
      JSON.stringify({ [`cmd.${GH}.count`]: 2, [AWS]: 3, [`${EMAIL}\x1b[2J`]: 1 }),
    );
    await Deno.writeTextFile(
      join(dir, "last_run.json"),
      JSON.stringify({ run_id: AWS, top_warnings: [HOME, EMAIL], pack_state: { pack_sha: GH } }),
    );
    await fn(root, { TRIFECTA_TELEMETRY_DIR: dir });
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(dir, { recursive: true });
  }
}

function assertClean(what: string, r: { code: number; stdout: string; stderr: string }): void {
  const out = r.stdout + r.stderr;
  const leaks = FORBIDDEN.filter((f) => out.includes(f)).map((f) => JSON.stringify(f));
  assert.deepEqual(leaks, [], `${what}:\n${out}`);
  // A newline inside a read string never starts a line of its own.
  assert.ok(!/^FAKE LINE/m.test(out), `${what}:\n${out}`);
}

Deno.test("telemetry report (--json and text) prints shipped telemetry redacted", async () => {
  await withHostileTelemetry(async (root, env) => {
    // --json first: each run then writes its own last_run.json and event.
    const json = await runCli(["telemetry", "report", "-s", root, "--last", "0", "--json"], {
      env,
    });
    assert.equal(json.code, 0, json.stderr);
    assertClean("report --json", json);
    const r = JSON.parse(json.stdout);
    assert.deepEqual(
      r.commands.map((c: { cmd: string }) => c.cmd).sort(),
      ["ctx.get <SECRET_REDACTED>", "ctx.search"],
    );
    assert.equal(r.metrics["<SECRET_REDACTED>"], 3);
    assert.equal(r.last_run.run_id, "<SECRET_REDACTED>");
    assert.deepEqual(r.last_run.top_warnings, ["<ABS_PATH_REDACTED>", "<EMAIL_REDACTED>"]);
    const text = await runCli(["telemetry", "report", "-s", root, "--last", "0"], { env });
    assert.equal(text.code, 0, text.stderr);
    assertClean("report", text);
    assert.match(text.stdout, /failed on <ABS_PATH_REDACTED> for <EMAIL_REDACTED>/);
  });
});

Deno.test("telemetry export (JSON and CSV) writes shipped telemetry redacted", async () => {
  await withHostileTelemetry(async (root, env) => {
    const json = await runCli(["telemetry", "export", "-s", root, "--format", "json"], { env });
    assert.equal(json.code, 0, json.stderr);
    assertClean("export json", json);
    const events = JSON.parse(json.stdout).events;
    assert.equal(events.length, 2);
    assert.equal(events[1].args.query_preview, "find <SECRET_REDACTED>_x in <ABS_PATH_REDACTED>");
    const csv = await runCli(["telemetry", "export", "-s", root, "--format", "csv"], { env });
    assert.equal(csv.code, 0, csv.stderr);
    assertClean("export csv", csv);
    assert.match(csv.stdout, /,ctx\.search,4,ok,<SECRET_REDACTED>\n/);
    // The runs merged their counters into the shipped metrics.json: the names
    // they wrote back are redacted too (the counts kept).
    const telDir = env.TRIFECTA_TELEMETRY_DIR;
    assert.ok(telDir, "the shipped directory is set");
    const merged = await Deno.readTextFile(join(telDir, "metrics.json"));
    assertClean("metrics.json after a merge", { code: 0, stdout: merged, stderr: "" });
    assert.equal(JSON.parse(merged)["<SECRET_REDACTED>"], 3);
  });
});

Deno.test("telemetry health and ctx stats print shipped telemetry redacted", async () => {
  await withHostileTelemetry(async (root, env) => {
    for (const args of [["telemetry", "health"], ["ctx", "stats"]]) {
      for (const json of [[], ["--json"]]) {
        const r = await runCli([...args, "-s", root, ...json], { env });
        assert.ok(r.code === 0 || r.code === 2, `${args.join(" ")}: ${r.code} ${r.stderr}`);
        assertClean(`${args.join(" ")} ${json.join(" ")}`, r);
      }
    }
    const stats = await runCli(["ctx", "stats", "-s", root, "--json"], { env });
    const s = JSON.parse(stats.stdout);
    assert.deepEqual(s.top_zero_hit_queries, [
      { query_preview: "find <SECRET_REDACTED>_x in <ABS_PATH_REDACTED>", count: 1 },
    ]);
  });
});
